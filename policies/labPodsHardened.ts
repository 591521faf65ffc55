/**
 * k8s-lab-pods-hardened: the lab pods (labelled with the lab component; in the offline check, the
 * pods KubeSpawner would create for each menu choice) run users' code, so no container of theirs
 * runs as root, except the init container that hands a new home to its user, which may keep
 * CAP_CHOWN and nothing else; and the pod mounts no service-account token, so that code holds no
 * Kubernetes credentials.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { COMPONENTS } from "../components/naming";
import { configOf, containersOf, normalizeCapabilities, validateWorkloads, workloadRef } from "./lib/policy";

export interface LabPodsHardenedConfig {
    /** Init containers that may run as root, with at most CAP_CHOWN added and every other capability dropped. */
    readonly rootInitContainers: string[];
}

const LAB_PODS_HARDENED_DEFAULTS: LabPodsHardenedConfig = { rootInitContainers: ["lab-home"] };

export const labPodsHardened: ResourceValidationPolicy = {
    name: "k8s-lab-pods-hardened",
    description:
        "Lab pods run users' code: no container runs as root (but the home init container, with only CAP_CHOWN) and no service-account token is mounted, so a user's code gets neither root nor Kubernetes credentials.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            rootInitContainers: {
                type: "array",
                items: { type: "string" },
                default: LAB_PODS_HARDENED_DEFAULTS.rootInitContainers,
                description: "Init containers of lab pods that may run as root with only CAP_CHOWN.",
            },
        },
    },
    validateResource: validateWorkloads((w, args, reportViolation) => {
        if (w.podLabels["app.kubernetes.io/component"] !== COMPONENTS.lab) {
            args.notApplicable(`${workloadRef(w)} is not a lab pod`);
        }
        const { rootInitContainers } = configOf(args, LAB_PODS_HARDENED_DEFAULTS);
        const pod = w.pod as typeof w.pod & { automountServiceAccountToken?: boolean };
        if (pod.automountServiceAccountToken !== false) {
            reportViolation("the pod may mount a service-account token: set automountServiceAccountToken: false (KubeSpawner.automount_service_account_token = False).");
        }
        const podContext = pod.securityContext ?? {};
        const initNames = new Set((pod.initContainers ?? []).map((c) => c.name));
        for (const { label, container } of containersOf(pod)) {
            const own = container.securityContext ?? {};
            const runAsUser = own.runAsUser ?? podContext.runAsUser;
            const runAsNonRoot = own.runAsNonRoot ?? podContext.runAsNonRoot;
            if (initNames.has(container.name) && rootInitContainers.includes(container.name ?? "")) {
                const added = normalizeCapabilities(own.capabilities?.add ?? []);
                const dropsAll = (own.capabilities?.drop ?? []).some((c) => c.toUpperCase() === "ALL");
                if (!dropsAll || added.some((c) => c !== "CHOWN") || own.privileged === true) {
                    reportViolation(`${label} may run as root only with every capability dropped but CHOWN; it adds ${added.join(", ") || "none"}${dropsAll ? "" : " and drops not ALL"}.`);
                }
                continue;
            }
            if (runAsUser === 0) {
                reportViolation(`${label} runs as user 0 (root).`);
            } else if (runAsNonRoot !== true && !(typeof runAsUser === "number" && runAsUser > 0)) {
                reportViolation(`${label} may run as root: set securityContext.runAsNonRoot: true and a non-zero runAsUser.`);
            }
        }
    }),
};

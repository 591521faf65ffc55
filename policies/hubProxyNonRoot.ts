/**
 * k8s-hub-proxy-non-root: the hub and the proxy, the two services that face users and hold their
 * tokens, run as a non-root user.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { configOf, containersOf, validateWorkloads, workloadRef } from "./lib/policy";

export interface HubProxyNonRootConfig {
    /** Workloads that must run as non-root, as `Kind/name`. */
    readonly workloads: string[];
}

/** The defaults: both the config schema's and what the rule uses when no config is given. */
const HUB_PROXY_NON_ROOT_DEFAULTS: HubProxyNonRootConfig = { workloads: ["Deployment/hub", "Deployment/proxy"] };

export const hubProxyNonRoot: ResourceValidationPolicy = {
    name: "k8s-hub-proxy-non-root",
    description:
        "The hub and the proxy run as a non-root user (runAsNonRoot, or a non-zero runAsUser), so a flaw in either does not hand an attacker root in the container.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            workloads: {
                type: "array",
                items: { type: "string", pattern: "^[A-Za-z]+/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$" },
                default: HUB_PROXY_NON_ROOT_DEFAULTS.workloads,
                description: "Workloads that must run as non-root, as Kind/name.",
            },
        },
    },
    validateResource: validateWorkloads((w, args, reportViolation) => {
        const { workloads } = configOf(args, HUB_PROXY_NON_ROOT_DEFAULTS);
        if (!workloads.includes(workloadRef(w))) {
            args.notApplicable(`${workloadRef(w)} is not one of ${workloads.join(", ")}`);
        }
        const pod = w.pod.securityContext ?? {};
        for (const { label, container } of containersOf(w.pod)) {
            const own = container.securityContext ?? {};
            // The container's own settings override the pod's, as in Kubernetes.
            const runAsUser = own.runAsUser ?? pod.runAsUser;
            const runAsNonRoot = own.runAsNonRoot ?? pod.runAsNonRoot;
            if (runAsUser === 0) {
                reportViolation(`${label} runs as user 0 (root).`);
            } else if (runAsNonRoot !== true && !(typeof runAsUser === "number" && runAsUser > 0)) {
                reportViolation(`${label} may run as root: set securityContext.runAsNonRoot: true and a non-zero runAsUser.`);
            }
        }
    }),
};

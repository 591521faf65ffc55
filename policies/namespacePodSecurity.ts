/**
 * k8s-namespace-pod-security: every Namespace the program declares carries Pod Security Admission
 * labels, so the cluster itself refuses pods (also those KubeSpawner or a person creates, which no
 * preview sees) that break the namespace's level: `enforce` baseline or restricted, `warn` and
 * `audit` restricted, each mode pinned to a version.
 */
import * as k8s from "../components/sdk/kubernetes";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { POD_SECURITY_LABEL_PREFIX } from "../components/naming";
import { configOf } from "./lib/policy";

export interface NamespacePodSecurityConfig {
    /**
     * Namespaces allowed to enforce `privileged`: only one holding a workload that needs more than
     * baseline, with the exception stated in its own code.
     */
    readonly privilegedNamespaces: string[];
}

const DEFAULTS: NamespacePodSecurityConfig = { privilegedNamespaces: [] };

/** A pinned Pod Security Standards version: `v<major>.<minor>`, never `latest`. */
const VERSION_RE = /^v1\.\d+$/;

export const namespacePodSecurity: ResourceValidationPolicy = {
    name: "k8s-namespace-pod-security",
    description:
        "Every Namespace carries Pod Security Admission labels: enforce baseline or restricted, warn and audit restricted, each with a pinned version, so the cluster refuses unsafe pods that no preview sees.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            privilegedNamespaces: {
                type: "array",
                items: { type: "string" },
                default: DEFAULTS.privilegedNamespaces,
                description: "Namespaces allowed to enforce the privileged level (a stated exception).",
            },
        },
    },
    validateResource: validateResourceOfType(k8s.core.v1.Namespace, (ns, args, reportViolation) => {
        const { privilegedNamespaces } = configOf(args, DEFAULTS);
        const name = ns.metadata?.name ?? args.name;
        const labels: Record<string, string> = ns.metadata?.labels ?? {};
        const allowed: Record<string, string[]> = {
            enforce: privilegedNamespaces.includes(name) ? ["privileged", "baseline", "restricted"] : ["baseline", "restricted"],
            warn: ["restricted"],
            audit: ["restricted"],
        };
        for (const [mode, levels] of Object.entries(allowed)) {
            const key = `${POD_SECURITY_LABEL_PREFIX}${mode}`;
            const value = labels[key];
            if (value === undefined) {
                reportViolation(`Namespace ${name} has no label ${key} (allowed: ${levels.join(", ")}).`);
            } else if (!levels.includes(value)) {
                reportViolation(`Namespace ${name} label ${key}=${value} is not allowed (allowed: ${levels.join(", ")}).`);
            }
            const version = labels[`${key}-version`];
            if (version === undefined) {
                reportViolation(`Namespace ${name} has no label ${key}-version (pin a version such as v1.30).`);
            } else if (!VERSION_RE.test(version)) {
                reportViolation(`Namespace ${name} label ${key}-version=${version} is not a pinned version (v1.<minor>, never latest).`);
            }
        }
    }),
};

/**
 * k8s-privileged-allow-list: no privileged container, and no container adding a capability that
 * amounts to root on the node (SYS_ADMIN, SYS_MODULE, NET_ADMIN, ...), except in the workloads the
 * policy config names (the NFS server, which needs CAP_SYS_ADMIN to start the kernel's nfsd).
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { configOf, containersOf, validateWorkloads, workloadRef } from "./lib/policy";

export interface PrivilegedAllowListConfig {
    /** Workloads allowed privileged containers, as `Kind/name` (e.g. `Deployment/nfs-server`). */
    readonly allowed: string[];
}

/** The defaults: both the config schema's and what the rule uses when no config is given. */
const PRIVILEGED_ALLOW_LIST_DEFAULTS: PrivilegedAllowListConfig = { allowed: [] };

/**
 * Capabilities that give a container its node (module loading, mounts, raw devices, other
 * processes' memory, the host network's configuration). CHOWN, FOWNER and the like are not here.
 */
export const NODE_LEVEL_CAPABILITIES = ["ALL", "SYS_ADMIN", "SYS_MODULE", "SYS_RAWIO", "SYS_PTRACE", "NET_ADMIN", "DAC_READ_SEARCH", "BPF", "PERFMON"];

export const privilegedAllowList: ResourceValidationPolicy = {
    name: "k8s-privileged-allow-list",
    description:
        "No container runs privileged or adds a node-level capability (SYS_ADMIN, SYS_MODULE, NET_ADMIN...) except in the workloads the policy config allows (the NFS server), because such a container is root on its node.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            allowed: {
                type: "array",
                items: { type: "string", pattern: "^[A-Za-z]+/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$" },
                default: PRIVILEGED_ALLOW_LIST_DEFAULTS.allowed,
                description: "Workloads allowed privileged containers, as Kind/name.",
            },
        },
    },
    validateResource: validateWorkloads((w, args, reportViolation) => {
        const { allowed } = configOf(args, PRIVILEGED_ALLOW_LIST_DEFAULTS);
        if (allowed.includes(workloadRef(w))) {
            return;
        }
        for (const { label, container } of containersOf(w.pod)) {
            if (container.securityContext?.privileged === true) {
                reportViolation(`${label} is privileged but ${workloadRef(w)} is not in the policy config's allow-list (k8s-privileged-allow-list.allowed).`);
            }
            const added = (container.securityContext?.capabilities?.add ?? []).map((c: string) => c.toUpperCase().replace(/^CAP_/, ""));
            const nodeLevel = added.filter((c: string) => NODE_LEVEL_CAPABILITIES.includes(c));
            if (nodeLevel.length > 0) {
                reportViolation(`${label} adds ${nodeLevel.join(", ")} but ${workloadRef(w)} is not in the policy config's allow-list (k8s-privileged-allow-list.allowed).`);
            }
        }
    }),
};

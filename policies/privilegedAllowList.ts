/**
 * k8s-privileged-allow-list: no privileged container, and no container adding a capability that
 * amounts to root on the node (SYS_ADMIN, SYS_MODULE, NET_ADMIN, ...), except the exact
 * privileges the policy config grants one named container of one named workload (the NFS
 * server's containers: components/storage/server.ts, NFS_SERVER_PRIVILEGES). An allow-listed
 * container must add exactly its listed capabilities and drop all others, and may be privileged
 * only when its entry says so: an entry is never a blank cheque for its workload.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { configOf, containersOf, normalizeCapabilities, validateWorkloads, workloadRef } from "./lib/policy";

/** One container's grant. */
export interface PrivilegeGrant {
    /** The workload, as `Kind/name` (e.g. `Deployment/nfs-server`). */
    readonly workload: string;
    /** The container (or init container) name. */
    readonly container: string;
    /** The capabilities it adds, exactly (without `CAP_`); it must drop ALL others. */
    readonly capabilities: string[];
    /** Whether it may run privileged. @default false */
    readonly privileged?: boolean;
}

export interface PrivilegedAllowListConfig {
    readonly allowed: PrivilegeGrant[];
}

/** The defaults: both the config schema's and what the rule uses when no config is given. */
const PRIVILEGED_ALLOW_LIST_DEFAULTS: PrivilegedAllowListConfig = { allowed: [] };

/**
 * Capabilities that give a container its node (module loading, mounts, raw devices, other
 * processes' memory, the host network's configuration). CHOWN, FOWNER and the like are not here.
 */
const NODE_LEVEL_CAPABILITIES = ["ALL", "SYS_ADMIN", "SYS_MODULE", "SYS_RAWIO", "SYS_PTRACE", "NET_ADMIN", "DAC_READ_SEARCH", "BPF", "PERFMON"];

export const privilegedAllowList: ResourceValidationPolicy = {
    name: "k8s-privileged-allow-list",
    description:
        "No container runs privileged or adds a node-level capability (SYS_ADMIN, SYS_MODULE, NET_ADMIN...) except the exact capabilities the policy config grants a named container (the NFS server's), because such a container is root on its node.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            allowed: {
                type: "array",
                items: {
                    type: "object",
                    additionalProperties: false,
                    required: ["workload", "container", "capabilities"],
                    properties: {
                        workload: { type: "string", pattern: "^[A-Za-z]+/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$" },
                        container: { type: "string", pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$" },
                        capabilities: { type: "array", items: { type: "string", pattern: "^[A-Z_]+$" } },
                        privileged: { type: "boolean" },
                    },
                },
                default: PRIVILEGED_ALLOW_LIST_DEFAULTS.allowed,
                description: "Per-container grants: {workload: Kind/name, container, capabilities (exact), privileged?}.",
            },
        },
    },
    validateResource: validateWorkloads((w, args, reportViolation) => {
        const { allowed } = configOf(args, PRIVILEGED_ALLOW_LIST_DEFAULTS);
        const ref = workloadRef(w);
        for (const { label, container } of containersOf(w.pod)) {
            const sc = container.securityContext;
            const added = normalizeCapabilities(sc?.capabilities?.add ?? []);
            const grant = allowed.find((g) => g.workload === ref && g.container === container.name);
            if (!grant) {
                if (sc?.privileged === true) {
                    reportViolation(`${label} of ${ref} is privileged but the policy config's allow-list (k8s-privileged-allow-list.allowed) grants it nothing.`);
                }
                const nodeLevel = added.filter((c) => NODE_LEVEL_CAPABILITIES.includes(c));
                if (nodeLevel.length > 0) {
                    reportViolation(`${label} of ${ref} adds ${nodeLevel.join(", ")} but the policy config's allow-list (k8s-privileged-allow-list.allowed) grants it nothing.`);
                }
                continue;
            }
            if (sc?.privileged === true && grant.privileged !== true) {
                reportViolation(`${label} of ${ref} is privileged but its allow-list entry grants only the capabilities ${normalizeCapabilities(grant.capabilities).join(", ") || "(none)"}.`);
            }
            const granted = normalizeCapabilities(grant.capabilities);
            if (added.join(",") !== granted.join(",")) {
                reportViolation(`${label} of ${ref} adds ${added.join(", ") || "no capability"} but its allow-list entry grants exactly ${granted.join(", ") || "none"}.`);
            }
            const drop = normalizeCapabilities(sc?.capabilities?.drop ?? []);
            if (granted.length > 0 && !drop.includes("ALL")) {
                reportViolation(`${label} of ${ref} must drop ALL capabilities, so it holds exactly the ${granted.length} its allow-list entry grants and no runtime default.`);
            }
        }
    }),
};

/**
 * k8s-privileged-allow-list: no privileged container, except in the workloads the policy config
 * names (the NFS server, whose kernel NFS daemon needs it).
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { configOf, containersOf, validateWorkloads, workloadRef } from "./lib/policy";

export interface PrivilegedAllowListConfig {
    /** Workloads allowed privileged containers, as `Kind/name` (e.g. `Deployment/nfs-server`). */
    readonly allowed: string[];
}

export const privilegedAllowList: ResourceValidationPolicy = {
    name: "k8s-privileged-allow-list",
    description:
        "No container runs privileged except in the workloads the policy config allows (the NFS server), because a privileged container is root on its node.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            allowed: {
                type: "array",
                items: { type: "string", pattern: "^[A-Za-z]+/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$" },
                default: [],
                description: "Workloads allowed privileged containers, as Kind/name.",
            },
        },
    },
    validateResource: validateWorkloads((w, args, reportViolation) => {
        const { allowed } = configOf<PrivilegedAllowListConfig>(args, { allowed: [] });
        if (allowed.includes(workloadRef(w))) {
            return;
        }
        for (const { label, container } of containersOf(w.pod)) {
            if (container.securityContext?.privileged === true) {
                reportViolation(`${label} is privileged but ${workloadRef(w)} is not in the policy config's allow-list (k8s-privileged-allow-list.allowed).`);
            }
        }
    }),
};

/**
 * k8s-no-host-access: no pod shares the node's network, process or IPC namespaces or mounts a
 * node path; each of these lets a compromised container reach the node.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { validateWorkloads } from "./lib/policy";

export const noHostAccess: ResourceValidationPolicy = {
    name: "k8s-no-host-access",
    description:
        "No pod uses hostPath volumes, hostNetwork, hostPID or hostIPC, so a compromised container stays inside its pod and cannot read the node or sniff its traffic.",
    enforcementLevel: "mandatory",
    validateResource: validateWorkloads((w, _args, reportViolation) => {
        for (const key of ["hostNetwork", "hostPID", "hostIPC"] as const) {
            if (w.pod[key] === true) {
                reportViolation(`the pod sets ${key}: true.`);
            }
        }
        for (const volume of w.pod.volumes ?? []) {
            if (volume.hostPath !== undefined && volume.hostPath !== null) {
                reportViolation(`volume "${volume.name ?? "?"}" is a hostPath volume: use a PersistentVolumeClaim, a ConfigMap/Secret or an emptyDir.`);
            }
        }
    }),
};

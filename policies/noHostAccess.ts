/**
 * k8s-no-host-access: no pod shares the node's network, process or IPC namespaces, mounts a
 * node path or binds a node port (hostPort); each of these lets a compromised container reach the
 * node or answer on the node's address outside the ingress and its NetworkPolicies.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { containersOf, validateWorkloads } from "./lib/policy";

export const noHostAccess: ResourceValidationPolicy = {
    name: "k8s-no-host-access",
    description:
        "No pod uses hostPath volumes, hostNetwork, hostPID, hostIPC or a hostPort, so a compromised container stays inside its pod and cannot read the node, sniff its traffic or listen on its address.",
    enforcementLevel: "mandatory",
    validateResource: validateWorkloads((w, _args, reportViolation) => {
        for (const key of ["hostNetwork", "hostPID", "hostIPC"] as const) {
            if (w.pod[key] === true) {
                reportViolation(`the pod sets ${key}: true.`);
            }
        }
        for (const { label, container } of containersOf(w.pod)) {
            for (const port of container.ports ?? []) {
                if (port.hostPort !== undefined && port.hostPort !== null && port.hostPort !== 0) {
                    reportViolation(`${label} opens hostPort ${port.hostPort}: expose it through a Service (and the Ingress) instead.`);
                }
            }
        }
        for (const volume of w.pod.volumes ?? []) {
            if (volume.hostPath !== undefined && volume.hostPath !== null) {
                reportViolation(`volume "${volume.name ?? "?"}" is a hostPath volume: use a PersistentVolumeClaim, a ConfigMap/Secret or an emptyDir.`);
            }
        }
    }),
};

/**
 * k8s-container-resources: every container the program declares requests CPU and memory and has
 * a memory limit, so the scheduler places it honestly and one pod cannot starve a node.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { containersOf, validateWorkloads } from "./lib/policy";

function isSet(v: unknown): boolean {
    return v !== undefined && v !== null && v !== "";
}

export const containerResources: ResourceValidationPolicy = {
    name: "k8s-container-resources",
    description:
        "Every container requests CPU and memory and sets a memory limit, so pods are scheduled on real capacity and a leak is killed instead of starving its node.",
    enforcementLevel: "mandatory",
    validateResource: validateWorkloads((w, _args, reportViolation) => {
        for (const { label, container } of containersOf(w.pod)) {
            const missing = [
                isSet(container.resources?.requests?.cpu) ? undefined : "requests.cpu",
                isSet(container.resources?.requests?.memory) ? undefined : "requests.memory",
                isSet(container.resources?.limits?.memory) ? undefined : "limits.memory",
            ].filter((m): m is string => !!m);
            if (missing.length > 0) {
                reportViolation(`${label} has no resources.${missing.join(", resources.")}.`);
            }
        }
    }),
};

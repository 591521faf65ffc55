/**
 * gke-cluster-deletion-protection-explicit: GKE's `deletionProtection` defaults to true on the
 * server; a stack must say which it wants (true on stacks that keep data, false where CI rebuilds).
 */
import * as gcp from "../components/sdk/gcp";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

export const gkeClusterDeletionProtectionExplicit: ResourceValidationPolicy = {
    name: "gke-cluster-deletion-protection-explicit",
    description:
        "GKE clusters set deletionProtection explicitly, so whether a cluster can be destroyed is a reviewed per-stack decision rather than a provider default.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(gcp.container.Cluster, (cluster, _args, reportViolation) => {
        if (typeof cluster.deletionProtection !== "boolean") {
            reportViolation("deletionProtection is not set: set it to true or false for this stack (cluster.deletionProtection).");
        }
    }),
};

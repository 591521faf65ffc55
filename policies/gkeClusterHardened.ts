/**
 * gke-cluster-hardened: the cluster settings of the GKE hardening guide and the CIS GKE benchmark
 * that this project promises (see components/cluster.ts).
 */
import * as gcp from "../components/sdk/gcp";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

const RELEASE_CHANNELS = ["RAPID", "REGULAR", "STABLE", "EXTENDED"];

export const gkeClusterHardened: ResourceValidationPolicy = {
    name: "gke-cluster-hardened",
    description:
        "GKE clusters keep legacy ABAC and client certificates off, enforce NetworkPolicy, use shielded nodes, Workload Identity and a release channel, so a pod or a leaked credential cannot take over the cluster and security patches arrive.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(gcp.container.Cluster, (cluster, _args, reportViolation) => {
        if (cluster.enableLegacyAbac === true) {
            reportViolation("enableLegacyAbac is true: legacy ABAC grants broad static permissions that bypass RBAC; set it to false.");
        }
        if (cluster.masterAuth?.clientCertificateConfig?.issueClientCertificate === true) {
            reportViolation("masterAuth.clientCertificateConfig.issueClientCertificate is true: a client certificate is a credential that cannot be revoked; set it to false.");
        }
        const dataplaneV2 = cluster.datapathProvider === "ADVANCED_DATAPATH";
        if (!dataplaneV2 && cluster.networkPolicy?.enabled !== true) {
            reportViolation('NetworkPolicy is not enforced: set datapathProvider "ADVANCED_DATAPATH" (Dataplane V2) or networkPolicy.enabled true, or every NetworkPolicy is ignored.');
        }
        if (cluster.enableShieldedNodes !== true) {
            reportViolation("enableShieldedNodes is not true: shielded nodes prove their identity and boot integrity to the control plane.");
        }
        if (!cluster.workloadIdentityConfig?.workloadPool) {
            reportViolation('workloadIdentityConfig.workloadPool is not set: without Workload Identity pods can use the node\'s credentials ("<project>.svc.id.goog").');
        }
        const channel = cluster.releaseChannel?.channel;
        if (!channel || !RELEASE_CHANNELS.includes(channel)) {
            reportViolation(`releaseChannel.channel is ${channel ? `"${channel}"` : "not set"}: enrol the cluster in RAPID, REGULAR or STABLE so GKE applies security patches.`);
        }
    }),
};

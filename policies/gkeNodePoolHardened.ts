/**
 * gke-node-pool-hardened: node settings of the GKE hardening guide, on every node pool (and on a
 * cluster's default pool when the cluster keeps it).
 */
import * as gcp from "../components/sdk/gcp";
import { ReportViolation, ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { peek, UNKNOWN } from "./lib/policy";

/** The node settings the rule checks, shared by NodePool.nodeConfig and Cluster.nodeConfig. */
interface NodeConfig {
    imageType?: string;
    serviceAccount?: string;
    workloadMetadataConfig?: { mode?: string };
    shieldedInstanceConfig?: { enableSecureBoot?: boolean };
    metadata?: Record<string, string>;
}

/** The Compute Engine default service account: `<number>-compute@developer.gserviceaccount.com`. */
const DEFAULT_COMPUTE_SA = /-compute@developer\.gserviceaccount\.com$/;

function checkNodeConfig(where: string, node: NodeConfig | undefined, reportViolation: ReportViolation): void {
    if ((node?.imageType ?? "").toUpperCase() !== "COS_CONTAINERD") {
        reportViolation(`${where}.imageType is ${node?.imageType ? `"${node.imageType}"` : "not set"}: use COS_CONTAINERD (minimal, read-only root, patched by Google).`);
    }
    if (node?.workloadMetadataConfig?.mode !== "GKE_METADATA") {
        reportViolation(`${where}.workloadMetadataConfig.mode is not GKE_METADATA: pods could read the node's credentials from the metadata server.`);
    }
    // The account is usually another resource's output, unknown at preview: set is enough then.
    const account = node ? peek(() => node.serviceAccount) : undefined;
    if (account !== UNKNOWN && (!account || account === "default" || DEFAULT_COMPUTE_SA.test(account))) {
        reportViolation(`${where}.serviceAccount is ${account ? `"${account}"` : "not set"}: nodes must run as a dedicated least-privilege service account, not the Compute Engine default (Editor on the project).`);
    }
    if (node?.shieldedInstanceConfig?.enableSecureBoot !== true) {
        reportViolation(`${where}.shieldedInstanceConfig.enableSecureBoot is not true: secure boot stops unsigned kernels and rootkits.`);
    }
    if (node?.metadata?.["disable-legacy-endpoints"] !== "true") {
        reportViolation(`${where}.metadata["disable-legacy-endpoints"] is not "true": the legacy metadata endpoints serve credentials without the Metadata-Flavor header.`);
    }
}

export const gkeNodePoolHardened: ResourceValidationPolicy = {
    name: "gke-node-pool-hardened",
    description:
        "GKE nodes auto-repair and auto-upgrade, run COS_CONTAINERD with secure boot as a dedicated service account, and hide node credentials from pods (GKE metadata server, legacy endpoints off).",
    enforcementLevel: "mandatory",
    validateResource: [
        validateResourceOfType(gcp.container.NodePool, (pool, _args, reportViolation) => {
            if (pool.management?.autoRepair !== true) {
                reportViolation("management.autoRepair is not true: unhealthy nodes must be replaced automatically.");
            }
            if (pool.management?.autoUpgrade !== true) {
                reportViolation("management.autoUpgrade is not true: nodes must follow the control plane's security patches.");
            }
            checkNodeConfig("nodeConfig", pool.nodeConfig as NodeConfig | undefined, reportViolation);
        }),
        // A cluster that keeps its default pool runs nodes with the cluster's own nodeConfig.
        validateResourceOfType(gcp.container.Cluster, (cluster, args, reportViolation) => {
            if (cluster.removeDefaultNodePool === true || cluster.enableAutopilot === true) {
                args.notApplicable("the cluster has no default node pool");
            }
            checkNodeConfig("nodeConfig (default node pool)", cluster.nodeConfig as NodeConfig | undefined, reportViolation);
        }),
    ],
};

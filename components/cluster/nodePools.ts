/**
 * The cluster's two node pools: `core` (hub, proxy, NFS server, ingress, and GKE's own system
 * pods) and `user` (one JupyterLab pod per user, tainted so nothing else lands there).
 */
import * as gcp from "../sdk/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { NodePoolSettings } from "../config";
import { NODE_ROLE_LABEL, NodeRole, TAINTED_NODE_ROLES } from "../naming";

/** Minimal OAuth scope: access is governed by the service account's IAM roles. */
export const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";

export interface NodePoolArgs {
    readonly role: NodeRole;
    readonly pool: NodePoolSettings;
    readonly cluster: gcp.container.Cluster;
    readonly project: string;
    readonly location: string;
    /** Zones of the pool's nodes; undefined: every zone of the cluster. */
    readonly nodeLocations: string[] | undefined;
    /** Nodes without public IPs (egress through Cloud NAT). */
    readonly privateNodes: boolean;
    readonly serviceAccount: pulumi.Input<string>;
    readonly labels: Record<string, string>;
}

export function nodePool(logicalName: string, a: NodePoolArgs, opts: pulumi.CustomResourceOptions): gcp.container.NodePool {
    return new gcp.container.NodePool(
        logicalName,
        {
            // Neither `name` nor `namePrefix`: Pulumi auto-names the pool from its logical name
            // (`gke-core-pool-<7 hex>`, within GKE's 40 characters). With an explicit `name` the
            // bridge marks every replacement delete-before-replace (pulumi-terraform-bridge
            // nameRequiresDeleteBeforeReplace), so a ForceNew change (Spot, scopes, service
            // account, metadata) would delete every node before the new pool exists; an
            // auto-name is generated afresh for the replacement, which is then created first, and
            // GKE drains the old pool's nodes onto it when the old one is deleted. `namePrefix`
            // cannot do this: the provider auto-names `name` too, and the node pool's create
            // refuses both ("Cannot specify both name and name_prefix"). The pool's nodes are
            // found by the role label, never by the pool's name.
            project: a.project,
            location: a.location,
            nodeLocations: a.nodeLocations,
            cluster: a.cluster.name,
            initialNodeCount: a.pool.minNodes,
            autoscaling: { minNodeCount: a.pool.minNodes, maxNodeCount: a.pool.maxNodes, locationPolicy: "BALANCED" },
            // Auto-upgrade cannot be turned off on a release channel; when it may happen is set
            // by the cluster's maintenance window and exclusions. A surge node is created before
            // an old one drains.
            management: { autoRepair: true, autoUpgrade: true },
            upgradeSettings: { maxSurge: 1, maxUnavailable: 0 },
            // Private nodes per pool: the current field (the cluster-level one is the legacy
            // private-cluster block).
            networkConfig: { enablePrivateNodes: a.privateNodes },
            nodeConfig: {
                machineType: a.pool.machineType,
                diskSizeGb: a.pool.diskSizeGb,
                diskType: a.pool.diskType,
                imageType: "COS_CONTAINERD",
                spot: a.pool.spot,
                serviceAccount: a.serviceAccount,
                oauthScopes: [CLOUD_PLATFORM_SCOPE],
                workloadMetadataConfig: { mode: "GKE_METADATA" },
                shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
                metadata: { "disable-legacy-endpoints": "true" },
                labels: { [NODE_ROLE_LABEL]: a.role },
                // Only the user pool is tainted: GKE's system pods need an untainted pool.
                taints: TAINTED_NODE_ROLES.includes(a.role) ? [{ key: NODE_ROLE_LABEL, value: a.role, effect: "NO_SCHEDULE" }] : [],
                resourceLabels: { ...a.labels, "node-role": a.role },
            },
        },
        // A node count the autoscaler changed is not drift.
        { ...opts, ignoreChanges: ["initialNodeCount"] },
    );
}

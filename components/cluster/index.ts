/**
 * The GKE platform: a private, VPC-native, hardened cluster with a core pool and a user pool, the
 * static IP of the ingress, and a Kubernetes provider that every Kubernetes object uses.
 *
 * Hardening follows the GKE hardening guide and the CIS GKE benchmark: release channel with a
 * maintenance window; auto-repair and auto-upgrade; Workload Identity with the GKE metadata server
 * on every pool (pods never see the node's credentials); shielded nodes with secure boot;
 * COS_CONTAINERD; a dedicated node service account holding only the node role (the temporary
 * default pool included); legacy ABAC and client certificates off; network policy enforced by
 * Dataplane V2; legacy metadata endpoints off; nodes without public IPs (optional,
 * `cluster.privateNodes`).
 *
 * Files: network.ts (VPC, subnetwork, Cloud NAT), nodePools.ts, kubeconfig.ts (how the program
 * reaches the cluster), apis.ts (the project's APIs), lifecycle.ts (transformations tying the
 * Kubernetes layer to the cluster).
 */
import * as gcp from "../sdk/gcp";
import * as k8s from "../sdk/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { GcpSettings, MaintenanceExclusion, NodePoolSettings } from "../config";
import { gcpLabels } from "../naming";
import { clusterIdentifier, gkeKubeconfig } from "./kubeconfig";
import { clusterNetwork, SECONDARY_RANGES } from "./network";
import { CLOUD_PLATFORM_SCOPE, nodePool } from "./nodePools";

export { clusterIdentifier, gkeKubeconfig } from "./kubeconfig";
export { ProjectApis } from "./apis";
export { deleteWithCluster, dependOnWhen, ownsCloudLoadBalancer } from "./lifecycle";

export interface GkeClusterArgs {
    /** Stack name, for labels. */
    readonly stack: string;
    /** GCP project, region and zone. */
    readonly gcp: GcpSettings;
    /** GKE cluster name (also the prefix of the network's names). Changing it replaces the cluster. */
    readonly clusterName: string;
    /**
     * Regional (control plane and nodes in three zones) or zonal (one zone).
     * @default false
     */
    readonly regional: boolean;
    /** GKE release channel. */
    readonly releaseChannel: "RAPID" | "REGULAR" | "STABLE";
    /** Daily maintenance window start, UTC "HH:MM". */
    readonly maintenanceWindowStart: string;
    /** Periods in which GKE must not upgrade (e.g. teaching weeks), validated by the config. */
    readonly maintenanceExclusions: readonly MaintenanceExclusion[];
    /** GKE-side deletion protection; always set explicitly (the server default is true). */
    readonly deletionProtection: boolean;
    /** Pulumi `protect` on the cluster (not its node pools, which must stay replaceable). */
    readonly protect: boolean;
    /** Pulumi `protect` and `retainOnDelete` on the ingress's static IP. */
    readonly protectIngressIp: boolean;
    /** Nodes without public IPs, egress through Cloud NAT. */
    readonly privateNodes: boolean;
    /** CIDRs allowed to reach the control plane's IP endpoint; empty allows any (IAM still applies). */
    readonly masterAuthorizedNetworks: readonly string[];
    /** Subnetwork primary range (nodes). */
    readonly nodeCidr: string;
    /** Secondary range for pods. */
    readonly podCidr: string;
    /** Secondary range for Services. */
    readonly serviceCidr: string;
    /** The pool for hub, proxy, NFS, ingress and GKE's system pods. `spot` must be false. */
    readonly corePool: NodePoolSettings;
    /** The pool for lab pods; may scale to zero and use Spot VMs. */
    readonly userPool: NodePoolSettings;
}

/**
 * The one role a GKE node service account needs (logging, monitoring, image pulls from the
 * project's Artifact Registry): Google's replacement for the list of four legacy roles.
 */
const NODE_SERVICE_ACCOUNT_ROLE = "roles/container.defaultNodeServiceAccount";

export class GkeCluster extends pulumi.ComponentResource {
    /** The GKE cluster resource (what the Kubernetes objects are deleted with). */
    public readonly cluster: gcp.container.Cluster;
    /** The GKE cluster name. */
    public readonly clusterName: pulumi.Output<string>;
    /** Zone (zonal) or region (regional) of the cluster. */
    public readonly location: pulumi.Output<string>;
    /** The regional static IP the ingress controller's LoadBalancer uses. */
    public readonly ingressIp: pulumi.Output<string>;
    /** Kubeconfig for the DNS endpoint, using the gke-gcloud-auth-plugin exec flow; secret. */
    public readonly kubeconfig: pulumi.Output<string>;
    /** The provider's `clusterIdentifier`: the cluster's resource path, known from config. */
    public readonly clusterIdentifier: string;
    /** Provider for every Kubernetes object of the stack. */
    public readonly provider: k8s.Provider;
    /** The node pools, so dependants can wait for nodes. */
    public readonly nodePools: gcp.container.NodePool[];

    constructor(name: string, args: GkeClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("jupyterlabdemo:components:GkeCluster", name, {}, opts);
        const { project, region, zone } = args.gcp;
        const location = args.regional ? region : zone;
        const labels = gcpLabels(args.stack);
        const keep = { parent: this, protect: args.protect };

        const { network, subnetwork, nat } = clusterNetwork(
            name,
            { project, region, clusterName: args.clusterName, nodeCidr: args.nodeCidr, podCidr: args.podCidr, serviceCidr: args.serviceCidr, nat: args.privateNodes },
            { parent: this },
        );

        const nodeServiceAccount = new gcp.serviceaccount.Account(
            `${name}-nodes`,
            {
                accountId: nodeServiceAccountId(args.clusterName),
                project,
                displayName: `GKE nodes of ${args.clusterName} (least privilege)`,
            },
            { parent: this },
        );
        const nodeRole = new gcp.projects.IAMMember(
            `${name}-nodes-role`,
            { project, role: NODE_SERVICE_ACCOUNT_ROLE, member: nodeServiceAccount.member },
            { parent: this },
        );

        const cluster = new gcp.container.Cluster(
            `${name}-cluster`,
            {
                name: args.clusterName,
                project,
                location,
                network: network.id,
                subnetwork: subnetwork.id,
                networkingMode: "VPC_NATIVE",
                ipAllocationPolicy: { clusterSecondaryRangeName: SECONDARY_RANGES.pods, servicesSecondaryRangeName: SECONDARY_RANGES.services },
                // Node pools are managed below; GKE insists on creating a default pool first. Its
                // node runs for a few minutes as the node service account, never the Compute
                // Engine default one (CIS GKE 5.2.1).
                removeDefaultNodePool: true,
                initialNodeCount: 1,
                nodeConfig: { serviceAccount: nodeServiceAccount.email, oauthScopes: [CLOUD_PLATFORM_SCOPE] },
                deletionProtection: args.deletionProtection,
                releaseChannel: { channel: args.releaseChannel },
                maintenancePolicy: {
                    dailyMaintenanceWindow: { startTime: args.maintenanceWindowStart },
                    maintenanceExclusions: args.maintenanceExclusions.length
                        ? args.maintenanceExclusions.map((e) => ({
                              exclusionName: e.name,
                              startTime: e.start,
                              endTime: e.end,
                              exclusionOptions: { scope: e.scope },
                          }))
                        : undefined,
                },
                // No node auto-provisioning; the autoscaler removes underused nodes sooner and
                // packs labs tighter than the BALANCED default (the user pool is the cost).
                clusterAutoscaling: { enabled: false, autoscalingProfile: "OPTIMIZE_UTILIZATION" },
                workloadIdentityConfig: { workloadPool: `${project}.svc.id.goog` },
                // Dataplane V2 enforces NetworkPolicy natively (the networkPolicy block stays unset).
                datapathProvider: "ADVANCED_DATAPATH",
                enableShieldedNodes: true,
                enableLegacyAbac: false,
                masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
                // The control plane: no VPC peering and no /28 of ours (no masterIpv4CidrBlock:
                // GKE connects nodes over Private Service Connect). The kubeconfig uses the DNS
                // endpoint (IAM-guarded, reachable from anywhere that reaches Google APIs); the
                // IP endpoints stay on for GKE's own tooling, limited by the authorized networks.
                controlPlaneEndpointsConfig: {
                    dnsEndpointConfig: { allowExternalTraffic: true },
                    ipEndpointsConfig: { enabled: true },
                },
                // Private nodes by default for any pool, the temporary default one included (the
                // pools also set it themselves). @pulumi/gcp 9.37 has no cluster-level
                // `networkConfig.defaultEnablePrivateNodes` yet; this is the field that carries it.
                privateClusterConfig: args.privateNodes ? { enablePrivateNodes: true } : undefined,
                masterAuthorizedNetworksConfig:
                    args.masterAuthorizedNetworks.length > 0
                        ? { cidrBlocks: args.masterAuthorizedNetworks.map((cidrBlock) => ({ cidrBlock })) }
                        : undefined,
                // Posture (workload configuration audit) on; Google has retired the basic
                // vulnerability tier, so vulnerability scanning is explicitly off.
                securityPostureConfig: { mode: "BASIC", vulnerabilityMode: "VULNERABILITY_DISABLED" },
                // Cilium cluster-wide policies: the only way to admit the kubelet's NFS mounts
                // (host and remote-node traffic) to the NFS server under Dataplane V2.
                enableCiliumClusterwideNetworkPolicy: true,
                // The homes disk is attached through the PD CSI driver: turned on explicitly rather
                // than relying on the default of new clusters.
                addonsConfig: { gcePersistentDiskCsiDriverConfig: { enabled: true } },
                // Managed Service for Prometheus runs the collector that scrapes the PodMonitorings
                // (components/monitoring); POD adds kube-state pod metrics, which the dashboard's
                // pending-labs chart reads. Set explicitly so neither depends on GKE's defaults.
                monitoringConfig: { enableComponents: ["SYSTEM_COMPONENTS", "POD"], managedPrometheus: { enabled: true } },
                resourceLabels: labels,
            },
            {
                ...keep,
                dependsOn: [nodeRole],
                // Once the default pool is removed, the API reports another pool's configuration
                // as the cluster's nodeConfig; the field is ForceNew, so a diff on it would
                // replace the cluster. It only ever described the default pool: ignore it.
                ignoreChanges: ["nodeConfig"],
            },
        );
        this.cluster = cluster;

        this.nodePools = (["core", "user"] as const).map((role) =>
            nodePool(
                `${name}-${role}-pool`,
                {
                    role,
                    pool: role === "core" ? args.corePool : args.userPool,
                    // The core pool runs the NFS server, which must be in the zone of the (zonal) homes
                    // disk: on a regional cluster its nodes stay in that zone. Labs spread over all.
                    nodeLocations: role === "core" && args.regional ? [zone] : undefined,
                    cluster,
                    project,
                    location,
                    privateNodes: args.privateNodes,
                    serviceAccount: nodeServiceAccount.email,
                    labels,
                },
                // Never protected: Pulumi refuses to replace a protected resource, and a pool's
                // ForceNew change must be able to replace it create-first. A pool holds no data.
                { parent: this },
            ),
        );

        const ingressAddress = new gcp.compute.Address(
            `${name}-ingress-ip`,
            {
                name: `${args.clusterName}-ingress`,
                project,
                region,
                addressType: "EXTERNAL",
                networkTier: "PREMIUM",
                description: "Static IP of the NGINX ingress controller's LoadBalancer",
                labels,
            },
            // The public IP is what DNS points at and what Let's Encrypt issued for: a new one
            // means a DNS change and new certificates (production allows 5 duplicate
            // certificates a week). Where it must last, it is protected and outlives a destroy.
            { parent: this, protect: args.protectIngressIp, retainOnDelete: args.protectIngressIp },
        );

        const locator = { project, location, clusterName: args.clusterName };
        this.clusterIdentifier = clusterIdentifier(locator);
        this.kubeconfig = pulumi.secret(
            cluster.controlPlaneEndpointsConfig.apply((c) => gkeKubeconfig({ ...locator, dnsEndpoint: c?.dnsEndpointConfig?.endpoint ?? "" })),
        );
        this.provider = new k8s.Provider(
            `${name}-k8s`,
            { kubeconfig: this.kubeconfig, clusterIdentifier: this.clusterIdentifier, enableServerSideApply: true },
            // Private nodes pull the charts' and the hub's images from outside Google through
            // Cloud NAT: nothing Kubernetes-side starts before it exists.
            { parent: this, dependsOn: [...this.nodePools, ...(nat ? [nat] : [])] },
        );

        this.clusterName = cluster.name;
        this.location = cluster.location;
        this.ingressIp = ingressAddress.address;
        this.registerOutputs({
            clusterName: this.clusterName,
            location: this.location,
            ingressIp: this.ingressIp,
            kubeconfig: this.kubeconfig,
        });
    }
}

/**
 * The node service account's id: `<cluster>-nodes`, cut to GCP's 30 characters and never ending
 * in `-` (ids match ^[a-z][-a-z0-9]{4,28}[a-z0-9]$; cluster names already start with a letter).
 */
export function nodeServiceAccountId(clusterName: string): string {
    return `${clusterName}-nodes`.slice(0, 30).replace(/-+$/, "");
}

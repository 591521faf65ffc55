/**
 * The GKE platform: a private, VPC-native, hardened cluster with a core pool and a user pool, the
 * static IP of the ingress, and a Kubernetes provider that every Kubernetes object uses.
 *
 * Hardening follows the GKE hardening guide and the CIS GKE benchmark: release channel with a
 * maintenance window; auto-repair and auto-upgrade; Workload Identity with the GKE metadata server
 * on every pool (pods never see the node's credentials); shielded nodes with secure boot;
 * COS_CONTAINERD; a dedicated node service account holding only the node role; legacy ABAC and
 * client certificates off; network policy enforced by Dataplane V2; legacy metadata endpoints off;
 * nodes without public IPs (optional, `cluster.privateNodes`).
 */
import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { GcpSettings, NodePoolSettings } from "./config";
import { gcpLabels, NODE_ROLE_LABEL, NodeRole, TAINTED_NODE_ROLES } from "./naming";

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
    /** GKE-side deletion protection; always set explicitly (the server default is true). */
    readonly deletionProtection: boolean;
    /** Pulumi `protect` on the cluster and node pools. */
    readonly protect: boolean;
    /** Nodes without public IPs, egress through Cloud NAT. */
    readonly privateNodes: boolean;
    /** CIDRs allowed to reach the control plane; empty allows any (IAM still applies). */
    readonly masterAuthorizedNetworks: readonly string[];
    /** Subnetwork primary range (nodes). */
    readonly nodeCidr: string;
    /** Secondary range for pods. */
    readonly podCidr: string;
    /** Secondary range for Services. */
    readonly serviceCidr: string;
    /** Control plane /28 (private nodes only). */
    readonly masterCidr: string;
    /** The pool for hub, proxy, NFS and ingress. `spot` must be false. */
    readonly corePool: NodePoolSettings;
    /** The pool for lab pods; may scale to zero and use Spot VMs. */
    readonly userPool: NodePoolSettings;
}

/** Cloud NAT's per-VM source-port floor and ceiling (powers of two, as GCP requires). */
const NAT_MIN_PORTS_PER_VM = 256;
const NAT_MAX_PORTS_PER_VM = 16384;

/** Minimal OAuth scope: access is governed by the service account's IAM roles. */
const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";

/**
 * The one role a GKE node service account needs (logging, monitoring, image pulls from the
 * project's Artifact Registry): Google's replacement for the list of four legacy roles.
 */
const NODE_SERVICE_ACCOUNT_ROLE = "roles/container.defaultNodeServiceAccount";

export class GkeCluster extends pulumi.ComponentResource {
    /** The GKE cluster name. */
    public readonly clusterName: pulumi.Output<string>;
    /** Zone (zonal) or region (regional) of the cluster. */
    public readonly location: pulumi.Output<string>;
    /** The regional static IP the ingress controller's LoadBalancer uses. */
    public readonly ingressIp: pulumi.Output<string>;
    /** The regional static IP resource (its name is needed by the ingress Service). */
    public readonly ingressAddress: gcp.compute.Address;
    /** Kubeconfig using the gke-gcloud-auth-plugin exec flow; secret. */
    public readonly kubeconfig: pulumi.Output<string>;
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

        const network = new gcp.compute.Network(
            `${name}-network`,
            { name: `${args.clusterName}-net`, project, autoCreateSubnetworks: false, routingMode: "REGIONAL" },
            { parent: this },
        );
        const subnetwork = new gcp.compute.Subnetwork(
            `${name}-subnetwork`,
            {
                name: `${args.clusterName}-nodes`,
                project,
                region,
                network: network.id,
                ipCidrRange: args.nodeCidr,
                privateIpGoogleAccess: true,
                secondaryIpRanges: [
                    { rangeName: "pods", ipCidrRange: args.podCidr },
                    { rangeName: "services", ipCidrRange: args.serviceCidr },
                ],
                logConfig: { aggregationInterval: "INTERVAL_10_MIN", flowSampling: 0.5, metadata: "INCLUDE_ALL_METADATA" },
            },
            { parent: this },
        );
        if (args.privateNodes) {
            const router = new gcp.compute.Router(
                `${name}-router`,
                { name: `${args.clusterName}-router`, project, region, network: network.id },
                { parent: this },
            );
            new gcp.compute.RouterNat(
                `${name}-nat`,
                {
                    name: `${args.clusterName}-nat`,
                    project,
                    region,
                    router: router.name,
                    natIpAllocateOption: "AUTO_ONLY",
                    sourceSubnetworkIpRangesToNat: "ALL_SUBNETWORKS_ALL_IP_RANGES",
                    logConfig: { enable: true, filter: "ERRORS_ONLY" },
                    // Dynamic port allocation: a node starts with 256 source ports per destination
                    // (about 4x the static default of 64, enough for an idle node's image pulls) and
                    // doubles up to 16384 as its labs open connections: a class doing `pip install`
                    // on one user node needs thousands at once. A NAT IP has 64512 ports: about four
                    // nodes at the ceiling share one, and AUTO_ONLY allocates more IPs as needed.
                    // Endpoint-independent mapping must be off: GCP refuses it with dynamic ports.
                    enableDynamicPortAllocation: true,
                    minPortsPerVm: NAT_MIN_PORTS_PER_VM,
                    maxPortsPerVm: NAT_MAX_PORTS_PER_VM,
                    enableEndpointIndependentMapping: false,
                },
                { parent: this },
            );
        }

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
                ipAllocationPolicy: { clusterSecondaryRangeName: "pods", servicesSecondaryRangeName: "services" },
                // Node pools are managed below; GKE insists on creating a default pool first. Its
                // node runs for a few minutes as the node service account, never the Compute
                // Engine default one (CIS GKE 5.2.1).
                removeDefaultNodePool: true,
                initialNodeCount: 1,
                nodeConfig: { serviceAccount: nodeServiceAccount.email, oauthScopes: [CLOUD_PLATFORM_SCOPE] },
                deletionProtection: args.deletionProtection,
                releaseChannel: { channel: args.releaseChannel },
                maintenancePolicy: { dailyMaintenanceWindow: { startTime: args.maintenanceWindowStart } },
                workloadIdentityConfig: { workloadPool: `${project}.svc.id.goog` },
                // Dataplane V2 enforces NetworkPolicy natively (the networkPolicy block stays unset).
                datapathProvider: "ADVANCED_DATAPATH",
                enableShieldedNodes: true,
                enableLegacyAbac: false,
                masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
                privateClusterConfig: args.privateNodes
                    ? { enablePrivateNodes: true, enablePrivateEndpoint: false, masterIpv4CidrBlock: args.masterCidr }
                    : undefined,
                masterAuthorizedNetworksConfig:
                    args.masterAuthorizedNetworks.length > 0
                        ? { cidrBlocks: args.masterAuthorizedNetworks.map((cidrBlock) => ({ cidrBlock })) }
                        : undefined,
                // Posture (workload configuration audit) on; the basic vulnerability tier was
                // retired by Google in 2025, so vulnerability scanning is explicitly off.
                securityPostureConfig: { mode: "BASIC", vulnerabilityMode: "VULNERABILITY_DISABLED" },
                // Cilium cluster-wide policies: the only way to admit the kubelet's NFS mounts
                // (host and remote-node traffic) to the NFS server under Dataplane V2.
                enableCiliumClusterwideNetworkPolicy: true,
                // The homes disk is attached through the PD CSI driver: turned on explicitly rather
                // than relying on the default of new clusters.
                addonsConfig: { gcePersistentDiskCsiDriverConfig: { enabled: true } },
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

        this.nodePools = (["core", "user"] as const).map((role) =>
            nodePool(`${name}-${role}-pool`, {
                role,
                pool: role === "core" ? args.corePool : args.userPool,
                // The core pool runs the NFS server, which must be in the zone of the (zonal) homes
                // disk: on a regional cluster its nodes stay in that zone. Labs spread over all.
                nodeLocations: role === "core" && args.regional ? [zone] : undefined,
                cluster,
                project,
                location,
                serviceAccount: nodeServiceAccount.email,
                labels,
                opts: keep,
            }),
        );

        this.ingressAddress = new gcp.compute.Address(
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
            { parent: this },
        );

        this.kubeconfig = pulumi.secret(
            pulumi
                .all([cluster.name, cluster.endpoint, cluster.masterAuth.clusterCaCertificate])
                .apply(([clusterName, endpoint, ca]) => gkeKubeconfig({ project, location, clusterName, endpoint, ca: ca ?? "" })),
        );
        this.provider = new k8s.Provider(
            `${name}-k8s`,
            { kubeconfig: this.kubeconfig, enableServerSideApply: true },
            { parent: this, dependsOn: this.nodePools },
        );

        this.clusterName = cluster.name;
        this.location = cluster.location;
        this.ingressIp = this.ingressAddress.address;
        this.registerOutputs({
            clusterName: this.clusterName,
            location: this.location,
            ingressIp: this.ingressIp,
            kubeconfig: this.kubeconfig,
        });
    }
}

function nodePool(
    logicalName: string,
    a: {
        role: NodeRole;
        pool: NodePoolSettings;
        cluster: gcp.container.Cluster;
        project: string;
        location: string;
        nodeLocations: string[] | undefined;
        serviceAccount: pulumi.Input<string>;
        labels: Record<string, string>;
        opts: pulumi.CustomResourceOptions;
    },
): gcp.container.NodePool {
    return new gcp.container.NodePool(
        logicalName,
        {
            // A prefix, not a name. With an explicit `name` the bridge marks every replacement
            // delete-before-replace (pulumi-terraform-bridge nameRequiresDeleteBeforeReplace: an
            // autonameable property the program set), so a ForceNew change (Spot, scopes, service
            // account, metadata) would delete every node of the pool before the new one exists.
            // With `namePrefix` the provider names the pool `<prefix><26-character unique id>`
            // (at most 40 characters), the bridge creates the replacement first, and GKE drains
            // the old pool's nodes onto it when the old pool is deleted, as Google's
            // terraform-google-kubernetes-engine update-variant modules do. The pool's nodes
            // are found by the role label, never by the pool's name.
            namePrefix: `${a.role}-`,
            project: a.project,
            location: a.location,
            nodeLocations: a.nodeLocations,
            cluster: a.cluster.name,
            initialNodeCount: a.pool.minNodes,
            autoscaling: { minNodeCount: a.pool.minNodes, maxNodeCount: a.pool.maxNodes, locationPolicy: "BALANCED" },
            management: { autoRepair: true, autoUpgrade: true },
            upgradeSettings: { maxSurge: 1, maxUnavailable: 0 },
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
                taints: TAINTED_NODE_ROLES.includes(a.role) ? [{ key: NODE_ROLE_LABEL, value: a.role, effect: "NO_SCHEDULE" }] : [],
                resourceLabels: { ...a.labels, "node-role": a.role },
            },
        },
        // A node count the autoscaler changed is not drift.
        { ...a.opts, ignoreChanges: ["initialNodeCount"] },
    );
}

/** A kubeconfig that authenticates with gke-gcloud-auth-plugin: no static credential in it. */
export function gkeKubeconfig(c: {
    project: string;
    location: string;
    clusterName: string;
    endpoint: string;
    ca: string;
}): string {
    const context = `gke_${c.project}_${c.location}_${c.clusterName}`;
    return JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: context, cluster: { server: `https://${c.endpoint}`, "certificate-authority-data": c.ca } }],
        contexts: [{ name: context, context: { cluster: context, user: context } }],
        "current-context": context,
        preferences: {},
        users: [
            {
                name: context,
                user: {
                    exec: {
                        apiVersion: "client.authentication.k8s.io/v1beta1",
                        command: "gke-gcloud-auth-plugin",
                        installHint: "Install gke-gcloud-auth-plugin: gcloud components install gke-gcloud-auth-plugin",
                        provideClusterInfo: true,
                        // Application-default credentials: the identity the gcp provider uses,
                        // not gcloud's active account (which may be another person or none).
                        args: ["--use_application_default_credentials"],
                        interactiveMode: "IfAvailable",
                    },
                },
            },
        ],
    });
}

/**
 * The node service account's id: `<cluster>-nodes`, cut to GCP's 30 characters and never ending
 * in `-` (ids match ^[a-z][-a-z0-9]{4,28}[a-z0-9]$; cluster names already start with a letter).
 */
export function nodeServiceAccountId(clusterName: string): string {
    return `${clusterName}-nodes`.slice(0, 30).replace(/-+$/, "");
}

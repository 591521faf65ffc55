/**
 * Which input changes make the GCP provider delete and recreate a resource instead of updating
 * it in place, for the resources whose replacement is costly or destructive: the homes disk (its
 * replacement loses every user's files), the GKE cluster and its node pools.
 *
 * Source: the Pulumi GCP provider is bridged from hashicorp/terraform-provider-google, whose
 * schemas mark these fields `ForceNew` (checked November 2026):
 *   - google/services/compute/resource_compute_disk.go (generated from Magic Modules' Disk.yaml;
 *     the Compute API has no disks.patch: only labels, size, IOPS/throughput and access mode
 *     update in place), plus the `size` note in @pulumi/gcp compute/disk.d.ts: "updates the disk
 *     size if upsizing is detected but recreates the disk if downsizing is requested";
 *   - google/services/container/resource_container_cluster.go;
 *   - google/services/container/resource_container_node_pool.go and node_config.go
 *     (schemaNodeConfig: machine type, disk size/type, image type, labels, taints and tags
 *     update in place by a rolling node upgrade; the fields below do not).
 * Paths are the program's input names (camelCase), dotted; a change at, above or below a path
 * counts (a whole `privateClusterConfig` block appearing changes its `masterIpv4CidrBlock`).
 * When the provider is upgraded, re-check this table against its schema.
 */

export interface ReplacementRule {
    /** Pulumi type token the rule applies to. */
    readonly type: string;
    /** What a reviewer should read, e.g. "the homes disk". */
    readonly what: string;
    /** Input paths whose change forces replacement. */
    readonly fields: readonly string[];
    /** Numeric input paths that may only grow: a decrease forces replacement. */
    readonly growOnly?: readonly string[];
    /** What replacement means for this resource, printed beside the flag. */
    readonly consequence: string;
}

export const REPLACEMENT_RULES: readonly ReplacementRule[] = [
    {
        type: "gcp:compute/disk:Disk",
        what: "persistent disk",
        fields: [
            "name",
            "project",
            "zone",
            "type",
            "image",
            "snapshot",
            "sourceDisk",
            "sourceInstantSnapshot",
            "sourceStorageObject",
            "storagePool",
            "description",
            "diskEncryptionKey",
            "sourceImageEncryptionKey",
            "sourceSnapshotEncryptionKey",
            "enableConfidentialCompute",
            "guestOsFeatures",
            "licenses",
            "params",
            "physicalBlockSizeBytes",
        ],
        growOnly: ["size"],
        consequence: "a new, EMPTY disk: every home directory on it is lost unless restored from a snapshot",
    },
    {
        type: "gcp:container/cluster:Cluster",
        what: "GKE cluster",
        fields: [
            "name",
            "project",
            "location",
            "network",
            "subnetwork",
            "networkingMode",
            "ipAllocationPolicy.clusterSecondaryRangeName",
            "ipAllocationPolicy.servicesSecondaryRangeName",
            "ipAllocationPolicy.clusterIpv4CidrBlock",
            "ipAllocationPolicy.servicesIpv4CidrBlock",
            "privateClusterConfig.masterIpv4CidrBlock",
            "privateClusterConfig.privateEndpointSubnetwork",
            "datapathProvider",
            "initialNodeCount",
            "nodeConfig",
            "clusterIpv4Cidr",
            "defaultMaxPodsPerNode",
            "enableAutopilot",
            "enableKubernetesAlpha",
            "enableTpu",
            "description",
        ],
        consequence: "the whole cluster and every workload on it are destroyed and rebuilt (downtime; a new endpoint and credentials)",
    },
    {
        type: "gcp:container/nodePool:NodePool",
        what: "GKE node pool",
        fields: [
            "name",
            "namePrefix",
            "project",
            "location",
            "cluster",
            "maxPodsPerNode",
            "placementPolicy",
            "queuedProvisioning",
            "networkConfig.createPodRange",
            "networkConfig.podRange",
            "networkConfig.podIpv4CidrBlock",
            "nodeConfig.spot",
            "nodeConfig.preemptible",
            "nodeConfig.serviceAccount",
            "nodeConfig.oauthScopes",
            "nodeConfig.metadata",
            "nodeConfig.minCpuPlatform",
            "nodeConfig.guestAccelerators",
            "nodeConfig.localSsdCount",
            "nodeConfig.shieldedInstanceConfig",
            "nodeConfig.bootDiskKmsKey",
            "nodeConfig.gvnic",
            "nodeConfig.gcfsConfig",
            "nodeConfig.reservationAffinity",
            "nodeConfig.advancedMachineFeatures",
            "nodeConfig.confidentialNodes",
            "nodeConfig.sandboxConfig",
            "nodeConfig.nodeGroup",
            "nodeConfig.soleTenantConfig",
            "nodeConfig.ephemeralStorageLocalSsdConfig",
            "nodeConfig.localNvmeSsdBlockConfig",
            "nodeConfig.secondaryBootDisks",
            "nodeConfig.hostMaintenancePolicy",
            "nodeConfig.enableConfidentialStorage",
            // `initialNodeCount` is ForceNew too, but the program sets ignoreChanges on it (the
            // autoscaler owns the size), so a change of it is not a replacement.
        ],
        consequence: "every node of the pool is deleted and recreated: the pods on it (hub, proxy, NFS server or users' labs) are evicted",
    },
];

export function ruleFor(type: string): ReplacementRule | undefined {
    return REPLACEMENT_RULES.find((r) => r.type === type);
}

/** True when `changed` is `field`, inside it, or encloses it (segment-wise). */
export function pathTouches(changed: string, field: string): boolean {
    const within = (inner: string, outer: string): boolean =>
        inner === outer || inner.startsWith(`${outer}.`) || inner.startsWith(`${outer}[`);
    return within(changed, field) || within(field, changed);
}

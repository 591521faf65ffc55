/**
 * The replacement rules of the GCP resource types (see replacements.ts for how they are applied).
 *
 * Source: the Pulumi GCP provider is bridged from hashicorp/terraform-provider-google; the fields
 * below are the ones its schemas mark `ForceNew` (at e03b7622):
 * google/services/compute/resource_compute_{address,network,subnetwork,router,router_nat,disk,
 * resource_policy,disk_resource_policy_attachment}.go, google/services/container/
 * resource_container_{cluster,node_pool}.go and node_config.go (schemaNodeConfig: machine type,
 * disk size/type, image type, labels, taints and tags update in place by a rolling node upgrade),
 * google/services/resourcemanager/resource_google_service_account.go and resource_google_project_
 * service.go, google/tpgiamresource/resource_iam_member.go with iam_project.go, google/services/
 * dns/resource_dns_{managed_zone,record_set}.go, google/services/monitoring/*.go and
 * google/services/logging/resource_logging_{metric,project_sink}.go, google/services/compute/
 * resource_compute_{region_disk,snapshot,instant_snapshot,firewall}.go, google/services/storage/
 * resource_storage_bucket.go and iam_storage_bucket.go, google/tpgiamresource/resource_iam_binding.go,
 * google/services/billingbudgets/resource_billing_budget.go. The disk's `size` may only grow (@pulumi/gcp
 * compute/disk.d.ts: "recreates the disk if downsizing is requested"). A snapshot schedule
 * (`snapshotSchedulePolicy`) updates in place. When the provider is upgraded, re-check this table
 * against its schema.
 */
import type { ReplacementRule } from "./replacementRule";

/** The ForceNew fields of a GKE node's config, shared by node pools and a cluster's default pool. */
const NODE_CONFIG_FORCE_NEW = [
    "advancedMachineFeatures",
    "bootDiskKmsKey",
    "confidentialNodes",
    "enableConfidentialStorage",
    "ephemeralStorageLocalSsdConfig",
    "flexStart",
    "guestAccelerators",
    "hostMaintenancePolicy",
    "localNvmeSsdBlockConfig",
    "localSsdCount",
    "localSsdEncryptionMode",
    "maxRunDuration",
    "metadata",
    "minCpuPlatform",
    "nodeGroup",
    "oauthScopes",
    "preemptible",
    "reservationAffinity",
    "sandboxConfig",
    "secondaryBootDisks",
    "serviceAccount",
    "shieldedInstanceConfig",
    "soleTenantConfig",
    "spot",
];

const LAB_OUTAGE = "users' labs stop";
const CORE_OUTAGE = "the hub, the proxy, the NFS server and the ingress controller are down";

export const GCP_REPLACEMENT_RULES: readonly ReplacementRule[] = [
    {
        type: "gcp:compute/disk:Disk",
        what: "persistent disk",
        nameField: "name",
        fields: [
            "name", "project", "zone", "type", "image", "snapshot", "sourceDisk", "sourceInstantSnapshot", "sourceStorageObject",
            "storagePool", "description", "diskEncryptionKey", "sourceImageEncryptionKey", "sourceSnapshotEncryptionKey",
            "enableConfidentialCompute", "guestOsFeatures", "licenses", "params", "physicalBlockSizeBytes", "architecture", "asyncPrimaryDisk",
        ],
        growOnly: ["size"],
        consequence: "a new, EMPTY disk: every home directory on it is lost unless restored from a snapshot",
    },
    {
        type: "gcp:compute/regionDisk:RegionDisk",
        what: "regional persistent disk",
        nameField: "name",
        fields: [
            "name", "project", "region", "replicaZones", "type", "image", "snapshot", "sourceDisk", "description", "diskEncryptionKey",
            "sourceImageEncryptionKey", "sourceSnapshotEncryptionKey", "guestOsFeatures", "licenses", "physicalBlockSizeBytes", "asyncPrimaryDisk",
        ],
        growOnly: ["size"],
        consequence: "a new, EMPTY disk: everything on it is lost unless restored from a snapshot",
    },
    {
        type: "gcp:compute/snapshot:Snapshot",
        what: "disk snapshot",
        nameField: "name",
        fields: [
            "name", "project", "zone", "chainName", "description", "params", "snapshotEncryptionKey", "snapshotType", "sourceDisk",
            "sourceDiskEncryptionKey", "sourceInstantSnapshot", "storageLocations",
        ],
        consequence: "the snapshot is deleted and a new one taken from the disk as it is NOW: the old point in time is lost",
    },
    {
        type: "gcp:compute/instantSnapshot:InstantSnapshot",
        what: "instant snapshot",
        nameField: "name",
        fields: ["name", "project", "zone", "description", "params", "sourceDisk"],
        consequence: "the instant snapshot is deleted and a new one taken from the disk as it is NOW: the old point in time is lost",
    },
    {
        type: "gcp:compute/resourcePolicy:ResourcePolicy",
        what: "snapshot schedule",
        fields: ["project", "region", "diskConsistencyGroupPolicy", "groupPlacementPolicy", "workloadPolicy"],
        consequence: "the schedule is recreated and must be re-attached: no scheduled snapshot in between; existing snapshots are kept",
    },
    {
        type: "gcp:compute/diskResourcePolicyAttachment:DiskResourcePolicyAttachment",
        what: "snapshot schedule attachment",
        nameField: "name",
        fields: ["name", "disk", "project", "zone"],
        consequence: "the disk is without its snapshot schedule between the delete and the create; existing snapshots are kept",
    },
    {
        type: "gcp:compute/address:Address",
        what: "static ingress IP",
        nameField: "name",
        fields: [
            "name", "project", "region", "address", "addressType", "description", "ipCollection", "ipVersion", "ipv6EndpointType",
            "network", "networkTier", "prefixLength", "purpose", "subnetwork",
        ],
        consequence:
            "a NEW public IP: the hostname's A record must follow (automatic with ingress.dnsZone, else by hand) and cert-manager re-issues the certificate (Let's Encrypt duplicate-certificate limit); the hub is unreachable until DNS and TLS catch up. No data at risk",
    },
    {
        type: "gcp:compute/network:Network",
        what: "VPC network",
        nameField: "name",
        fields: ["name", "project", "autoCreateSubnetworks", "description", "internalIpv6Range", "networkProfile", "params"],
        consequence: `the VPC and everything on it (subnetwork, router, NAT, cluster) are rebuilt: ${CORE_OUTAGE} and ${LAB_OUTAGE} until the new cluster runs. Homes are on the protected disk, not at risk`,
    },
    {
        type: "gcp:compute/subnetwork:Subnetwork",
        what: "subnetwork",
        nameField: "name",
        fields: ["name", "project", "region", "network", "description", "externalIpv6Prefix", "internalIpv6Prefix", "params", "reservedInternalRange", "resolveSubnetMask"],
        consequence: `the nodes' subnetwork is rebuilt, and the cluster with it: ${CORE_OUTAGE} and ${LAB_OUTAGE}. Homes are not at risk`,
    },
    {
        type: "gcp:compute/router:Router",
        what: "Cloud Router",
        nameField: "name",
        fields: ["name", "project", "region", "network", "encryptedInterconnectRouter", "nccGateway", "params"],
        consequence: "private nodes have no egress (image pulls, pip install, GitHub login) until the new router and NAT exist",
    },
    {
        type: "gcp:compute/routerNat:RouterNat",
        what: "Cloud NAT",
        nameField: "name",
        fields: ["name", "project", "region", "router", "endpointTypes", "initialNatIps", "type"],
        consequence: "private nodes have no egress (image pulls, pip install, GitHub login) until the new NAT exists; open connections drop",
    },
    {
        type: "gcp:compute/firewall:Firewall",
        what: "firewall rule",
        nameField: "name",
        fields: ["name", "project", "direction", "params"],
        consequence: "the traffic it allows is blocked (or what it denies is let through) between the delete and the create",
    },
    {
        type: "gcp:serviceaccount/account:Account",
        what: "node service account",
        fields: ["accountId", "project"],
        consequence: "a new service account (new email): its IAM grants are re-made and every node pool running as it is replaced",
    },
    {
        type: "gcp:projects/iAMMember:IAMMember",
        what: "project IAM grant",
        fields: ["project", "role", "member", "condition"],
        consequence: "the grant is removed and re-added: nodes briefly lack the role (logging, monitoring, image pulls)",
    },
    {
        type: "gcp:serviceaccount/iAMMember:IAMMember",
        what: "service account IAM grant",
        fields: ["serviceAccountId", "role", "member", "condition"],
        consequence: "the grant is removed and re-added: the member briefly lacks the role",
    },
    {
        type: "gcp:projects/iAMBinding:IAMBinding",
        what: "project IAM binding",
        fields: ["project", "role", "condition"],
        consequence: "every member of the role loses it between the delete and the create",
    },
    {
        type: "gcp:serviceaccount/iAMBinding:IAMBinding",
        what: "service account IAM binding",
        fields: ["serviceAccountId", "role", "condition"],
        consequence: "every member of the role loses it between the delete and the create",
    },
    {
        type: "gcp:storage/bucketIAMMember:BucketIAMMember",
        what: "bucket IAM grant",
        fields: ["bucket", "role", "member", "condition"],
        consequence: "the grant is removed and re-added: the member briefly lacks the role",
    },
    {
        type: "gcp:storage/bucket:Bucket",
        what: "storage bucket",
        nameField: "name",
        fields: ["name", "project", "location", "customPlacementConfig.dataLocations", "enableObjectRetention", "hierarchicalNamespace"],
        consequence: "the bucket must be emptied to be deleted (else the replacement fails, unless forceDestroy, which DELETES every object); bucket names are global, so the same name may not be available again",
    },
    {
        type: "gcp:logging/projectSink:ProjectSink",
        what: "log sink",
        nameField: "name",
        fields: ["name", "project"],
        consequence: "logs are not exported between the delete and the create, and the new sink has a new writer identity that needs its grant again",
    },
    {
        type: "gcp:billing/budget:Budget",
        what: "billing budget",
        fields: ["billingAccount"],
        consequence: "no budget alerts between the delete and the create",
    },
    {
        type: "gcp:projects/service:Service",
        what: "enabled GCP API",
        fields: ["project", "service"],
        consequence: "the API is re-enabled (with disableOnDestroy false, deleting it disables nothing); no downtime",
    },
    {
        type: "gcp:dns/managedZone:ManagedZone",
        what: "Cloud DNS zone",
        nameField: "name",
        fields: ["name", "project", "dnsName", "visibility"],
        consequence: "a new zone gets NEW name servers: the parent domain's NS delegation must be updated, or the hostname stops resolving and certificates cannot renew",
    },
    {
        type: "gcp:dns/recordSet:RecordSet",
        what: "DNS record",
        nameField: "name",
        fields: ["name", "project", "managedZone", "routingPolicy.healthCheck"],
        consequence: "the hostname does not resolve between the delete and the create; no data at risk",
    },
    {
        type: "gcp:container/cluster:Cluster",
        what: "GKE cluster",
        nameField: "name",
        fields: [
            "name", "project", "location", "network", "subnetwork", "networkingMode", "description", "initialNodeCount", "nodePools",
            "clusterIpv4Cidr", "datapathProvider", "dataplaneOptimizationMode", "defaultMaxPodsPerNode", "enableAutopilot", "enableKubernetesAlpha",
            "enableTpu", "confidentialNodes", "ipAllocationPolicy", "masterAuth.clientCertificateConfig",
            "privateClusterConfig.masterIpv4CidrBlock", "privateClusterConfig.privateEndpointSubnetwork",
            "clusterAutoscaling.autoProvisioningDefaults.bootDiskKmsKey", "userManagedKeysConfig",
            ...NODE_CONFIG_FORCE_NEW.map((f) => `nodeConfig.${f}`),
        ],
        consequence: `the whole cluster and every workload on it are destroyed and rebuilt: ${CORE_OUTAGE} and ${LAB_OUTAGE} for the rebuild; a new endpoint and credentials. Homes stay on the protected disk (docs/storage.md: stop the old NFS server first)`,
    },
    {
        type: "gcp:container/nodePool:NodePool",
        what: "GKE node pool",
        nameField: "name",
        fields: [
            "name", "namePrefix", "project", "location", "cluster", "maxPodsPerNode", "placementPolicy", "queuedProvisioning", "initialNodeCount",
            "networkConfig.acceleratorNetworkProfile", "networkConfig.additionalNodeNetworkConfigs", "networkConfig.additionalPodNetworkConfigs",
            "networkConfig.createPodRange", "networkConfig.podCidrOverprovisionConfig", "networkConfig.podIpv4CidrBlock", "networkConfig.podRange",
            "networkConfig.subnetwork",
            ...NODE_CONFIG_FORCE_NEW.map((f) => `nodeConfig.${f}`),
        ],
        consequence: `every node of the pool is deleted and recreated: its pods are evicted (core pool: ${CORE_OUTAGE}; user pool: ${LAB_OUTAGE}; homes are not at risk)`,
    },
    {
        type: "gcp:monitoring/alertPolicy:AlertPolicy",
        what: "alert policy",
        fields: ["project"],
        consequence: "no alerting from this policy between the delete and the create",
    },
    {
        type: "gcp:monitoring/notificationChannel:NotificationChannel",
        what: "notification channel",
        fields: ["project"],
        consequence: "alerts have nowhere to go until the new channel exists (and e-mail channels need re-verification)",
    },
    {
        type: "gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig",
        what: "uptime check",
        fields: ["project", "checkerType", "httpCheck.requestMethod", "monitoredResource", "resourceGroup", "syntheticMonitor"],
        consequence: "no uptime checks (and a gap in their history) between the delete and the create",
    },
    {
        type: "gcp:monitoring/group:Group",
        what: "monitoring group",
        fields: ["project"],
        consequence: "a new group id: checks and alerts that name the group must follow",
    },
    {
        type: "gcp:monitoring/customService:CustomService",
        what: "monitoring service",
        fields: ["project", "serviceId"],
        consequence: "its SLOs are deleted with it and their error-budget history restarts",
    },
    {
        type: "gcp:monitoring/slo:Slo",
        what: "SLO",
        fields: ["project", "service", "sloId"],
        consequence: "the SLO's error-budget history restarts; burn-rate alerts see no data until it fills again",
    },
    {
        type: "gcp:monitoring/dashboard:Dashboard",
        what: "monitoring dashboard",
        fields: ["project"],
        consequence: "the dashboard gets a new id (links to it break); no data at risk",
    },
    {
        type: "gcp:logging/metric:Metric",
        what: "log-based metric",
        fields: ["project"],
        consequence: "the metric's history restarts; alerts on it see no data until it fills again",
    },
];

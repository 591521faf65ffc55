/**
 * Which input changes make a provider delete and recreate a resource instead of updating it in
 * place, for every resource type the program declares, what each replacement costs, and in which
 * order the engine performs it. diff.ts applies this table to two renders and follows the cascade:
 * a replaced resource's outputs (its id, email, endpoint) are new, so a resource whose
 * replacement-forcing input takes one of them is replaced too.
 *
 * Sources (checked November 2026):
 * - GCP: the Pulumi GCP provider is bridged from hashicorp/terraform-provider-google; the fields
 *   below are the ones its schemas mark `ForceNew` (at e03b7622, August 2026):
 *   google/services/compute/resource_compute_{address,network,subnetwork,router,router_nat,disk,
 *   resource_policy,disk_resource_policy_attachment}.go, google/services/container/
 *   resource_container_{cluster,node_pool}.go and node_config.go (schemaNodeConfig: machine type,
 *   disk size/type, image type, labels, taints and tags update in place by a rolling node upgrade),
 *   google/services/resourcemanager/resource_google_service_account.go and resource_google_project_
 *   service.go, google/tpgiamresource/resource_iam_member.go with iam_project.go, google/services/
 *   dns/resource_dns_{managed_zone,record_set}.go, google/services/monitoring/*.go and
 *   google/services/logging/resource_logging_{metric,project_sink}.go, google/services/compute/
 *   resource_compute_{region_disk,snapshot,instant_snapshot,firewall}.go, google/services/storage/
 *   resource_storage_bucket.go and iam_storage_bucket.go, google/tpgiamresource/resource_iam_binding.go,
 *   google/services/billingbudgets/resource_billing_budget.go. The disk's `size` may only grow (@pulumi/gcp
 *   compute/disk.d.ts: "recreates the disk if downsizing is requested"). A snapshot schedule
 *   (`snapshotSchedulePolicy`) updates in place.
 * - Random values: pulumi/pulumi-random marks every input of RandomBytes/RandomPassword/RandomId
 *   replace-on-change (a new value is a new resource).
 * - Kubernetes: pulumi-kubernetes v4 (provider/pkg/provider/forcenew.go): `metadata.name` and
 *   `metadata.namespace` of every kind, plus per kind; ConfigMap `data` and Secret `data`/
 *   `stringData`/`type` because the provider is not configured with enableConfigMapMutable /
 *   enableSecretMutable (the v4 defaults).
 * - Order: pulumi-terraform-bridge's `nameRequiresDeleteBeforeReplace` (pkg/tfbridge/schema.go):
 *   a resource whose auto-named `name` the program sets explicitly is replaced delete-first (the
 *   same name cannot exist twice); left unset, `name` is auto-named afresh for the replacement, so
 *   the new one is created first. pulumi-kubernetes (provider Diff) replaces delete-first an object whose explicit
 *   `metadata.name` and namespace stay the same. The `deleteBeforeReplace` option forces delete-first.
 * - The Kubernetes provider (@pulumi/kubernetes provider.d.ts, `clusterIdentifier`): without a
 *   clusterIdentifier it is replaced when its kubeconfig's cluster (endpoint, CA) changes, which a
 *   replaced GKE cluster always does; every object it manages is then replaced with it.
 * Paths are the program's input names (camelCase), dotted; a change at, above or below a path
 * counts. When a provider is upgraded, re-check this table against its schema.
 */

export interface ReplacementRule {
    /** Pulumi type token the rule applies to. */
    readonly type: string;
    /** What a reviewer should read, e.g. "persistent disk". */
    readonly what: string;
    /** Input paths whose change forces replacement. */
    readonly fields: readonly string[];
    /** Numeric input paths that may only grow: a decrease forces replacement. */
    readonly growOnly?: readonly string[];
    /** The input holding the resource's explicit cloud name (the bridge replaces such a resource delete-first). */
    readonly nameField?: string;
    /** What replacement costs (downtime of which component, a new public IP, data), printed beside the flag. */
    readonly consequence: string;
    /** The cost for these inputs, where it depends on them (a claim's volume: pre-created or provisioned). */
    readonly consequenceOf?: (inputs: Record<string, unknown>) => string;
}

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

export const REPLACEMENT_RULES: readonly ReplacementRule[] = [
    // ----- GCP
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

    // ----- Random values (pulumi/pulumi-random: every input of these resources forces a new value)
    {
        type: "random:index/randomBytes:RandomBytes",
        what: "generated secret",
        fields: ["length", "keepers"],
        consequence: "a NEW random value: the hub secret made from it rotates (cookie secret: every user is logged out; crypt key: stored auth state is unreadable; proxy token: hub and proxy restart)",
    },
    {
        type: "random:index/randomPassword:RandomPassword",
        what: "generated password",
        fields: ["length", "keepers", "lower", "upper", "numeric", "special", "minLower", "minUpper", "minNumeric", "minSpecial", "overrideSpecial"],
        consequence: "a NEW password: whatever uses it must be given the new one",
    },
    {
        type: "random:index/randomId:RandomId",
        what: "generated id",
        fields: ["byteLength", "keepers", "prefix"],
        consequence: "a NEW id: names built from it change, and those resources are replaced too",
    },

    // ----- Kubernetes (metadata.name and metadata.namespace are added for every kind below)
    {
        type: "pulumi:providers:kubernetes",
        what: "Kubernetes provider",
        fields: ["clusterIdentifier", "context", "cluster"],
        consequence: "EVERY Kubernetes object of the stack is deleted and recreated with it: Helm releases, PVs, PVCs, Deployments (the hub, the proxy, the NFS server, the ingress controller are down, users' labs stop)",
    },
    {
        // A Helm release is identified by its name and namespace; Helm cannot move or rename one.
        type: "kubernetes:helm.sh/v3:Release",
        what: "Helm release",
        fields: ["name", "namespace"],
        consequence: "the chart is uninstalled and installed again: its pods are down meanwhile (ingress controller: the hub is unreachable; cert-manager: no issuance)",
    },
    { type: "kubernetes:core/v1:Namespace", what: "namespace", fields: [], consequence: "every object in the namespace, running labs included, is deleted with it" },
    {
        type: "kubernetes:core/v1:PersistentVolume",
        what: "PersistentVolume",
        fields: [
            "spec.awsElasticBlockStore", "spec.azureDisk", "spec.azureFile", "spec.cephfs", "spec.cinder", "spec.csi", "spec.fc", "spec.flexVolume",
            "spec.flocker", "spec.gcePersistentDisk", "spec.glusterfs", "spec.hostPath", "spec.iscsi", "spec.local", "spec.nfs",
            "spec.photonPersistentDisk", "spec.portworxVolume", "spec.quobyte", "spec.rbd", "spec.scaleIO", "spec.storageos", "spec.vsphereVolume",
        ],
        consequence: "the volume object is recreated (reclaim Retain: the data underneath is not deleted); pods mounting it must restart, and the delete waits while running labs use it",
    },
    {
        type: "kubernetes:core/v1:PersistentVolumeClaim",
        what: "PersistentVolumeClaim",
        fields: ["spec.accessModes", "spec.selector", "spec.storageClassName", "spec.volumeName"],
        consequence: "the claim is recreated: the delete waits on pvc-protection while running pods mount it",
        consequenceOf: (inputs) => {
            const spec = (inputs.spec ?? {}) as { volumeName?: unknown; storageClassName?: unknown };
            const wait = "the claim is recreated: the delete waits on pvc-protection while running pods mount it";
            return spec.volumeName !== undefined || spec.storageClassName === ""
                ? `${wait}; it is bound to a pre-created volume, whose data is not deleted`
                : `${wait}; its dynamically provisioned volume (reclaim Delete) is DELETED WITH ITS DATA`;
        },
    },
    { type: "kubernetes:core/v1:Service", what: "Service", fields: ["spec.clusterIP"], consequence: "a new ClusterIP: clients that pinned the old address (NFS mounts by IP) break until they restart" },
    { type: "kubernetes:core/v1:ConfigMap", what: "ConfigMap", fields: ["data", "binaryData"], consequence: "recreated: pods reading it restart; no data at risk" },
    { type: "kubernetes:core/v1:Secret", what: "Secret", fields: ["type", "data", "stringData"], consequence: "recreated: pods reading it restart; no data at risk" },
    { type: "kubernetes:apps/v1:Deployment", what: "Deployment", fields: ["spec.selector"], consequence: "its pods are deleted before the new ones start: the component is down meanwhile" },
    { type: "kubernetes:apps/v1:DaemonSet", what: "DaemonSet", fields: ["spec.selector"], consequence: "its pods are deleted before the new ones start" },
    {
        type: "kubernetes:apps/v1:StatefulSet",
        what: "StatefulSet",
        fields: ["spec.podManagementPolicy", "spec.revisionHistoryLimit", "spec.selector", "spec.serviceName", "spec.volumeClaimTemplates"],
        consequence: "its pods are deleted before the new ones start: the component is down meanwhile",
    },
    { type: "kubernetes:batch/v1:Job", what: "Job", fields: ["spec.completions", "spec.parallelism", "spec.selector", "spec.template"], consequence: "the Job runs again" },
    { type: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", what: "RoleBinding", fields: ["roleRef"], consequence: "the subject briefly lacks the role (the hub cannot spawn labs meanwhile)" },
    { type: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", what: "ClusterRoleBinding", fields: ["roleRef"], consequence: "the subject briefly lacks the role" },
    { type: "kubernetes:storage.k8s.io/v1:StorageClass", what: "StorageClass", fields: ["parameters", "provisioner"], consequence: "recreated; existing volumes keep their class's old parameters" },
    { type: "kubernetes:policy/v1:PodDisruptionBudget", what: "PodDisruptionBudget", fields: [], consequence: "recreated; no downtime" },
];

/** Kubernetes object identity: every kind is replaced when it changes. */
const KUBERNETES_METADATA_FORCE_NEW = ["metadata.name", "metadata.namespace"];

/** True for a Kubernetes object (not the provider, not a Helm release). */
export function isKubernetesObject(type: string): boolean {
    return type.startsWith("kubernetes:") && !type.startsWith("kubernetes:helm.sh/");
}

/** What replacing `inputs` under `rule` costs. */
export function consequenceOf(rule: ReplacementRule, inputs: Record<string, unknown>): string {
    return rule.consequenceOf?.(inputs) ?? rule.consequence;
}

/** The rule for a type: the table's entry, with Kubernetes' identity fields; any Kubernetes object has one. */
export function ruleFor(type: string): ReplacementRule | undefined {
    const rule = REPLACEMENT_RULES.find((r) => r.type === type);
    if (!isKubernetesObject(type)) return rule;
    const kind = type.slice(type.lastIndexOf(":") + 1);
    return {
        ...rule,
        type,
        what: rule?.what ?? kind,
        fields: [...KUBERNETES_METADATA_FORCE_NEW, ...(rule?.fields ?? [])],
        consequence: rule?.consequence ?? "the object is deleted and recreated",
    };
}

/** True when `changed` is `field`, inside it, or encloses it (segment-wise). */
export function pathTouches(changed: string, field: string): boolean {
    const within = (inner: string, outer: string): boolean =>
        inner === outer || inner.startsWith(`${outer}.`) || inner.startsWith(`${outer}[`);
    return within(changed, field) || within(field, changed);
}

export type ReplacementOrder = "delete-first" | "create-first";

/** The order of a replacement and why, from the resource's inputs and options (see the header). */
export function replacementOrder(
    base: { readonly type: string; readonly inputs: Record<string, unknown> },
    head: { readonly type: string; readonly inputs: Record<string, unknown>; readonly deleteBeforeReplace: boolean },
): { order: ReplacementOrder; why: string } {
    if (head.deleteBeforeReplace) return { order: "delete-first", why: "the deleteBeforeReplace option" };
    if (isKubernetesObject(head.type)) {
        const meta = (i: Record<string, unknown>) => (i.metadata ?? {}) as { name?: unknown; namespace?: unknown };
        const [b, h] = [meta(base.inputs), meta(head.inputs)];
        if (typeof h.name === "string" && b.name === h.name && b.namespace === h.namespace) {
            return { order: "delete-first", why: `explicit metadata.name "${h.name}": one object of that name can exist` };
        }
        return { order: "create-first", why: "a new object name" };
    }
    const rule = REPLACEMENT_RULES.find((r) => r.type === head.type);
    if (rule?.nameField && head.inputs[rule.nameField] !== undefined) {
        return { order: "delete-first", why: `explicit ${rule.nameField}: the bridge deletes a named resource before creating it again` };
    }
    if (rule?.nameField) return { order: "create-first", why: `auto-named ${rule.nameField}: the replacement gets a new name` };
    return { order: "create-first", why: "the engine's default" };
}

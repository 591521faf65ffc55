/**
 * Which Google Cloud API each GCP resource type needs: one table, read by the program (it declares a
 * `gcp.projects.Service` for each API its resources use, and makes each resource depend on it) and
 * by the policy pack (a stack whose GCP resource needs an API it does not declare fails the check).
 *
 * Pure: no Pulumi import, so the policy pack and scripts load it without the SDK.
 *
 * A new project has almost nothing enabled. Without this, the first `pulumi up` fails on whichever
 * API is off, and the order of failures depends on scheduling. The Service resources make it
 * deterministic: each resource waits for its API.
 */

/** The API every GCP resource type of the program (and of its planned parts) needs, by Pulumi type token. */
export const GCP_API_OF_RESOURCE_TYPE: Readonly<Record<string, string>> = {
    // The network, the static IP, the homes disk and its snapshots.
    "gcp:compute/address:Address": "compute.googleapis.com",
    "gcp:compute/disk:Disk": "compute.googleapis.com",
    "gcp:compute/diskResourcePolicyAttachment:DiskResourcePolicyAttachment": "compute.googleapis.com",
    "gcp:compute/instantSnapshot:InstantSnapshot": "compute.googleapis.com",
    "gcp:compute/regionDisk:RegionDisk": "compute.googleapis.com",
    "gcp:compute/firewall:Firewall": "compute.googleapis.com",
    "gcp:compute/network:Network": "compute.googleapis.com",
    "gcp:compute/resourcePolicy:ResourcePolicy": "compute.googleapis.com",
    "gcp:compute/router:Router": "compute.googleapis.com",
    "gcp:compute/routerNat:RouterNat": "compute.googleapis.com",
    "gcp:compute/snapshot:Snapshot": "compute.googleapis.com",
    "gcp:compute/subnetwork:Subnetwork": "compute.googleapis.com",
    // GKE.
    "gcp:container/cluster:Cluster": "container.googleapis.com",
    "gcp:container/nodePool:NodePool": "container.googleapis.com",
    // Service accounts live in IAM; a project-level IAM grant is a Resource Manager call
    // (setIamPolicy on the project), not an IAM one.
    "gcp:serviceaccount/account:Account": "iam.googleapis.com",
    "gcp:serviceaccount/iAMMember:IAMMember": "iam.googleapis.com",
    "gcp:serviceaccount/iAMBinding:IAMBinding": "iam.googleapis.com",
    "gcp:projects/iAMMember:IAMMember": "cloudresourcemanager.googleapis.com",
    "gcp:projects/iAMBinding:IAMBinding": "cloudresourcemanager.googleapis.com",
    // Cloud DNS: the managed zone and the hub's A record.
    "gcp:dns/managedZone:ManagedZone": "dns.googleapis.com",
    "gcp:dns/recordSet:RecordSet": "dns.googleapis.com",
    // Monitoring: alerting, uptime checks, dashboards; log-based metrics are Cloud Logging's.
    "gcp:monitoring/alertPolicy:AlertPolicy": "monitoring.googleapis.com",
    "gcp:monitoring/customService:CustomService": "monitoring.googleapis.com",
    "gcp:monitoring/dashboard:Dashboard": "monitoring.googleapis.com",
    "gcp:monitoring/group:Group": "monitoring.googleapis.com",
    "gcp:monitoring/notificationChannel:NotificationChannel": "monitoring.googleapis.com",
    "gcp:monitoring/slo:Slo": "monitoring.googleapis.com",
    "gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig": "monitoring.googleapis.com",
    "gcp:logging/metric:Metric": "logging.googleapis.com",
    "gcp:logging/projectSink:ProjectSink": "logging.googleapis.com",
    // Cloud Storage (a backup bucket and its grants).
    "gcp:storage/bucket:Bucket": "storage.googleapis.com",
    "gcp:storage/bucketIAMMember:BucketIAMMember": "storage.googleapis.com",
    // A budget on the billing account.
    "gcp:billing/budget:Budget": "billingbudgets.googleapis.com",
};

/**
 * The type of the API resources themselves: enabling an API is a Service Usage call, so it is
 * not in the table (the program cannot enable the API that enables APIs).
 */
export const GCP_SERVICE_TYPE = "gcp:projects/service:Service";

/**
 * APIs a GKE stack uses at run time although no declared resource maps to them, with why.
 * The program declares them too.
 */
export const RUNTIME_GCP_APIS: Readonly<Record<string, string>> = {
    "iamcredentials.googleapis.com": "GKE Workload Identity and gke-gcloud-auth-plugin mint short-lived tokens through it",
    "logging.googleapis.com": "GKE's system and workload logs (the cluster's default logging service)",
    "monitoring.googleapis.com": "GKE's system metrics and Managed Service for Prometheus",
};

/**
 * APIs that must be on before the first `pulumi up`, enabled by hand once per project: the
 * provider enables APIs through Service Usage, and it reads the project through Resource Manager
 * before it enables anything (terraform-provider-google#6101, k8s-config-connector#135).
 * The program declares Resource Manager as well, so it is never turned off by accident.
 */
export const PREREQUISITE_GCP_APIS: readonly string[] = ["cloudresourcemanager.googleapis.com", "serviceusage.googleapis.com"];

/** The API a GCP resource type needs; undefined for a type that needs none or is not in the table. */
export function gcpApiOf(resourceType: string): string | undefined {
    return Object.prototype.hasOwnProperty.call(GCP_API_OF_RESOURCE_TYPE, resourceType) ? GCP_API_OF_RESOURCE_TYPE[resourceType] : undefined;
}

/** Whether a type token is a GCP resource (not the gcp provider itself, which is `pulumi:providers:gcp`). */
export function isGcpResourceType(resourceType: string): boolean {
    return resourceType.startsWith("gcp:");
}

/**
 * The APIs a stack of these GCP resource types needs, sorted and unique: each type's API plus
 * the run-time APIs when there is any GCP resource at all (none for a stack without GCP resources).
 * Throws, naming the type, for a GCP type missing from the table: add it there.
 */
export function requiredGcpApis(resourceTypes: Iterable<string>): string[] {
    const apis = new Set<string>();
    for (const type of resourceTypes) {
        if (!isGcpResourceType(type) || type === GCP_SERVICE_TYPE) continue;
        const api = gcpApiOf(type);
        if (api === undefined) {
            throw new Error(`no API known for GCP resource type ${type}: add it to GCP_API_OF_RESOURCE_TYPE in components/gcpApis.ts`);
        }
        apis.add(api);
    }
    if (apis.size > 0) {
        for (const api of Object.keys(RUNTIME_GCP_APIS)) apis.add(api);
    }
    return [...apis].sort();
}

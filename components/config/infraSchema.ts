/**
 * The schema of the infrastructure's keys: the cluster (its node pools and maintenance
 * exclusions) and the storage (homes disk, NFS server, quotas, hub database disk).
 */
import { z } from "zod";
import { hasLeadingZeros, isIpv4Cidr } from "../cidr";
import { PRICED_MACHINE_TYPES } from "../machineTypes";
import { DNS_LABEL, diskType, gceDiskName, hhmm, imageDigest, IPV4_CIDR_MESSAGE, ipv4Cidr, k8sName, LEADING_ZEROS_MESSAGE, lowercaseLogin, ownNamespace, quantity } from "./common";

// ---------------------------------------------------------------------------------------------
// The schema: one entry per top-level key of the jupyterlabdemo namespace
// ---------------------------------------------------------------------------------------------

/**
 * A node pool's keys. `core` (the reason) makes the pool one that must always run: at least one
 * node and no Spot VMs, stated in the schema so the generated reference shows what is allowed.
 */
const nodePool = (defaults: { machineType: string; minNodes: number; maxNodes: number; diskSizeGb: number }, core?: string) =>
    z.strictObject({
        machineType: z
            .string()
            .regex(/^[a-z][a-z0-9]*-[a-z0-9-]+$/, "must be a GCE machine type such as e2-standard-4")
            .default(defaults.machineType)
            .describe("GCE machine type of the pool's nodes."),
        minNodes: z
            .number()
            .int("must be a whole number")
            .min(core ? 1 : 0, core ? `must be >= 1 (${core})` : "must be >= 0")
            .default(defaults.minNodes)
            .describe("Fewest nodes the autoscaler keeps (per zone of a regional cluster)."),
        maxNodes: z
            .number()
            .int("must be a whole number")
            .min(1, "must be >= 1")
            .max(100, "must be <= 100")
            .default(defaults.maxNodes)
            .describe("Most nodes the autoscaler may add (per zone of a regional cluster)."),
        diskSizeGb: z
            .number()
            .int("must be a whole number")
            .min(20, "must be >= 20 (GB)")
            .max(2000, "must be <= 2000 (GB)")
            .default(defaults.diskSizeGb)
            .describe("Boot disk size of each node, in GB (holds pulled images)."),
        diskType: diskType.describe("Boot disk type of each node."),
        spot: (core ? z.literal(false, `must be false (preempting the core pool stops the hub and the NFS server)`) : z.boolean())
            .default(false)
            .describe(core ? "Always false: Spot VMs may be preempted at any time." : "Use Spot VMs (cheaper, may be preempted at any time)."),
    });

/** GKE's longest exclusion per scope: 30 days without any upgrade, 180 days for the others. */
export const MAX_EXCLUSION_DAYS = { NO_UPGRADES: 30, NO_MINOR_UPGRADES: 180, NO_MINOR_OR_NODE_UPGRADES: 180 } as const;
const RFC3339_UTC_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const utcTime = z
    .string()
    .regex(RFC3339_UTC_RE, "must be an RFC 3339 UTC time such as 2027-01-10T00:00:00Z")
    .refine((v) => !Number.isNaN(Date.parse(v)), "must be a real date and time");
const maintenanceExclusion = z.strictObject({
    name: z.string().regex(new RegExp(`^${DNS_LABEL}$`), "must be a short name of a-z, 0-9 and -"),
    start: utcTime,
    end: utcTime,
    scope: z.enum(["NO_UPGRADES", "NO_MINOR_UPGRADES", "NO_MINOR_OR_NODE_UPGRADES"]).default("NO_MINOR_OR_NODE_UPGRADES"),
});

export const clusterSchema = z
    .strictObject({
        name: z
            .string()
            .regex(/^[a-z]([a-z0-9-]*[a-z0-9])?$/, "must start with a letter and hold only a-z, 0-9 and - (a GKE cluster name)")
            .max(40, "must be at most 40 characters (a GKE cluster name limit)")
            .optional()
            .describe("GKE cluster name. Default: `jupyterlab-<stack>`. Changing it replaces the cluster."),
        regional: z
            .boolean()
            .default(false)
            .describe(
                "Regional (three zones, control plane replicated) instead of zonal (one zone, cheaper). " +
                    "Changing it replaces the cluster.",
            ),
        releaseChannel: z
            .enum(["RAPID", "REGULAR", "STABLE"])
            .default("REGULAR")
            .describe("GKE release channel that drives automatic control-plane and node upgrades."),
        maintenanceWindowStart: hhmm
            .default("03:00")
            .describe("Start (UTC, HH:MM) of the daily four-hour window in which GKE may upgrade or repair."),
        deletionProtection: z
            .boolean()
            .default(true)
            .describe("GKE-side deletion protection: the cluster cannot be deleted until this is turned off."),
        protect: z
            .boolean()
            .default(false)
            .describe("Pulumi `protect` on the cluster: `pulumi destroy` refuses to delete it. Its node pools are never protected, so a change that replaces a pool can create the new one first."),
        privateNodes: z
            .boolean()
            .default(true)
            .describe("Nodes get no public IP; they reach the internet through Cloud NAT."),
        masterAuthorizedNetworks: z
            .array(ipv4Cidr)
            .default([])
            .describe(
                "CIDRs allowed to reach the control plane's IP endpoint. Empty: any address (still IAM-authenticated). " +
                    "The DNS endpoint, which the stack's kubeconfig uses, is guarded by IAM only.",
            ),
        nodeCidr: z
            .string()
            .refine((v) => !hasLeadingZeros(v), LEADING_ZEROS_MESSAGE)
            .refine(isIpv4Cidr, IPV4_CIDR_MESSAGE)
            .default("10.10.0.0/20")
            .describe("Primary range of the cluster subnetwork (node addresses)."),
        podCidr: z
            .string()
            .refine((v) => !hasLeadingZeros(v), LEADING_ZEROS_MESSAGE)
            .refine(isIpv4Cidr, IPV4_CIDR_MESSAGE)
            .default("10.16.0.0/14")
            .describe("Secondary range for pod addresses (VPC-native)."),
        serviceCidr: z
            .string()
            .refine((v) => !hasLeadingZeros(v), LEADING_ZEROS_MESSAGE)
            .refine(isIpv4Cidr, IPV4_CIDR_MESSAGE)
            .default("10.20.0.0/20")
            .describe("Secondary range for Service ClusterIPs (VPC-native)."),
        maintenanceExclusions: z
            .array(maintenanceExclusion)
            .default([])
            .describe(
                "Periods in which GKE may not upgrade (e.g. teaching weeks): `{name, start, end, scope}`, times as " +
                    "RFC 3339 UTC (`2027-01-10T00:00:00Z`); scope `NO_UPGRADES` (at most 30 days), `NO_MINOR_UPGRADES` " +
                    "or `NO_MINOR_OR_NODE_UPGRADES` (at most 180 days).",
            ),
        protectIngressIp: z
            .boolean()
            .default(false)
            .describe(
                "Pulumi `protect` and `retainOnDelete` on the ingress's static IP: DNS and certificates keep pointing at it " +
                    "across rebuilds, and `pulumi destroy` leaves it in the project.",
            ),
        allowUnpricedMachineTypes: z
            .boolean()
            .default(false)
            .describe(
                "Allow a node pool machine type that scripts/lib/prices.json does not price (then add its price, or `npm run cost` fails). " +
                    `Priced: ${PRICED_MACHINE_TYPES.join(", ")}.`,
            ),
        corePool: nodePool({ machineType: "e2-standard-2", minNodes: 1, maxNodes: 2, diskSizeGb: 50 }, "the hub, proxy and NFS server run there")
            .prefault({})
            .describe("The core pool: hub, proxy, NFS server and ingress controller."),
        userPool: nodePool({ machineType: "e2-standard-4", minNodes: 0, maxNodes: 3, diskSizeGb: 100 })
            .prefault({})
            .describe("The user pool: one JupyterLab pod per user; scales to zero."),
    })
    .describe("The GKE cluster (GCP stacks only).");

export const storageSchema = z
    .strictObject({
        diskName: gceDiskName
            .optional()
            .describe("Name of the GCE disk holding all homes. Default: `<stack>-homes`. Never change it on a live stack."),
        adoptExistingDisk: z
            .boolean()
            .default(false)
            .describe("Import the existing disks `diskName` and (GKE) `hubDatabaseDiskName` (after a rebuild) instead of creating them."),
        diskSizeGb: z
            .number()
            .int("must be a whole number")
            .min(10, "must be >= 10 (GB)")
            .max(65536, "must be <= 65536 (GB)")
            .default(100)
            .describe("Size of the homes disk in GB. Can grow in place; never shrink."),
        diskType: diskType.describe("GCE disk type of the homes disk. Changing it replaces the disk (refused: it is protected)."),
        snapshotRetentionDays: z
            .number()
            .int("must be a whole number")
            .min(1, "must be >= 1")
            .max(365, "must be <= 365")
            .default(14)
            .describe("Days each daily snapshot of the homes disk is kept."),
        snapshotStartTime: hhmm
            .regex(/:00$/, "must be on the hour (HH:00), as GCE snapshot schedules require")
            .default("04:00")
            .describe("UTC time (HH:00) of the daily snapshot."),
        localVolumeSize: quantity("10Gi")
            .default("10Gi")
            .describe("`local` only: size of the NFS server's claim on the cluster's default StorageClass."),
        localStorageClass: k8sName
            .optional()
            .describe("`local` only: StorageClass of that claim. Default: the cluster's default class."),
        namespace: ownNamespace
            .default("homes")
            .describe(
                "Namespace of the NFS server alone (Pod Security `privileged`); must differ from `hub.namespace`. Not `default`, " +
                    "`kube-*`, `gke-*`, `gmp-*`, nor the ingress controller's or cert-manager's namespace.",
            ),
        userQuotaGiB: z
            .number()
            .int("must be a whole number of GiB")
            .min(1, "must be >= 1 (GiB)")
            .max(65536, "must be <= 65536 (GiB)")
            .default(10)
            .describe("Each home's XFS project quota in GiB (GKE stacks; `local` has no quotas)."),
        userQuotaOverrides: z
            .record(z.string(), z.number().int("must be a whole number of GiB").min(1, "must be >= 1 (GiB)").max(65536, "must be <= 65536 (GiB)"))
            .default({})
            .describe("Per-user quotas in GiB, by lowercase GitHub login: `{login: GiB}`; wins over `userQuotaGiB`."),
        quotaExclusions: z
            .array(lowercaseLogin)
            .default([])
            .describe("Lowercase GitHub logins whose homes get no quota (unlimited)."),
        imageDigests: z
            .strictObject({
                ganesha: imageDigest.optional().describe("Digest of ghcr.io/2i2c-org/nfs-ganesha at its pinned tag."),
                homeNfs: imageDigest.optional().describe("Digest of ghcr.io/2i2c-org/jupyterhub-home-nfs at its pinned tag."),
                nodeExporter: imageDigest.optional().describe("Digest of quay.io/prometheus/node-exporter at its pinned tag."),
            })
            .prefault({})
            .describe("sha256 digests of the NFS server's images (docs/storage.md gives the command); the policy pack warns while one is unset."),
        hubDatabaseDiskName: gceDiskName
            .optional()
            .describe("GKE: name of the protected, snapshotted GCE disk of the hub's sqlite database. Default: `<stack>-hub-db`."),
        hubDatabaseDiskSizeGb: z
            .number()
            .int("must be a whole number")
            .min(10, "must be >= 10 (GB, the GCE minimum)")
            .max(1000, "must be <= 1000 (GB)")
            .default(10)
            .describe("GKE: size of the hub database disk in GB. Can grow in place; never shrink."),
    })
    .describe("Users' home storage: the disk, its snapshots, the NFS server, per-user quotas; and the hub database's disk.");

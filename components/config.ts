/**
 * The one place that reads and validates stack configuration.
 *
 * Every key of the `jupyterlabdemo` namespace (and the `gcp:` keys the program needs) is
 * described here once: its type, default, allowed values and meaning. `loadSettings()` reads the
 * stack's config, validates all of it, and returns typed, frozen settings that `index.ts` hands to
 * the components as typed arguments. Components never read `pulumi.Config` themselves.
 *
 * A config mistake throws a `ConfigError`: one line that names the full key and what is allowed,
 * before any resource is declared. It extends `pulumi.RunError`, so `pulumi up` prints the line
 * without a stack trace.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { cidrsOverlap, isIpv4Cidr, networkOf, parseCidr } from "./cidr";

export const PROJECT = "jupyterlabdemo";

/** A config mistake: a single line naming the key and what is allowed. */
export class ConfigError extends pulumi.RunError {
    public readonly isConfigError = true;
    constructor(message: string) {
        super(message);
        this.name = "ConfigError";
    }
}

// ---------------------------------------------------------------------------------------------
// Value rules shared by several keys
// ---------------------------------------------------------------------------------------------

/** An RFC 1123 DNS label, lowercase: a hostname's parts and Kubernetes object names. */
const DNS_LABEL = "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?";
const HOSTNAME_RE = new RegExp(`^(?=.{1,253}$)${DNS_LABEL}(\\.${DNS_LABEL})+$`);
/** Kubernetes object names (RFC 1123 labels). */
const K8S_NAME_RE = new RegExp(`^${DNS_LABEL}$`);
/** GCP project ids: a letter first, 6 to 30 of a-z, 0-9 and -, no trailing -. */
const GCP_PROJECT_RE = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
/** GitHub logins and organization names: alphanumerics and single inner hyphens, at most 39. */
const GITHUB_NAME_RE = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
/** Kubernetes resource quantities as used for memory and disk sizes. */
const QUANTITY_RE = /^[0-9]+(\.[0-9]+)?(k|M|G|T|Ki|Mi|Gi|Ti)?$/;
const HHMM_RE = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;
/** Namespaces of the cluster itself (and of GKE's managed collector), never the program's own. */
const RESERVED_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease", "gmp-system", "gmp-public"];

/**
 * True when an image reference pins a version: a tag other than `latest`, or a digest.
 * `registry:5000/name` has a port, not a tag, so only a `:` after the last `/` counts.
 */
export function imageIsPinned(image: string): boolean {
    if (/@sha256:[a-f0-9]{64}$/.test(image)) {
        return true;
    }
    const lastSegment = image.slice(image.lastIndexOf("/") + 1);
    const colon = lastSegment.indexOf(":");
    if (colon < 0) {
        return false;
    }
    const tag = lastSegment.slice(colon + 1);
    return /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag) && tag !== "latest";
}

const imageRef = z
    .string()
    .regex(/^[a-z0-9][a-z0-9._\-/:@]*$/, "must be an image reference such as registry/name:tag")
    .refine(imageIsPinned, "must carry a tag or a sha256 digest, never a bare name or :latest");

const quantity = (example: string) =>
    z.string().regex(QUANTITY_RE, `must be a Kubernetes quantity such as ${example}`);
const cpu = z.number().positive("must be a positive number of CPU cores").max(64, "must be at most 64 cores");
const IPV4_CIDR_MESSAGE = "must be an IPv4 CIDR such as 10.10.0.0/20";
const ipv4Cidr = z.string().refine(isIpv4Cidr, IPV4_CIDR_MESSAGE);
const hhmm = z.string().regex(HHMM_RE, "must be a UTC time as HH:MM");
const githubName = z.string().regex(GITHUB_NAME_RE, "must be a GitHub login or organization name");
const k8sName = z.string().regex(K8S_NAME_RE, "must be a lowercase RFC 1123 name (a-z, 0-9, -; at most 63)");
const gcpProjectId = z.string().regex(GCP_PROJECT_RE, "must be a GCP project id");

/** GCE persistent disk types a node boot disk or the homes disk may use. */
export const DISK_TYPES = ["pd-balanced", "pd-standard", "pd-ssd"] as const;
export type DiskType = (typeof DISK_TYPES)[number];
const diskType = z.enum(DISK_TYPES).default("pd-balanced");
/**
 * GCE disk names (RFC 1035: a letter first), at most 57 characters so that the disk's snapshot
 * schedule, named `<diskName>-daily`, stays within GCE's 63.
 */
export const GCE_DISK_NAME_RE = /^[a-z]([a-z0-9-]{0,55}[a-z0-9])?$/;
const GCE_DISK_NAME_RULE = "must be a GCE disk name: a lowercase letter, then a-z, 0-9 or -, at most 57 characters";
const gceDiskName = z.string().regex(GCE_DISK_NAME_RE, GCE_DISK_NAME_RULE);
/** A lowercased GitHub login: the name of a user's home directory (components/hub/hooks.py). */
export const LOWERCASE_LOGIN_RE = /^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){0,38}$/;
const lowercaseLogin = z.string().regex(LOWERCASE_LOGIN_RE, "must be a lowercase GitHub login (the name of the user's home)");
/** An image digest as `sha256:<64 hex>`. */
export const IMAGE_DIGEST_RE = /^sha256:[a-f0-9]{64}$/;
const imageDigest = z.string().regex(IMAGE_DIGEST_RE, "must be a digest such as sha256:<64 lowercase hex digits>");

// ---------------------------------------------------------------------------------------------
// The schema: one entry per top-level key of the jupyterlabdemo namespace
// ---------------------------------------------------------------------------------------------

const nodePool = (defaults: { machineType: string; minNodes: number; maxNodes: number; diskSizeGb: number }) =>
    z.strictObject({
        machineType: z
            .string()
            .regex(/^[a-z][a-z0-9]*-[a-z0-9-]+$/, "must be a GCE machine type such as e2-standard-4")
            .default(defaults.machineType)
            .describe("GCE machine type of the pool's nodes."),
        minNodes: z
            .number()
            .int("must be a whole number")
            .min(0, "must be >= 0")
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
        spot: z
            .boolean()
            .default(false)
            .describe("Use Spot VMs (cheaper, may be preempted at any time)."),
    });

/** GKE's longest exclusion per scope: 30 days without any upgrade, 180 days for the others. */
const MAX_EXCLUSION_DAYS = { NO_UPGRADES: 30, NO_MINOR_UPGRADES: 180, NO_MINOR_OR_NODE_UPGRADES: 180 } as const;
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

const clusterSchema = z
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
            .describe("Pulumi `protect` on the cluster and its node pools: `pulumi destroy` refuses to delete them."),
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
            .refine(isIpv4Cidr, IPV4_CIDR_MESSAGE)
            .default("10.10.0.0/20")
            .describe("Primary range of the cluster subnetwork (node addresses)."),
        podCidr: z
            .string()
            .refine(isIpv4Cidr, IPV4_CIDR_MESSAGE)
            .default("10.16.0.0/14")
            .describe("Secondary range for pod addresses (VPC-native)."),
        serviceCidr: z
            .string()
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
        corePool: nodePool({ machineType: "e2-standard-2", minNodes: 1, maxNodes: 2, diskSizeGb: 50 })
            .prefault({})
            .describe("The core pool: hub, proxy, NFS server and ingress controller."),
        userPool: nodePool({ machineType: "e2-standard-4", minNodes: 0, maxNodes: 3, diskSizeGb: 100 })
            .prefault({})
            .describe("The user pool: one JupyterLab pod per user; scales to zero."),
    })
    .describe("The GKE cluster (GCP stacks only).");

const storageSchema = z
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
        namespace: k8sName
            .default("homes")
            .describe("Namespace of the NFS server alone (Pod Security `privileged`); must differ from `hub.namespace`."),
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

const githubSchema = z
    .strictObject({
        clientId: z
            .string()
            .regex(/^[A-Za-z0-9._-]{8,64}$/, "must be a GitHub OAuth app client id")
            .optional()
            .describe("Client id of the GitHub OAuth app (its secret is `githubClientSecret`)."),
        allowedOrganizations: z
            .array(githubName)
            .default([])
            .describe("GitHub organizations whose members may log in. Required with the github authenticator."),
        adminUsers: z.array(githubName).default([]).describe("GitHub logins that are JupyterHub admins."),
    })
    .describe("GitHub login.");

const hubSchema = z
    .strictObject({
        namespace: k8sName.default("jupyterhub").describe("Kubernetes namespace of the hub, proxy and labs (the NFS server has its own: `storage.namespace`)."),
        authenticator: z
            .enum(["github", "dummy"])
            .default("github")
            .describe("`github`: GitHub organization login. `dummy`: one shared password (`dummyPassword`), `local` only."),
        image: imageRef
            .default("quay.io/jupyterhub/k8s-hub:4.4.0")
            .describe("Hub image (JupyterHub, KubeSpawner, OAuthenticator, idle culler)."),
        proxyImage: imageRef
            .default("quay.io/jupyterhub/configurable-http-proxy:5.2.0")
            .describe("configurable-http-proxy image."),
        databaseSize: quantity("1Gi")
            .default("1Gi")
            .describe("Size of the hub's own ReadWriteOnce claim for its sqlite database."),
    })
    .describe("JupyterHub and its proxy.");

const labImageSchema = z.strictObject({
    name: k8sName.describe("Stable slug of the choice (used in forms and pre-puller container names)."),
    displayName: z.string().min(1, "must not be empty").max(80, "must be at most 80 characters"),
    image: imageRef,
    default: z.boolean().default(false),
});

const labSizeSchema = z.strictObject({
    name: k8sName.describe("Stable slug of the size."),
    displayName: z.string().min(1, "must not be empty").max(80, "must be at most 80 characters"),
    cpuGuarantee: cpu,
    cpuLimit: cpu,
    memoryGuarantee: quantity("2Gi"),
    memoryLimit: quantity("4Gi"),
    default: z.boolean().default(false),
});

const labSchema = z
    .strictObject({
        images: z
            .array(labImageSchema)
            .min(1, "must list at least one image")
            .default([
                {
                    name: "minimal",
                    displayName: "Jupyter minimal notebook",
                    // A docker-stacks weekly build tag seen in use upstream (2025-11-10 could not be confirmed).
                    image: "quay.io/jupyter/minimal-notebook:2025-11-24",
                    default: true,
                },
            ])
            .describe("The image menu: `{name, displayName, image, default}`; exactly one is the default."),
        sizes: z
            .array(labSizeSchema)
            .min(1, "must list at least one size")
            .default([
                {
                    name: "small",
                    displayName: "Small (1 CPU, 4 GiB)",
                    cpuGuarantee: 0.5,
                    cpuLimit: 1,
                    memoryGuarantee: "2Gi",
                    memoryLimit: "4Gi",
                    default: true,
                },
            ])
            .describe(
                "The size menu: `{name, displayName, cpuGuarantee, cpuLimit, memoryGuarantee, memoryLimit, default}`.",
            ),
        startTimeoutSeconds: z
            .number()
            .int("must be a whole number")
            .min(60, "must be >= 60")
            .max(3600, "must be <= 3600")
            .default(900)
            .describe("How long a spawn may take (image pull included) before it fails."),
        httpTimeoutSeconds: z
            .number()
            .int("must be a whole number")
            .min(30, "must be >= 30")
            .max(3600, "must be <= 3600")
            .default(300)
            .describe("How long a started lab may take to answer HTTP."),
        prePull: z.boolean().default(true).describe("Pre-pull every menu image on user nodes with a DaemonSet."),
        cullIdleSeconds: z
            .number()
            .int("must be a whole number")
            .min(300, "must be >= 300")
            .default(3600)
            .describe("A lab idle this long is stopped."),
        cullEverySeconds: z
            .number()
            .int("must be a whole number")
            .min(30, "must be >= 30")
            .default(300)
            .describe("How often the idle culler checks."),
        cullMaxAgeSeconds: z
            .number()
            .int("must be a whole number")
            .min(0, "must be >= 0 (0: no maximum age)")
            .default(259200)
            .describe("A lab running this long is stopped even if busy (0: never)."),
    })
    .describe("The lab pods: image and size menus, timeouts, culling.");

const ingressSchema = z
    .strictObject({
        acmeEmail: z
            .string()
            .regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, "must be an email address")
            .optional()
            .describe("Contact email for the Let's Encrypt account. Required on GCP stacks."),
        acmeServer: z
            .enum(["production", "staging"])
            .default("production")
            .describe("Let's Encrypt directory: `staging` for untrusted test certificates with high rate limits."),
        dnsZone: z
            .string()
            .regex(/^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/, "must be a Cloud DNS managed zone name")
            .optional()
            .describe("Cloud DNS managed zone that holds the hostname; when set, the A record is declared."),
        dnsProject: gcpProjectId
            .optional()
            .describe("Project of `dnsZone` when it is not the stack's own (a zone shared by stacks). Default: `gcp:project`."),
        createDnsZone: z
            .boolean()
            .default(false)
            .describe(
                "Create the Cloud DNS zone `dnsZone` in `gcp:project` (protected) and output its name servers, which the " +
                    "parent domain must delegate to (docs/gke.md). Default: the zone already exists.",
            ),
        dnsZoneDomain: z
            .string()
            .regex(HOSTNAME_RE, "must be a DNS name such as example.org")
            .optional()
            .describe("With `createDnsZone`: the zone's domain, the hostname or a parent of it. Default: the hostname."),
        maxBodySize: z
            .string()
            .regex(/^[0-9]+[kmg]?$/, "must be an nginx size such as 512m or 1g")
            .default("512m")
            .describe("Largest request body (notebook or file upload) the ingress accepts."),
        replicas: z
            .number()
            .int("must be a whole number")
            .min(1, "must be >= 1")
            .max(5, "must be <= 5")
            .default(1)
            .describe("Ingress controller replicas; 2 or more also declares a PodDisruptionBudget."),
        localServiceType: z
            .enum(["NodePort", "LoadBalancer"])
            .default("NodePort")
            .describe("`local` only: how the ingress controller's Service is exposed."),
    })
    .describe("The edge: NGINX ingress controller, TLS and DNS.");

const secretsSchema = z
    .strictObject({
        rotation: z
            .string()
            .regex(/^[A-Za-z0-9._-]{1,64}$/, "must be a short label such as 2026-11")
            .default("initial")
            .describe(
                "Changing this label regenerates the cookie secret, proxy token and auth-state key (logs everyone out).",
            ),
    })
    .describe("Generated secrets.");

/** The jupyterlabdemo namespace: every allowed top-level key. */
export const projectSchema = z.strictObject({
    platform: z
        .enum(["gke", "local"])
        .default("gke")
        .describe("`gke`: create everything on Google Cloud. `local`: deploy onto an existing cluster (kind, minikube, k3d)."),
    kubeContext: z
        .string()
        .min(1, "must not be empty")
        .optional()
        .describe("`local` only: the kubeconfig context of the existing cluster."),
    hostname: z
        .string()
        .regex(HOSTNAME_RE, "must be a lowercase DNS name such as jupyter.example.org")
        .describe("Public hostname of the hub. Required."),
    cluster: clusterSchema.prefault({}),
    storage: storageSchema.prefault({}),
    github: githubSchema.prefault({}),
    hub: hubSchema.prefault({}),
    lab: labSchema.prefault({}),
    ingress: ingressSchema.prefault({}),
    secrets: secretsSchema.prefault({}),
    githubClientSecret: z
        .string()
        .optional()
        .describe("Secret. Client secret of the GitHub OAuth app. Required with the github authenticator."),
    dummyPassword: z
        .string()
        .optional()
        .describe("Secret. `local` with the dummy authenticator only: the shared password."),
});

/** Keys that must be set as secrets (`pulumi config set --secret`). */
export const SECRET_KEYS = ["githubClientSecret", "dummyPassword"] as const;
export type SecretKey = (typeof SECRET_KEYS)[number];

/** True when `key` (a top-level key of the jupyterlabdemo namespace) is one of SECRET_KEYS. */
export function isSecretKey(key: unknown): key is SecretKey {
    return (SECRET_KEYS as readonly unknown[]).includes(key);
}

/**
 * The secret keys a stack needs, judged from its (unvalidated) raw config: the offline render
 * stands in `[secret]` for those a stack file does not hold. An unset authenticator takes the hub
 * schema's default; a malformed one counts as not `dummy` (validation reports it).
 */
export function requiredSecretKeys(raw: RawConfig): SecretKey[] {
    let authenticator: unknown;
    try {
        authenticator = (JSON.parse(raw[`${PROJECT}:hub`] ?? "{}") as { authenticator?: unknown }).authenticator;
    } catch {
        // Malformed: validation reports it.
    }
    const parsed = hubSchema.shape.authenticator.safeParse(authenticator);
    return parsed.success && parsed.data === "dummy" ? ["dummyPassword"] : ["githubClientSecret"];
}

/** The `gcp:` keys the program reads (the provider reads them too). */
export const gcpSchema = z.object({
    project: gcpProjectId
        .optional()
        .describe("GCP project id. Required on GCP stacks; must not be set on `local`."),
    region: z
        .string()
        .regex(/^[a-z]+-[a-z]+[0-9]+$/, "must be a GCP region such as us-central1")
        .optional()
        .describe("GCP region. Required on GCP stacks."),
    zone: z
        .string()
        .regex(/^[a-z]+-[a-z]+[0-9]+-[a-z]$/, "must be a GCP zone such as us-central1-a")
        .optional()
        .describe("GCP zone of a zonal cluster and of the homes disk. Required on GCP stacks."),
});

// ---------------------------------------------------------------------------------------------
// Settings: what components receive
// ---------------------------------------------------------------------------------------------

type ProjectConfig = z.output<typeof projectSchema>;
export type NodePoolSettings = ProjectConfig["cluster"]["corePool"];
export type MaintenanceExclusion = ProjectConfig["cluster"]["maintenanceExclusions"][number];
export type LabImage = ProjectConfig["lab"]["images"][number];
export type LabSize = ProjectConfig["lab"]["sizes"][number];

export interface GcpSettings {
    readonly project: string;
    readonly region: string;
    readonly zone: string;
}

export interface Settings {
    readonly project: string;
    readonly stack: string;
    readonly platform: "gke" | "local";
    /** Set on `gke` stacks only. */
    readonly gcp?: GcpSettings;
    readonly kubeContext?: string;
    readonly hostname: string;
    readonly cluster: ProjectConfig["cluster"] & { readonly name: string };
    readonly storage: ProjectConfig["storage"] & { readonly diskName: string; readonly hubDatabaseDiskName: string };
    readonly github: ProjectConfig["github"];
    readonly hub: ProjectConfig["hub"];
    readonly lab: ProjectConfig["lab"];
    readonly ingress: ProjectConfig["ingress"];
    readonly secrets: ProjectConfig["secrets"];
    /** Which secret keys are set; their values are read only as secret outputs. */
    readonly secretsPresent: ReadonlySet<SecretKey>;
}

/** The stack's config as Pulumi hands it to the program: `namespace:key` to string. */
export type RawConfig = Readonly<Record<string, string>>;

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
    let v: unknown = root;
    for (const p of path) {
        if (v === null || typeof v !== "object") {
            return undefined;
        }
        v = (v as Record<PropertyKey, unknown>)[p];
    }
    return v;
}

function keyName(namespace: string, path: readonly PropertyKey[]): string {
    const parts: string[] = [];
    for (const p of path) {
        if (typeof p === "number") {
            parts[parts.length - 1] += `[${p}]`;
        } else {
            parts.push(String(p));
        }
    }
    return `${namespace}:${parts.join(".")}`;
}

function describeIssue(namespace: string, issue: z.core.$ZodIssue, input: unknown): string {
    const secret = isSecretKey(issue.path[0]);
    if (issue.code === "unrecognized_keys") {
        const key = keyName(namespace, [...issue.path, issue.keys[0]]);
        return `${key}: unknown key${issue.path.length === 0 ? ` (see the config reference in README.md)` : ""}`;
    }
    const key = keyName(namespace, issue.path);
    const got = valueAt(input, issue.path);
    if (issue.code === "invalid_type") {
        if (got === undefined) {
            return `${key}: is required (${issue.expected})`;
        }
        const expected = { array: "a list", int: "a whole number", object: "an object" }[issue.expected as string] ?? `a ${issue.expected}`;
        return `${key}: must be ${expected}, got ${
            secret ? "a value" : JSON.stringify(got)
        }`;
    }
    if (issue.code === "invalid_value") {
        return `${key}: must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}, got ${
            secret ? "a value" : JSON.stringify(got)
        }`;
    }
    const message = issue.message.replace(/^Invalid input: /, "");
    const gotText = got === undefined || secret || typeof got === "object" ? "" : `, got ${JSON.stringify(got)}`;
    return `${key}: ${message}${gotText}`;
}

/** Parses a raw config string the way Pulumi stores it: objects and lists as JSON, the rest as text. */
function parseRawValue(namespace: string, key: string, raw: string): unknown {
    const trimmed = raw.trim();
    if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
        try {
            return JSON.parse(trimmed);
        } catch {
            throw new ConfigError(`${namespace}:${key}: is not valid structured config (JSON/YAML object or list)`);
        }
    }
    if (trimmed === "true" || trimmed === "false") {
        return trimmed === "true";
    }
    return raw;
}

function fail(key: string, message: string): never {
    throw new ConfigError(`${key}: ${message}`);
}

/**
 * Validates raw stack config and resolves every default. Pure: no engine needed, so tests call it
 * directly. Secret values are only checked for presence; they are never part of the result.
 */
export function parseSettings(raw: RawConfig, context: { readonly project: string; readonly stack: string }): Settings {
    const ns = PROJECT;
    const projectInput: Record<string, unknown> = {};
    const gcpInput: Record<string, unknown> = {};
    const secretsPresent = new Set<SecretKey>();
    let dummyPasswordLength = 0;
    for (const fullKey of Object.keys(raw).sort()) {
        const colon = fullKey.indexOf(":");
        const namespace = fullKey.slice(0, colon);
        const key = fullKey.slice(colon + 1);
        if (namespace === ns) {
            if (isSecretKey(key)) {
                if (raw[fullKey] !== "") {
                    secretsPresent.add(key);
                }
                if (key === "dummyPassword") {
                    dummyPasswordLength = raw[fullKey].length;
                }
                projectInput[key] = "(secret)";
            } else {
                projectInput[key] = parseRawValue(ns, key, raw[fullKey]);
            }
        } else if (namespace === "gcp" && key in gcpSchema.shape) {
            gcpInput[key] = raw[fullKey];
        }
    }

    // Keys that existed once: a stack file still holding one gets told why, not "unknown key".
    if (valueAt(projectInput, ["cluster", "masterCidr"]) !== undefined) {
        fail(
            `${ns}:cluster.masterCidr`,
            "is no longer used: the control plane is reached over Private Service Connect and a DNS endpoint (no peering /28); remove the key",
        );
    }
    const parsedGcp = gcpSchema.safeParse(gcpInput);
    if (!parsedGcp.success) {
        throw new ConfigError(describeIssue("gcp", parsedGcp.error.issues[0], gcpInput));
    }
    const parsed = projectSchema.safeParse(projectInput);
    if (!parsed.success) {
        throw new ConfigError(describeIssue(ns, parsed.error.issues[0], projectInput));
    }
    const cfg = parsed.data;
    const gcp = parsedGcp.data;

    // Cross-field rules, in the order a reader of the stack file meets the keys.
    if (cfg.platform === "local") {
        if (!cfg.kubeContext) fail(`${ns}:kubeContext`, "is required when platform is local (the kubeconfig context to deploy onto)");
        if (gcp.project) fail("gcp:project", "must not be set when platform is local (local declares no GCP resources)");
        if (cfg.ingress.dnsZone) fail(`${ns}:ingress.dnsZone`, "must not be set when platform is local (no Cloud DNS)");
        if (cfg.ingress.dnsProject) fail(`${ns}:ingress.dnsProject`, "must not be set when platform is local (no Cloud DNS)");
        if (cfg.ingress.createDnsZone) fail(`${ns}:ingress.createDnsZone`, "must be false when platform is local (no Cloud DNS)");
        if (cfg.storage.adoptExistingDisk) fail(`${ns}:storage.adoptExistingDisk`, "must be false when platform is local (no GCE disk)");
    } else {
        if (cfg.kubeContext) fail(`${ns}:kubeContext`, "must not be set when platform is gke (the cluster is created by this program)");
        if (!gcp.project) fail("gcp:project", "is required when platform is gke (pulumi config set gcp:project <project-id>)");
        if (!gcp.region) fail("gcp:region", "is required when platform is gke (pulumi config set gcp:region <region>)");
        if (!gcp.zone) fail("gcp:zone", "is required when platform is gke (pulumi config set gcp:zone <zone>)");
        if (!gcp.zone.startsWith(`${gcp.region}-`)) fail("gcp:zone", `must be a zone of gcp:region (${gcp.region}), got "${gcp.zone}"`);
        if (cfg.ingress.dnsProject && !cfg.ingress.dnsZone) {
            fail(`${ns}:ingress.dnsProject`, "is set but ingress.dnsZone is not (the project of which zone?)");
        }
        if (cfg.ingress.createDnsZone && !cfg.ingress.dnsZone) {
            fail(`${ns}:ingress.createDnsZone`, "needs ingress.dnsZone (the name of the zone to create)");
        }
        if (cfg.ingress.createDnsZone && cfg.ingress.dnsProject && cfg.ingress.dnsProject !== gcp.project) {
            fail(`${ns}:ingress.dnsProject`, `must be gcp:project (${gcp.project}) or unset with createDnsZone (the stack creates zones in its own project only)`);
        }
        if (cfg.ingress.dnsZoneDomain !== undefined && !cfg.ingress.createDnsZone) {
            fail(`${ns}:ingress.dnsZoneDomain`, "is set but ingress.createDnsZone is not (an existing zone's domain is its own)");
        }
        const zoneDomain = cfg.ingress.dnsZoneDomain;
        if (zoneDomain !== undefined && zoneDomain !== cfg.hostname && !cfg.hostname.endsWith(`.${zoneDomain}`)) {
            fail(`${ns}:ingress.dnsZoneDomain`, `must be the hostname (${cfg.hostname}) or a parent domain of it, got "${zoneDomain}"`);
        }
        if (!cfg.ingress.acmeEmail) fail(`${ns}:ingress.acmeEmail`, "is required when platform is gke (Let's Encrypt account contact)");
    }
    for (const pool of ["corePool", "userPool"] as const) {
        const p = cfg.cluster[pool];
        if (p.minNodes > p.maxNodes) {
            fail(`${ns}:cluster.${pool}.maxNodes`, `must be >= minNodes (${p.minNodes}), got ${p.maxNodes}`);
        }
    }
    // GKE refuses ranges with host bits set or ranges that overlap: say so before deploying.
    const ranges = (["nodeCidr", "podCidr", "serviceCidr"] as const).map((k) => [k, cfg.cluster[k]] as const);
    for (const [k, cidr] of ranges) {
        if (!parseCidr(cidr)!.isNetworkAddress) {
            fail(`${ns}:cluster.${k}`, `must be a network address (${networkOf(cidr)}), got "${cidr}"`);
        }
    }
    ranges.forEach(([k, cidr], i) => {
        for (const [other, otherCidr] of ranges.slice(0, i)) {
            if (cidrsOverlap(cidr, otherCidr)) {
                fail(`${ns}:cluster.${k}`, `must not overlap cluster.${other} (${otherCidr}), got "${cidr}"`);
            }
        }
    });
    if (cfg.cluster.corePool.minNodes < 1) {
        fail(`${ns}:cluster.corePool.minNodes`, `must be >= 1 (the hub, proxy and NFS server run there), got ${cfg.cluster.corePool.minNodes}`);
    }
    if (cfg.cluster.corePool.spot) {
        fail(`${ns}:cluster.corePool.spot`, "must be false (preempting the core pool stops the hub and the NFS server)");
    }
    const exclusionNames = new Set<string>();
    cfg.cluster.maintenanceExclusions.forEach((e, i) => {
        const key = `${ns}:cluster.maintenanceExclusions[${i}]`;
        if (exclusionNames.has(e.name)) fail(`${key}.name`, `must be unique, got "${e.name}" twice`);
        exclusionNames.add(e.name);
        const days = (Date.parse(e.end) - Date.parse(e.start)) / 86_400_000;
        if (days <= 0) fail(`${key}.end`, `must be after start (${e.start}), got "${e.end}"`);
        if (days > MAX_EXCLUSION_DAYS[e.scope]) {
            fail(`${key}.end`, `must be at most ${MAX_EXCLUSION_DAYS[e.scope]} days after start with scope ${e.scope} (a GKE limit), got ${Math.ceil(days)} days`);
        }
    });

    if (cfg.hub.authenticator === "dummy") {
        if (cfg.platform !== "local") fail(`${ns}:hub.authenticator`, `may be "dummy" only when platform is local, got "dummy"`);
        if (!secretsPresent.has("dummyPassword")) {
            fail(`${ns}:dummyPassword`, `is required with the dummy authenticator (pulumi config set --secret ${ns}:dummyPassword <password>)`);
        }
        // JupyterHub's shared-password authenticator refuses a password under 8 characters at
        // start-up; say so now. Only the length is looked at, never echoed.
        if (dummyPasswordLength < 8) {
            fail(`${ns}:dummyPassword`, "must be at least 8 characters (JupyterHub's shared-password authenticator requires it)");
        }
    } else {
        if (!cfg.github.clientId) fail(`${ns}:github.clientId`, "is required with the github authenticator (the OAuth app's client id)");
        if (cfg.github.allowedOrganizations.length === 0) {
            fail(`${ns}:github.allowedOrganizations`, "must list at least one GitHub organization (with none, nobody can log in)");
        }
        if (!secretsPresent.has("githubClientSecret")) {
            fail(`${ns}:githubClientSecret`, `is required with the github authenticator (pulumi config set --secret ${ns}:githubClientSecret <client-secret>)`);
        }
    }
    if (cfg.hub.authenticator !== "dummy" && secretsPresent.has("dummyPassword")) {
        fail(`${ns}:dummyPassword`, `must not be set unless hub.authenticator is "dummy"`);
    }

    for (const menu of ["images", "sizes"] as const) {
        const items: ReadonlyArray<{ name: string; default: boolean }> = cfg.lab[menu];
        const defaults = items.filter((i) => i.default).length;
        if (defaults !== 1) fail(`${ns}:lab.${menu}`, `must mark exactly one entry default: true, got ${defaults}`);
        const seen = new Set<string>();
        items.forEach((item, i) => {
            if (seen.has(item.name)) fail(`${ns}:lab.${menu}[${i}].name`, `must be unique, got "${item.name}" twice`);
            seen.add(item.name);
        });
    }
    cfg.lab.sizes.forEach((size, i) => {
        if (size.cpuLimit < size.cpuGuarantee) {
            fail(`${ns}:lab.sizes[${i}].cpuLimit`, `must be >= cpuGuarantee (${size.cpuGuarantee}), got ${size.cpuLimit}`);
        }
        if (quantityBytes(size.memoryLimit) < quantityBytes(size.memoryGuarantee)) {
            fail(`${ns}:lab.sizes[${i}].memoryLimit`, `must be >= memoryGuarantee (${size.memoryGuarantee}), got "${size.memoryLimit}"`);
        }
    });

    const diskName = cfg.storage.diskName ?? `${context.stack}-homes`;
    if (cfg.platform === "gke" && !GCE_DISK_NAME_RE.test(diskName)) {
        fail(`${ns}:storage.diskName`, `must be set: the default from the stack name is not a valid GCE disk name (a lowercase letter first, at most 57 characters), got "${diskName}"`);
    }

    const hubDatabaseDiskName = cfg.storage.hubDatabaseDiskName ?? `${context.stack}-hub-db`;
    if (cfg.platform === "gke") {
        if (!GCE_DISK_NAME_RE.test(hubDatabaseDiskName)) {
            fail(`${ns}:storage.hubDatabaseDiskName`, `must be set: the default from the stack name is not a valid GCE disk name, got "${hubDatabaseDiskName}"`);
        }
        if (hubDatabaseDiskName === diskName) {
            fail(`${ns}:storage.hubDatabaseDiskName`, `must differ from storage.diskName ("${diskName}")`);
        }
    }
    // The NFS server runs with more privilege than any other pod: it gets a namespace of its own.
    if (cfg.storage.namespace === cfg.hub.namespace) {
        fail(`${ns}:storage.namespace`, `must differ from hub.namespace ("${cfg.hub.namespace}"): the NFS server needs a namespace of its own`);
    }
    if (RESERVED_NAMESPACES.includes(cfg.storage.namespace)) {
        fail(`${ns}:storage.namespace`, `must not be a system namespace (${RESERVED_NAMESPACES.join(", ")}), got "${cfg.storage.namespace}"`);
    }
    for (const login of Object.keys(cfg.storage.userQuotaOverrides)) {
        if (!LOWERCASE_LOGIN_RE.test(login)) {
            fail(`${ns}:storage.userQuotaOverrides.${login}`, "must be keyed by a lowercase GitHub login (the name of the user's home)");
        }
    }
    for (const login of cfg.storage.quotaExclusions) {
        if (login in cfg.storage.userQuotaOverrides) {
            fail(`${ns}:storage.quotaExclusions`, `must not list "${login}", which storage.userQuotaOverrides also sets (an override or no quota, not both)`);
        }
    }

    const { githubClientSecret: _cs, dummyPassword: _dp, ...plain } = cfg;
    void _cs;
    void _dp;
    const settings: Settings = {
        project: context.project,
        stack: context.stack,
        ...plain,
        gcp: cfg.platform === "gke" ? { project: gcp.project!, region: gcp.region!, zone: gcp.zone! } : undefined,
        cluster: { ...cfg.cluster, name: cfg.cluster.name ?? `jupyterlab-${context.stack}` },
        storage: { ...cfg.storage, diskName, hubDatabaseDiskName },
        secretsPresent,
    };
    return deepFreeze(settings);
}

const QUANTITY_FACTORS: Record<string, number> = {
    "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40,
};

/** Bytes in a Kubernetes quantity (the subset QUANTITY_RE accepts). */
export function quantityBytes(q: string): number {
    const m = /^([0-9.]+)([a-zA-Z]*)$/.exec(q);
    if (!m || !(m[2] in QUANTITY_FACTORS)) {
        throw new Error(`not a quantity: ${q}`);
    }
    return Number(m[1]) * QUANTITY_FACTORS[m[2]];
}

function deepFreeze<T>(value: T): T {
    if (value && typeof value === "object" && !(value instanceof Set)) {
        for (const v of Object.values(value)) {
            deepFreeze(v);
        }
        Object.freeze(value);
    }
    return value;
}

/** Secret config values as secret outputs, never as plain strings. */
export interface SecretSettings {
    readonly githubClientSecret?: pulumi.Output<string>;
    readonly dummyPassword?: pulumi.Output<string>;
}

/**
 * Reads the running stack's config, validates it, and returns the settings plus the secret
 * values as secret outputs. Throws `ConfigError` on any mistake.
 */
export function loadSettings(): { settings: Settings; secrets: SecretSettings } {
    const settings = parseSettings(pulumi.runtime.allConfig(), {
        project: pulumi.getProject(),
        stack: pulumi.getStack(),
    });
    const config = new pulumi.Config(PROJECT);
    const secrets: SecretSettings = {
        githubClientSecret: settings.secretsPresent.has("githubClientSecret")
            ? config.requireSecret("githubClientSecret")
            : undefined,
        dummyPassword: settings.secretsPresent.has("dummyPassword") ? config.requireSecret("dummyPassword") : undefined,
    };
    return { settings, secrets };
}

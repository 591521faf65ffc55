/**
 * The schema: one entry per top-level key of the jupyterlabdemo namespace (the cluster's and the
 * storage's keys in infraSchema.ts), the `gcp:` keys the program reads, which keys are secret, and
 * the typed settings the components receive.
 */
import { z } from "zod";
import { AUTH_CONFIG_SECTIONS, AUTH_SECRET_KEYS, AUTH_SECRETS, AUTHENTICATOR_NAMES, AUTHENTICATORS, DEFAULT_AUTHENTICATOR, secretKeysOf } from "../authenticators";
import type { AuthConfigSections, AuthSecretKey } from "../authenticators";
import { cpu, gcpProjectId, HOSTNAME_RE, imageRef, k8sName, ownNamespace, PROJECT, quantity } from "./common";
import { clusterSchema, storageSchema } from "./infraSchema";

const hubSchema = z
    .strictObject({
        namespace: ownNamespace
            .default("jupyterhub")
            .describe(
                "Kubernetes namespace of the hub, proxy and labs (the NFS server has its own: `storage.namespace`). Not `default`, `kube-*`, `gke-*`, `gmp-*`, " +
                    "nor the ingress controller's or cert-manager's namespace.",
            ),
        authenticator: z
            .enum(AUTHENTICATOR_NAMES)
            .default(DEFAULT_AUTHENTICATOR)
            .describe(AUTHENTICATOR_NAMES.map((n) => `\`${n}\`: ${AUTHENTICATORS[n].summary}`).join(" ")),
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
    command: z
        .array(z.string().min(1, "must not be empty"))
        .min(1, "must not be empty")
        .optional()
        .describe(
            "The command that starts this image's single-user server, for images that do not start with `jupyterhub-singleuser` (Rubin's sciplat-lab: `[/opt/lsst/software/jupyterlab/runlab.sh]`). Default: `jupyterhub-singleuser`.",
        ),
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
            .describe("The image menu: `{name, displayName, image, default, command}`; exactly one is the default."),
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
                "Changing this label regenerates the cookie secret, proxy token, auth-state key and, on GKE stacks with monitoring on, the hub's metrics token (logs everyone out).",
            ),
    })
    .describe("Generated secrets.");

const monitoringSchema = z
    .strictObject({
        enabled: z
            .boolean()
            .default(true)
            .describe(
                "GKE stacks: declare metrics collection, alert policies, the uptime check and the dashboard. " +
                    "`local` declares none of them (no Cloud Monitoring there).",
            ),
        notificationEmails: z
            .array(z.string().regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, "must be an email address"))
            .default([])
            .describe("Email addresses every alert goes to. Empty: alerts open incidents in the console only (the stack says so)."),
        spawnFailureThreshold: z
            .number()
            .int("must be a whole number")
            .min(1, "must be >= 1")
            .max(1000, "must be <= 1000")
            .default(3)
            .describe("Failed lab spawns within 15 minutes that raise the failed-spawns alert."),
        billingAccount: z
            .string()
            .regex(/^[A-F0-9]{6}-[A-F0-9]{6}-[A-F0-9]{6}$/, "must be a billing account id such as 012345-6789AB-CDEF01")
            .optional()
            .describe("Billing account of the project; when set with `monthlyBudget`, a budget alert is declared on it."),
        monthlyBudget: z
            .number()
            .positive("must be a positive amount")
            .optional()
            .describe("Monthly budget, in the billing account's currency, for the budget alert (50 %, 90 %, 100 % and forecast 100 %)."),
    })
    .describe("Monitoring: alerts, uptime check, dashboard, budget (GKE stacks).");

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
        // RFC 1123 2.1: a name's last label is never all digits, so `10.0.0.1` is an address, not
        // a name; Let's Encrypt issues no certificate for it and Cloud DNS holds no record of it.
        .refine((v) => !/\.[0-9]+$/.test(v), "must be a DNS name, not an IP address (a name's last label is never all digits)")
        .describe("Public hostname of the hub. Required."),
    cluster: clusterSchema.prefault({}),
    storage: storageSchema.prefault({}),
    // Each authenticator's own sections (components/authenticators.ts), e.g. `github`.
    ...authConfigSections(),
    hub: hubSchema.prefault({}),
    lab: labSchema.prefault({}),
    ingress: ingressSchema.prefault({}),
    secrets: secretsSchema.prefault({}),
    monitoring: monitoringSchema.prefault({}),
    // Each authenticator's secret keys, e.g. `githubClientSecret`.
    ...authSecretKeySchemas(),
});

/** The authenticators' config sections, each defaulting to its defaults when absent. */
function authConfigSections(): { [K in keyof AuthConfigSections]: z.ZodPrefault<AuthConfigSections[K]> } {
    const sections: Record<string, z.ZodObject> = AUTH_CONFIG_SECTIONS;
    return Object.fromEntries(Object.entries(sections).map(([key, schema]) => [key, schema.prefault({})])) as never;
}

/** The authenticators' secret keys: optional strings, described for the config reference. */
function authSecretKeySchemas(): Record<AuthSecretKey, z.ZodOptional<z.ZodString>> {
    return Object.fromEntries(
        AUTH_SECRET_KEYS.map((key) => [key, z.string().optional().describe(`Secret. ${AUTH_SECRETS[key].description}`)]),
    ) as Record<AuthSecretKey, z.ZodOptional<z.ZodString>>;
}

/** Keys that must be set as secrets (`pulumi config set --secret`): the authenticators'. */
export const SECRET_KEYS: readonly AuthSecretKey[] = AUTH_SECRET_KEYS;
export type SecretKey = AuthSecretKey;

/** True when `key` (a top-level key of the jupyterlabdemo namespace) is one of SECRET_KEYS. */
export function isSecretKey(key: unknown): key is SecretKey {
    return (SECRET_KEYS as readonly unknown[]).includes(key);
}

/**
 * The secret keys a stack needs, judged from its (unvalidated) raw config: the offline render
 * stands in `[secret]` for those a stack file does not hold: the chosen authenticator's. An unset
 * or malformed authenticator counts as the default one (validation reports a malformed one).
 */
export function requiredSecretKeys(raw: RawConfig): SecretKey[] {
    let authenticator: unknown;
    try {
        authenticator = (JSON.parse(raw[`${PROJECT}:hub`] ?? "{}") as { authenticator?: unknown }).authenticator;
    } catch {
        // Malformed: validation reports it.
    }
    const parsed = hubSchema.shape.authenticator.safeParse(authenticator);
    return secretKeysOf(parsed.success ? parsed.data : DEFAULT_AUTHENTICATOR);
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

export type ProjectConfig = z.output<typeof projectSchema>;
export type NodePoolSettings = ProjectConfig["cluster"]["corePool"];
export type MaintenanceExclusion = ProjectConfig["cluster"]["maintenanceExclusions"][number];
export type LabImage = ProjectConfig["lab"]["images"][number];
export type LabSize = ProjectConfig["lab"]["sizes"][number];

export interface GcpSettings {
    readonly project: string;
    readonly region: string;
    readonly zone: string;
}

/** The authenticators' config sections (e.g. `github`), as validated. */
type AuthSectionSettings = { readonly [K in keyof AuthConfigSections]: ProjectConfig[K] };

export interface Settings extends AuthSectionSettings {
    readonly project: string;
    readonly stack: string;
    readonly platform: "gke" | "local";
    /** Set on `gke` stacks only. */
    readonly gcp?: GcpSettings;
    readonly kubeContext?: string;
    readonly hostname: string;
    readonly cluster: ProjectConfig["cluster"] & { readonly name: string };
    readonly storage: ProjectConfig["storage"] & { readonly diskName: string; readonly hubDatabaseDiskName: string };
    readonly hub: ProjectConfig["hub"];
    readonly lab: ProjectConfig["lab"];
    readonly ingress: ProjectConfig["ingress"];
    readonly secrets: ProjectConfig["secrets"];
    readonly monitoring: ProjectConfig["monitoring"];
    /** Which secret keys are set; their values are read only as secret outputs. */
    readonly secretsPresent: ReadonlySet<SecretKey>;
}

/** The stack's config as Pulumi hands it to the program: `namespace:key` to string. */
export type RawConfig = Readonly<Record<string, string>>;

/** The `gcp:` keys as validated (each still optional: the rules across keys require them on gke). */
export type GcpConfig = z.output<typeof gcpSchema>;

/**
 * JupyterHub behind configurable-http-proxy, spawning labs with KubeSpawner.
 *
 * Declares, in the hub namespace (which the caller creates):
 * - ServiceAccount `hub`, Role and RoleBinding `hub`: what KubeSpawner needs in this namespace
 *   (`KUBESPAWNER_RULES`), nothing cluster-wide;
 * - PersistentVolumeClaim `hub-db`: ReadWriteOnce, for the sqlite database (never on NFS);
 * - ConfigMap `hub-config`: every `components/hub/*.py` file (tests excluded), `settings.json` and
 *   its JSON Schema `settings.schema.json` (the contract, components/hub/settingsContract.ts);
 * - Deployment `hub` (one replica, `Recreate`) and Service `hub` (8081);
 * - Deployment `proxy` (configurable-http-proxy, `Recreate`), Services `proxy-api` (8001, for
 *   the hub) and `proxy-public` (80 "http" -> 8000, ClusterIP: the ingress routes to it).
 *
 * The ConfigMap contract (the lab component builds on it):
 * - it is mounted read-only at `/usr/local/etc/jupyterhub/`; jupyterhub_config.py puts that
 *   directory on `sys.path`, so `import settings` and `import hooks` work;
 * - `settings.json` is `{"hub": <hubSettings>, "lab": <args.labSettings>}`, non-secret only,
 *   checked against the contract when rendered and again by the hub at start-up;
 * - the hub pod carries the annotation `jupyterlabdemo.io/config-checksum`, the sha256 of the
 *   whole ConfigMap data: any change to a file or a setting restarts the hub.
 *
 * Labels: every object carries `commonLabels(stack, component)` (component "hub" or "proxy");
 * Deployments and Services select with `selectorLabels(stack, component)` only.
 */
import * as k8s from "../sdk/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { ANNOTATIONS, commonLabels, COMPONENTS, HUB_METRICS_TOKEN, HUB_NAMES, HUB_SERVICES, oauthCallbackUrl, Placement, publicUrl, selectorLabels } from "../naming";
import { HUB_SECRET_KEYS } from "../secrets";
import { HUB_SETTINGS_KEY, HubSettings, LabSettings, settingsFiles } from "./settingsContract";

// The hub's object names and Service ports are facts other components build on (the lab's
// NetworkPolicy, the edge's Ingress, the scrape targets, the storage's database volume): they
// live in the import-free contract module, re-exported here for the hub's own readers.
export { HUB_NAMES, HUB_SERVICES } from "../naming";

/** The key of the hub ConfigMap that holds the settings JSON (`{"hub": ..., "lab": ...}`). */
export { HUB_SETTINGS_KEY };

/** Where the ConfigMap is mounted in the hub container. */
export const HUB_CONFIG_DIR = "/usr/local/etc/jupyterhub";
/** Where the database claim is mounted (the k8s-hub image's working directory). */
export const HUB_DATA_DIR = "/srv/jupyterhub";

/** The directory of the hub's Python files. */
export const HUB_PYTHON_DIR = __dirname;

/**
 * What KubeSpawner does in the namespace: create, watch and delete lab pods; read events to
 * report spawn progress. No persistentvolumeclaims: homes are subPaths of the shared `homes`
 * claim and `storage_pvc_ensure`/`delete_pvc` are off, so a compromised hub cannot delete the
 * homes claim or its own database claim. No services or secrets: `services_enabled` and
 * `internal_ssl` stay off.
 */
export const KUBESPAWNER_RULES: ReadonlyArray<{ apiGroups: string[]; resources: string[]; verbs: string[] }> = [
    { apiGroups: [""], resources: ["pods"], verbs: ["get", "watch", "list", "create", "delete"] },
    { apiGroups: [""], resources: ["events"], verbs: ["get", "watch", "list"] },
];

/** Cpu/memory requests and memory limit of a container. */
export interface ContainerResources {
    /** CPU request, e.g. "100m". */
    readonly cpuRequest: string;
    /** Memory request, e.g. "512Mi". */
    readonly memoryRequest: string;
    /** Memory limit, e.g. "1Gi". */
    readonly memoryLimit: string;
    /** CPU limit; none by default (throttling the hub hurts more than it protects). */
    readonly cpuLimit?: string;
}

export interface HubArgs {
    /** Stack name, for labels. */
    readonly stack: string;
    /** Namespace of hub, proxy and labs (created by the caller). */
    readonly namespace: pulumi.Input<string>;
    /** Public hostname; the OAuth callback is `https://<hostname>/hub/oauth_callback`. */
    readonly hostname: string;
    /** `github`: organization login. `dummy`: one shared password (`local` stacks only). */
    readonly authenticator: "github" | "dummy";
    /** GitHub OAuth app and who may log in. `clientId` and one organization at least are required with `github`. */
    readonly github: {
        readonly clientId?: string;
        readonly allowedOrganizations: readonly string[];
        readonly adminUsers: readonly string[];
    };
    /** Name of the Secret holding `HUB_SECRET_KEYS` (from `HubSecrets`); its output orders the pods after it. */
    readonly secretName: pulumi.Input<string>;
    /** The rotation label of the generated secrets: put on both pods so a rotation restarts them. */
    readonly secretsRotation: string;
    /** Hub image (JupyterHub with KubeSpawner, OAuthenticator, idle culler), pinned. */
    readonly image: string;
    /** configurable-http-proxy image, pinned. */
    readonly proxyImage: string;
    /** Size of the `hub-db` claim, e.g. "1Gi". */
    readonly databaseSize: string;
    /** StorageClass of the `hub-db` claim. @default the cluster's default class */
    readonly databaseStorageClass?: string;
    /**
     * A claim for the database declared elsewhere (GKE: the storage component's, on a protected,
     * snapshotted disk); the hub then declares none, and `databaseSize`/`databaseStorageClass`
     * do not apply. @default the hub's own `hub-db` claim
     */
    readonly databaseClaimName?: pulumi.Input<string>;
    /** Node selector and tolerations of hub and proxy (the core pool); empty on `local`. */
    readonly placement: Placement;
    /**
     * Settings of the lab section of jupyterhub_config.py (`buildLabSettings` in
     * settingsContract.ts), written to `settings.json` under "lab". Never secrets.
     */
    readonly labSettings: pulumi.Input<LabSettings>;
    /** Hub container resources. @default 200m / 512Mi requested, 1Gi limit */
    readonly hubResources?: ContainerResources;
    /** Proxy container resources. @default 100m / 128Mi requested, 512Mi limit */
    readonly proxyResources?: ContainerResources;
}

/** The Python files of the ConfigMap: every `*.py` in `dir`, tests excluded, by file name. */
export function hubPythonFiles(dir: string = HUB_PYTHON_DIR): Record<string, string> {
    const files: Record<string, string> = {};
    for (const file of fs.readdirSync(dir).sort()) {
        if (file.endsWith(".py") && !file.startsWith("test_") && !file.endsWith("_test.py")) {
            files[file] = fs.readFileSync(path.join(dir, file), "utf8");
        }
    }
    if (!("jupyterhub_config.py" in files)) {
        throw new Error(`hub configuration: no jupyterhub_config.py in ${dir}`);
    }
    return files;
}

/** JSON with object keys sorted at every level: the same value always gives the same text. */
export function canonicalJson(value: unknown, indent?: number): string {
    const sortKeys = (v: unknown): unknown => {
        if (Array.isArray(v)) return v.map(sortKeys);
        if (v && typeof v === "object") {
            const out: Record<string, unknown> = {};
            for (const k of Object.keys(v as object).sort()) {
                out[k] = sortKeys((v as Record<string, unknown>)[k]);
            }
            return out;
        }
        return v;
    };
    return JSON.stringify(sortKeys(value), null, indent);
}

/** sha256 (hex) of a ConfigMap's data, independent of key order. */
export function configChecksum(data: Record<string, string>): string {
    return createHash("sha256").update(canonicalJson(data)).digest("hex");
}

const secretEnv = (envName: string, secretName: pulumi.Input<string>, key: string): k8s.types.input.core.v1.EnvVar => ({
    name: envName,
    valueFrom: { secretKeyRef: { name: secretName, key } },
});

const resourcesOf = (r: ContainerResources): k8s.types.input.core.v1.ResourceRequirements => ({
    requests: { cpu: r.cpuRequest, memory: r.memoryRequest },
    limits: { memory: r.memoryLimit, ...(r.cpuLimit ? { cpu: r.cpuLimit } : {}) },
});

/** Container hardening shared by hub and proxy. */
const CONTAINER_SECURITY = {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"] },
};

export class Hub extends pulumi.ComponentResource {
    /** Public URL of the hub, `https://<hostname>/`. */
    public readonly url: string;
    /** The OAuth callback URL to register in the GitHub OAuth app. */
    public readonly oauthCallbackUrl: string;
    /** Name of the public proxy Service the ingress routes to (`proxy-public`, port "http"). */
    public readonly proxyServiceName: pulumi.Output<string>;
    /** Name of the hub ConfigMap (`hub-config`). */
    public readonly configMapName: pulumi.Output<string>;
    /** sha256 of the ConfigMap data (the hub pod's checksum annotation). */
    public readonly configChecksum: pulumi.Output<string>;
    /** The hub and proxy Deployments. */
    public readonly hubDeployment: k8s.apps.v1.Deployment;
    public readonly proxyDeployment: k8s.apps.v1.Deployment;

    constructor(name: string, args: HubArgs, opts?: pulumi.ComponentResourceOptions) {
        super("jupyterlabdemo:components:Hub", name, {}, opts);

        // Validate, then resolve every default once.
        if (args.authenticator === "github") {
            if (!args.github.clientId) {
                throw new pulumi.ResourceError("Hub: github.clientId is required with the github authenticator", this);
            }
            if (args.github.allowedOrganizations.length === 0) {
                throw new pulumi.ResourceError("Hub: github.allowedOrganizations must not be empty (nobody could log in)", this);
            }
        }
        const a = {
            ...args,
            hubResources: args.hubResources ?? { cpuRequest: "200m", memoryRequest: "512Mi", memoryLimit: "1Gi" },
            proxyResources: args.proxyResources ?? { cpuRequest: "100m", memoryRequest: "128Mi", memoryLimit: "512Mi" },
        };
        this.url = publicUrl(a.hostname);
        this.oauthCallbackUrl = oauthCallbackUrl(a.hostname);
        const ns = a.namespace;
        const child = { parent: this };
        const hubLabels = commonLabels(a.stack, COMPONENTS.hub);
        const proxyLabels = commonLabels(a.stack, COMPONENTS.proxy);

        // --- RBAC: KubeSpawner's rights in this namespace only --------------------------------
        const serviceAccount = new k8s.core.v1.ServiceAccount(
            `${name}-service-account`,
            { metadata: { name: HUB_NAMES.serviceAccount, namespace: ns, labels: hubLabels } },
            child,
        );
        const role = new k8s.rbac.v1.Role(
            `${name}-role`,
            {
                metadata: { name: HUB_NAMES.role, namespace: ns, labels: hubLabels },
                rules: KUBESPAWNER_RULES.map((r) => ({ ...r })),
            },
            child,
        );
        new k8s.rbac.v1.RoleBinding(
            `${name}-role-binding`,
            {
                metadata: { name: HUB_NAMES.role, namespace: ns, labels: hubLabels },
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
                subjects: [{ kind: "ServiceAccount", name: serviceAccount.metadata.name, namespace: ns }],
            },
            child,
        );

        // --- The database claim --------------------------------------------------------------
        const dbClaimName = a.databaseClaimName ?? new k8s.core.v1.PersistentVolumeClaim(
            `${name}-db`,
            {
                metadata: { name: HUB_NAMES.databaseClaim, namespace: ns, labels: hubLabels },
                spec: {
                    accessModes: ["ReadWriteOnce"],
                    resources: { requests: { storage: a.databaseSize } },
                    ...(a.databaseStorageClass ? { storageClassName: a.databaseStorageClass } : {}),
                },
            },
            child,
        ).metadata.name;

        // --- Configuration: the Python files and settings.json -------------------------------
        // The homes claim is the labs' business: it travels in `labSettings`.
        const hubSettings: HubSettings = {
            stack: a.stack,
            hostname: a.hostname,
            url: this.url,
            oauthCallbackUrl: this.oauthCallbackUrl,
            authenticator: a.authenticator,
            github: {
                clientId: a.github.clientId ?? null,
                allowedOrganizations: [...a.github.allowedOrganizations],
                adminUsers: [...a.github.adminUsers],
            },
            shutdownOnLogout: true,
            databasePath: `${HUB_DATA_DIR}/jupyterhub.sqlite`,
            services: {
                hub: { name: HUB_SERVICES.hub.name, port: HUB_SERVICES.hub.port },
                proxyApi: { name: HUB_SERVICES.proxyApi.name, port: HUB_SERVICES.proxyApi.port },
                proxyPublic: { name: HUB_SERVICES.proxyPublic.name, port: HUB_SERVICES.proxyPublic.port },
            },
        };
        const configData = pulumi.output(a.labSettings).apply((lab) => ({
            ...hubPythonFiles(),
            ...settingsFiles(hubSettings, lab),
        }));
        const configMap = new k8s.core.v1.ConfigMap(
            `${name}-config`,
            { metadata: { name: HUB_NAMES.configMap, namespace: ns, labels: hubLabels }, data: configData },
            child,
        );
        this.configMapName = configMap.metadata.name;
        this.configChecksum = configData.apply(configChecksum);

        // --- The hub Deployment and Service ----------------------------------------------------
        const authEnv =
            a.authenticator === "github"
                ? [secretEnv("GITHUB_CLIENT_SECRET", a.secretName, HUB_SECRET_KEYS.githubClientSecret)]
                : [secretEnv("DUMMY_PASSWORD", a.secretName, HUB_SECRET_KEYS.dummyPassword)];
        const healthProbe = { httpGet: { path: "/hub/health", port: "http" } };
        this.hubDeployment = new k8s.apps.v1.Deployment(
            `${name}-deployment`,
            {
                metadata: {
                    name: HUB_NAMES.hubDeployment,
                    namespace: ns,
                    labels: hubLabels,
                    // Checkov findings accepted here, each with its reason (test/real/validators.test.ts).
                    annotations: {
                        "checkov.io/skip1": "CKV_K8S_11=no CPU limit: CFS throttling would stall the hub's event loop; the request reserves its share",
                        "checkov.io/skip2": "CKV_K8S_15=the image is pinned by an exact version tag; IfNotPresent keeps restarts independent of the registry",
                        "checkov.io/skip3": "CKV_K8S_43=the image is pinned by an exact version tag (hub.image), as the k8s-image-pinned policy requires",
                        "checkov.io/skip4": "CKV_K8S_22=the hub image is not built for a read-only root (Z2JH runs it writable); its state is on the data volume",
                        "checkov.io/skip5": "CKV_K8S_35=JupyterHub reads its cookie secret, proxy token and crypt key from these environment variables",
                        "checkov.io/skip6": "CKV_K8S_38=KubeSpawner calls the Kubernetes API with this token to start and stop labs",
                        "checkov.io/skip7": "CKV_K8S_40=uid 1000 is the image's own user, owner of its files (as in Z2JH)",
                    },
                },
                spec: {
                    // sqlite on a ReadWriteOnce claim: one hub, and the old pod gone before the new one starts.
                    replicas: 1,
                    strategy: { type: "Recreate" },
                    selector: { matchLabels: selectorLabels(a.stack, COMPONENTS.hub) },
                    template: {
                        metadata: {
                            labels: hubLabels,
                            annotations: {
                                // One hub: the autoscaler must not move it to shrink the core pool.
                                [ANNOTATIONS.safeToEvict]: "false",
                                [ANNOTATIONS.configChecksum]: this.configChecksum,
                                [ANNOTATIONS.secretsRotation]: a.secretsRotation,
                            },
                        },
                        spec: {
                            serviceAccountName: serviceAccount.metadata.name,
                            // KubeSpawner talks to the API server with the ServiceAccount's token.
                            automountServiceAccountToken: true,
                            ...a.placement,
                            securityContext: {
                                runAsNonRoot: true,
                                runAsUser: 1000,
                                runAsGroup: 1000,
                                fsGroup: 1000,
                                seccompProfile: { type: "RuntimeDefault" },
                            },
                            containers: [
                                {
                                    name: "hub",
                                    image: a.image,
                                    args: ["jupyterhub", "--config", `${HUB_CONFIG_DIR}/jupyterhub_config.py`, "--upgrade-db"],
                                    ports: [{ name: "http", containerPort: HUB_SERVICES.hub.containerPort }],
                                    env: [
                                        { name: "PYTHONUNBUFFERED", value: "1" },
                                        { name: "POD_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
                                        secretEnv("JPY_COOKIE_SECRET", a.secretName, HUB_SECRET_KEYS.cookieSecret),
                                        secretEnv("CONFIGPROXY_AUTH_TOKEN", a.secretName, HUB_SECRET_KEYS.proxyToken),
                                        secretEnv("JUPYTERHUB_CRYPT_KEY", a.secretName, HUB_SECRET_KEYS.cryptKey),
                                        // The metrics collector's token (GKE stacks' monitoring declares the
                                        // Secret); optional, so a stack without monitoring starts the hub too.
                                        {
                                            name: HUB_METRICS_TOKEN.env,
                                            valueFrom: { secretKeyRef: { name: HUB_METRICS_TOKEN.secretName, key: HUB_METRICS_TOKEN.key, optional: true } },
                                        },
                                        ...authEnv,
                                    ],
                                    volumeMounts: [
                                        { name: "config", mountPath: HUB_CONFIG_DIR, readOnly: true },
                                        { name: "data", mountPath: HUB_DATA_DIR },
                                    ],
                                    resources: resourcesOf(a.hubResources),
                                    securityContext: CONTAINER_SECURITY,
                                    // A database upgrade may take a while: the startup probe allows 5 minutes.
                                    startupProbe: { ...healthProbe, periodSeconds: 5, failureThreshold: 60, timeoutSeconds: 3 },
                                    livenessProbe: { ...healthProbe, periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 3 },
                                    // The only hub: a slow answer or two under load must not take it out of its Service.
                                    readinessProbe: { ...healthProbe, periodSeconds: 5, failureThreshold: 3, timeoutSeconds: 5 },
                                },
                            ],
                            volumes: [
                                { name: "config", configMap: { name: configMap.metadata.name, defaultMode: 0o444 } },
                                { name: "data", persistentVolumeClaim: { claimName: dbClaimName } },
                            ],
                        },
                    },
                },
            },
            child,
        );
        new k8s.core.v1.Service(
            `${name}-service`,
            {
                metadata: { name: HUB_SERVICES.hub.name, namespace: ns, labels: hubLabels },
                spec: {
                    type: "ClusterIP",
                    selector: selectorLabels(a.stack, COMPONENTS.hub),
                    ports: [{ name: "http", port: HUB_SERVICES.hub.port, targetPort: HUB_SERVICES.hub.targetPort, protocol: "TCP" }],
                },
            },
            child,
        );

        // --- The proxy Deployment and its two Services ------------------------------------------
        const hubTarget = `http://${HUB_SERVICES.hub.name}:${HUB_SERVICES.hub.port}`;
        const chpProbe = { httpGet: { path: "/_chp_healthz", port: "http" } };
        this.proxyDeployment = new k8s.apps.v1.Deployment(
            `${name}-proxy-deployment`,
            {
                metadata: {
                    name: HUB_NAMES.proxyDeployment,
                    namespace: ns,
                    labels: proxyLabels,
                    // Checkov findings accepted here, each with its reason (test/real/validators.test.ts).
                    annotations: {
                        "checkov.io/skip1": "CKV_K8S_11=no CPU limit: CFS throttling would delay every proxied request; the request reserves its share",
                        "checkov.io/skip2": "CKV_K8S_15=the image is pinned by an exact version tag; IfNotPresent keeps restarts independent of the registry",
                        "checkov.io/skip3": "CKV_K8S_43=the image is pinned by an exact version tag (hub.proxyImage), as the k8s-image-pinned policy requires",
                        "checkov.io/skip4": "CKV_K8S_35=configurable-http-proxy reads its API token only from CONFIGPROXY_AUTH_TOKEN",
                    },
                },
                spec: {
                    // The hub keeps the routing table of exactly one proxy: never two at once.
                    replicas: 1,
                    strategy: { type: "Recreate" },
                    selector: { matchLabels: selectorLabels(a.stack, COMPONENTS.proxy) },
                    template: {
                        metadata: {
                            labels: proxyLabels,
                            annotations: { [ANNOTATIONS.secretsRotation]: a.secretsRotation },
                        },
                        spec: {
                            automountServiceAccountToken: false,
                            ...a.placement,
                            terminationGracePeriodSeconds: 60,
                            securityContext: {
                                runAsNonRoot: true,
                                runAsUser: 65534,
                                runAsGroup: 65534,
                                seccompProfile: { type: "RuntimeDefault" },
                            },
                            containers: [
                                {
                                    name: "chp",
                                    image: a.proxyImage,
                                    // IPv4 listeners: the clusters of this project are single-stack IPv4.
                                    command: [
                                        "configurable-http-proxy",
                                        "--ip=0.0.0.0",
                                        `--port=${HUB_SERVICES.proxyPublic.containerPort}`,
                                        "--api-ip=0.0.0.0",
                                        `--api-port=${HUB_SERVICES.proxyApi.containerPort}`,
                                        `--default-target=${hubTarget}`,
                                        `--error-target=${hubTarget}/hub/error`,
                                    ],
                                    ports: [
                                        { name: "http", containerPort: HUB_SERVICES.proxyPublic.containerPort },
                                        { name: "api", containerPort: HUB_SERVICES.proxyApi.containerPort },
                                    ],
                                    env: [secretEnv("CONFIGPROXY_AUTH_TOKEN", a.secretName, HUB_SECRET_KEYS.proxyToken)],
                                    resources: resourcesOf(a.proxyResources),
                                    securityContext: { ...CONTAINER_SECURITY, readOnlyRootFilesystem: true },
                                    livenessProbe: { ...chpProbe, initialDelaySeconds: 10, periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 3 },
                                    readinessProbe: { ...chpProbe, periodSeconds: 2, failureThreshold: 3, timeoutSeconds: 1 },
                                },
                            ],
                        },
                    },
                },
            },
            child,
        );
        new k8s.core.v1.Service(
            `${name}-proxy-api-service`,
            {
                metadata: { name: HUB_SERVICES.proxyApi.name, namespace: ns, labels: proxyLabels },
                spec: {
                    type: "ClusterIP",
                    selector: selectorLabels(a.stack, COMPONENTS.proxy),
                    ports: [{ name: "api", port: HUB_SERVICES.proxyApi.port, targetPort: HUB_SERVICES.proxyApi.targetPort, protocol: "TCP" }],
                },
            },
            child,
        );
        const publicService = new k8s.core.v1.Service(
            `${name}-proxy-public-service`,
            {
                metadata: { name: HUB_SERVICES.proxyPublic.name, namespace: ns, labels: proxyLabels },
                spec: {
                    type: "ClusterIP",
                    selector: selectorLabels(a.stack, COMPONENTS.proxy),
                    ports: [
                        {
                            name: HUB_SERVICES.proxyPublic.portName,
                            port: HUB_SERVICES.proxyPublic.port,
                            targetPort: HUB_SERVICES.proxyPublic.targetPort,
                            protocol: "TCP",
                        },
                    ],
                },
            },
            child,
        );
        this.proxyServiceName = publicService.metadata.name;

        this.registerOutputs({
            url: this.url,
            oauthCallbackUrl: this.oauthCallbackUrl,
            proxyServiceName: this.proxyServiceName,
            configMapName: this.configMapName,
            configChecksum: this.configChecksum,
        });
    }
}

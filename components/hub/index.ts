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
 *   the hub) and `proxy-public` (80 "http" -> 8000, ClusterIP: the ingress routes to it);
 * - NetworkPolicy `hub`: the hub's port (8081) only from the proxy's and the labs' pods;
 * - NetworkPolicy `proxy`: the API (8001) only from the hub's pods, the public port (8000) only
 *   from pods labelled `hub.jupyter.org/network-access-proxy-http: "true"` (the edge's controller).
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
import { commonLabels, COMPONENTS, HUB_SERVICES, oauthCallbackUrl, publicUrl } from "../naming";
import { HubArgs, resolveHubArgs } from "./args";
import { configChecksum, declareHubConfig } from "./config";
import { declareDatabaseClaim } from "./database";
import { clusterIpServiceArgs, hubDeploymentArgs, hubNetworkPolicySpec } from "./deployment";
import { proxyApiServiceArgs, proxyDeploymentArgs, proxyNetworkPolicySpec, proxyPublicServiceArgs } from "./proxy";
import { declareHubRbac } from "./rbac";

// The hub's object names and Service ports are facts other components build on (the lab's
// NetworkPolicy, the edge's Ingress, the scrape targets, the storage's database volume): they
// live in the import-free contract module; the names are re-exported here for the policies.
export { HUB_NAMES } from "../naming";
export type { ContainerResources, HubArgs } from "./args";
export { canonicalJson, configChecksum, HUB_CONFIG_DIR, HUB_PYTHON_DIR, hubPythonFiles } from "./config";
export { HUB_SETTINGS_KEY } from "./settingsContract";
export { KUBESPAWNER_RULES } from "./rbac";

export class Hub extends pulumi.ComponentResource {
    /** Public URL of the hub, `https://<hostname>/`. */
    public readonly url: string;
    /** The OAuth callback URL to register in the GitHub OAuth app. */
    public readonly oauthCallbackUrl: string;
    /**
     * The proxy's public Service (`proxy-public`, port "http"), the one the edge's Ingress routes
     * to, and the container port behind it (the edge's egress policy opens it).
     */
    public readonly proxyPublic: { readonly service: k8s.core.v1.Service; readonly containerPort: number };
    /** Names of the NetworkPolicies of the hub's and the proxy's pods (`hub`, `proxy`). */
    public readonly networkPolicyNames: pulumi.Output<string>[];
    /** Name of the hub ConfigMap (`hub-config`). */
    public readonly configMapName: pulumi.Output<string>;
    /** sha256 of the ConfigMap data (the hub pod's checksum annotation). */
    public readonly configChecksum: pulumi.Output<string>;
    /** The hub and proxy Deployments. */
    public readonly hubDeployment: k8s.apps.v1.Deployment;
    public readonly proxyDeployment: k8s.apps.v1.Deployment;

    constructor(name: string, args: HubArgs, opts?: pulumi.ComponentResourceOptions) {
        super("jupyterlabdemo:components:Hub", name, {}, opts);

        // Resolve every default once.
        const a = resolveHubArgs(args);
        this.url = publicUrl(a.hostname);
        this.oauthCallbackUrl = oauthCallbackUrl(a.hostname);
        const child = { parent: this };
        const hubLabels = commonLabels(a.stack, COMPONENTS.hub);
        const proxyLabels = commonLabels(a.stack, COMPONENTS.proxy);
        const scope = { parent: this, name, namespace: a.namespace, hubLabels };

        // KubeSpawner's rights in this namespace only; the database claim; the configuration.
        const serviceAccount = declareHubRbac(scope);
        const databaseClaimName = declareDatabaseClaim(scope, a);
        const { configMap, configData } = declareHubConfig(scope, a);
        this.configMapName = configMap.metadata.name;
        this.configChecksum = configData.apply(configChecksum);

        // The hub Deployment and Service.
        this.hubDeployment = new k8s.apps.v1.Deployment(
            `${name}-deployment`,
            hubDeploymentArgs(a, hubLabels, {
                serviceAccountName: serviceAccount.metadata.name,
                configMapName: configMap.metadata.name,
                configChecksum: this.configChecksum,
                databaseClaimName,
            }),
            child,
        );
        new k8s.core.v1.Service(`${name}-service`, clusterIpServiceArgs(a, COMPONENTS.hub, hubLabels, HUB_SERVICES.hub), child);

        // The proxy Deployment and its two Services.
        this.proxyDeployment = new k8s.apps.v1.Deployment(`${name}-proxy-deployment`, proxyDeploymentArgs(a, proxyLabels), child);
        new k8s.core.v1.Service(`${name}-proxy-api-service`, proxyApiServiceArgs(a, proxyLabels), child);
        const publicService = new k8s.core.v1.Service(`${name}-proxy-public-service`, proxyPublicServiceArgs(a, proxyLabels), child);
        this.proxyPublic = { service: publicService, containerPort: HUB_SERVICES.proxyPublic.containerPort };
        // One NetworkPolicy per component, named after it: the hub's port only from the proxy and
        // the labs; the proxy's API only from the hub, its public port only from pods carrying the
        // access label (the edge's controller).
        const policy = (component: string, spec: k8s.types.input.networking.v1.NetworkPolicySpec, aliases?: pulumi.Input<pulumi.URN | pulumi.Alias>[]) =>
            new k8s.networking.v1.NetworkPolicy(
                `${name}-netpol-${component}`,
                { metadata: { name: component, namespace: a.namespace, labels: commonLabels(a.stack, COMPONENTS.networkPolicy) }, spec },
                { parent: this, aliases },
            ).metadata.name;
        this.networkPolicyNames = [
            policy(COMPONENTS.hub, hubNetworkPolicySpec(a.stack), a.networkPolicyAliases?.hub),
            policy(COMPONENTS.proxy, proxyNetworkPolicySpec(a.stack), a.networkPolicyAliases?.proxy),
        ];

        this.registerOutputs({
            url: this.url,
            oauthCallbackUrl: this.oauthCallbackUrl,
            proxyServiceName: publicService.metadata.name,
            configMapName: this.configMapName,
            configChecksum: this.configChecksum,
        });
    }
}

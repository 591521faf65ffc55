/**
 * Names and labels, built in one place: the contract between components.
 *
 * This module imports nothing. A fact that crosses components (a label, a Service name or port,
 * a namespace another component's NetworkPolicy admits) lives here, so a component that needs it
 * depends on this contract and not on the component that declares the object; that keeps the
 * components' imports free of circles (test/architecture.test.ts checks both).
 *
 * Kubernetes labels follow one scheme on every object the program declares:
 *   app.kubernetes.io/name       "jupyterlabdemo"
 *   app.kubernetes.io/instance   the stack ("sandbox", "demo", "local")
 *   app.kubernetes.io/component  the part: "hub", "proxy", "nfs-server", "lab", "image-puller", ...
 *   app.kubernetes.io/managed-by "pulumi"
 * Selectors (Services, NetworkPolicies, Deployments) use only `name`, `instance` and `component`
 * (`selectorLabels`), which never change for a running object. Lab pods carry the same three with
 * component "lab", set by KubeSpawner from the hub's configuration.
 */

const APP = "jupyterlabdemo";

/** Values of `app.kubernetes.io/component`: selectors in one component match labels set by another. */
export const COMPONENTS = {
    hub: "hub",
    proxy: "proxy",
    lab: "lab",
    nfsServer: "nfs-server",
    imagePuller: "image-puller",
    networkPolicy: "network-policy",
    ingressController: "ingress-controller",
    ingress: "ingress",
    certManager: "cert-manager",
    namespace: "namespace",
    monitoring: "monitoring",
} as const;

/** Labels that select a component's pods; stable for the life of a Deployment. */
export function selectorLabels(stack: string, component: string): Record<string, string> {
    return {
        "app.kubernetes.io/name": APP,
        "app.kubernetes.io/instance": stack,
        "app.kubernetes.io/component": component,
    };
}

/** Labels for every object of a component: the selector labels plus `managed-by`. */
export function commonLabels(stack: string, component: string): Record<string, string> {
    return { ...selectorLabels(stack, component), "app.kubernetes.io/managed-by": "pulumi" };
}

/** A NetworkPolicy peer's `namespaceSelector` for one namespace, by its `kubernetes.io/metadata.name` label. */
export function namespaceSelector(name: string): { matchLabels: Record<string, string> } {
    return { matchLabels: { "kubernetes.io/metadata.name": name } };
}

/** Annotation keys set by more than one component. */
export const ANNOTATIONS = {
    /** On pod templates: the cluster autoscaler must not evict the pod to scale a node down. */
    safeToEvict: "cluster-autoscaler.kubernetes.io/safe-to-evict",
    /** The secrets' rotation label: on the Secret and the pods that read it, so a rotation restarts them. */
    secretsRotation: "jupyterlabdemo.io/secrets-rotation",
    /** On the hub pod: the sha256 of the hub ConfigMap's data, so a config change restarts the hub. */
    configChecksum: "jupyterlabdemo.io/config-checksum",
} as const;

/** Labels on GCP resources (GCP label values: lowercase, digits, - and _). */
export function gcpLabels(stack: string, extra: Record<string, string> = {}): Record<string, string> {
    return { app: APP, stack, "managed-by": "pulumi", ...extra };
}

/**
 * The GCP label that marks a disk as holding user data. The policy pack requires such a disk to
 * be protected, retained on delete and snapshotted.
 */
export const USER_DATA_LABEL = { key: "data-class", value: "user-data" } as const;

/**
 * Node pool roles: the label every node carries, and the taint of the user pool. Only the user pool
 * is tainted (keeping everything but labs off it): GKE's own Deployments (kube-dns,
 * konnectivity-agent, metrics-server) tolerate only GKE's taints, so they need an untainted pool,
 * and that is the core pool.
 */
export const NODE_ROLE_LABEL = "jupyterlabdemo.io/node-role";
export type NodeRole = "core" | "user";

/** The roles whose pool carries the NoSchedule taint `NODE_ROLE_LABEL=<role>`. */
export const TAINTED_NODE_ROLES: readonly NodeRole[] = ["user"];

/** Node selector and tolerations of a pod; empty on `local`, where nodes carry no roles. */
export interface Placement {
    readonly nodeSelector?: Record<string, string>;
    readonly tolerations?: { key: string; operator: string; value: string; effect: string }[];
}

/**
 * Node selector that puts a pod on the given pool (GKE stacks), and the toleration of that pool's
 * taint where it has one (the user pool); a core pod carries no toleration it does not need.
 */
export function scheduleOn(role: NodeRole): Placement {
    return {
        nodeSelector: { [NODE_ROLE_LABEL]: role },
        ...(TAINTED_NODE_ROLES.includes(role)
            ? { tolerations: [{ key: NODE_ROLE_LABEL, operator: "Equal", value: role, effect: "NoSchedule" }] }
            : {}),
    };
}

/** The hub's public URL. */
export function publicUrl(hostname: string): string {
    return `https://${hostname}/`;
}

/** The OAuth callback URL registered in the GitHub OAuth app; the same host, over https. */
export function oauthCallbackUrl(hostname: string): string {
    return `https://${hostname}/hub/oauth_callback`;
}

/**
 * Pod Security Standards levels, as Pod Security Admission reads them from namespace labels.
 * `privileged` is no level a namespace of this program enforces except where an exception is
 * stated and allowed by the policy pack (k8s-namespace-pod-security).
 */
export type PodSecurityLevel = "privileged" | "baseline" | "restricted";

/** Prefix of Pod Security Admission's namespace labels. */
export const POD_SECURITY_LABEL_PREFIX = "pod-security.kubernetes.io/";

/**
 * The Pod Security Standards version every namespace pins: v1.30, the oldest Kubernetes the
 * program supports (ValidatingAdmissionPolicy v1 is GA there). Pinned rather than `latest`, so a
 * cluster upgrade never starts rejecting pods under a changed standard without a reviewed change.
 */
const POD_SECURITY_VERSION = "v1.30";

/**
 * Pod Security Admission labels of a namespace: `enforce` at the given level, `warn` and `audit`
 * at `restricted` everywhere (so every departure from restricted shows up on apply and in the
 * audit log), each mode pinned to POD_SECURITY_VERSION.
 */
export function podSecurityLabels(enforce: PodSecurityLevel): Record<string, string> {
    const labels: Record<string, string> = {};
    for (const [mode, level] of [["enforce", enforce], ["warn", "restricted"], ["audit", "restricted"]] as const) {
        labels[`${POD_SECURITY_LABEL_PREFIX}${mode}`] = level;
        labels[`${POD_SECURITY_LABEL_PREFIX}${mode}-version`] = POD_SECURITY_VERSION;
    }
    return labels;
}

/**
 * Network access labels: a component admits pods carrying its label instead of knowing another
 * component's namespace or labels. The names are z2jh's (`hub.jupyter.org/network-access-*`, its
 * docs' "Security" page), so a pod set up for a z2jh hub is set up for this one too. The value is
 * always "true". As with z2jh's default (`interNamespaceAccessLabels: accept`), the label admits a
 * pod from any namespace: the label is the grant, so only what may reach a port carries it.
 */
export const NETWORK_ACCESS_LABELS = {
    /** On pods allowed to reach the proxy's public HTTP port (the ingress controller's). */
    proxyHttp: "hub.jupyter.org/network-access-proxy-http",
    /**
     * The same grant under the name it had before z2jh's: admitted too, and still put on the
     * controller, so that updating a stack deployed with it has no gap whichever of the proxy's
     * policy and the controller's rollout lands first (the running controller pods carry only
     * this one until they are replaced). Remove both uses once every stack has been updated.
     */
    proxyHttpPrevious: "jupyterlabdemo.io/network-access-proxy",
} as const;

/**
 * Load balancers a component has a chart create: Services of type LoadBalancer that no object of
 * the program declares one by one (a helm.v3.Release's objects are not). The component registers
 * them among its own inputs under this key, so what reads the rendered program (the cost model:
 * one forwarding rule each) finds them without knowing the chart or its values.
 */
export const CHART_LOAD_BALANCERS_KEY = "chartLoadBalancers";
/** One such Service: its namespace and name, as the chart names it. */
export interface ChartLoadBalancer {
    readonly namespace: string;
    readonly name: string;
}

/** Cluster DNS pods (kube-dns on GKE, CoreDNS on kind/k3d/minikube carry the same label). */
export const CLUSTER_DNS = {
    namespace: "kube-system",
    podLabels: { "k8s-app": "kube-dns" },
} as const;

/**
 * The hub's metrics token: the Secret (hub namespace) the monitoring declares and the collector
 * reads, its key, and the environment variable the hub Deployment passes it in
 * (jupyterhub_config.py registers it as the `metrics-collector` service, scope `read:metrics` only).
 */
export const HUB_METRICS_TOKEN = { secretName: "hub-metrics-token", key: "token", env: "JUPYTERHUB_METRICS_TOKEN" } as const;

/**
 * GKE's Managed Service for Prometheus collector: a DaemonSet on the pod network in `gmp-system`,
 * ServiceAccount `collector`, pods labelled `app.kubernetes.io/name: collector`
 * (GoogleCloudPlatform/prometheus-engine, charts/operator/templates/_helpers.tpl,
 * `prometheus-engine.collector.selectorLabels`). The only peer a metrics port admits.
 */
export const GMP_COLLECTOR = {
    namespace: "gmp-system",
    serviceAccount: "collector",
    podLabels: { "app.kubernetes.io/name": "collector" },
} as const;

/** A NetworkPolicy peer: the managed collector's pods. */
export function collectorPeer(): { namespaceSelector: { matchLabels: Record<string, string> }; podSelector: { matchLabels: Record<string, string> } } {
    return { namespaceSelector: namespaceSelector(GMP_COLLECTOR.namespace), podSelector: { matchLabels: { ...GMP_COLLECTOR.podLabels } } };
}

/** A NetworkPolicy egress rule: name resolution, UDP and TCP port 53 of the cluster DNS pods. */
export function clusterDnsEgress(): {
    to: { namespaceSelector: { matchLabels: Record<string, string> }; podSelector: { matchLabels: Record<string, string> } }[];
    ports: { port: number; protocol: string }[];
} {
    return {
        to: [{ namespaceSelector: namespaceSelector(CLUSTER_DNS.namespace), podSelector: { matchLabels: { ...CLUSTER_DNS.podLabels } } }],
        ports: [
            { port: 53, protocol: "UDP" },
            { port: 53, protocol: "TCP" },
        ],
    };
}

// ---------------------------------------------------------------------------------------------
// Objects one component declares and another addresses by name
// ---------------------------------------------------------------------------------------------
// Kept here, in a module that imports nothing, so that a component which needs another's Service
// name, port or namespace depends on this contract and not on that component's module.

/** Kubernetes names and ports of the hub's objects (contracts between components). */
export const HUB_NAMES = {
    serviceAccount: "hub",
    role: "hub",
    configMap: "hub-config",
    databaseClaim: "hub-db",
    hubDeployment: "hub",
    proxyDeployment: "proxy",
} as const;

export const HUB_SERVICES = {
    hub: { name: "hub", port: 8081, targetPort: "http", containerPort: 8081 },
    proxyApi: { name: "proxy-api", port: 8001, targetPort: "api", containerPort: 8001 },
    proxyPublic: { name: "proxy-public", port: 80, targetPort: "http", containerPort: 8000 },
} as const;

/** Namespace of the ingress controller (NetworkPolicies select it by `kubernetes.io/metadata.name`). */
export const INGRESS_NAMESPACE = "nginx-ingress";
/** Namespace of cert-manager (also where ACME account keys live). */
export const CERT_MANAGER_NAMESPACE = "cert-manager";

/**
 * A container security context that Pod Security `restricted` admits and that holds nothing:
 * uid/gid 65534 (nobody), no escalation, read-only root, every capability dropped, the runtime's
 * seccomp profile. For the helpers that only exist or serve files (pre-puller, exporters).
 */
export const RESTRICTED_CONTAINER_SECURITY = {
    runAsNonRoot: true,
    runAsUser: 65534,
    runAsGroup: 65534,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
};

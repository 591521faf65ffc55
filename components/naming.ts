/**
 * Names and labels, built in one place.
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

export const APP = "jupyterlabdemo";

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

/**
 * Resource transformations that tie the Kubernetes layer's lifecycle to the GKE cluster, passed
 * through component options so that every child (including the Helm releases) gets them.
 */
import * as pulumi from "@pulumi/pulumi";

/** Pulumi types of Kubernetes objects (the provider itself is `pulumi:providers:kubernetes`). */
function isKubernetesObject(type: string): boolean {
    return type.startsWith("kubernetes:");
}

/**
 * Whether an object makes GCP create something outside the cluster that a cluster deletion may
 * leave behind: a LoadBalancer Service (a forwarding rule holding the static IP), directly or as
 * the ingress controller's Helm release. Those are deleted for real before the cluster goes.
 */
function ownsCloudLoadBalancer(type: string, props: Record<string, unknown>): boolean {
    const get = (o: unknown, ...path: string[]): unknown =>
        path.reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined), o);
    if (type === "kubernetes:core/v1:Service") return get(props, "spec", "type") === "LoadBalancer";
    if (type.startsWith("kubernetes:helm.sh/")) return get(props, "values", "controller", "service", "type") === "LoadBalancer";
    return false;
}

/**
 * `deletedWith: cluster` on every Kubernetes object: when the cluster itself is deleted (destroy,
 * or its replacement), the engine skips their deletes instead of waiting on each. Without it a
 * destroy hangs: lab pods the hub spawned are not in Pulumi's state and hold the homes claim, so
 * its delete waits on `pvc-protection` until the timeout. Objects that own a cloud load
 * balancer are excluded (see `ownsCloudLoadBalancer`).
 */
export function deleteWithCluster(cluster: pulumi.Resource): pulumi.ResourceTransformation {
    return (a) => {
        if (!isKubernetesObject(a.type) || ownsCloudLoadBalancer(a.type, a.props)) return undefined;
        return { props: a.props, opts: pulumi.mergeOptions(a.opts, { deletedWith: cluster }) };
    };
}

/** `dependsOn: target` for the resources `matches` selects (by type and inputs). */
export function dependOnWhen(matches: (type: string, props: Record<string, unknown>) => boolean, target: pulumi.Resource): pulumi.ResourceTransformation {
    return (a) => (matches(a.type, a.props) ? { props: a.props, opts: pulumi.mergeOptions(a.opts, { dependsOn: [target] }) } : undefined);
}

/**
 * The Deployment shape the platform's single servers share: the hub, the proxy and the NFS
 * server each run exactly one pod, replaced with `Recreate` (never two at once: a ReadWriteOnce
 * claim, a routing table only one proxy holds, a filesystem only one server may serve), whose
 * template carries the object's labels and whose selector is the stable subset of them.
 *
 * Pure: the callers pass the pod spec and the annotations; the reason for one replica stays
 * beside each call.
 */
import * as k8s from "./sdk/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export interface SingletonDeploymentArgs {
    /** Kubernetes name and namespace of the Deployment. */
    readonly name: string;
    readonly namespace: pulumi.Input<string>;
    /** Labels of the Deployment and of its pods (`commonLabels`). */
    readonly labels: Record<string, string>;
    /** The Deployment's selector (`selectorLabels`: a subset of `labels` that never changes). */
    readonly selector: Record<string, string>;
    /** Annotations of the Deployment (its Checkov skips). */
    readonly annotations?: Record<string, string>;
    /** Annotations of the pod template (restart checksums, the autoscaler's eviction switch). */
    readonly podAnnotations?: Record<string, pulumi.Input<string>>;
    readonly podSpec: pulumi.Input<k8s.types.input.core.v1.PodSpec>;
}

/** A one-replica `Recreate` Deployment of the given pod. */
export function singletonDeployment(a: SingletonDeploymentArgs): k8s.apps.v1.DeploymentArgs {
    return {
        metadata: { name: a.name, namespace: a.namespace, labels: a.labels, ...(a.annotations ? { annotations: a.annotations } : {}) },
        spec: {
            replicas: 1,
            strategy: { type: "Recreate" },
            selector: { matchLabels: a.selector },
            template: {
                metadata: { labels: { ...a.labels }, ...(a.podAnnotations ? { annotations: a.podAnnotations } : {}) },
                spec: a.podSpec,
            },
        },
    };
}

/**
 * How the program talks to the cluster: a kubeconfig for the control plane's DNS endpoint with
 * the gke-gcloud-auth-plugin exec flow, and the identity that decides when the Kubernetes provider
 * (and with it every Kubernetes object) is replaced.
 */

/** Where a GKE cluster lives; all three are known when the program runs. */
export interface ClusterLocator {
    readonly project: string;
    readonly location: string;
    readonly clusterName: string;
}

/**
 * The Kubernetes provider's `clusterIdentifier`: the cluster's resource path. pulumi-kubernetes
 * replaces its provider, and so every Kubernetes object, when the kubeconfig changes in ways it
 * cannot judge (unknown during a preview, another server or CA); with `clusterIdentifier` set it
 * replaces the provider only when this string changes (@pulumi/kubernetes provider.d.ts).
 *
 * Built from config only, never from an output, so credential rotation or an endpoint change is
 * an update. It changes exactly with the settings whose change replaces the cluster (name,
 * project, location; the network and subnetwork are named after the cluster). A code change that
 * replaces the cluster under the same name must add its cause here, or the new, empty cluster
 * would be taken for the old one.
 */
export function clusterIdentifier(c: ClusterLocator): string {
    return `projects/${c.project}/locations/${c.location}/clusters/${c.clusterName}`;
}

/**
 * A kubeconfig that authenticates with gke-gcloud-auth-plugin: no static credential in it.
 *
 * The server is the control plane's DNS endpoint (`gke-….<location>.gke.goog`): stable for the
 * cluster's life, reachable from any network that reaches Google APIs (CI runners included), and
 * guarded by IAM rather than by source address. Its certificate is from a public CA (Google Trust
 * Services), so the kubeconfig carries no `certificate-authority-data`: the cluster's own CA
 * would fail verification against it.
 */
export function gkeKubeconfig(c: ClusterLocator & { dnsEndpoint: string }): string {
    const context = `gke_${c.project}_${c.location}_${c.clusterName}`;
    return JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: context, cluster: { server: `https://${c.dnsEndpoint}` } }],
        contexts: [{ name: context, context: { cluster: context, user: context } }],
        "current-context": context,
        preferences: {},
        users: [
            {
                name: context,
                user: {
                    exec: {
                        apiVersion: "client.authentication.k8s.io/v1beta1",
                        command: "gke-gcloud-auth-plugin",
                        installHint: "Install gke-gcloud-auth-plugin: gcloud components install gke-gcloud-auth-plugin",
                        provideClusterInfo: true,
                        // Application-default credentials: the identity the gcp provider uses,
                        // not gcloud's active account (which may be another person or none).
                        args: ["--use_application_default_credentials"],
                        interactiveMode: "IfAvailable",
                    },
                },
            },
        ],
    });
}

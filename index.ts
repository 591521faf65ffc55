/**
 * jupyterlabdemo: a JupyterLab science platform, from nothing, with one `pulumi up`.
 *
 * Reads top to bottom: validated config first, then the platform (a GKE cluster, or an existing
 * cluster on `local`), then the parts that run on it, then the stack outputs.
 */
import * as k8s from "@pulumi/kubernetes";
import { GkeCluster } from "./components/cluster";
import { loadSettings } from "./components/config";
import { Hub } from "./components/hub";
import { buildLabSettings, Lab, LOCAL_NODE_CIDRS } from "./components/lab";
import { commonLabels, scheduleOn } from "./components/naming";
import { HubSecrets } from "./components/secrets";

export = async (): Promise<Record<string, unknown>> => {
    // 1. Config: validated in one place; a mistake stops here, before any resource is declared.
    const { settings, secrets } = loadSettings();

    // 2. The platform and the Kubernetes provider every object below uses.
    let k8sProvider: k8s.Provider;
    let platform: GkeCluster | undefined;
    if (settings.platform === "gke") {
        const c = settings.cluster;
        platform = new GkeCluster("gke", {
            stack: settings.stack,
            gcp: settings.gcp!,
            clusterName: c.name,
            regional: c.regional,
            releaseChannel: c.releaseChannel,
            maintenanceWindowStart: c.maintenanceWindowStart,
            deletionProtection: c.deletionProtection,
            protect: c.protect,
            privateNodes: c.privateNodes,
            masterAuthorizedNetworks: c.masterAuthorizedNetworks,
            nodeCidr: c.nodeCidr,
            podCidr: c.podCidr,
            serviceCidr: c.serviceCidr,
            masterCidr: c.masterCidr,
            corePool: c.corePool,
            userPool: c.userPool,
        });
        k8sProvider = platform.provider;
    } else {
        k8sProvider = new k8s.Provider("local-k8s", { context: settings.kubeContext, enableServerSideApply: true });
    }
    const k8sOpts = { provider: k8sProvider };

    // Where pods run: GKE pools are labelled and tainted per role; a local cluster has no such
    // nodes, so there the placement is empty.
    const corePlacement = settings.platform === "gke" ? scheduleOn("core") : {};
    const userPlacement = settings.platform === "gke" ? scheduleOn("user") : {};

    // The namespace of the hub, the proxy, the NFS server and the labs.
    const namespace = new k8s.core.v1.Namespace(
        "namespace",
        { metadata: { name: settings.hub.namespace, labels: commonLabels(settings.stack, "namespace") } },
        k8sOpts,
    );
    const namespaceName = namespace.metadata.name;

    // The lab pods: what the hub's KubeSpawner makes of each user (identity, home, menu,
    // culling; written into the hub's settings), the image pre-puller and the NetworkPolicies.
    // On `local` the node range is unknown: LOCAL_NODE_CIDRS (Docker networks) stands in.
    const labSettings = buildLabSettings({
        stack: settings.stack,
        lab: settings.lab,
        authenticator: settings.hub.authenticator,
        homesClaimName: "homes",
        userPlacement,
    });
    const c = settings.cluster;
    const lab = new Lab(
        "lab",
        {
            stack: settings.stack,
            namespace: namespaceName,
            images: settings.lab.images,
            prePull: settings.lab.prePull,
            userPlacement,
            nodeCidrs: settings.platform === "gke" ? [c.nodeCidr] : LOCAL_NODE_CIDRS,
            clusterCidrs: settings.platform === "gke" ? [c.nodeCidr, c.podCidr, c.serviceCidr, c.masterCidr] : [],
        },
        k8sOpts,
    );

    // 3. The hub: its secrets (generated, and the OAuth client secret), then hub and proxy.
    const hubSecrets = new HubSecrets(
        "secrets",
        {
            stack: settings.stack,
            namespace: namespaceName,
            rotation: settings.secrets.rotation,
            authenticator: settings.hub.authenticator,
            githubClientSecret: secrets.githubClientSecret,
            dummyPassword: secrets.dummyPassword,
        },
        k8sOpts,
    );
    const hub = new Hub(
        "hub",
        {
            stack: settings.stack,
            namespace: namespaceName,
            hostname: settings.hostname,
            authenticator: settings.hub.authenticator,
            github: settings.github,
            secretName: hubSecrets.secretName,
            secretsRotation: settings.secrets.rotation,
            image: settings.hub.image,
            proxyImage: settings.hub.proxyImage,
            databaseSize: settings.hub.databaseSize,
            placement: corePlacement,
            labSettings: { ...labSettings },
        },
        k8sOpts,
    );

    // 4. Outputs.
    return {
        platform: settings.platform,
        hubUrl: hub.url,
        oauthCallbackUrl: hub.oauthCallbackUrl,
        labImages: settings.lab.images.map((i) => i.image),
        networkPolicies: lab.networkPolicyNames,
        ...(platform
            ? {
                  clusterName: platform.clusterName,
                  location: platform.location,
                  ingressIp: platform.ingressIp,
                  kubeconfig: platform.kubeconfig,
              }
            : { kubeContext: settings.kubeContext }),
    };
};

/**
 * jupyterlabdemo: a JupyterLab science platform, from nothing, with one `pulumi up`.
 *
 * Reads top to bottom: validated config first, then the platform (a GKE cluster, or an existing
 * cluster on `local`), then the parts that run on it, then the stack outputs.
 */
import * as k8s from "@pulumi/kubernetes";
import { GkeCluster } from "./components/cluster";
import { loadSettings } from "./components/config";

export = async (): Promise<Record<string, unknown>> => {
    // 1. Config: validated in one place; a mistake stops here, before any resource is declared.
    const { settings } = loadSettings();

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
    void k8sProvider;

    // 3. Outputs.
    return {
        platform: settings.platform,
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

/**
 * jupyterlabdemo: a JupyterLab science platform, from nothing, with one `pulumi up`.
 *
 * Reads top to bottom: validated config first, then the platform (a GKE cluster, or an existing
 * cluster on `local`), then the parts that run on it, then the stack outputs.
 */
import * as k8s from "./components/sdk/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { authenticatorArgs } from "./components/authenticators";
import { loadSettings } from "./components/config";
import { Hub } from "./components/hub";
import { buildLabSettings } from "./components/hub/settingsContract";
import { Edge } from "./components/ingress";
import { Lab } from "./components/lab";
import { Monitoring, monitoringNotes } from "./components/monitoring";
import { commonLabels, COMPONENTS, podSecurityLabels } from "./components/naming";
import { declarePlatform } from "./components/platform";
import { HubSecrets } from "./components/secrets";
import { HOMES_CLAIM_NAME, HomeStorage } from "./components/storage";

export = async (): Promise<Record<string, unknown>> => {
    // 1. Config: validated in one place; a mistake stops here, before any resource is declared.
    const { settings, secrets } = loadSettings();

    // 2. The platform, computed once: a GKE cluster (or an existing cluster on `local`), the
    // Kubernetes provider and transformations every object below uses, and what differs between
    // the two (placements, address ranges, the homes' backing, the edge's exposure and issuer).
    const platform = declarePlatform(settings);
    const k8sOpts = { provider: platform.provider, ...(platform.transformations.length ? { transformations: platform.transformations } : {}) };
    const ingress = settings.ingress;

    // The namespace of the hub, the proxy, the NFS server and the labs. Pod Security enforces
    // baseline, not restricted: a lab's home init container runs as root with CAP_CHOWN (it hands
    // a new home to the user's uid), which restricted forbids (runAsNonRoot, no added capability
    // but NET_BIND_SERVICE). The lab admission policy (components/labAdmission.ts) holds labs to more.
    const namespace = new k8s.core.v1.Namespace(
        "namespace",
        {
            metadata: {
                name: settings.hub.namespace,
                labels: { ...commonLabels(settings.stack, COMPONENTS.namespace), ...podSecurityLabels("baseline") },
            },
        },
        k8sOpts,
    );
    const namespaceName = namespace.metadata.name;

    // 3. Users' homes: an NFS-Ganesha server in its own namespace, exporting a protected,
    // snapshotted XFS GCE disk with per-user quotas (a StorageClass volume on local), and on GKE
    // the hub database's protected disk. The disks use the default gcp provider and depend on
    // nothing of the cluster, so they survive the cluster's replacement.
    const st = settings.storage;
    const storage = new HomeStorage(
        "storage",
        {
            stack: settings.stack,
            namespace: st.namespace,
            hubNamespace: settings.hub.namespace,
            kubernetesDependsOn: [namespace],
            placement: platform.corePlacement,
            imageDigests: st.imageDigests,
            nodeCidrs: platform.nodeCidrs,
            admitNodesByCiliumEntity: platform.admitNodesByCiliumEntity,
            backing: platform.homesBacking,
        },
        k8sOpts,
    );

    // 4. The lab pods: what the hub's KubeSpawner makes of each user (identity, home, menu,
    // culling; written into the hub's settings), the image pre-puller and the NetworkPolicies.
    const labSettings = buildLabSettings({
        stack: settings.stack,
        lab: settings.lab,
        authenticator: settings.hub.authenticator,
        homesClaimName: HOMES_CLAIM_NAME,
        userPlacement: platform.userPlacement,
        // Quotas need the GKE homes disk (XFS); a `local` volume has none.
        homeQuota: platform.homeQuota,
    });
    const lab = new Lab(
        "lab",
        {
            stack: settings.stack,
            namespace: namespaceName,
            images: settings.lab.images,
            prePull: settings.lab.prePull,
            userPlacement: platform.userPlacement,
            clusterCidrs: platform.clusterCidrs,
        },
        k8sOpts,
    );

    // 5. The hub: its secrets (generated, and the OAuth client secret), then hub and proxy.
    const hubSecrets = new HubSecrets(
        "secrets",
        {
            stack: settings.stack,
            namespace: namespaceName,
            rotation: settings.secrets.rotation,
            authenticator: secrets,
        },
        k8sOpts,
    );
    const hub = new Hub(
        "hub",
        {
            stack: settings.stack,
            namespace: namespaceName,
            hostname: settings.hostname,
            authenticator: authenticatorArgs(settings),
            secretName: hubSecrets.secretName,
            secretsRotation: settings.secrets.rotation,
            image: settings.hub.image,
            proxyImage: settings.hub.proxyImage,
            databaseSize: settings.hub.databaseSize,
            // GKE: the storage component's claim on a protected, snapshotted disk.
            databaseClaimName: storage.hubDatabaseClaimName,
            placement: platform.corePlacement,
            labSettings,
            // The hub's and the proxy's NetworkPolicies were the lab component's: the same objects, updated in place.
            networkPolicyAliases: { hub: [{ name: "lab-netpol-hub", parent: lab }], proxy: [{ name: "lab-netpol-proxy", parent: lab }] },
        },
        k8sOpts,
    );

    // 6. The edge: ingress controller on the static IP, cert-manager and its issuer, the hub's
    // Ingress, the DNS record (when a Cloud DNS zone is configured).
    const edge = new Edge(
        "edge",
        {
            stack: settings.stack,
            hostname: settings.hostname,
            // The hub's proxy-public Service: the Ingress routes to it, in its namespace.
            backend: hub.proxyPublic,
            placement: platform.corePlacement,
            ...platform.edge,
            acmeEmail: ingress.acmeEmail,
            maxBodySize: ingress.maxBodySize,
            replicas: ingress.replicas,
            loadBalancerIP: platform.loadBalancerIP,
            nodeCidrs: platform.nodeCidrs,
            dns: platform.dns,
        },
        k8sOpts,
    );

    // 7. Monitoring (GKE only): metrics collection, alerts, the uptime check, the dashboard.
    // The NFS server's exporters are scraped in the storage component's own namespace.
    const monitoringNote = monitoringNotes(settings);
    for (const note of monitoringNote) pulumi.log.warn(note);
    if (platform.gke && settings.monitoring.enabled) {
        const mon = settings.monitoring;
        new Monitoring(
            "monitoring",
            {
                stack: settings.stack,
                project: settings.gcp!.project,
                hostname: settings.hostname,
                clusterName: settings.cluster.name,
                hubNamespace: settings.hub.namespace,
                homesNamespace: settings.storage.namespace,
                notificationEmails: mon.notificationEmails,
                spawnFailureThreshold: mon.spawnFailureThreshold,
                validateTls: ingress.acmeServer === "production",
                secretsRotation: settings.secrets.rotation,
                budget: mon.billingAccount ? { billingAccount: mon.billingAccount, amount: mon.monthlyBudget! } : undefined,
                kubernetesDependsOn: [namespace, storage, edge.ingressController, edge.certManager],
            },
            k8sOpts,
        );
    }

    // 8. Outputs.
    return {
        platform: settings.platform,
        url: edge.url,
        oauthCallbackUrl: hub.oauthCallbackUrl,
        labImages: settings.lab.images.map((i) => i.image),
        networkPolicies: [...lab.networkPolicyNames, ...hub.networkPolicyNames],
        ...platform.outputs,
        ...(platform.gke ? { homesDiskName: storage.diskName, hubDatabaseDiskName: storage.hubDatabaseDiskName } : {}),
        nfsServerIp: storage.nfsServerIp,
        homesClaimName: storage.homesClaimName,
        monitoringNotes: monitoringNote,
        storageNamespace: storage.namespace,
    };
};

/**
 * jupyterlabdemo: a JupyterLab science platform, from nothing, with one `pulumi up`.
 *
 * Reads top to bottom: validated config first, then the platform (a GKE cluster, or an existing
 * cluster on `local`), then the parts that run on it, then the stack outputs.
 */
import * as gcp from "./components/sdk/gcp";
import * as k8s from "./components/sdk/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { deleteWithCluster, dependOnWhen, GkeCluster, ProjectApis } from "./components/cluster";
import { loadSettings } from "./components/config";
import { Hub } from "./components/hub";
import { API_SERVER_PORTS, Edge, LOCAL_NODE_PORTS } from "./components/ingress";
import { Lab, LOCAL_NODE_CIDRS } from "./components/lab";
import { buildLabSettings } from "./components/hub/settingsContract";
import { Monitoring, monitoringNotes } from "./components/monitoring";
import { commonLabels, COMPONENTS, gcpLabels, podSecurityLabels, scheduleOn } from "./components/naming";
import { HubSecrets } from "./components/secrets";
import { HOMES_CLAIM_NAME, HomeStorage } from "./components/storage";

export = async (): Promise<Record<string, unknown>> => {
    // 1. Config: validated in one place; a mistake stops here, before any resource is declared.
    const { settings, secrets } = loadSettings();

    // 2. The platform and the Kubernetes provider every object below uses.
    let k8sProvider: k8s.Provider;
    let platform: GkeCluster | undefined;
    let dnsZone: gcp.dns.ManagedZone | undefined;
    // Transformations for every component below: on GKE, each GCP resource depends on its API
    // being enabled, and each Kubernetes object is deleted with the cluster (see components/cluster).
    const transformations: pulumi.ResourceTransformation[] = [];
    const cluster = settings.cluster;
    const ingress = settings.ingress;
    if (settings.platform === "gke") {
        const gcpSettings = settings.gcp!;
        const apis = new ProjectApis("apis", { project: gcpSettings.project });
        transformations.push(apis.dependOnApis);
        // The Cloud DNS zone, when this stack owns it: protected (its name servers are what the
        // parent domain delegates to; a new zone gets new ones), and the A record waits for it.
        if (ingress.createDnsZone) {
            const zoneName = ingress.dnsZone!;
            dnsZone = new gcp.dns.ManagedZone(
                "dns-zone",
                {
                    name: zoneName,
                    project: gcpSettings.project,
                    dnsName: `${ingress.dnsZoneDomain ?? settings.hostname}.`,
                    description: `Public zone of ${settings.hostname} (jupyterlabdemo ${settings.stack})`,
                    visibility: "public",
                    labels: gcpLabels(settings.stack),
                },
                { protect: true, transformations: [apis.dependOnApis] },
            );
            transformations.push(dependOnWhen((type, props) => type === "gcp:dns/recordSet:RecordSet" && props.managedZone === zoneName, dnsZone));
        }
        // The cluster's settings are its args, name for name.
        platform = new GkeCluster(
            "gke",
            { ...cluster, stack: settings.stack, gcp: gcpSettings, clusterName: cluster.name },
            { transformations: [apis.dependOnApis] },
        );
        k8sProvider = platform.provider;
        transformations.push(deleteWithCluster(platform.cluster));
    } else {
        k8sProvider = new k8s.Provider("local-k8s", { context: settings.kubeContext, enableServerSideApply: true });
    }
    const k8sOpts = { provider: k8sProvider, ...(transformations.length ? { transformations } : {}) };

    // Where pods run: GKE pools are labelled per role (the user pool also tainted); a local
    // cluster has no such nodes, so there the placement is empty.
    const corePlacement = settings.platform === "gke" ? scheduleOn("core") : {};
    const userPlacement = settings.platform === "gke" ? scheduleOn("user") : {};

    // The namespace of the hub, the proxy, the NFS server and the labs. Pod Security enforces
    // baseline, not restricted: a lab's home init container runs as root with CAP_CHOWN (it hands
    // a new home to the user's uid), which restricted forbids (runAsNonRoot, no added capability
    // but NET_BIND_SERVICE). The lab admission policy (components/lab.ts) holds labs to more.
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
    const quotas = { defaultGiB: st.userQuotaGiB, overridesGiB: st.userQuotaOverrides, excluded: st.quotaExclusions };
    const storage = new HomeStorage(
        "storage",
        {
            stack: settings.stack,
            namespace: st.namespace,
            hubNamespace: settings.hub.namespace,
            kubernetesDependsOn: [namespace],
            placement: corePlacement,
            quotas,
            imageDigests: st.imageDigests,
            nodeCidrs: platform ? [cluster.nodeCidr] : LOCAL_NODE_CIDRS,
            admitNodesByCiliumEntity: !!platform,
            backing:
                settings.platform === "gke"
                    ? {
                          kind: "gcePersistentDisk",
                          ...settings.gcp!,
                          diskName: st.diskName,
                          adoptExisting: st.adoptExistingDisk,
                          sizeGb: st.diskSizeGb,
                          diskType: st.diskType,
                          snapshotRetentionDays: st.snapshotRetentionDays,
                          snapshotStartTime: st.snapshotStartTime,
                          hubDatabase: { diskName: st.hubDatabaseDiskName, sizeGb: st.hubDatabaseDiskSizeGb, claimSize: settings.hub.databaseSize },
                      }
                    : { kind: "storageClass", size: st.localVolumeSize, storageClassName: st.localStorageClass },
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
        userPlacement,
        // Quotas need the GKE homes disk (XFS); a `local` volume has none.
        homeQuota: settings.platform === "gke" ? quotas : undefined,
    });
    const lab = new Lab(
        "lab",
        {
            stack: settings.stack,
            namespace: namespaceName,
            images: settings.lab.images,
            prePull: settings.lab.prePull,
            userPlacement,
            // The control plane's private endpoint is an address of the node range (Private Service Connect).
            clusterCidrs: platform ? [cluster.nodeCidr, cluster.podCidr, cluster.serviceCidr] : [],
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
            // GKE: the storage component's claim on a protected, snapshotted disk.
            databaseClaimName: storage.hubDatabaseClaimName,
            placement: corePlacement,
            labSettings,
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
            hubNamespace: namespaceName,
            placement: corePlacement,
            issuer: platform ? `letsencrypt-${ingress.acmeServer}` : "self-signed",
            acmeEmail: ingress.acmeEmail,
            maxBodySize: ingress.maxBodySize,
            replicas: ingress.replicas,
            serviceType: platform ? "LoadBalancer" : ingress.localServiceType,
            loadBalancerIP: platform?.ingressIp,
            // GKE: keep client addresses. Local: any node answers (client addresses do not matter there).
            externalTrafficPolicy: platform ? "Local" : "Cluster",
            nodePorts: !platform && ingress.localServiceType === "NodePort" ? LOCAL_NODE_PORTS : undefined,
            nodeCidrs: platform ? [cluster.nodeCidr] : LOCAL_NODE_CIDRS,
            apiServerPorts: platform ? API_SERVER_PORTS.gke : API_SERVER_PORTS.local,
            dns:
                platform && ingress.dnsZone
                    ? { project: ingress.dnsProject ?? settings.gcp!.project, managedZone: ingress.dnsZone }
                    : undefined,
        },
        k8sOpts,
    );

    // 7. Monitoring (GKE only): metrics collection, alerts, the uptime check, the dashboard.
    // The NFS server's exporters are scraped in the storage component's own namespace.
    const monitoringNote = monitoringNotes(settings);
    for (const note of monitoringNote) pulumi.log.warn(note);
    if (platform && settings.monitoring.enabled) {
        const mon = settings.monitoring;
        new Monitoring(
            "monitoring",
            {
                stack: settings.stack,
                project: settings.gcp!.project,
                hostname: settings.hostname,
                clusterName: cluster.name,
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
        networkPolicies: lab.networkPolicyNames,
        ...(platform
            ? {
                  clusterName: platform.clusterName,
                  location: platform.location,
                  ingressIp: platform.ingressIp,
                  // The A record the hostname needs: declared when ingress.dnsZone is set, else create it by hand.
                  dnsRecord: pulumi.interpolate`${settings.hostname}. 300 IN A ${platform.ingressIp}`,
                  dnsManagedZone: ingress.dnsZone ?? null,
                  // The name servers the parent domain must delegate to (NS records), when this stack created the zone.
                  dnsNameServers: dnsZone ? dnsZone.nameServers : null,
                  kubeconfig: platform.kubeconfig,
                  homesDiskName: storage.diskName,
                  hubDatabaseDiskName: storage.hubDatabaseDiskName,
              }
            : { kubeContext: settings.kubeContext }),
        nfsServerIp: storage.nfsServerIp,
        homesClaimName: storage.homesClaimName,
        monitoringNotes: monitoringNote,
        storageNamespace: storage.namespace,
    };
};

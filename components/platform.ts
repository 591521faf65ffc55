/**
 * The platform, computed once: what differs between a GKE stack and a `local` one (an existing
 * cluster, kind or similar). Every component receives its share of this value as arguments, so
 * the program's composition (index.ts) asks no platform question of its own.
 *
 * - `platformPlan(settings)`: the facts that follow from the settings alone (placements, address
 *   ranges, the edge's Service type and issuer, the homes' backing). Pure.
 * - `declarePlatform(settings)`: declares what the platform itself is (on GKE: the project's APIs,
 *   the Cloud DNS zone when the stack owns it, the cluster; on `local`: a provider for the existing
 *   context) and returns the plan with the Kubernetes provider, the transformations every
 *   component gets, and the platform's own stack outputs.
 */
import * as gcp from "./sdk/gcp";
import * as k8s from "./sdk/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { deleteWithCluster, dependOnWhen, GkeCluster, ProjectApis } from "./cluster";
import type { Settings } from "./config";
import { API_SERVER_PORTS, CertificateIssuer, LOCAL_NODE_PORTS } from "./ingress/names";
import { gcpLabels, Placement, scheduleOn } from "./naming";
import type { HomeStorageArgs, QuotaSettings } from "./storage";

/**
 * `local` stacks: the node range is not known, so the NFS server admits the address pools where
 * Docker-based clusters put their nodes (kind, k3d and minikube networks in 172.16.0.0/12; Docker
 * Desktop and minikube's docker driver in 192.168.0.0/16). Their pod ranges (10.244.0.0/16,
 * 10.42.0.0/16, 10.1.0.0/16) lie outside, so labs still cannot reach the NFS server.
 */
export const LOCAL_NODE_CIDRS: readonly string[] = ["172.16.0.0/12", "192.168.0.0/16"];

/** What the settings alone decide about the platform. */
export interface PlatformPlan {
    readonly kind: Settings["platform"];
    /** Where platform pods (hub, proxy, NFS server, controllers) and labs run: the GKE pools by role; nothing on `local`. */
    readonly corePlacement: Placement;
    readonly userPlacement: Placement;
    /** The nodes' address ranges: GKE's node range; on `local`, the Docker networks' pools. */
    readonly nodeCidrs: readonly string[];
    /** Ranges labs must not reach besides the private ones (GKE: node, pod and Service ranges); none on `local`. */
    readonly clusterCidrs: readonly string[];
    /** GKE (Dataplane V2, Cilium) also admits node traffic to the NFS server by Cilium entity. */
    readonly admitNodesByCiliumEntity: boolean;
    /** The homes' volume: a protected GCE disk with the hub database's beside it, or a StorageClass volume. */
    readonly homesBacking: HomeStorageArgs["backing"];
    /** The homes' quotas (they need the GKE disk's XFS); none on `local`. */
    readonly homeQuota?: QuotaSettings;
    /** The edge's choices: how its controller is exposed and who signs the hub's certificate. */
    readonly edge: {
        readonly issuer: CertificateIssuer;
        readonly serviceType: "LoadBalancer" | "NodePort";
        readonly externalTrafficPolicy: "Local" | "Cluster";
        readonly nodePorts?: { readonly http: number; readonly https: number };
        readonly apiServerPorts: readonly number[];
    };
}

/** The quotas the storage settings give (the enforcer's table). */
function homeQuotas(settings: Settings): QuotaSettings {
    const st = settings.storage;
    return { defaultGiB: st.userQuotaGiB, overridesGiB: st.userQuotaOverrides, excluded: st.quotaExclusions };
}

/** The platform's facts from the settings. Pure and deterministic. */
export function platformPlan(settings: Settings): PlatformPlan {
    const { cluster, ingress } = settings;
    const st = settings.storage;
    if (settings.platform === "gke") {
        const homeQuota = homeQuotas(settings);
        return {
            kind: "gke",
            corePlacement: scheduleOn("core"),
            userPlacement: scheduleOn("user"),
            nodeCidrs: [cluster.nodeCidr],
            // The control plane's private endpoint is an address of the node range (Private Service Connect).
            clusterCidrs: [cluster.nodeCidr, cluster.podCidr, cluster.serviceCidr],
            admitNodesByCiliumEntity: true,
            homesBacking: {
                kind: "gcePersistentDisk",
                ...settings.gcp!,
                diskName: st.diskName,
                adoptExisting: st.adoptExistingDisk,
                sizeGb: st.diskSizeGb,
                diskType: st.diskType,
                snapshotRetentionDays: st.snapshotRetentionDays,
                snapshotStartTime: st.snapshotStartTime,
                hubDatabase: { diskName: st.hubDatabaseDiskName, sizeGb: st.hubDatabaseDiskSizeGb, claimSize: settings.hub.databaseSize },
                quotas: homeQuota,
            },
            homeQuota,
            edge: {
                issuer: `letsencrypt-${ingress.acmeServer}`,
                serviceType: "LoadBalancer",
                // Keep client addresses.
                externalTrafficPolicy: "Local",
                apiServerPorts: API_SERVER_PORTS.gke,
            },
        };
    }
    return {
        kind: "local",
        corePlacement: {},
        userPlacement: {},
        nodeCidrs: LOCAL_NODE_CIDRS,
        clusterCidrs: [],
        admitNodesByCiliumEntity: false,
        homesBacking: { kind: "storageClass", size: st.localVolumeSize, storageClassName: st.localStorageClass },
        edge: {
            issuer: "self-signed",
            serviceType: ingress.localServiceType,
            // Any node answers (client addresses do not matter there).
            externalTrafficPolicy: "Cluster",
            nodePorts: ingress.localServiceType === "NodePort" ? LOCAL_NODE_PORTS : undefined,
            apiServerPorts: API_SERVER_PORTS.local,
        },
    };
}

/** The platform as declared: its plan, the provider and transformations for everything on it, its outputs. */
export interface Platform extends PlatformPlan {
    readonly provider: k8s.Provider;
    /**
     * For every component: on GKE, each GCP resource depends on its API being enabled, and each
     * Kubernetes object is deleted with the cluster (see components/cluster).
     */
    readonly transformations: pulumi.ResourceTransformation[];
    /** The GKE cluster; absent on `local`. */
    readonly gke?: GkeCluster;
    /** The static IP of the edge's load balancer (GKE), and the Cloud DNS zone its A record goes in, when configured. */
    readonly loadBalancerIP?: pulumi.Output<string>;
    readonly dns?: { readonly project: string; readonly managedZone: string };
    /** The platform's stack outputs (cluster, address, DNS, kubeconfig; or the local context). */
    readonly outputs: Record<string, unknown>;
}

/** Declares the platform (see the module comment). */
export function declarePlatform(settings: Settings): Platform {
    const plan = platformPlan(settings);
    const { cluster, ingress } = settings;
    if (settings.platform !== "gke") {
        const provider = new k8s.Provider("local-k8s", { context: settings.kubeContext, enableServerSideApply: true });
        return { ...plan, provider, transformations: [], outputs: { kubeContext: settings.kubeContext } };
    }
    const transformations: pulumi.ResourceTransformation[] = [];
    const gcpSettings = settings.gcp!;
    const apis = new ProjectApis("apis", { project: gcpSettings.project });
    transformations.push(apis.dependOnApis);
    // The Cloud DNS zone, when this stack owns it: protected (its name servers are what the
    // parent domain delegates to; a new zone gets new ones), and the A record waits for it.
    let dnsZone: gcp.dns.ManagedZone | undefined;
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
    const gke = new GkeCluster(
        "gke",
        { ...cluster, stack: settings.stack, gcp: gcpSettings, clusterName: cluster.name },
        { transformations: [apis.dependOnApis] },
    );
    transformations.push(deleteWithCluster(gke.cluster));
    return {
        ...plan,
        provider: gke.provider,
        transformations,
        gke,
        loadBalancerIP: gke.ingressIp,
        dns: ingress.dnsZone ? { project: ingress.dnsProject ?? gcpSettings.project, managedZone: ingress.dnsZone } : undefined,
        outputs: {
            clusterName: gke.clusterName,
            location: gke.location,
            ingressIp: gke.ingressIp,
            // The A record the hostname needs: declared when ingress.dnsZone is set, else create it by hand.
            dnsRecord: pulumi.interpolate`${settings.hostname}. 300 IN A ${gke.ingressIp}`,
            dnsManagedZone: ingress.dnsZone ?? null,
            // The name servers the parent domain must delegate to (NS records), when this stack created the zone.
            dnsNameServers: dnsZone ? dnsZone.nameServers : null,
            kubeconfig: gke.kubeconfig,
        },
    };
}

/**
 * Metrics collection with Google Cloud Managed Service for Prometheus (managed collection): the
 * `PodMonitoring` objects the GKE-run collector reads, and the NetworkPolicies that let the
 * collector, and nothing else, reach the metrics ports. Pure spec builders; the component in
 * index.ts declares them.
 *
 * Who is scraped, on which port, and who else may reach that port:
 *
 * | job          | pods                              | port                | also admitted on that port        |
 * |--------------|-----------------------------------|---------------------|-----------------------------------|
 * | hub          | hub (hub namespace)               | 8081 /hub/metrics   | proxy and labs (the hub's API)    |
 * | nginx-ingress| the ingress controller            | 9113 /metrics       | nobody                            |
 * | cert-manager | cert-manager's controller         | 9402 /metrics       | nobody                            |
 * | nfs-server   | the NFS server (homes namespace)  | fs-metrics, quota-metrics | (its own policy, the homes component's) |
 *
 * The hub serves its metrics on its API port, which the proxy and the labs must reach, and
 * through the proxy on the public URL: a NetworkPolicy cannot close them. So the hub keeps
 * `JupyterHub.authenticate_prometheus` on (its default) and the collector presents a token whose
 * only scope is `read:metrics` (a hub service; see jupyterhub_config.py). The token sits in a
 * Secret the collector's ServiceAccount may read, by name, and nothing else.
 */
import type * as k8s from "@pulumi/kubernetes";
import { CERT_MANAGER_NAMESPACE, CERT_MANAGER_RELEASE, INGRESS_CONTROLLER_POD_LABELS } from "../ingress";
import { collectorPeer, COMPONENTS, HUB_METRICS_TOKEN, HUB_SERVICES, INGRESS_NAMESPACE, selectorLabels } from "../naming";

/** The API version and kind of Managed Service for Prometheus' scrape configuration. */
export const POD_MONITORING = { apiVersion: "monitoring.googleapis.com/v1", kind: "PodMonitoring" } as const;

/** How often every target is scraped. 60 s: dashboards and 5-minute alerts need no more, and samples are billed. */
export const SCRAPE_INTERVAL = "60s";


/** Metrics ports of the charts (their defaults, set explicitly in the values in ingress.ts). */
export const NGINX_METRICS_PORT = 9113;
export const CERT_MANAGER_METRICS_PORT = 9402;
/** cert-manager's controller pods: the chart's selector labels for the controller component. */
export const CERT_MANAGER_CONTROLLER_POD_LABELS: Readonly<Record<string, string>> = {
    "app.kubernetes.io/name": "cert-manager",
    "app.kubernetes.io/instance": CERT_MANAGER_RELEASE,
    "app.kubernetes.io/component": "controller",
};

/**
 * The NFS server's exporters, by container port name (declared by the homes component): a
 * node-exporter style filesystem exporter (`node_filesystem_size_bytes`, `..._avail_bytes`) and
 * a per-directory quota exporter (`dirsize_total_size_bytes`, `dirsize_hard_limit_bytes`, label
 * `directory`, as 2i2c's jupyterhub-home-nfs exports them).
 */
export const NFS_EXPORTER_PORTS = { quota: "quota-metrics", fs: "fs-metrics" } as const;

/** The PodMonitoring names: also the `job` label of every series they collect. */
export const JOBS = {
    hub: "hub",
    nginx: "nginx-ingress",
    certManager: "cert-manager",
    nfsServer: "nfs-server",
} as const;

export interface PodMonitoringSpec {
    readonly name: string;
    readonly namespace: string;
    readonly spec: Record<string, unknown>;
}

/** `/hub/metrics` on the hub's port, with the metrics token. */
export function hubPodMonitoring(stack: string, hubNamespace: string): PodMonitoringSpec {
    return {
        name: JOBS.hub,
        namespace: hubNamespace,
        spec: {
            selector: { matchLabels: selectorLabels(stack, COMPONENTS.hub) },
            endpoints: [
                {
                    port: HUB_SERVICES.hub.containerPort,
                    path: "/hub/metrics",
                    interval: SCRAPE_INTERVAL,
                    authorization: {
                        type: "Bearer",
                        credentials: { secret: { name: HUB_METRICS_TOKEN.secretName, key: HUB_METRICS_TOKEN.key } },
                    },
                },
            ],
        },
    };
}

/** A chart's exporter: `/metrics` on a numbered port of pods selected by the chart's labels. */
function chartPodMonitoring(name: string, namespace: string, podLabels: Readonly<Record<string, string>>, port: number): PodMonitoringSpec {
    return {
        name,
        namespace,
        spec: {
            selector: { matchLabels: { ...podLabels } },
            endpoints: [{ port, path: "/metrics", interval: SCRAPE_INTERVAL }],
        },
    };
}

/** The NGINX controller's exporter (NGINX stub status and controller metrics). */
export function nginxPodMonitoring(): PodMonitoringSpec {
    return chartPodMonitoring(JOBS.nginx, INGRESS_NAMESPACE, INGRESS_CONTROLLER_POD_LABELS, NGINX_METRICS_PORT);
}

/** cert-manager's controller (certificate expiry and readiness). */
export function certManagerPodMonitoring(): PodMonitoringSpec {
    return chartPodMonitoring(JOBS.certManager, CERT_MANAGER_NAMESPACE, CERT_MANAGER_CONTROLLER_POD_LABELS, CERT_MANAGER_METRICS_PORT);
}

/** The NFS server's two exporters, in whichever namespace the homes component runs it. */
export function nfsServerPodMonitoring(stack: string, homesNamespace: string): PodMonitoringSpec {
    return {
        name: JOBS.nfsServer,
        namespace: homesNamespace,
        spec: {
            selector: { matchLabels: selectorLabels(stack, COMPONENTS.nfsServer) },
            endpoints: [NFS_EXPORTER_PORTS.fs, NFS_EXPORTER_PORTS.quota].map((port) => ({
                port,
                path: "/metrics",
                interval: SCRAPE_INTERVAL,
            })),
        },
    };
}

export interface NetworkPolicySpec {
    readonly name: string;
    readonly namespace: string;
    readonly spec: k8s.types.input.networking.v1.NetworkPolicySpec;
}

const tcp = (port: number) => ({ port, protocol: "TCP" });

/**
 * The hub: the collector on the hub's port. Policies add up, so the hub's own policy (proxy and
 * labs on the same port) still holds; this one adds the collector and nobody else.
 */
export function hubMetricsPolicy(stack: string, hubNamespace: string): NetworkPolicySpec {
    return {
        name: "hub-metrics-collector",
        namespace: hubNamespace,
        spec: {
            podSelector: { matchLabels: selectorLabels(stack, COMPONENTS.hub) },
            policyTypes: ["Ingress"],
            ingress: [{ from: [collectorPeer()], ports: [tcp(HUB_SERVICES.hub.containerPort)] }],
        },
    };
}

/**
 * The ingress controller's metrics port, from the collector only. The edge owns the controller's
 * other policies (default deny, then HTTP and HTTPS from anywhere); policies add up, so this one
 * opens the metrics port to the collector and to nobody else.
 */
export function nginxPolicy(): NetworkPolicySpec {
    return {
        name: "nginx-ingress-metrics-collector",
        namespace: INGRESS_NAMESPACE,
        spec: {
            podSelector: { matchLabels: { ...INGRESS_CONTROLLER_POD_LABELS } },
            policyTypes: ["Ingress"],
            ingress: [{ from: [collectorPeer()], ports: [tcp(NGINX_METRICS_PORT)] }],
        },
    };
}

/**
 * cert-manager's controller's metrics port, from the collector only (the edge's default deny
 * closes everything else in the namespace).
 */
export function certManagerPolicy(): NetworkPolicySpec {
    return {
        name: "cert-manager-metrics-collector",
        namespace: CERT_MANAGER_NAMESPACE,
        spec: {
            podSelector: { matchLabels: { ...CERT_MANAGER_CONTROLLER_POD_LABELS } },
            policyTypes: ["Ingress"],
            ingress: [{ from: [collectorPeer()], ports: [tcp(CERT_MANAGER_METRICS_PORT)] }],
        },
    };
}

/**
 * Read access to the metrics token, for the collector only: Managed Service for Prometheus reads a
 * PodMonitoring's secret with the collector's ServiceAccount, which needs `get`/`list`/`watch` on
 * it (prometheus-engine e2e/authorization_test.go grants exactly that, by resource name).
 */
export function tokenReaderRules(): { apiGroups: string[]; resources: string[]; resourceNames: string[]; verbs: string[] }[] {
    return [{ apiGroups: [""], resources: ["secrets"], resourceNames: [HUB_METRICS_TOKEN.secretName], verbs: ["get", "list", "watch"] }];
}

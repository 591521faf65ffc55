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
import type * as k8s from "../sdk/kubernetes";
import { CERT_MANAGER_COMPONENTS, CERT_MANAGER_NAMESPACE, CERT_MANAGER_PORTS, CERT_MANAGER_RELEASE, INGRESS_CONTROLLER_POD_LABELS, INGRESS_CONTROLLER_PORTS } from "../ingress";
import { collectorPeer, COMPONENTS, HUB_METRICS_TOKEN, HUB_SERVICES, INGRESS_NAMESPACE, selectorLabels } from "../naming";
import { METRICS_PORTS as NFS_EXPORTER_PORTS } from "../storage/server";

/** The API version and kind of Managed Service for Prometheus' scrape configuration. */
export const POD_MONITORING = { apiVersion: "monitoring.googleapis.com/v1", kind: "PodMonitoring" } as const;

/** How often every target is scraped. 60 s: dashboards and 5-minute alerts need no more, and samples are billed. */
export const SCRAPE_INTERVAL = "60s";


/** cert-manager's controller pods: the chart's selector labels for the controller component. */
export const CERT_MANAGER_CONTROLLER_POD_LABELS: Readonly<Record<string, string>> = {
    "app.kubernetes.io/name": "cert-manager",
    "app.kubernetes.io/instance": CERT_MANAGER_RELEASE,
    "app.kubernetes.io/component": CERT_MANAGER_COMPONENTS.controller,
};

/*
 * The NFS server's exporters are scraped by container port name (NFS_EXPORTER_PORTS, declared by
 * the homes component): a node-exporter style filesystem exporter (`node_filesystem_size_bytes`,
 * `..._avail_bytes`) and a per-directory quota exporter (`dirsize_total_size_bytes`,
 * `dirsize_hard_limit_bytes`, label `directory`, as 2i2c's jupyterhub-home-nfs exports them).
 */

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
    return chartPodMonitoring(JOBS.nginx, INGRESS_NAMESPACE, INGRESS_CONTROLLER_POD_LABELS, INGRESS_CONTROLLER_PORTS.metrics);
}

/** cert-manager's controller (certificate expiry and readiness). */
export function certManagerPodMonitoring(): PodMonitoringSpec {
    return chartPodMonitoring(JOBS.certManager, CERT_MANAGER_NAMESPACE, CERT_MANAGER_CONTROLLER_POD_LABELS, CERT_MANAGER_PORTS.controllerMetrics);
}

/** The NFS server's two exporters, in whichever namespace the homes component runs it. */
export function nfsServerPodMonitoring(stack: string, homesNamespace: string): PodMonitoringSpec {
    return {
        name: JOBS.nfsServer,
        namespace: homesNamespace,
        spec: {
            selector: { matchLabels: selectorLabels(stack, COMPONENTS.nfsServer) },
            endpoints: [NFS_EXPORTER_PORTS.fs.name, NFS_EXPORTER_PORTS.quota.name].map((port) => ({
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

/**
 * A policy admitting the managed collector, and nobody else, to one port of the pods it selects.
 * Policies add up, so the selected pods' own policies (the hub's, the edge's default deny and
 * what each controller needs) still hold beside it.
 */
function collectorOnly(name: string, namespace: string, podLabels: Readonly<Record<string, string>>, port: number): NetworkPolicySpec {
    return {
        name,
        namespace,
        spec: {
            podSelector: { matchLabels: { ...podLabels } },
            policyTypes: ["Ingress"],
            ingress: [{ from: [collectorPeer()], ports: [{ port, protocol: "TCP" }] }],
        },
    };
}

/** The hub's port (the proxy and the labs reach it through the hub's own policy). */
export function hubMetricsPolicy(stack: string, hubNamespace: string): NetworkPolicySpec {
    return collectorOnly("hub-metrics-collector", hubNamespace, selectorLabels(stack, COMPONENTS.hub), HUB_SERVICES.hub.containerPort);
}

/** The ingress controller's metrics port (the edge owns its HTTP and HTTPS policies). */
export function nginxPolicy(): NetworkPolicySpec {
    return collectorOnly("nginx-ingress-metrics-collector", INGRESS_NAMESPACE, INGRESS_CONTROLLER_POD_LABELS, INGRESS_CONTROLLER_PORTS.metrics);
}

/** cert-manager's controller's metrics port (the edge's default deny closes everything else). */
export function certManagerPolicy(): NetworkPolicySpec {
    return collectorOnly("cert-manager-metrics-collector", CERT_MANAGER_NAMESPACE, CERT_MANAGER_CONTROLLER_POD_LABELS, CERT_MANAGER_PORTS.controllerMetrics);
}

/**
 * Read access to the metrics token, for the collector only: Managed Service for Prometheus reads a
 * PodMonitoring's secret with the collector's ServiceAccount, which needs `get`/`list`/`watch` on
 * it (prometheus-engine e2e/authorization_test.go grants exactly that, by resource name).
 */
export function tokenReaderRules(): { apiGroups: string[]; resources: string[]; resourceNames: string[]; verbs: string[] }[] {
    return [{ apiGroups: [""], resources: ["secrets"], resourceNames: [HUB_METRICS_TOKEN.secretName], verbs: ["get", "list", "watch"] }];
}

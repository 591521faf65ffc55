/**
 * The Cloud Monitoring dashboard, built from typed objects and serialised with sorted keys, so
 * the same config gives the same `dashboardJson` byte for byte. Charts use PromQL over the
 * Managed Service for Prometheus series (scrape.ts jobs), except nodes per pool and the ingress
 * 5xx rate, which come from GKE system metrics and the log-based metric.
 *
 * Pending lab pods read kube-state-metrics' `kube_pod_status_phase`, which GKE exports only with
 * the cluster's "Pod" kube-state-metrics package (monitoringConfig.enableComponents "POD").
 */
import { canonicalJson } from "../hub/index";
import { INGRESS_NAMESPACE } from "../naming";
import { homesUsedPercentQuery } from "./alerts";
import { JOBS } from "./scrape";

/** The subset of the Dashboard API (monitoring v1 `Dashboard`) the program writes. */
export interface DashboardJson {
    readonly displayName: string;
    readonly mosaicLayout: { readonly columns: number; readonly tiles: readonly Tile[] };
}

export interface Tile {
    readonly xPos: number;
    readonly yPos: number;
    readonly width: number;
    readonly height: number;
    readonly widget: Widget;
}

export type Widget =
    | { readonly title: string; readonly xyChart: XyChart }
    | { readonly title: string; readonly scorecard: { readonly timeSeriesQuery: TimeSeriesQuery } };

export interface XyChart {
    readonly dataSets: readonly DataSet[];
    readonly yAxis: { readonly label: string; readonly scale: "LINEAR" };
}

export interface DataSet {
    readonly plotType: "LINE" | "STACKED_AREA";
    readonly legendTemplate?: string;
    readonly timeSeriesQuery: TimeSeriesQuery;
}

export type TimeSeriesQuery =
    | { readonly prometheusQuery: string }
    | {
          readonly timeSeriesFilter: {
              readonly filter: string;
              readonly aggregation: {
                  readonly alignmentPeriod: string;
                  readonly perSeriesAligner: string;
                  readonly crossSeriesReducer?: string;
                  readonly groupByFields?: readonly string[];
              };
          };
      };

export interface DashboardContext {
    readonly stack: string;
    readonly clusterName: string;
    readonly hubNamespace: string;
    readonly homesNamespace: string;
    /** The log-based metric counting the ingress's 5xx answers. */
    readonly ingress5xxMetric: string;
}

/** The percentiles of the spawn-duration chart. */
const SPAWN_PERCENTILES = [0.5, 0.9, 0.99] as const;
/** How many homes the largest-homes chart shows. */
const LARGEST_HOMES = 10;

const COLUMNS = 48;
const WIDTH = 24;
const HEIGHT = 16;

const promql = (query: string, legendTemplate?: string): DataSet => ({
    plotType: "LINE",
    ...(legendTemplate ? { legendTemplate } : {}),
    timeSeriesQuery: { prometheusQuery: query },
});

const chart = (title: string, yLabel: string, dataSets: DataSet[]): Widget => ({
    title,
    xyChart: { dataSets, yAxis: { label: yLabel, scale: "LINEAR" } },
});

/** The widgets, in reading order; laid out two per row. */
function dashboardWidgets(c: DashboardContext): Widget[] {
    const hub = `namespace="${c.hubNamespace}",job="${JOBS.hub}"`;
    const nfs = `namespace="${c.homesNamespace}",job="${JOBS.nfsServer}"`;
    const nginx = `namespace="${INGRESS_NAMESPACE}",job="${JOBS.nginx}"`;
    return [
        chart("Active users and running servers", "count", [
            promql(`max by (period) (jupyterhub_active_users{${hub}})`, "active users ${labels.period}"),
            promql(`max(jupyterhub_running_servers{${hub}})`, "running servers"),
        ]),
        chart("Lab spawn duration (successful spawns)", "seconds", SPAWN_PERCENTILES.map((q) =>
            promql(
                `histogram_quantile(${q}, sum by (le) (rate(jupyterhub_server_spawn_duration_seconds_bucket{${hub},status="success"}[30m])))`,
                `p${Math.round(q * 100)}`,
            ),
        )),
        chart("Pending lab pods", "pods", [
            promql(`sum(kube_pod_status_phase{namespace="${c.hubNamespace}",pod=~"jupyter-.*",phase="Pending"})`, "pending"),
        ]),
        chart("Nodes per pool", "nodes", [
            {
                plotType: "STACKED_AREA",
                timeSeriesQuery: {
                    timeSeriesFilter: {
                        filter: `metric.type="kubernetes.io/node/cpu/allocatable_cores" resource.type="k8s_node" resource.label.cluster_name="${c.clusterName}"`,
                        aggregation: {
                            alignmentPeriod: "60s",
                            perSeriesAligner: "ALIGN_MEAN",
                            crossSeriesReducer: "REDUCE_COUNT",
                            groupByFields: ['metadata.user_labels."cloud.google.com/gke-nodepool"'],
                        },
                    },
                },
            },
        ]),
        chart("Homes disk used", "percent", [promql(homesUsedPercentQuery(c), "used %")]),
        chart(`Largest homes (top ${LARGEST_HOMES})`, "bytes", [
            promql(`topk(${LARGEST_HOMES}, max by (directory) (dirsize_total_size_bytes{${nfs}}))`, "${labels.directory}"),
        ]),
        chart("Ingress requests and 5xx answers", "per second", [
            promql(`sum(rate(nginx_ingress_nginx_http_requests_total{${nginx}}[5m]))`, "requests/s"),
            {
                plotType: "LINE",
                legendTemplate: "5xx/s",
                timeSeriesQuery: {
                    timeSeriesFilter: {
                        filter: `metric.type="logging.googleapis.com/user/${c.ingress5xxMetric}" resource.type="k8s_container"`,
                        aggregation: { alignmentPeriod: "300s", perSeriesAligner: "ALIGN_RATE", crossSeriesReducer: "REDUCE_SUM" },
                    },
                },
            },
        ]),
        {
            title: "Certificate days left (soonest)",
            scorecard: {
                timeSeriesQuery: {
                    prometheusQuery: `min(certmanager_certificate_expiration_timestamp_seconds{job="${JOBS.certManager}"} - time()) / 86400`,
                },
            },
        },
    ];
}

/** The whole dashboard. */
function dashboard(c: DashboardContext): DashboardJson {
    const tiles = dashboardWidgets(c).map(
        (widget, i): Tile => ({ xPos: (i % 2) * WIDTH, yPos: Math.floor(i / 2) * HEIGHT, width: WIDTH, height: HEIGHT, widget }),
    );
    return {
        displayName: `jupyterlabdemo ${c.stack}`,
        mosaicLayout: { columns: COLUMNS, tiles },
    };
}

/** `dashboardJson`: canonical JSON (sorted keys), the same bytes for the same context. */
export function dashboardJson(c: DashboardContext): string {
    return canonicalJson(dashboard(c));
}

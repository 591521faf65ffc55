/**
 * The alert policies, the uptime check and the log-based metric, as plain data: each function
 * returns the arguments of one gcp.monitoring resource, so tests read every query, filter and
 * threshold without the engine. docs/operations.md explains each alert and what to do.
 *
 * Metric names are upstream's: JupyterHub 5.5 `jupyterhub/metrics.py`
 * (`jupyterhub_server_spawn_duration_seconds{status}`, `jupyterhub_running_servers`,
 * `jupyterhub_active_users{period}`), cert-manager's
 * `certmanager_certificate_expiration_timestamp_seconds`, Managed Service for Prometheus' `up`
 * (one per scrape target, 0 when the scrape fails), and the NFS server's exporters (scrape.ts).
 * Every PromQL selector names the namespace and the job, so a second platform in the same
 * project is not mixed in.
 */
import { JOBS } from "./scrape";
import { DATA_DIR } from "../storage/quota";

/** Homes disk thresholds, percent full. */
const HOMES_WARNING_PERCENT = 80;
const HOMES_CRITICAL_PERCENT = 95;
/** Certificate renewal margin: cert-manager renews at two thirds of a Let's Encrypt 90-day life (30 days left). */
const CERTIFICATE_MIN_DAYS = 14;
/** Failed spawns are counted over this window. */
const SPAWN_FAILURE_WINDOW = "15m";
/** Uptime check: every minute, from three continents; an alert after five minutes of failures from two or more. */
export const UPTIME_PERIOD = "60s";
export const UPTIME_TIMEOUT = "10s";
export const UPTIME_REGIONS = ["USA", "EUROPE", "ASIA_PACIFIC"] as const;
export const UPTIME_FAILING_REGIONS = 2;
export const UPTIME_ALERT_AFTER = "300s";
/**
 * The mount point of the homes filesystem in the NFS server pod's fs exporter (its `mountpoint`
 * label): where the storage component mounts the disk.
 */
const HOMES_MOUNTPOINT = DATA_DIR;

/** The autoscaler's visibility log (GKE "View cluster autoscaler events"), per project. */
function autoscalerLogName(project: string): string {
    return `projects/${project}/logs/container.googleapis.com%2Fcluster-autoscaler-visibility`;
}

export interface AlertContext {
    readonly stack: string;
    readonly project: string;
    readonly clusterName: string;
    readonly hostname: string;
    readonly hubNamespace: string;
    readonly homesNamespace: string;
    readonly spawnFailureThreshold: number;
}

/** What a condition is: its display name plus exactly one of the gcp condition kinds. */
export interface AlertSpec {
    /** Logical-name role and `jupyterlabdemo-<stack>-<id>` user label. */
    readonly id: string;
    readonly displayName: string;
    readonly severity: "CRITICAL" | "ERROR" | "WARNING";
    /** What the on-call person reads first: the documentation of the policy (markdown). */
    readonly documentation: string;
    readonly condition:
        | { readonly kind: "promql"; readonly query: string; readonly duration: string }
        | { readonly kind: "log"; readonly filter: string };
}

const sel = (labels: Record<string, string>): string =>
    `{${Object.entries(labels)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(",")}}`;

const runbook = (c: AlertContext, section: string, text: string): string =>
    `${text}\n\nPlatform: https://${c.hostname}/ (stack ${c.stack}, cluster ${c.clusterName}). ` +
    `Runbook: docs/operations.md, section "${section}".`;

/** PromQL: percent of the homes filesystem in use. */
export function homesUsedPercentQuery(c: Pick<AlertContext, "homesNamespace">): string {
    const s = sel({ namespace: c.homesNamespace, job: JOBS.nfsServer, mountpoint: HOMES_MOUNTPOINT });
    return `max(100 * (1 - node_filesystem_avail_bytes${s} / node_filesystem_size_bytes${s}))`;
}

/** The alert policies of a GKE stack, in a fixed order. */
export function alertSpecs(c: AlertContext): AlertSpec[] {
    const hub = sel({ namespace: c.hubNamespace, job: JOBS.hub });
    const spawnFailures = sel({ namespace: c.hubNamespace, job: JOBS.hub, status: "failure" });
    const certs = sel({ job: JOBS.certManager });
    const autoscaler = [
        `resource.type="k8s_cluster"`,
        `resource.labels.cluster_name="${c.clusterName}"`,
        `logName="${autoscalerLogName(c.project)}"`,
    ];
    return [
        {
            id: "homes-disk-80",
            displayName: `${c.stack}: homes disk above ${HOMES_WARNING_PERCENT}% full`,
            severity: "WARNING",
            documentation: runbook(c, "Homes disk filling up",
                `The disk holding every user's home is more than ${HOMES_WARNING_PERCENT}% full. ` +
                "Grow it soon: raise `storage.diskSizeGb` and run `pulumi up` (disks grow in place, never shrink). " +
                "The dashboard's largest-homes chart shows who uses the most."),
            condition: { kind: "promql", query: `${homesUsedPercentQuery(c)} > ${HOMES_WARNING_PERCENT}`, duration: "600s" },
        },
        {
            id: "homes-disk-95",
            displayName: `${c.stack}: homes disk above ${HOMES_CRITICAL_PERCENT}% full`,
            severity: "CRITICAL",
            documentation: runbook(c, "Homes disk filling up",
                `The homes disk is more than ${HOMES_CRITICAL_PERCENT}% full: users' saves will fail soon. ` +
                "Grow it now (`storage.diskSizeGb`, `pulumi up`), then ask the largest users to clean up."),
            condition: { kind: "promql", query: `${homesUsedPercentQuery(c)} > ${HOMES_CRITICAL_PERCENT}`, duration: "300s" },
        },
        {
            id: "certificate-expiry",
            displayName: `${c.stack}: TLS certificate expires in under ${CERTIFICATE_MIN_DAYS} days`,
            severity: "ERROR",
            documentation: runbook(c, "Certificate expiring",
                `A certificate managed by cert-manager expires in under ${CERTIFICATE_MIN_DAYS} days: renewal (due at 30 days) is failing. ` +
                "Check `kubectl describe certificate -A` and the cert-manager logs; usual causes are DNS not pointing at the ingress IP, " +
                "the HTTP-01 challenge path blocked, or Let's Encrypt rate limits."),
            condition: {
                kind: "promql",
                query: `min(certmanager_certificate_expiration_timestamp_seconds${certs} - time()) < ${CERTIFICATE_MIN_DAYS * 86400}`,
                duration: "600s",
            },
        },
        {
            id: "hub-not-ready",
            displayName: `${c.stack}: hub not ready`,
            severity: "CRITICAL",
            documentation: runbook(c, "Hub not ready",
                "The hub has not answered its metrics scrape (the same server as its readiness probe) for 5 minutes, or no hub pod exists. " +
                "Nobody can log in or start a lab. Check `kubectl -n " + c.hubNamespace + " get pods` and the hub's logs."),
            condition: {
                kind: "promql",
                query: `max(up${hub}) < 1 or absent(up${hub})`,
                duration: "300s",
            },
        },
        {
            id: "spawn-failures",
            displayName: `${c.stack}: failed lab spawns`,
            severity: "ERROR",
            documentation: runbook(c, "Failed spawns",
                `More than ${c.spawnFailureThreshold} lab spawns failed in ${SPAWN_FAILURE_WINDOW}. ` +
                "Look at pending lab pods (`kubectl get pods -l app.kubernetes.io/component=lab`), their events (image pull, no node), " +
                "and the autoscaler alerts."),
            condition: {
                kind: "promql",
                query: `sum(increase(jupyterhub_server_spawn_duration_seconds_count${spawnFailures}[${SPAWN_FAILURE_WINDOW}])) > ${c.spawnFailureThreshold}`,
                duration: "0s",
            },
        },
        {
            id: "autoscaler-scale-up-error",
            displayName: `${c.stack}: cluster autoscaler failed to add nodes`,
            severity: "ERROR",
            documentation: runbook(c, "Autoscaler cannot scale up",
                "The cluster autoscaler tried to add a node and GCE refused (scale.up.error.*: quota, out of resources in the zone, " +
                "IP space, permissions). Users waiting for a lab stay pending. The log entry names the error; fix the quota or zone."),
            condition: { kind: "log", filter: [...autoscaler, `jsonPayload.resultInfo.results.errorMsg.messageId=~"^scale\\.up\\.error\\."`].join("\n") },
        },
        {
            id: "pool-at-maximum",
            displayName: `${c.stack}: a node pool is at its maximum size`,
            severity: "WARNING",
            documentation: runbook(c, "Pool at its maximum",
                "Pods are waiting and the autoscaler skipped a node pool because it is at its maximum size. " +
                "Raise `cluster.userPool.maxNodes` (mind the budget) or ask users to stop idle labs."),
            condition: {
                kind: "log",
                filter: [...autoscaler, `jsonPayload.noDecisionStatus.noScaleUp.skippedMigs.reason.parameters:"max node group size reached"`].join("\n"),
            },
        },
    ];
}

/** Uptime check documentation (its alert is built from the check's id in index.ts). */
export function uptimeDocumentation(c: Pick<AlertContext, "hostname" | "stack" | "clusterName">): string {
    return runbook(c as AlertContext, "Hub down (uptime check)",
        `https://${c.hostname}/hub/health has failed from ${UPTIME_FAILING_REGIONS} or more regions for 5 minutes. ` +
            "Open the URL; then check the ingress controller and hub pods, the DNS record and the certificate.");
}

/** The uptime check's alert condition: check_passed false in N regions for 5 minutes. */
export function uptimeConditionFilter(checkId: string): string {
    return [
        `metric.type="monitoring.googleapis.com/uptime_check/check_passed"`,
        `resource.type="uptime_url"`,
        `metric.label.check_id="${checkId}"`,
    ].join(" AND ");
}

/** The log-based metric counting 5xx answers of the ingress controller (NGINX OSS exports no per-status counter). */
export function ingress5xxFilter(c: Pick<AlertContext, "clusterName">, ingressNamespace: string): string {
    return [
        `resource.type="k8s_container"`,
        `resource.labels.cluster_name="${c.clusterName}"`,
        `resource.labels.namespace_name="${ingressNamespace}"`,
        // NGINX's default access log: `... "GET /path HTTP/1.1" 502 ...`: the status follows the quoted request.
        `textPayload=~"\\" 5[0-9][0-9] "`,
    ].join("\n");
}

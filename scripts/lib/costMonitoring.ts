/**
 * The cost model's Cloud Monitoring lines: Managed Service for Prometheus samples, uptime-check
 * executions, alert conditions and log-based metric points, each less its free allotment.
 */
import type { Render } from "./render";
import { CostLine, line, obj, PriceTable, priceOf, resourcesOf } from "./costPrices";

/**
 * Time series each scrape job is assumed to produce, by PodMonitoring name (the render cannot
 * know). Orders of magnitude from the exporters: JupyterHub's own metrics plus the Python
 * process and GC collectors and its request-duration histogram (~400); the NGINX OSS stub-status
 * exporter (~40); cert-manager's controller (~150); the NFS server's node-exporter-style
 * filesystem exporter plus two series per home from the quota exporter (~500 with 100 users).
 */
const ASSUMED_SERIES_PER_JOB: Readonly<Record<string, number>> = {
    hub: 400,
    "nginx-ingress": 40,
    "cert-manager": 150,
    "nfs-server": 500,
};
/** Series assumed for a PodMonitoring not in the table above. */
const ASSUMED_SERIES_OTHER_JOB = 200;
/** Probe locations of each uptime-check region (USA: Iowa, Oregon, Virginia; the others one each). */
const UPTIME_LOCATIONS_PER_REGION: Readonly<Record<string, number>> = { USA: 3 };
/** Bytes Cloud Monitoring counts per point of a log-based counter (an INT64 point). */
const BYTES_PER_POINT = 8;


/** Seconds of a Prometheus-style interval ("60s", "2m"); 60 when unreadable. */
function intervalSeconds(v: unknown): number {
    const m = /^([0-9]+)(s|m)$/.exec(String(v ?? ""));
    return m ? Number(m[1]) * (m[2] === "m" ? 60 : 1) : 60;
}

/**
 * Cloud Monitoring: Managed Service for Prometheus samples, uptime-check executions (and their
 * free allotment), alert conditions, log-based metric points (and their free allotment).
 */
export function monitoringLines(render: Render, prices: PriceTable, notes: string[]): CostLine[] {
    const H = prices.hoursPerMonth;
    const seconds = H * 3600;
    const lines: CostLine[] = [];
    const price = (item: string): number => priceOf(prices, "monitoring", item, "Cloud Monitoring item");

    // Samples: every endpoint of every PodMonitoring, its series x scrapes a month.
    const monitorings = resourcesOf(render, "kubernetes:monitoring.googleapis.com/v1:PodMonitoring");
    if (monitorings.length > 0) {
        let samples = 0;
        for (const m of monitorings) {
            const job = String(obj(m.inputs.metadata).name ?? m.name);
            const endpoints = obj(m.inputs.spec).endpoints;
            const list = Array.isArray(endpoints) && endpoints.length > 0 ? endpoints : [{}];
            const series = ASSUMED_SERIES_PER_JOB[job] ?? ASSUMED_SERIES_OTHER_JOB;
            // The job's series are spread over its endpoints; each endpoint is scraped at its own interval.
            for (const e of list) samples += ((series / list.length) * seconds) / intervalSeconds(obj(e).interval);
        }
        const millions = samples / 1e6;
        lines.push(line(`Managed Service for Prometheus samples (${monitorings.length} scrape jobs)`, "million samples", millions, millions,
            price("prometheus-per-million-samples"), "assumed series per job: ASSUMED_SERIES_PER_JOB in scripts/lib/cost.ts; no free allotment"));
    }

    // Uptime checks: one execution per location per period; the first million a project are free.
    const checks = resourcesOf(render, "gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig");
    if (checks.length > 0) {
        let executions = 0;
        for (const c of checks) {
            const regions = Array.isArray(c.inputs.selectedRegions) ? (c.inputs.selectedRegions as unknown[]).map(String) : ["USA", "EUROPE", "SOUTH_AMERICA", "ASIA_PACIFIC"];
            const locations = regions.reduce((n, r) => n + (UPTIME_LOCATIONS_PER_REGION[r] ?? 1), 0);
            executions += (locations * seconds) / intervalSeconds(c.inputs.period);
        }
        const thousands = executions / 1000;
        const perThousand = price("uptime-per-1000-executions");
        lines.push(line(`uptime check executions (${checks.length} checks)`, "1000 executions", thousands, thousands, perThousand));
        const free = Math.min(thousands, price("uptime-free-executions-per-project") / 1000);
        lines.push(line("uptime check free allotment (1 million executions a project a month)", "1000 executions", -free, -free, perThousand));
    }

    // Alert policies: a monthly price per condition; the time series they return are not estimated.
    const conditions = resourcesOf(render, "gcp:monitoring/alertPolicy:AlertPolicy").reduce(
        (n, p) => n + (Array.isArray(p.inputs.conditions) ? p.inputs.conditions.length : 1), 0);
    if (conditions > 0) {
        lines.push(line(`alert policy conditions`, "condition", conditions, conditions, price("alert-condition-per-month"),
            "plus $0.35 per million time series returned, not estimated: each condition here returns at most a few series"));
    }

    // Log-based metrics: at most one point a minute each; the first 150 MiB of chargeable metrics a billing account are free.
    const logMetrics = resourcesOf(render, "gcp:logging/metric:Metric");
    if (logMetrics.length > 0) {
        const mib = (logMetrics.length * (seconds / 60) * BYTES_PER_POINT) / 2 ** 20;
        const perMib = price("metric-ingestion-per-mib");
        lines.push(line(`log-based metric points (${logMetrics.length} metrics)`, "MiB", mib, mib, perMib, "at most one point a minute each"));
        const free = Math.min(mib, price("metric-free-mib-per-billing-account"));
        lines.push(line("metric ingestion free allotment (150 MiB a billing account a month)", "MiB", -free, -free, perMib,
            "assumes nothing else of the billing account uses it"));
        notes.push("log-based alert policies read the autoscaler's visibility logs, which GKE writes anyway: their log storage is not estimated");
    }
    return lines;
}

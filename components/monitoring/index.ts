/**
 * Watching a GKE stack from its first minute:
 * - metrics: PodMonitorings for the hub, the NGINX controller, cert-manager and the NFS server
 *   (Managed Service for Prometheus, managed collection), the hub's metrics token, and the
 *   NetworkPolicies that admit the collector (scrape.ts);
 * - notification channels (one per configured email), the alert policies (alerts.ts), the uptime
 *   check of /hub/health, a log-based metric of the ingress's 5xx answers, the dashboard
 *   (dashboard.ts), and a billing budget when a billing account is configured.
 *
 * GKE stacks only: `local` has neither Cloud Monitoring nor the managed collector, and index.ts
 * records why (`monitoringNote`).
 */
import * as gcp from "../sdk/gcp";
import * as k8s from "../sdk/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { commonLabels, COMPONENTS, GMP_COLLECTOR, HUB_METRICS_TOKEN, INGRESS_NAMESPACE } from "../naming";
import {
    AlertContext,
    alertSpecs,
    ingress5xxFilter,
    UPTIME_ALERT_AFTER,
    UPTIME_FAILING_REGIONS,
    UPTIME_PERIOD,
    UPTIME_REGIONS,
    UPTIME_TIMEOUT,
    uptimeConditionFilter,
    uptimeDocumentation,
} from "./alerts";
import { dashboardJson } from "./dashboard";
import {
    certManagerPodMonitoring,
    certManagerPolicy,
    hubMetricsPolicy,
    hubPodMonitoring,
    NetworkPolicySpec,
    nfsServerPodMonitoring,
    nginxPodMonitoring,
    nginxPolicy,
    POD_MONITORING,
    PodMonitoringSpec,
    tokenReaderRules,
} from "./scrape";

export { uptimeConditionFilter } from "./alerts";
export {
    CERT_MANAGER_CONTROLLER_POD_LABELS,
    nfsServerPodMonitoring,
    SCRAPE_INTERVAL,
} from "./scrape";

/** Budget thresholds: shares of the monthly amount, actual spend, and the forecast reaching 100 %. */
const BUDGET_THRESHOLDS = [0.5, 0.9, 1.0] as const;

export interface MonitoringArgs {
    /** Stack name: labels, display names. */
    readonly stack: string;
    /** GCP project of the alert policies, channels, uptime check, metric and dashboard. */
    readonly project: string;
    /** Public hostname; the uptime check requests `https://<hostname>/hub/health`. */
    readonly hostname: string;
    /** GKE cluster name, for the autoscaler log filters and the node chart. */
    readonly clusterName: string;
    /** Namespace of the hub (its PodMonitoring, token Secret and policy go there). */
    readonly hubNamespace: string;
    /** Namespace of the NFS server, whose exporters are scraped there. */
    readonly homesNamespace: string;
    /** Alert recipients; empty: policies without channels, and `notes` says so. */
    readonly notificationEmails: readonly string[];
    /** Failed spawns in 15 minutes that raise an alert. */
    readonly spawnFailureThreshold: number;
    /** The uptime check validates the certificate; false with Let's Encrypt staging (untrusted by design). */
    readonly validateTls: boolean;
    /** Rotation label of generated secrets: a new value regenerates the metrics token too. */
    readonly secretsRotation: string;
    /** A monthly budget on the billing account. @default none */
    readonly budget?: { readonly billingAccount: string; readonly amount: number };
    /** What the Kubernetes objects wait for (the namespaces and Helm releases they go into). */
    readonly kubernetesDependsOn?: pulumi.Input<pulumi.Resource>[];
}

/** What the stack records about monitoring: declared or not, and anything an operator should know. */
export function monitoringNotes(s: {
    readonly platform: "gke" | "local";
    readonly monitoring: { readonly enabled: boolean; readonly notificationEmails: readonly string[] };
}): string[] {
    if (s.platform === "local") {
        return [
            "monitoring not declared: platform local has no Cloud Monitoring and no Managed Service for Prometheus " +
                "(no alert policies, uptime check, dashboard or PodMonitorings); use `npm run smoke` against the local URL",
        ];
    }
    if (!s.monitoring.enabled) {
        return ["monitoring not declared: monitoring.enabled is false"];
    }
    if (s.monitoring.notificationEmails.length === 0) {
        return [
            "monitoring.notificationEmails is empty: alert policies are declared without a notification channel; " +
                "incidents show in the Cloud Monitoring console only",
        ];
    }
    return [];
}

/** A logical-name slug of an email address. */
function emailSlug(email: string): string {
    return email.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
}

export class Monitoring extends pulumi.ComponentResource {
    /** The notification channels' resource names (`projects/.../notificationChannels/...`). */
    public readonly notificationChannels: pulumi.Output<string>[];
    /** The alert policies, by id. */
    public readonly alertPolicies: Record<string, gcp.monitoring.AlertPolicy>;
    public readonly uptimeCheck: gcp.monitoring.UptimeCheckConfig;
    public readonly dashboard: gcp.monitoring.Dashboard;

    constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
        super("jupyterlabdemo:components:Monitoring", name, {}, opts);
        // spawnFailureThreshold and the budget's amount are validated once, by components/config.
        const k8sOpts = { parent: this, dependsOn: args.kubernetesDependsOn };
        // The Monitoring and Logging APIs come first through the ProjectApis transformation.
        const gcpOpts = { parent: this };
        const labels = commonLabels(args.stack, COMPONENTS.monitoring);

        // --- Metrics collection --------------------------------------------------------------
        const token = new random.RandomBytes(`${name}-hub-metrics-token`, { length: 32, keepers: { rotation: args.secretsRotation } }, { parent: this });
        new k8s.core.v1.Secret(
            `${name}-hub-metrics-token`,
            {
                metadata: { name: HUB_METRICS_TOKEN.secretName, namespace: args.hubNamespace, labels },
                type: "Opaque",
                stringData: { [HUB_METRICS_TOKEN.key]: token.hex },
            },
            k8sOpts,
        );
        const reader = new k8s.rbac.v1.Role(
            `${name}-hub-metrics-token-reader`,
            { metadata: { name: "gmp-collector-metrics-token", namespace: args.hubNamespace, labels }, rules: tokenReaderRules() },
            k8sOpts,
        );
        new k8s.rbac.v1.RoleBinding(
            `${name}-hub-metrics-token-reader`,
            {
                metadata: { name: "gmp-collector-metrics-token", namespace: args.hubNamespace, labels },
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: reader.metadata.name },
                subjects: [{ kind: "ServiceAccount", name: GMP_COLLECTOR.serviceAccount, namespace: GMP_COLLECTOR.namespace }],
            },
            k8sOpts,
        );
        const monitorings: PodMonitoringSpec[] = [
            hubPodMonitoring(args.stack, args.hubNamespace),
            nginxPodMonitoring(),
            certManagerPodMonitoring(),
            nfsServerPodMonitoring(args.stack, args.homesNamespace),
        ];
        for (const m of monitorings) {
            new k8s.apiextensions.CustomResource(
                `${name}-podmonitoring-${m.name}`,
                { ...POD_MONITORING, metadata: { name: m.name, namespace: m.namespace, labels }, spec: m.spec },
                k8sOpts,
            );
        }
        const policies: NetworkPolicySpec[] = [hubMetricsPolicy(args.stack, args.hubNamespace), nginxPolicy(), certManagerPolicy()];
        for (const p of policies) {
            new k8s.networking.v1.NetworkPolicy(
                `${name}-netpol-${p.name}`,
                { metadata: { name: p.name, namespace: p.namespace, labels: commonLabels(args.stack, COMPONENTS.networkPolicy) }, spec: p.spec },
                k8sOpts,
            );
        }

        // --- Where alerts go -----------------------------------------------------------------
        const userLabels = { app: "jupyterlabdemo", stack: args.stack };
        const channels = [...new Set(args.notificationEmails)].map(
            (email) =>
                new gcp.monitoring.NotificationChannel(
                    `${name}-email-${emailSlug(email)}`,
                    {
                        project: args.project,
                        displayName: `${args.stack}: ${email}`,
                        type: "email",
                        labels: { email_address: email },
                        userLabels,
                    },
                    gcpOpts,
                ),
        );
        this.notificationChannels = channels.map((c) => c.name);
        const common = { project: args.project, combiner: "OR", notificationChannels: this.notificationChannels, userLabels };

        // --- Alert policies ------------------------------------------------------------------
        const ctx: AlertContext = { ...args };
        this.alertPolicies = {};
        for (const spec of alertSpecs(ctx)) {
            const condition =
                spec.condition.kind === "promql"
                    ? {
                          displayName: spec.displayName,
                          conditionPrometheusQueryLanguage: { query: spec.condition.query, duration: spec.condition.duration, evaluationInterval: "60s" },
                      }
                    : { displayName: spec.displayName, conditionMatchedLog: { filter: spec.condition.filter } };
            this.alertPolicies[spec.id] = new gcp.monitoring.AlertPolicy(
                `${name}-alert-${spec.id}`,
                {
                    ...common,
                    displayName: spec.displayName,
                    severity: spec.severity,
                    conditions: [condition],
                    documentation: { content: spec.documentation, mimeType: "text/markdown" },
                    // Log-matched conditions need a notification rate limit; one per hour is enough to act on.
                    ...(spec.condition.kind === "log"
                        ? { alertStrategy: { notificationRateLimit: { period: "3600s" }, autoClose: "86400s" } }
                        : {}),
                },
                gcpOpts,
            );
        }

        // --- Uptime check of /hub/health and its alert ------------------------------------------
        this.uptimeCheck = new gcp.monitoring.UptimeCheckConfig(
            `${name}-uptime-hub-health`,
            {
                project: args.project,
                displayName: `${args.stack}: hub health`,
                period: UPTIME_PERIOD,
                timeout: UPTIME_TIMEOUT,
                selectedRegions: [...UPTIME_REGIONS],
                httpCheck: {
                    path: "/hub/health",
                    port: 443,
                    useSsl: true,
                    validateSsl: args.validateTls,
                    requestMethod: "GET",
                    acceptedResponseStatusCodes: [{ statusValue: 200 }],
                },
                monitoredResource: { type: "uptime_url", labels: { project_id: args.project, host: args.hostname } },
                userLabels,
            },
            gcpOpts,
        );
        this.alertPolicies["hub-down"] = new gcp.monitoring.AlertPolicy(
            `${name}-alert-hub-down`,
            {
                ...common,
                displayName: `${args.stack}: hub down (uptime check)`,
                severity: "CRITICAL",
                conditions: [
                    {
                        displayName: `/hub/health failing from ${UPTIME_FAILING_REGIONS}+ regions`,
                        conditionThreshold: {
                            filter: this.uptimeCheck.uptimeCheckId.apply(uptimeConditionFilter),
                            comparison: "COMPARISON_GT",
                            thresholdValue: UPTIME_FAILING_REGIONS - 1,
                            duration: UPTIME_ALERT_AFTER,
                            aggregations: [
                                {
                                    alignmentPeriod: "60s",
                                    perSeriesAligner: "ALIGN_NEXT_OLDER",
                                    crossSeriesReducer: "REDUCE_COUNT_FALSE",
                                    groupByFields: ["resource.label.*"],
                                },
                            ],
                            trigger: { count: 1 },
                        },
                    },
                ],
                documentation: { content: uptimeDocumentation(args), mimeType: "text/markdown" },
            },
            gcpOpts,
        );

        // --- The ingress's 5xx answers (a log-based metric) and the dashboard --------------------
        const errors = new gcp.logging.Metric(
            `${name}-ingress-5xx`,
            {
                project: args.project,
                name: `jupyterlabdemo-${args.stack}-ingress-5xx`,
                description: "Requests the NGINX ingress controller answered with a 5xx status.",
                filter: ingress5xxFilter(args, INGRESS_NAMESPACE),
                metricDescriptor: { metricKind: "DELTA", valueType: "INT64", unit: "1" },
            },
            gcpOpts,
        );
        this.dashboard = new gcp.monitoring.Dashboard(
            `${name}-dashboard`,
            {
                project: args.project,
                dashboardJson: errors.name.apply((metric) => dashboardJson({ ...args, ingress5xxMetric: metric })),
            },
            gcpOpts,
        );

        // --- Budget --------------------------------------------------------------------------
        if (args.budget) {
            const units = Math.floor(args.budget.amount);
            new gcp.billing.Budget(
                `${name}-budget`,
                {
                    billingAccount: args.budget.billingAccount,
                    displayName: `jupyterlabdemo ${args.stack}`,
                    amount: { specifiedAmount: { units: String(units), nanos: Math.round((args.budget.amount - units) * 1e9) } },
                    thresholdRules: [
                        ...BUDGET_THRESHOLDS.map((t) => ({ thresholdPercent: t, spendBasis: "CURRENT_SPEND" })),
                        { thresholdPercent: 1.0, spendBasis: "FORECASTED_SPEND" },
                    ],
                    allUpdatesRule: { monitoringNotificationChannels: this.notificationChannels.slice(0, 5) },
                },
                gcpOpts,
            );
        }

        this.registerOutputs({ notificationChannels: this.notificationChannels });
    }
}

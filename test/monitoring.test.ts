/**
 * Monitoring (components/monitoring/): the config keys, and what the GKE stacks render: the
 * PodMonitorings and the NetworkPolicies that admit the managed collector, the notification
 * channels, each alert policy's query and threshold, the uptime check, the dashboard, the budget.
 * The local stack renders none of it and says why.
 */
import * as assert from "assert";
import { CERT_MANAGER_PORTS, INGRESS_CONTROLLER_POD_LABELS, INGRESS_CONTROLLER_PORTS, INGRESS_NAMESPACE } from "../components/ingress";
import { CERT_MANAGER_CONTROLLER_POD_LABELS, nfsServerPodMonitoring, SCRAPE_INTERVAL, uptimeConditionFilter } from "../components/monitoring";
import { COMPONENTS, selectorLabels } from "../components/naming";
import { k8s, k8sOf, placeholder, render, Render, resource, resourcesOf, set } from "./mocks";
import { errorOf, settingsOf } from "./lib/settings";
import { allowed, Endpoint } from "./netpol";

describe("monitoring: config", () => {
    it("GKE stacks send alerts to the platform list; defaults are on, with no budget", () => {
        for (const stack of ["sandbox", "demo"]) {
            const m = settingsOf(stack).monitoring;
            assert.strictEqual(m.enabled, true);
            assert.deepStrictEqual(m.notificationEmails, ["platform@jupyterlabdemo.org"]);
            assert.strictEqual(m.spawnFailureThreshold, 3);
            assert.strictEqual(m.billingAccount, undefined);
        }
        assert.deepStrictEqual(settingsOf("local").monitoring.notificationEmails, []);
    });

    const cases: [string, string, Record<string, string>, string][] = [
        ["an address that is not an email", "sandbox", { "monitoring.notificationEmails": '["oncall"]' },
            'jupyterlabdemo:monitoring.notificationEmails[0]: must be an email address, got "oncall"'],
        ["emails on local, which has no Cloud Monitoring", "local", { "monitoring.notificationEmails": '["a@b.org"]' },
            "jupyterlabdemo:monitoring.notificationEmails: must not be set when platform is local (local declares no Cloud Monitoring)"],
        ["a budget without its billing account", "sandbox", { "monitoring.monthlyBudget": "300" },
            "jupyterlabdemo:monitoring.billingAccount: is required with monitoring.monthlyBudget (the billing account the budget watches)"],
        ["a billing account without an amount", "sandbox", { "monitoring.billingAccount": "012345-6789AB-CDEF01" },
            "jupyterlabdemo:monitoring.monthlyBudget: is required with monitoring.billingAccount (the budget's monthly amount)"],
        ["a malformed billing account", "sandbox", { "monitoring.billingAccount": "billing-1", "monitoring.monthlyBudget": "300" },
            'jupyterlabdemo:monitoring.billingAccount: must be a billing account id such as 012345-6789AB-CDEF01, got "billing-1"'],
        ["a zero spawn-failure threshold", "sandbox", { "monitoring.spawnFailureThreshold": "0" },
            "jupyterlabdemo:monitoring.spawnFailureThreshold: must be >= 1, got 0"],
    ];
    for (const [what, stack, overrides, message] of cases) {
        it(`rejects ${what}`, () => {
            assert.strictEqual(errorOf(stack, set(overrides), { configErrorOnly: true }), message);
        });
    }
});

// ---------------------------------------------------------------------------------------------
// What the stacks render
// ---------------------------------------------------------------------------------------------

const ALERT = "gcp:monitoring/alertPolicy:AlertPolicy";
type Inputs = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function alert(r: Render, id: string): Inputs {
    return resource(r, ALERT, `monitoring-alert-${id}`).inputs as Inputs;
}

function promql(r: Render, id: string): { query: string; duration: string } {
    const c = alert(r, id).conditions;
    assert.strictEqual(c.length, 1, `${id}: one condition`);
    assert.ok(c[0].conditionPrometheusQueryLanguage, `${id}: a PromQL condition`);
    return c[0].conditionPrometheusQueryLanguage;
}

function logFilter(r: Render, id: string): string {
    const c = alert(r, id).conditions;
    assert.ok(c[0].conditionMatchedLog, `${id}: a log-match condition`);
    return c[0].conditionMatchedLog.filter;
}

describe("monitoring: GKE stacks", () => {
    for (const stack of ["sandbox", "demo"]) {
        it(`${stack}: a PodMonitoring per scrape target, each at a 60 s interval, in the target's namespace`, async () => {
            const r = await render(stack);
            const byName = Object.fromEntries(k8sOf(r, "PodMonitoring").map((m) => [m.metadata.name, m]));
            assert.deepStrictEqual(Object.keys(byName).sort(), ["cert-manager", "hub", "nfs-server", "nginx-ingress"]);
            for (const m of Object.values(byName)) {
                assert.strictEqual(m.apiVersion, "monitoring.googleapis.com/v1");
                for (const e of m.spec.endpoints) assert.strictEqual(e.interval, SCRAPE_INTERVAL);
            }
            const hub = byName.hub;
            assert.strictEqual(hub.metadata.namespace, "jupyterhub");
            assert.deepStrictEqual(hub.spec.selector.matchLabels, selectorLabels(stack, COMPONENTS.hub));
            assert.deepStrictEqual(hub.spec.endpoints, [
                {
                    port: 8081,
                    path: "/hub/metrics",
                    interval: "60s",
                    authorization: { type: "Bearer", credentials: { secret: { name: "hub-metrics-token", key: "token" } } },
                },
            ]);
            assert.strictEqual(byName["nginx-ingress"].metadata.namespace, INGRESS_NAMESPACE);
            assert.deepStrictEqual(byName["nginx-ingress"].spec.selector.matchLabels, INGRESS_CONTROLLER_POD_LABELS);
            assert.strictEqual(byName["nginx-ingress"].spec.endpoints[0].port, 9113);
            assert.strictEqual(byName["cert-manager"].metadata.namespace, "cert-manager");
            assert.strictEqual(byName["cert-manager"].spec.selector.matchLabels["app.kubernetes.io/component"], "controller");
            assert.strictEqual(byName["cert-manager"].spec.endpoints[0].port, 9402);
            assert.deepStrictEqual(byName["nfs-server"].spec.endpoints.map((e: Inputs) => e.port), ["fs-metrics", "quota-metrics"]);
            assert.deepStrictEqual(byName["nfs-server"].spec.selector.matchLabels, selectorLabels(stack, COMPONENTS.nfsServer));
        });
    }

    it("the NFS server's PodMonitoring goes into the namespace it is given", () => {
        assert.strictEqual(nfsServerPodMonitoring("sandbox", "homes").namespace, "homes");
    });

    it("the hub's metrics token: a generated Secret only the managed collector's ServiceAccount may read, by name", async () => {
        const r = await render("sandbox");
        const secret = k8s(r, "Secret", "hub-metrics-token");
        assert.deepStrictEqual(secret.stringData, { token: "[secret]" }, "the token never appears in the render");
        const role = k8s(r, "Role", "gmp-collector-metrics-token");
        assert.deepStrictEqual(role.rules, [{ apiGroups: [""], resources: ["secrets"], resourceNames: ["hub-metrics-token"], verbs: ["get", "list", "watch"] }]);
        const binding = k8s(r, "RoleBinding", "gmp-collector-metrics-token");
        assert.deepStrictEqual(binding.subjects, [{ kind: "ServiceAccount", name: "collector", namespace: "gmp-system" }]);
        assert.strictEqual(binding.metadata.namespace, "jupyterhub");
        // The hub reads the same Secret: without it the hub refuses the collector's scrape.
        const hubEnv = k8s(r, "Deployment", "hub").spec.template.spec.containers[0].env as Inputs[];
        assert.deepStrictEqual(hubEnv.find((e) => e.name === "JUPYTERHUB_METRICS_TOKEN")?.valueFrom, {
            secretKeyRef: { name: "hub-metrics-token", key: "token", optional: true },
        });
    });

    it("NetworkPolicies admit the managed collector, and nothing else, on each metrics port", async () => {
        const r = await render("sandbox");
        // The edge owns the controllers' own policies: the monitoring adds its own, never one of the same name.
        const names = k8sOf(r, "NetworkPolicy").map((p) => `${p.metadata.namespace}/${p.metadata.name}`);
        assert.deepStrictEqual(names.filter((n, i) => names.indexOf(n) !== i), [], "two NetworkPolicies with one name");
        const collector = { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "gmp-system" } }, podSelector: { matchLabels: { "app.kubernetes.io/name": "collector" } } };
        const hub = k8s(r, "NetworkPolicy", "hub-metrics-collector");
        assert.deepStrictEqual(hub.spec.ingress, [{ from: [collector], ports: [{ port: 8081, protocol: "TCP" }] }]);
        const nginx = k8s(r, "NetworkPolicy", "nginx-ingress-metrics-collector");
        assert.strictEqual(nginx.metadata.namespace, INGRESS_NAMESPACE);
        assert.deepStrictEqual(nginx.spec.podSelector.matchLabels, INGRESS_CONTROLLER_POD_LABELS);
        assert.deepStrictEqual(nginx.spec.ingress, [{ from: [collector], ports: [{ port: 9113, protocol: "TCP" }] }]);
        const certs = k8s(r, "NetworkPolicy", "cert-manager-metrics-collector");
        assert.deepStrictEqual(certs.spec.ingress, [{ from: [collector], ports: [{ port: 9402, protocol: "TCP" }] }]);
        for (const p of [hub, nginx, certs]) assert.deepStrictEqual(p.spec.policyTypes, ["Ingress"]);
    });

    it("traffic: the collector reaches every metrics port; other pods reach none of them; HTTPS still reaches the controller", async () => {
        const policies = k8sOf(await render("sandbox"), "NetworkPolicy");
        const collector: Endpoint = { namespace: "gmp-system", labels: { "app.kubernetes.io/name": "collector" }, ip: "10.16.3.5" };
        const stranger: Endpoint = { namespace: "default", labels: { app: "x" }, ip: "10.16.3.6" };
        const hub: Endpoint = { namespace: "jupyterhub", labels: selectorLabels("sandbox", COMPONENTS.hub), ip: "10.16.0.20" };
        const nginx: Endpoint = { namespace: INGRESS_NAMESPACE, labels: { ...INGRESS_CONTROLLER_POD_LABELS }, ip: "10.16.0.40" };
        const certs: Endpoint = { namespace: "cert-manager", labels: { ...CERT_MANAGER_CONTROLLER_POD_LABELS }, ip: "10.16.0.41" };
        const internet: Endpoint = { ip: "203.0.113.9" };
        assert.ok(allowed(policies, collector, hub, 8081));
        assert.ok(allowed(policies, collector, nginx, 9113));
        assert.ok(allowed(policies, collector, certs, 9402));
        assert.ok(!allowed(policies, stranger, hub, 8081), "another pod to the hub");
        assert.ok(!allowed(policies, stranger, nginx, 9113), "another pod to the NGINX metrics");
        assert.ok(!allowed(policies, stranger, certs, 9402), "another pod to cert-manager's metrics");
        assert.ok(!allowed(policies, collector, nginx, 8080), "the collector on another port");
        assert.ok(allowed(policies, internet, nginx, 443) && allowed(policies, internet, nginx, 80), "the public still reaches HTTP(S)");
    });

    it("one email notification channel per configured address, used by every alert policy", async () => {
        const r = await render("sandbox", set({ "monitoring.notificationEmails": '["oncall@example.org","Platform@Example.org"]' }));
        const channels = resourcesOf(r, "gcp:monitoring/notificationChannel:NotificationChannel");
        assert.deepStrictEqual(channels.map((c) => c.name).sort(), ["monitoring-email-oncall-example-org", "monitoring-email-platform-example-org"]);
        for (const c of channels) assert.strictEqual(c.inputs.type, "email");
        assert.deepStrictEqual(channels.map((c) => (c.inputs.labels as Inputs).email_address).sort(), ["Platform@Example.org", "oncall@example.org"]);
        const policies = resourcesOf(r, ALERT);
        assert.strictEqual(policies.length, 8);
        for (const p of policies) {
            assert.deepStrictEqual(p.inputs.notificationChannels, channels.map((c) => placeholder(c.name, "name")), `${p.name} notifies both channels`);
            const doc = (p.inputs.documentation as Inputs).content as string;
            assert.match(doc, /Runbook: docs\/operations\.md, section "/, `${p.name} tells the on-call person where to look`);
        }
    });

    it("a stack with no email gets policies without channels and a recorded note, not a silent omission", async () => {
        const r = await render("sandbox", set({ "monitoring.notificationEmails": "[]" }));
        assert.strictEqual(resourcesOf(r, "gcp:monitoring/notificationChannel:NotificationChannel").length, 0);
        assert.strictEqual(resourcesOf(r, ALERT).length, 8, "the policies still open incidents");
        assert.deepStrictEqual(r.outputs.monitoringNotes, [
            "monitoring.notificationEmails is empty: alert policies are declared without a notification channel; incidents show in the Cloud Monitoring console only",
        ]);
        assert.deepStrictEqual((await render("sandbox")).outputs.monitoringNotes, []);
    });

    it("homes disk: above 80 % (warning) and above 95 % (critical), from the fs exporter in the NFS server's namespace", async () => {
        const r = await render("sandbox");
        const used = 'max(100 * (1 - node_filesystem_avail_bytes{namespace="homes",job="nfs-server",mountpoint="/data"} / node_filesystem_size_bytes{namespace="homes",job="nfs-server",mountpoint="/data"}))';
        assert.deepStrictEqual(promql(r, "homes-disk-80"), { query: `${used} > 80`, duration: "600s", evaluationInterval: "60s" });
        assert.deepStrictEqual(promql(r, "homes-disk-95"), { query: `${used} > 95`, duration: "300s", evaluationInterval: "60s" });
        assert.strictEqual(alert(r, "homes-disk-80").severity, "WARNING");
        assert.strictEqual(alert(r, "homes-disk-95").severity, "CRITICAL");
    });

    it("certificate: cert-manager's expiry timestamp under 14 days from now", async () => {
        const r = await render("sandbox");
        assert.strictEqual(promql(r, "certificate-expiry").query, 'min(certmanager_certificate_expiration_timestamp_seconds{job="cert-manager"} - time()) < 1209600');
    });

    it("hub not ready: its scrape fails, or there is no hub target, for 5 minutes", async () => {
        const r = await render("sandbox");
        assert.deepStrictEqual(promql(r, "hub-not-ready"), {
            query: 'max(up{namespace="jupyterhub",job="hub"}) < 1 or absent(up{namespace="jupyterhub",job="hub"})',
            duration: "300s",
            evaluationInterval: "60s",
        });
    });

    it("failed spawns: JupyterHub's spawn histogram, status failure, over the configured threshold in 15 minutes", async () => {
        const query = 'sum(increase(jupyterhub_server_spawn_duration_seconds_count{namespace="jupyterhub",job="hub",status="failure"}[15m]))';
        assert.strictEqual(promql(await render("sandbox"), "spawn-failures").query, `${query} > 3`);
        assert.strictEqual(promql(await render("sandbox", set({ "monitoring.spawnFailureThreshold": "10" })), "spawn-failures").query, `${query} > 10`);
    });

    it("autoscaler: scale.up.error.* events and a pool skipped at its maximum, from the cluster's visibility log, rate-limited", async () => {
        const r = await render("demo");
        const scope = [
            'resource.type="k8s_cluster"',
            'resource.labels.cluster_name="jupyterlab-demo"',
            'logName="projects/jupyterlabdemo-demo/logs/container.googleapis.com%2Fcluster-autoscaler-visibility"',
        ];
        assert.strictEqual(logFilter(r, "autoscaler-scale-up-error"), [...scope, 'jsonPayload.resultInfo.results.errorMsg.messageId=~"^scale\\.up\\.error\\."'].join("\n"));
        assert.strictEqual(logFilter(r, "pool-at-maximum"), [...scope, 'jsonPayload.noDecisionStatus.noScaleUp.skippedMigs.reason.parameters:"max node group size reached"'].join("\n"));
        for (const id of ["autoscaler-scale-up-error", "pool-at-maximum"]) {
            assert.deepStrictEqual(alert(r, id).alertStrategy.notificationRateLimit, { period: "3600s" }, "log-match alerts require a rate limit");
        }
    });

    it("uptime: https://<hostname>/hub/health every minute from three regions; alert after 5 minutes failing in 2+", async () => {
        const r = await render("demo");
        const check = resource(r, "gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig", "monitoring-uptime-hub-health").inputs as Inputs;
        assert.deepStrictEqual(check.monitoredResource, { type: "uptime_url", labels: { project_id: "jupyterlabdemo-demo", host: "demo.jupyterlabdemo.org" } });
        assert.strictEqual(check.httpCheck.path, "/hub/health");
        assert.strictEqual(check.httpCheck.useSsl, true);
        assert.strictEqual(check.httpCheck.validateSsl, true, "production issuer: a bad certificate fails the check");
        assert.deepStrictEqual(check.httpCheck.acceptedResponseStatusCodes, [{ statusValue: 200 }]);
        assert.strictEqual(check.period, "60s");
        assert.deepStrictEqual(check.selectedRegions, ["USA", "EUROPE", "ASIA_PACIFIC"]);
        const t = alert(r, "hub-down").conditions[0].conditionThreshold;
        assert.strictEqual(t.filter, uptimeConditionFilter(placeholder("monitoring-uptime-hub-health", "uptimeCheckId")));
        assert.strictEqual(t.comparison, "COMPARISON_GT");
        assert.strictEqual(t.thresholdValue, 1);
        assert.strictEqual(t.duration, "300s");
        assert.strictEqual(t.aggregations[0].crossSeriesReducer, "REDUCE_COUNT_FALSE");
        const sandbox = resource(await render("sandbox"), "gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig", "monitoring-uptime-hub-health").inputs as Inputs;
        assert.strictEqual(sandbox.httpCheck.validateSsl, false, "staging certificates are untrusted by design: the check must not fail on them");
    });

    it("the dashboard: every chart the operators need, deterministic JSON", async () => {
        const r = await render("sandbox");
        const json = (resource(r, "gcp:monitoring/dashboard:Dashboard", "monitoring-dashboard").inputs as Inputs).dashboardJson as string;
        const d = JSON.parse(json);
        const titles = d.mosaicLayout.tiles.map((t: Inputs) => t.widget.title);
        assert.deepStrictEqual(titles, [
            "Active users and running servers",
            "Lab spawn duration (successful spawns)",
            "Pending lab pods",
            "Nodes per pool",
            "Homes disk used",
            "Largest homes (top 10)",
            "Ingress requests and 5xx answers",
            "Certificate days left (soonest)",
        ]);
        assert.match(json, /histogram_quantile\(0\.99, sum by \(le\) \(rate\(jupyterhub_server_spawn_duration_seconds_bucket/);
        assert.match(json, /dirsize_total_size_bytes/);
        assert.match(json, /logging\.googleapis\.com\/user\/jupyterlabdemo-sandbox-ingress-5xx/);
        const again = (resource(await render("sandbox", set({ "monitoring.spawnFailureThreshold": "3" })), "gcp:monitoring/dashboard:Dashboard", "monitoring-dashboard").inputs as Inputs).dashboardJson;
        assert.strictEqual(again, json, "same config, same bytes");
        for (const t of d.mosaicLayout.tiles) assert.ok(t.xPos + t.width <= d.mosaicLayout.columns, "tiles fit the grid");
    });

    it("the ingress 5xx log-based metric counts the controller's access-log lines with a 5xx status", async () => {
        const r = await render("sandbox");
        const m = resource(r, "gcp:logging/metric:Metric", "monitoring-ingress-5xx").inputs as Inputs;
        assert.strictEqual(m.name, "jupyterlabdemo-sandbox-ingress-5xx");
        assert.match(m.filter, /resource.labels.namespace_name="nginx-ingress"/);
        const status = new RegExp(/textPayload=~"(.*)"$/.exec(m.filter)![1].replace(/\\"/g, '"'));
        assert.ok(status.test('10.0.0.1 - - [29/Nov/2026:18:00:00 +0000] "GET /hub/api HTTP/1.1" 502 157 "-" "curl"'));
        assert.ok(!status.test('10.0.0.1 - - [29/Nov/2026:18:00:00 +0000] "GET /hub/api HTTP/1.1" 200 157 "-" "curl"'));
    });

    it("every GCP resource of the monitoring waits for its API to be enabled", async () => {
        const r = await render("sandbox", set({ "monitoring.billingAccount": "012345-6789AB-CDEF01", "monitoring.monthlyBudget": "100" }));
        const ours = r.resources.filter((x) => x.custom && x.type.startsWith("gcp:") && x.name.startsWith("monitoring-"));
        assert.ok(ours.length >= 12);
        for (const x of ours) {
            const api = x.type.startsWith("gcp:logging") ? "apis-logging" : x.type.startsWith("gcp:billing") ? "apis-billingbudgets" : "apis-monitoring";
            assert.ok(x.dependsOn.includes(api), `${x.name} depends on ${api}: ${x.dependsOn.join(", ")}`);
        }
    });

    it("a budget on the billing account only when one is configured, notifying the channels", async () => {
        assert.strictEqual(resourcesOf(await render("demo"), "gcp:billing/budget:Budget").length, 0);
        const r = await render("demo", set({ "monitoring.billingAccount": "012345-6789AB-CDEF01", "monitoring.monthlyBudget": "450.5" }));
        const b = resource(r, "gcp:billing/budget:Budget", "monitoring-budget").inputs as Inputs;
        assert.strictEqual(b.billingAccount, "012345-6789AB-CDEF01");
        assert.deepStrictEqual(b.amount, { specifiedAmount: { units: "450", nanos: 500000000 } });
        assert.deepStrictEqual(b.thresholdRules.map((t: Inputs) => [t.thresholdPercent, t.spendBasis]), [
            [0.5, "CURRENT_SPEND"], [0.9, "CURRENT_SPEND"], [1, "CURRENT_SPEND"], [1, "FORECASTED_SPEND"],
        ]);
        assert.deepStrictEqual(b.allUpdatesRule.monitoringNotificationChannels, [placeholder("monitoring-email-platform-jupyterlabdemo-org", "name")]);
    });
});

describe("monitoring: local stack", () => {
    it("declares none of it, and records why", async () => {
        const r = await render("local");
        const monitoringTypes = r.resources.filter((x) => /gcp:monitoring|gcp:logging|gcp:billing|PodMonitoring/.test(x.type) || x.name.startsWith("monitoring"));
        assert.deepStrictEqual(monitoringTypes.map((x) => x.name), []);
        assert.deepStrictEqual(r.outputs.monitoringNotes, [
            "monitoring not declared: platform local has no Cloud Monitoring and no Managed Service for Prometheus (no alert policies, uptime check, dashboard or PodMonitorings); use `npm run smoke` against the local URL",
        ]);
    });

    it("monitoring.enabled=false on a GKE stack declares none of it and says so", async () => {
        const r = await render("sandbox", set({ "monitoring.enabled": "false" }));
        assert.strictEqual(r.resources.filter((x) => x.name.startsWith("monitoring")).length, 0);
        assert.deepStrictEqual(r.outputs.monitoringNotes, ["monitoring not declared: monitoring.enabled is false"]);
    });
});

describe("monitoring: the charts expose what the PodMonitorings scrape", () => {
    it("NGINX and cert-manager metrics are on, on the ports the PodMonitorings name", async () => {
        const r = await render("sandbox");
        const values = (name: string) => resource(r, "kubernetes:helm.sh/v3:Release", name).inputs.values as Inputs;
        assert.deepStrictEqual(values("edge-nginx-ingress").prometheus, { create: true, port: INGRESS_CONTROLLER_PORTS.metrics, scheme: "http" });
        assert.strictEqual(values("edge-cert-manager").prometheus.enabled, true);
        assert.strictEqual(CERT_MANAGER_PORTS.controllerMetrics, 9402, "cert-manager's fixed controller metrics port");
    });
});

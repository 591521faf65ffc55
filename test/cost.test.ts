import * as assert from "assert";
import {
    costChange,
    CostEstimate,
    estimateCost,
    formatCost,
    formatCostChange,
    loadPrices,
    PriceTable,
    SNAPSHOT_DAILY_CHANGE_RATE,
    UnpricedError,
} from "../scripts/lib/cost";
import { CHART_LOAD_BALANCERS_KEY } from "../components/naming";
import { renderStack } from "../scripts/lib/render";
import { fixtureResource, Render, RenderedResource, render, set } from "./mocks";

const EDGE = "jupyterlabdemo:components:Edge";
const RELEASE = "kubernetes:helm.sh/v3:Release";

/** Round prices and a 100-hour month, so every expected value is plain arithmetic. */
const PRICES: PriceTable = {
    region: "us-central1",
    currency: "USD",
    hoursPerMonth: 100,
    groups: {
        machine: { unit: "h", date: "2026-01-01", source: "test", prices: { "m-small": 0.5, "m-big": 2 } },
        machineSpot: { unit: "h", date: "2026-01-01", source: "test", prices: { "m-small": 0.1, "m-big": 0.4 } },
        disk: { unit: "GB-month", date: "2026-01-01", source: "test", prices: { "pd-balanced": 0.1, "pd-ssd": 0.2, "pd-standard": 0.04 } },
        snapshot: { unit: "GB-month", date: "2026-01-01", source: "test", prices: { regional: 0.05, "multi-regional": 0.1 } },
        gke: { unit: "h", date: "2026-01-01", source: "test", prices: { "cluster-management-fee": 0.1, "free-tier-credit-per-month": 7.5 } },
        network: {
            unit: "h",
            date: "2026-01-01",
            source: "test",
            prices: { "forwarding-rule": 0.03, "static-ip-in-use": 0.01, "static-ip-unused": 0.02, "vm-external-ip": 0.01 },
        },
        nat: { unit: "h", date: "2026-01-01", source: "test", prices: { "gateway-per-vm": 0.002, "gateway-max": 0.05, "nat-ip": 0.01 } },
        dns: { unit: "month", date: "2026-01-01", source: "test", prices: { "managed-zone": 0.3 } },
        monitoring: {
            unit: "various",
            date: "2026-01-01",
            source: "test",
            prices: {
                "prometheus-per-million-samples": 0.1,
                "uptime-per-1000-executions": 0.5,
                "uptime-free-executions-per-project": 10000,
                "alert-condition-per-month": 2,
                "metric-ingestion-per-mib": 0.25,
                "metric-free-mib-per-billing-account": 1,
            },
        },
    },
};

const res = (type: string, name: string, inputs: Record<string, unknown>): RenderedResource => fixtureResource(type, name, inputs);

function pool(name: string, location: string, nodeConfig: Record<string, unknown>, min: number, max: number, extra: Record<string, unknown> = {}): RenderedResource {
    return res("gcp:container/nodePool:NodePool", `gke-${name}`, {
        name,
        cluster: "c",
        location,
        autoscaling: { minNodeCount: min, maxNodeCount: max },
        nodeConfig,
        ...extra,
    });
}

/** A small zonal stack: one cluster, one pool of 1-3 nodes, a disk with snapshots, an IP, NAT, an ingress. */
function smallStack(overrides: { pool?: RenderedResource; extra?: RenderedResource[] } = {}): Render {
    return {
        stack: "small",
        standIns: [],
        outputs: {},
        resources: [
            res("gcp:container/cluster:Cluster", "gke-cluster", {
                name: "c",
                location: "us-central1-a",
                privateClusterConfig: { enablePrivateNodes: true },
            }),
            overrides.pool ?? pool("user", "us-central1-a", { machineType: "m-small", diskSizeGb: 20, diskType: "pd-balanced" }, 1, 3),
            res("gcp:compute/disk:Disk", "storage-disk", { name: "homes", size: 100, type: "pd-ssd", zone: "us-central1-a", labels: { "data-class": "user-data" } }),
            res("gcp:compute/resourcePolicy:ResourcePolicy", "storage-snapshots", {
                name: "homes-snapshots",
                region: "us-central1",
                snapshotSchedulePolicy: { retentionPolicy: { maxRetentionDays: 10 }, snapshotProperties: { storageLocations: ["us-central1"] } },
            }),
            res("gcp:compute/diskResourcePolicyAttachment:DiskResourcePolicyAttachment", "storage-snapshot-attachment", {
                name: "homes-snapshots",
                disk: "homes",
                zone: "us-central1-a",
            }),
            res("gcp:compute/address:Address", "gke-ingress-ip", { name: "ip", region: "us-central1", addressType: "EXTERNAL" }),
            res("gcp:compute/routerNat:RouterNat", "gke-nat", { name: "nat", region: "us-central1", natIpAllocateOption: "AUTO_ONLY" }),
            res("gcp:compute/network:Network", "gke-network", { name: "net" }),
            // The edge component records the LoadBalancer Service its chart creates.
            edgeComponent([{ namespace: "ingress", name: "controller" }]),
            ...(overrides.extra ?? []),
        ],
    };
}

/** An edge component as the render records it: not custom, its declared chart load balancers as inputs. */
function edgeComponent(loadBalancers: { namespace: string; name: string }[]): RenderedResource {
    return fixtureResource(EDGE, "edge", { [CHART_LOAD_BALANCERS_KEY]: loadBalancers }, { custom: false });
}

function lineOf(e: CostEstimate, prefix: string) {
    const found = e.lines.filter((l) => l.item.startsWith(prefix));
    assert.strictEqual(found.length, 1, `one line starting "${prefix}" in: ${e.lines.map((l) => l.item).join(" | ")}`);
    return found[0];
}

function close(actual: number, expected: number, what: string): void {
    assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: expected ${expected}, got ${actual}`);
}

describe("cost estimate", () => {
    describe("arithmetic on a small stack with known prices", () => {
        const e = estimateCost(smallStack(), PRICES);

        it("prices every billable item, idle at the pool minimum and ceiling at its maximum", () => {
            const expected: [string, number, number][] = [
                ["GKE cluster management fee", 10, 10], // 0.1 x 100 h
                ["GKE free tier credit", -7.5, -7.5], // capped at the credit
                ["node pool user: m-small", 50, 150], // 1 and 3 nodes x 0.5 x 100 h
                ["node pool user: boot disks", 2, 6], // 20 and 60 GB x 0.1
                ["Cloud NAT gateway", 0.2, 0.6], // 1 and 3 VMs x 0.002 x 100 h
                ["Cloud NAT external IPs", 1, 1], // 1 IP x 0.01 x 100 h
                ["load balancer forwarding rules", 3, 3], // 0.03 x 100 h
                ["static external IP ip (in use", 1, 1], // in-use price: the LB uses it
                ["disk homes: 100 GB pd-ssd", 20, 20], // 100 GB x 0.2
                ["snapshots of homes", 6, 6], // 100 GB x (1 + 0.02 x 10) x 0.05
            ];
            for (const [prefix, idle, ceiling] of expected) {
                const l = lineOf(e, prefix);
                close(l.idle, idle, `${prefix} idle`);
                close(l.ceiling, ceiling, `${prefix} ceiling`);
            }
            assert.strictEqual(e.lines.length, expected.length, e.lines.map((l) => l.item).join(" | "));
            assert.strictEqual(SNAPSHOT_DAILY_CHANGE_RATE, 0.02);
        });

        it("sums the lines into the idle floor and the ceiling", () => {
            close(e.idleTotal, 10 - 7.5 + 50 + 2 + 0.2 + 1 + 3 + 1 + 20 + 6, "idle total");
            close(e.ceilingTotal, 10 - 7.5 + 150 + 6 + 0.6 + 1 + 3 + 1 + 20 + 6, "ceiling total");
            assert.ok(e.applicable);
        });

        it("prices the static IP as an unused reservation when no load balancer uses it", () => {
            const r = smallStack();
            const noIngress = { ...r, resources: r.resources.filter((x) => x.type !== EDGE) };
            const e2 = estimateCost(noIngress, PRICES);
            assert.ok(!e2.lines.some((l) => l.item.startsWith("load balancer")), "no LB line without the edge's load balancer");
            close(lineOf(e2, "static external IP").idle, 2, "unused static IP");
        });

        it("counts a regional pool per zone: nodeLocations, else the region's three zones", () => {
            const regional = estimateCost(smallStack({ pool: pool("user", "us-central1", { machineType: "m-small", diskSizeGb: 20 }, 1, 2) }), PRICES);
            const nodes = lineOf(regional, "node pool user: m-small");
            assert.deepStrictEqual(nodes.quantity, { idle: 3, ceiling: 6 });
            assert.match(nodes.note ?? "", /3 default zones, assumed/);
            const two = estimateCost(
                smallStack({ pool: pool("user", "us-central1", { machineType: "m-small", diskSizeGb: 20 }, 1, 2, { nodeLocations: ["us-central1-a", "us-central1-b"] }) }),
                PRICES,
            );
            assert.deepStrictEqual(lineOf(two, "node pool user: m-small").quantity, { idle: 2, ceiling: 4 });
        });

        it("gives each node of a public cluster an external IP", () => {
            const r = smallStack();
            const pub = {
                ...r,
                resources: r.resources.map((x) => (x.type === "gcp:container/cluster:Cluster" ? { ...x, inputs: { name: "c", location: "us-central1-a" } } : x)),
            };
            const l = lineOf(estimateCost(pub, PRICES), "node external IPs");
            close(l.idle, 1, "1 node x 0.01 x 100 h");
            close(l.ceiling, 3, "3 nodes");
        });

        it("prices a PersistentVolumeClaim by its StorageClass, at least 10 GB, and skips pre-bound claims", () => {
            const pvc = (name: string, spec: Record<string, unknown>) =>
                res("kubernetes:core/v1:PersistentVolumeClaim", name, { metadata: { name }, spec: { resources: { requests: { storage: "1Gi" } }, ...spec } });
            const e2 = estimateCost(
                smallStack({ extra: [pvc("hub-db", {}), pvc("fast", { storageClassName: "premium-rwo", resources: { requests: { storage: "20Gi" } } }), pvc("homes", { volumeName: "jupyterhub-homes", storageClassName: "" })] }),
                PRICES,
            );
            close(lineOf(e2, "volume claim hub-db").idle, 1, "10 GB minimum x 0.1");
            close(lineOf(e2, "volume claim fast").idle, 4, "20 GB x pd-ssd 0.2");
            assert.ok(!e2.lines.some((l) => l.item.startsWith("volume claim homes")));
        });
    });

    describe("monitoring: samples, uptime checks, alert conditions, log-based metrics", () => {
        // A 100-hour month is 360,000 s: a 60 s scrape is 6,000 scrapes, a 60 s uptime check 6,000 executions per location.
        const monitoringStack = (extra: RenderedResource[]): Render => smallStack({ extra });
        const find = (e: CostEstimate, start: string) => {
            const l = e.lines.find((x) => x.item.startsWith(start));
            assert.ok(l, `no line starting "${start}" in ${e.lines.map((x) => x.item).join(" | ")}`);
            return l;
        };

        it("prices Prometheus samples from each job's assumed series and its scrape interval", () => {
            const e = estimateCost(monitoringStack([
                res("kubernetes:monitoring.googleapis.com/v1:PodMonitoring", "m-hub", { metadata: { name: "hub" }, spec: { endpoints: [{ interval: "60s" }] } }),
                res("kubernetes:monitoring.googleapis.com/v1:PodMonitoring", "m-certs", { metadata: { name: "cert-manager" }, spec: { endpoints: [{ interval: "2m" }] } }),
            ]), PRICES);
            const l = find(e, "Managed Service for Prometheus samples (2 scrape jobs)");
            // hub: 400 series x 6,000 scrapes = 2.4 M; cert-manager: 150 x 3,000 = 0.45 M.
            assert.strictEqual(l.quantity.idle, 2.85);
            assert.strictEqual(Math.round(l.idle * 1000) / 1000, 0.285);
            assert.match(l.note ?? "", /no free allotment/);
        });

        it("prices uptime executions per probe location and subtracts the free allotment, never below zero", () => {
            const check = res("gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig", "up", { period: "60s", selectedRegions: ["USA", "EUROPE", "ASIA_PACIFIC"] });
            const e = estimateCost(monitoringStack([check]), PRICES);
            // USA has three locations: 5 x 6,000 = 30,000 executions = 30 thousand at $0.5.
            assert.strictEqual(find(e, "uptime check executions").quantity.idle, 30);
            assert.strictEqual(find(e, "uptime check executions").idle, 15);
            assert.strictEqual(find(e, "uptime check free allotment").idle, -5, "10,000 free executions = 10 thousand");
            const small = estimateCost(monitoringStack([{ ...check, inputs: { period: "600s", selectedRegions: ["EUROPE"] } }]), PRICES);
            assert.strictEqual(find(small, "uptime check executions").idle + find(small, "uptime check free allotment").idle, 0, "600 executions: all free");
        });

        it("prices each alert condition per month and a log-based metric's points, less its free allotment", () => {
            const e = estimateCost(monitoringStack([
                res("gcp:monitoring/alertPolicy:AlertPolicy", "a1", { conditions: [{}, {}] }),
                res("gcp:monitoring/alertPolicy:AlertPolicy", "a2", { conditions: [{}] }),
                res("gcp:logging/metric:Metric", "errors", {}),
                res("gcp:monitoring/dashboard:Dashboard", "dash", {}),
                res("gcp:monitoring/notificationChannel:NotificationChannel", "mail", {}),
            ]), PRICES);
            assert.strictEqual(find(e, "alert policy conditions").idle, 6, "3 conditions x $2");
            // 6,000 points x 8 bytes = 48,000 bytes.
            const points = find(e, "log-based metric points");
            assert.strictEqual(points.quantity.idle, 48000 / 2 ** 20);
            assert.strictEqual(points.idle + find(e, "metric ingestion free allotment").idle, 0, "within the free MiB");
            assert.ok(!e.lines.some((l) => /dashboard|channel/i.test(l.item)), "dashboards and channels are free");
        });

        it("the real GKE stacks price the monitoring they declare", async () => {
            const e = estimateCost(await render("sandbox"), loadPrices());
            assert.ok(find(e, "Managed Service for Prometheus samples (4 scrape jobs)").idle > 0);
            assert.strictEqual(find(e, "alert policy conditions").quantity.idle, 8);
            assert.strictEqual(find(e, "uptime check executions").idle + find(e, "uptime check free allotment").idle, 0, "one check every minute from 5 locations is within the free million");
        });

        it("prices a Cloud DNS zone the stack creates, and nothing for a record in an existing zone", async () => {
            const created = estimateCost(await render("sandbox", set({ "ingress.createDnsZone": "true" })), loadPrices());
            const zone = find(created, "Cloud DNS managed zone sandbox.jupyterlabdemo.org.");
            assert.strictEqual(zone.idle, 0.2);
            const existing = estimateCost(await render("sandbox"), loadPrices());
            assert.ok(!existing.lines.some((l) => l.item.startsWith("Cloud DNS")), "the sandbox uses an existing zone");
        });
    });

    describe("unpriced items", () => {
        it("is an error naming a machine type the table lacks", () => {
            const r = smallStack({ pool: pool("user", "us-central1-a", { machineType: "c3-standard-4", diskSizeGb: 20 }, 0, 1) });
            assert.throws(() => estimateCost(r, PRICES), (e: Error) => e instanceof UnpricedError && /"c3-standard-4"/.test(e.message) && !e.message.includes("\n"));
        });

        it("is an error naming a disk type the table lacks", () => {
            const r = smallStack({ pool: pool("user", "us-central1-a", { machineType: "m-small", diskSizeGb: 20, diskType: "hyperdisk-balanced" }, 0, 1) });
            assert.throws(() => estimateCost(r, PRICES), (e: Error) => e instanceof UnpricedError && /"hyperdisk-balanced"/.test(e.message));
        });

        it("is an error naming a GCP resource type it does not know", () => {
            const r = smallStack({ extra: [res("gcp:sql/databaseInstance:DatabaseInstance", "db", { region: "us-central1" })] });
            assert.throws(() => estimateCost(r, PRICES), (e: Error) => e instanceof UnpricedError && e.message.includes("gcp:sql/databaseInstance:DatabaseInstance (db)"));
        });

        it("is an error for a region the table does not cover", () => {
            const r = smallStack();
            const moved = { ...r, resources: r.resources.map((x) => (x.type === "gcp:compute/address:Address" ? { ...x, inputs: { ...x.inputs, region: "europe-west1" } } : x)) };
            assert.throws(() => estimateCost(moved, PRICES), /no prices for region europe-west1/);
        });

        it("stops a stack whose user pool uses an unpriced machine type, naming it", async () => {
            const r = await render("sandbox", set({ "cluster.userPool.machineType": "c3-standard-4", "cluster.allowUnpricedMachineTypes": "true" }));
            assert.throws(() => estimateCost(r, loadPrices()), /no price for Spot machine type "c3-standard-4"/);
        });
    });

    describe("the real stacks", () => {
        const prices = loadPrices();

        it("the price table has a date and a source beside every group, and a price for every machine and disk type the stack files use", async () => {
            for (const [name, g] of Object.entries(prices.groups)) {
                assert.match(g.date, /^\d{4}-\d{2}-\d{2}$/, `${name}.date`);
                assert.ok(g.source.length > 20, `${name}.source`);
            }
            for (const stack of ["sandbox", "demo"]) {
                const e = estimateCost(await render(stack), prices);
                assert.ok(e.applicable && e.idleTotal > 0 && e.ceilingTotal > e.idleTotal, `${stack}: ${e.idleTotal} / ${e.ceilingTotal}`);
            }
            for (const disk of ["pd-standard", "pd-balanced", "pd-ssd"]) {
                assert.ok(prices.groups.disk.prices[disk] > 0, disk);
            }
        });

        it("scale-to-zero: one user node kept idle raises the idle floor by exactly one node's price", async () => {
            const zero = estimateCost(await render("sandbox"), prices);
            const one = estimateCost(await render("sandbox", set({ "cluster.userPool.minNodes": "1" })), prices);
            const H = prices.hoursPerMonth;
            // The sandbox user pool: e2-standard-4 Spot, 100 GB pd-balanced boot disk, behind Cloud NAT.
            const node = prices.groups.machineSpot.prices["e2-standard-4"] * H + 100 * prices.groups.disk.prices["pd-balanced"] + prices.groups.nat.prices["gateway-per-vm"] * H;
            close(one.idleTotal - zero.idleTotal, node, "idle floor change");
            close(one.ceilingTotal, zero.ceilingTotal, "ceiling unchanged");
            assert.strictEqual(lineOf(zero, "node pool gke-user-pool: e2-standard-4").idle, 0);
        });

        it("uses Spot prices for a Spot pool and on-demand prices otherwise", async () => {
            const sandbox = estimateCost(await render("sandbox"), prices);
            const user = lineOf(sandbox, "node pool gke-user-pool: e2-standard-4 (Spot)");
            close(user.unitPrice, prices.groups.machineSpot.prices["e2-standard-4"] * prices.hoursPerMonth, "Spot unit price");
            const core = lineOf(sandbox, "node pool gke-core-pool: e2-standard-2");
            close(core.unitPrice, prices.groups.machine.prices["e2-standard-2"] * prices.hoursPerMonth, "on-demand unit price");
            const synthetic = estimateCost(smallStack({ pool: pool("user", "us-central1-a", { machineType: "m-big", diskSizeGb: 20, spot: true }, 1, 1) }), PRICES);
            close(lineOf(synthetic, "node pool user: m-big (Spot)").idle, 40, "0.4 x 100 h");
        });

        it("finds the load balancer from the edge's declared Service, not from the chart: a renamed chart keeps the line, no LB drops it", async () => {
            const sandbox = await render("sandbox");
            const rule = prices.groups.network.prices["forwarding-rule"] * prices.hoursPerMonth;
            close(lineOf(estimateCost(sandbox, prices), "load balancer forwarding rules").idle, rule, "one forwarding rule");
            // Another controller's chart, under another name: the edge still declares its Service.
            const renamed: Render = {
                ...sandbox,
                resources: sandbox.resources.map((r) => (r.type === RELEASE && String(r.inputs.chart).includes("nginx") ? { ...r, name: "edge-other-controller", inputs: { ...r.inputs, chart: "oci://registry.example/charts/other-ingress" } } : r)),
            };
            close(lineOf(estimateCost(renamed, prices), "load balancer forwarding rules").idle, rule, "renamed chart");
            // The edge asks its chart for no LoadBalancer: no forwarding rule, and the static IP is unused.
            const none: Render = {
                ...sandbox,
                resources: sandbox.resources.map((r) => (r.type === EDGE ? { ...r, inputs: { ...r.inputs, [CHART_LOAD_BALANCERS_KEY]: [] } } : r)),
            };
            const e = estimateCost(none, prices);
            assert.ok(!e.lines.some((l) => l.item.startsWith("load balancer")), e.lines.map((l) => l.item).join(" | "));
            assert.ok(lineOf(e, "static external IP").item.includes("reserved, no load balancer uses it"));
        });

        it("keeps the edge's load balancer when the environment asks the SDK to drop component inputs (the render records them anyway)", async () => {
            process.env.PULUMI_NODEJS_SKIP_COMPONENT_INPUTS = "1";
            try {
                const fresh = await renderStack("sandbox");
                const rule = prices.groups.network.prices["forwarding-rule"] * prices.hoursPerMonth;
                close(lineOf(estimateCost(fresh, prices), "load balancer forwarding rules").idle, rule, "one forwarding rule");
            } finally {
                delete process.env.PULUMI_NODEJS_SKIP_COMPONENT_INPUTS;
            }
        });

        it("local: no GCP resources, deliberately $0 and says so", async () => {
            const e = estimateCost(await render("local"), prices);
            assert.strictEqual(e.applicable, false);
            assert.strictEqual(e.idleTotal, 0);
            assert.strictEqual(e.ceilingTotal, 0);
            assert.match(formatCost(e, prices), /not applicable: stack local declares no GCP resources/);
        });

        it("prints every line, the totals, and each price group's date", async () => {
            const text = formatCost(estimateCost(await render("sandbox"), prices), prices);
            assert.match(text, /node pool gke-core-pool: e2-standard-2 +1 +2 +\$48\.91\/node/);
            assert.match(text, /^idle floor: \$[0-9.,]+\/month {3}full scale: \$[0-9.,]+\/month$/m);
            for (const name of Object.keys(prices.groups)) assert.match(text, new RegExp(`^  ${name} \\(\\d{4}-\\d{2}-\\d{2}\\)`, "m"));
        });
    });

    describe("cost change of a pull request", () => {
        it("reports base, head and the difference for the idle floor and the ceiling", () => {
            const base = smallStack();
            const head = smallStack({ pool: pool("user", "us-central1-a", { machineType: "m-small", diskSizeGb: 20, diskType: "pd-balanced" }, 2, 3) });
            const change = costChange(base, head, PRICES);
            close(change.idle.delta, 50 + 2 + 0.2, "one more idle node, its disk and its NAT share");
            close(change.idle.head - change.idle.base, change.idle.delta, "delta = head - base");
            close(change.ceiling.delta, 0, "same maximum");
            const md = formatCostChange("small", change);
            assert.match(md, /\| idle floor \| \$[0-9.]+ \| \$[0-9.]+ \| \+\$52\.20 \|/);
            assert.match(md, /\| full scale \| .* \| ±\$0\.00 \|/);
        });
    });
});

/**
 * The monthly cost estimate of a stack, read from its offline render (never from the config):
 * what Google Cloud bills when nobody uses the platform (the idle floor: every pool at its minimum)
 * and at full scale (the ceiling: every pool at its maximum), line by line, from the pinned price
 * table `prices.json`. A billable item without a price is an error naming it, never a silent zero.
 *
 * The model, in full (docs/cost.md repeats it for readers):
 * - A month is `hoursPerMonth` (730) hours; list prices, no sustained-use or committed-use discount.
 * - Nodes: per pool, count x zones. A pool in a zone has that one zone; a pool in a region has its
 *   `nodeLocations` (pool, else cluster), else the region's 3 default zones (GKE's default).
 *   `spot` (or `preemptible`) pools use the Spot price. Each node has a boot disk of
 *   `diskSizeGb` of `diskType` (GKE default pd-balanced, 100 GB).
 * - Cluster: the management fee per cluster-hour. The GKE free tier credit ($74.40 per billing
 *   account per month) applies to one zonal or Autopilot cluster; it is shown as its own negative
 *   line, assuming no other zonal cluster of the billing account uses it.
 * - Disks (gcp:compute/disk:Disk): size x type price. PersistentVolumeClaims on a GKE stack
 *   without a pre-bound volume create a PD through the StorageClass (standard-rwo: pd-balanced,
 *   premium-rwo: pd-ssd, standard: pd-standard), at least 10 GB (the PD minimum).
 * - Snapshots: a snapshot schedule keeps `retention` daily snapshots; the first is a full copy and
 *   each later one holds the blocks changed that day, so storage ~ disk size x (1 + daily change
 *   rate x retention days), with a 2 % daily change rate (SNAPSHOT_DAILY_CHANGE_RATE). Counting the
 *   whole disk size as data is an upper bound (snapshots store used blocks only, compressed).
 *   Snapshots stored in a region use the regional price, otherwise (unset or a multi-region) the
 *   multi-regional price.
 * - Static IP (gcp:compute/address:Address, EXTERNAL): the in-use price when a load balancer
 *   uses it, the unused-reservation price when none does.
 * - Load balancer: one forwarding rule per LoadBalancer Service the stack declares, and one per
 *   LoadBalancer Service a component records that it has a chart create (its inputs'
 *   `chartLoadBalancers`, CHART_LOAD_BALANCERS_KEY in components/naming.ts: the edge's ingress
 *   controller Service). Data processing is not estimated.
 * - Cloud NAT (gcp:compute/routerNat:RouterNat): the gateway's per-VM-hour price for every node
 *   (capped at 32 VMs), plus one auto-allocated NAT IP. Data processing ($/GiB) is not estimated.
 * - Nodes without `privateClusterConfig.enablePrivateNodes` each hold an ephemeral external IP.
 * - Free resources (networks, subnets, routers, service accounts, IAM, DNS records) cost nothing
 *   here; any other GCP resource type is an error until it is priced or listed as free.
 */
import { quantityBytes } from "../../components/config";
import { CHART_LOAD_BALANCERS_KEY, ChartLoadBalancer, USER_DATA_LABEL } from "../../components/naming";
import { monitoringLines } from "./costMonitoring";
import { CostEstimate, CostLine, Inputs, line, num, obj, PriceTable, priceOf, resourcesOf, UnpricedError } from "./costPrices";
import { CostChange, costChangeTable, CostDelta } from "./costReport";
import { placeholderSources } from "./mocks";
import type { Render, RenderedResource } from "./render";

export { loadPrices, UnpricedError } from "./costPrices";
export type { CostEstimate, CostLine, PriceGroup, PriceGroupName, PriceTable } from "./costPrices";
export { formatCost, formatCostChange } from "./costReport";
export type { CostChange, CostDelta } from "./costReport";

/** Share of a disk's blocks that change per day, for the snapshot storage model. */
export const SNAPSHOT_DAILY_CHANGE_RATE = 0.02;
/** Zones of a regional cluster or pool without `nodeLocations` (GKE's default). */
const DEFAULT_ZONES_PER_REGION = 3;
/** Smallest zonal Persistent Disk; a smaller PVC is provisioned at this size. */
const MIN_PD_GB = 10;
/** Cloud NAT bills per VM up to this many VMs, then a flat maximum. */
const NAT_VM_CAP = 32;

/** GCP resource types the estimate prices (below and in costMonitoring.ts). */
const PRICED_GCP_TYPES: ReadonlySet<string> = new Set([
    "gcp:container/cluster:Cluster",
    "gcp:container/nodePool:NodePool",
    "gcp:compute/disk:Disk",
    "gcp:compute/resourcePolicy:ResourcePolicy",
    "gcp:compute/address:Address",
    "gcp:compute/routerNat:RouterNat",
    "gcp:dns/managedZone:ManagedZone",
    "gcp:monitoring/alertPolicy:AlertPolicy",
    "gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig",
    "gcp:logging/metric:Metric",
]);

/** GCP resource types that Google does not bill for by themselves. */
const FREE_GCP_TYPES = new Set([
    "gcp:compute/network:Network",
    "gcp:compute/subnetwork:Subnetwork",
    "gcp:compute/router:Router",
    "gcp:compute/firewall:Firewall",
    "gcp:compute/diskResourcePolicyAttachment:DiskResourcePolicyAttachment",
    "gcp:serviceaccount/account:Account",
    "gcp:serviceaccount/iAMMember:IAMMember",
    "gcp:serviceaccount/iAMBinding:IAMBinding",
    "gcp:projects/iAMMember:IAMMember",
    "gcp:projects/iAMBinding:IAMBinding",
    "gcp:projects/service:Service",
    "gcp:dns/recordSet:RecordSet",
    // Cloud Monitoring bills usage, not these objects: dashboards, notification channels and
    // budgets are free; alert conditions, uptime executions and metric samples are priced below.
    "gcp:monitoring/dashboard:Dashboard",
    "gcp:monitoring/notificationChannel:NotificationChannel",
    "gcp:billing/budget:Budget",
]);


/** GKE StorageClasses and the PD type each provisions. */
const STORAGE_CLASS_DISK: Readonly<Record<string, string>> = {
    "standard-rwo": "pd-balanced",
    "premium-rwo": "pd-ssd",
    standard: "pd-standard",
};


const ZONE_RE = /^[a-z]+-[a-z]+[0-9]+-[a-z]$/;

/** The region of a location (zone or region). */
function regionOf(location: string): string {
    return ZONE_RE.test(location) ? location.slice(0, location.lastIndexOf("-")) : location;
}

/** Zones a pool's nodes are spread over; `assumed` when the 3 default zones were assumed. */
function zonesOf(pool: Inputs, cluster: Inputs | undefined): { zones: number; assumed: boolean } {
    const location = String(pool.location ?? cluster?.location ?? "");
    if (ZONE_RE.test(location)) return { zones: 1, assumed: false };
    const listed = (Array.isArray(pool.nodeLocations) && pool.nodeLocations.length > 0 ? pool.nodeLocations : cluster?.nodeLocations) as unknown[] | undefined;
    if (Array.isArray(listed) && listed.length > 0) return { zones: listed.length, assumed: false };
    return { zones: DEFAULT_ZONES_PER_REGION, assumed: true };
}

/** Kubernetes quantity ("10Gi", "500G", "1Ti") in GiB; the quantities the config schema accepts. */
function quantityGb(q: string): number {
    try {
        return quantityBytes(q.trim()) / 2 ** 30;
    } catch {
        throw new UnpricedError(`cannot read storage size "${q}"`);
    }
}

/**
 * The LoadBalancer Services that components have a chart create, as they record them (the edge:
 * its ingress controller's): the chart's name and values are not read, so a renamed or replaced
 * chart keeps its load balancer in the estimate as long as the component declares it.
 */
function chartLoadBalancers(render: Render): ChartLoadBalancer[] {
    return render.resources.flatMap((r) => {
        const declared = r.inputs[CHART_LOAD_BALANCERS_KEY];
        return Array.isArray(declared) ? (declared as ChartLoadBalancer[]) : [];
    });
}

/**
 * The estimate of `render` with `prices`. Pure: same render and prices, same estimate.
 * Throws `UnpricedError` for a billable item the table lacks.
 */
export function estimateCost(render: Render, prices: PriceTable): CostEstimate {
    const H = prices.hoursPerMonth;
    const gcpResources = render.resources.filter((r) => r.custom && r.type.startsWith("gcp:"));
    const notes: string[] = [];

    if (gcpResources.length === 0) {
        return {
            stack: render.stack,
            applicable: false,
            lines: [],
            idleTotal: 0,
            ceilingTotal: 0,
            notes: [`stack ${render.stack} declares no GCP resources: Google Cloud bills nothing for it (the cost of the cluster it deploys onto is not estimated)`],
        };
    }

    // Refuse to estimate what the table cannot price: unknown types, other regions.
    for (const r of gcpResources) {
        if (!PRICED_GCP_TYPES.has(r.type) && !FREE_GCP_TYPES.has(r.type)) {
            throw new UnpricedError(`no price for resource type ${r.type} (${r.name}): price it in scripts/lib/cost.ts or list it as free`);
        }
        const where = r.inputs.region ?? r.inputs.location ?? r.inputs.zone;
        if (typeof where === "string" && !where.startsWith("${") && regionOf(where) !== prices.region) {
            throw new UnpricedError(`no prices for region ${regionOf(where)} (${r.type} ${r.name}): scripts/lib/prices.json covers ${prices.region} only`);
        }
    }

    const lines: CostLine[] = [];
    const clusters = resourcesOf(render, "gcp:container/cluster:Cluster");
    const clusterByName = new Map(clusters.map((c) => [String(c.inputs.name), c.inputs]));

    // Cluster management fee, and the free tier credit for one zonal cluster.
    const fee = priceOf(prices, "gke", "cluster-management-fee", "GKE item") * H;
    let zonalFees = 0;
    for (const c of clusters) {
        const zonal = ZONE_RE.test(String(c.inputs.location ?? ""));
        if (zonal) zonalFees += fee;
        lines.push(line(`GKE cluster management fee: ${String(c.inputs.name)} (${zonal ? "zonal" : "regional"})`, "cluster", 1, 1, fee));
    }
    if (zonalFees > 0) {
        const credit = Math.min(zonalFees, priceOf(prices, "gke", "free-tier-credit-per-month", "GKE item"));
        lines.push(line("GKE free tier credit (one zonal cluster per billing account)", "credit", 1, 1, -credit, "assumes no other zonal or Autopilot cluster of the billing account already uses it"));
    } else if (clusters.length > 0) {
        notes.push("GKE free tier credit: not applicable (it covers zonal and Autopilot clusters only)");
    }

    // Node pools: machines and boot disks.
    let idleNodes = 0;
    let ceilingNodes = 0;
    for (const p of resourcesOf(render, "gcp:container/nodePool:NodePool")) {
        const cluster = clusterByName.get(String(p.inputs.cluster));
        const nodeConfig = obj(p.inputs.nodeConfig);
        const autoscaling = obj(p.inputs.autoscaling);
        const fixed = num(p.inputs.nodeCount, num(p.inputs.initialNodeCount, 1));
        const min = num(autoscaling.minNodeCount, autoscaling.totalMinNodeCount !== undefined ? 0 : fixed);
        const max = num(autoscaling.maxNodeCount, fixed);
        const { zones, assumed } = zonesOf(p.inputs, cluster);
        const idleCount = min * zones;
        const ceilingCount = max * zones;
        idleNodes += idleCount;
        ceilingNodes += ceilingCount;
        const spot = nodeConfig.spot === true || nodeConfig.preemptible === true;
        const machineType = String(nodeConfig.machineType ?? "e2-medium");
        const hourly = priceOf(prices, spot ? "machineSpot" : "machine", machineType, spot ? "Spot machine type" : "machine type");
        const poolName = String(p.inputs.name ?? p.name);
        const zoneNote = zones > 1 ? `${min}-${max} per zone x ${zones} zones${assumed ? " (the region's 3 default zones, assumed)" : ""}` : undefined;
        lines.push(line(`node pool ${poolName}: ${machineType}${spot ? " (Spot)" : ""}`, "node", idleCount, ceilingCount, hourly * H, zoneNote));
        const diskType = String(nodeConfig.diskType ?? "pd-balanced");
        const diskGb = num(nodeConfig.diskSizeGb, 100);
        const perGb = priceOf(prices, "disk", diskType, "disk type");
        lines.push(line(`node pool ${poolName}: boot disks ${diskGb} GB ${diskType}`, "GB", idleCount * diskGb, ceilingCount * diskGb, perGb));
    }

    // Nodes with public IPs.
    const privateNodes = clusters.every((c) => obj(c.inputs.privateClusterConfig).enablePrivateNodes === true);
    if (clusters.length > 0 && !privateNodes && ceilingNodes > 0) {
        lines.push(line("node external IPs (nodes are not private)", "IP", idleNodes, ceilingNodes, priceOf(prices, "network", "vm-external-ip", "network item") * H));
    }

    // Cloud NAT: per VM using the gateway (every node), capped, plus its auto-allocated IP.
    const nats = resourcesOf(render, "gcp:compute/routerNat:RouterNat");
    for (const nat of nats) {
        const perVm = priceOf(prices, "nat", "gateway-per-vm", "Cloud NAT item");
        const cap = priceOf(prices, "nat", "gateway-max", "Cloud NAT item");
        const monthly = (vms: number): number => (vms > NAT_VM_CAP ? cap : vms * perVm) * H;
        lines.push({
            item: `Cloud NAT gateway ${String(nat.inputs.name ?? nat.name)} (per VM-hour only)`,
            unit: "VM",
            quantity: { idle: idleNodes, ceiling: ceilingNodes },
            unitPrice: perVm * H,
            idle: monthly(idleNodes),
            ceiling: monthly(ceilingNodes),
            note: `capped at ${NAT_VM_CAP} VMs; data processing not estimated`,
        });
        const ips = nat.inputs.natIpAllocateOption === "MANUAL_ONLY" && Array.isArray(nat.inputs.natIps) ? nat.inputs.natIps.length : 1;
        lines.push(line(`Cloud NAT external IPs ${String(nat.inputs.name ?? nat.name)}`, "IP", ips, ips, priceOf(prices, "nat", "nat-ip", "Cloud NAT item") * H, ips === 1 ? "AUTO_ONLY allocates at least one" : undefined));
    }
    if (nats.length > 0) {
        notes.push("Cloud NAT data processing ($0.045/GiB, e.g. image pulls from outside Google) is not included");
    }

    // Load balancer forwarding rules.
    const lbServices = resourcesOf(render, "kubernetes:core/v1:Service").filter((r) => obj(r.inputs.spec).type === "LoadBalancer").length;
    const forwardingRules = clusters.length > 0 ? lbServices + chartLoadBalancers(render).length : 0;
    if (forwardingRules > 0) {
        lines.push(line("load balancer forwarding rules (ingress controller Service)", "rule", forwardingRules, forwardingRules, priceOf(prices, "network", "forwarding-rule", "network item") * H, "data processing not estimated"));
    }

    // Static external IPs.
    for (const a of resourcesOf(render, "gcp:compute/address:Address")) {
        if (a.inputs.addressType === "INTERNAL") continue;
        const used = forwardingRules > 0;
        const item = used ? "static-ip-in-use" : "static-ip-unused";
        lines.push(line(`static external IP ${String(a.inputs.name ?? a.name)} (${used ? "in use by the load balancer" : "reserved, no load balancer uses it"})`, "IP", 1, 1, priceOf(prices, "network", item, "network item") * H));
    }

    // Cloud DNS zones the stack creates (a record in an existing zone costs nothing by itself).
    for (const z of resourcesOf(render, "gcp:dns/managedZone:ManagedZone")) {
        lines.push(line(`Cloud DNS managed zone ${String(z.inputs.dnsName ?? z.inputs.name ?? z.name)}`, "zone", 1, 1, priceOf(prices, "dns", "managed-zone", "dns item"), "queries not estimated ($0.40 per million)"));
    }

    // Persistent disks, and the snapshots of the schedules attached to them.
    const disks = resourcesOf(render, "gcp:compute/disk:Disk");
    for (const d of disks) {
        const type = String(d.inputs.type ?? "pd-standard");
        const size = num(d.inputs.size, 500);
        lines.push(line(`disk ${String(d.inputs.name ?? d.name)}: ${size} GB ${type}`, "GB", size, size, priceOf(prices, "disk", type, "disk type")));
    }
    for (const policy of resourcesOf(render, "gcp:compute/resourcePolicy:ResourcePolicy")) {
        const schedule = obj(policy.inputs.snapshotSchedulePolicy);
        if (Object.keys(schedule).length === 0) continue;
        const retention = num(obj(schedule.retentionPolicy).maxRetentionDays, 0);
        const locations = obj(schedule.snapshotProperties).storageLocations;
        const location = Array.isArray(locations) && locations.length > 0 ? String(locations[0]) : "";
        const regional = /^[a-z]+-[a-z]+[0-9]+$/.test(location);
        const perGb = priceOf(prices, "snapshot", regional ? "regional" : "multi-regional", "snapshot storage");
        for (const d of snapshottedDisks(policy, disks, render)) {
            const size = num(d.inputs.size, 500);
            const gb = size * (1 + SNAPSHOT_DAILY_CHANGE_RATE * retention);
            lines.push(line(
                `snapshots of ${String(d.inputs.name ?? d.name)}: ${retention} days kept, ${regional ? location : (location || "multi-region")}`,
                "GB",
                gb,
                gb,
                perGb,
                `${size} GB x (1 + ${SNAPSHOT_DAILY_CHANGE_RATE} x ${retention} days)`,
            ));
        }
    }

    // Persistent volume claims that GKE provisions as disks.
    if (clusters.length > 0) {
        for (const pvc of resourcesOf(render, "kubernetes:core/v1:PersistentVolumeClaim")) {
            const spec = obj(pvc.inputs.spec);
            if (spec.volumeName || spec.storageClassName === "") continue; // bound to an existing volume
            const cls = String(spec.storageClassName ?? "standard-rwo");
            const type = STORAGE_CLASS_DISK[cls];
            if (!type) throw new UnpricedError(`no price for StorageClass "${cls}" (PersistentVolumeClaim ${pvc.name}): map it to a disk type in scripts/lib/cost.ts`);
            const requested = quantityGb(String(obj(obj(spec.resources).requests).storage ?? "1Gi"));
            const gb = Math.max(MIN_PD_GB, Math.ceil(requested));
            const name = String(obj(pvc.inputs.metadata).name ?? pvc.name);
            lines.push(line(`volume claim ${name}: ${gb} GB ${type}`, "GB", gb, gb, priceOf(prices, "disk", type, "disk type"), requested < MIN_PD_GB ? `${requested} GB requested, ${MIN_PD_GB} GB minimum` : undefined));
        }
    }

    lines.push(...monitoringLines(render, prices, notes));

    notes.push(
        `list prices for ${prices.region}, ${H} hours a month, no sustained-use or committed-use discounts; network egress and logging are not included`,
    );
    return {
        stack: render.stack,
        applicable: true,
        lines,
        idleTotal: lines.reduce((s, l) => s + l.idle, 0),
        ceilingTotal: lines.reduce((s, l) => s + l.ceiling, 0),
        notes,
    };
}


/**
 * Disks a snapshot policy applies to: those listing it in `resourcePolicies`, or named by a
 * DiskResourcePolicyAttachment of it; failing any reference, the disks labelled as user data.
 */
function snapshottedDisks(policy: RenderedResource, disks: RenderedResource[], render: Render): RenderedResource[] {
    const refs = [String(policy.inputs.name ?? ""), policy.name].filter((s) => s.length > 0);
    const mentions = (v: unknown): boolean => {
        const text = JSON.stringify(v ?? "");
        return refs.some((ref) => text.includes(`"${ref}"`) || text.includes(`/${ref}"`)) || placeholderSources(text).some((n) => refs.includes(n));
    };
    const attached = render.resources
        .filter((r) => r.type === "gcp:compute/diskResourcePolicyAttachment:DiskResourcePolicyAttachment" && mentions(r.inputs.name))
        .map((r) => JSON.stringify(r.inputs.disk ?? ""));
    const found = disks.filter(
        (d) =>
            mentions(d.inputs.resourcePolicies) ||
            attached.some((a) => a.includes(`"${String(d.inputs.name)}"`) || placeholderSources(a).includes(d.name)),
    );
    if (found.length > 0) return found;
    return disks.filter((d) => obj(d.inputs.labels)[USER_DATA_LABEL.key] === USER_DATA_LABEL.value);
}

/** The monthly cost of `base` and `head` renders of one stack, and the difference. */
export function costChange(base: Render, head: Render, prices: PriceTable): CostChange {
    const b = estimateCost(base, prices);
    const h = estimateCost(head, prices);
    const d = (x: number, y: number): CostDelta => ({ base: x, head: y, delta: y - x });
    return { idle: d(b.idleTotal, h.idleTotal), ceiling: d(b.ceilingTotal, h.ceilingTotal) };
}

/**
 * The diff report's cost section: the monthly cost at base and head, idle and at full scale.
 * None for a stack without GCP resources (`local`). An unpriced item is reported in the section
 * instead of failing the whole review.
 */
export function costSection(base: Render, head: Render, prices: PriceTable): { title: string; lines: string[] } | undefined {
    const title = "Estimated monthly cost (USD, scripts/lib/prices.json)";
    try {
        const change = costChange(base, head, prices);
        if (change.idle.base === 0 && change.idle.head === 0 && change.ceiling.base === 0 && change.ceiling.head === 0) {
            return undefined;
        }
        return { title, lines: costChangeTable(change) };
    } catch (e) {
        if (e instanceof UnpricedError) {
            return { title, lines: [`cannot estimate: ${e.message}`] };
        }
        throw e;
    }
}


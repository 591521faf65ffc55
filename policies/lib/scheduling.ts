/**
 * A model of the Kubernetes scheduler's node filter, for the `pods-schedulable` rule: which node
 * pool, if any, admits a pod by its nodeSelector and the pool's taints, and whether that pool has
 * (or can get) a node. Pure: no Pulumi, no I/O; the rule builds the pools and pods from a stack.
 *
 * What the scheduler does (kubernetes.io "Taints and Tolerations", "Assigning Pods to Nodes"):
 * - a node is feasible when every `nodeSelector` entry equals one of the node's labels, and every
 *   taint with effect NoSchedule or NoExecute is tolerated by some toleration of the pod
 *   (PreferNoSchedule only lowers a score, it never keeps a pod off);
 * - a toleration tolerates a taint when the effects agree (an empty effect matches all) and the
 *   keys agree, with operator `Equal` (the default) also comparing values; operator `Exists` with
 *   an empty key tolerates every taint.
 * What GKE adds: the cluster autoscaler adds a node to a pool scaled to zero when a pending pod
 * fits that pool, so a pool whose minimum is 0 still hosts ordinary pods if it autoscales; GKE's
 * own Deployments (GKE_SYSTEM_PODS) are expected on nodes that exist, so they need a pool whose
 * minimum is at least 1. Nodes carry GKE's own labels besides the pool's (gkeNodeLabels).
 * Not modelled: affinity, topology spread, resources (capacity), pod priority.
 */

export type TaintEffect = "NoSchedule" | "PreferNoSchedule" | "NoExecute";

export interface Taint {
    readonly key: string;
    readonly value?: string;
    readonly effect: TaintEffect;
}

export interface Toleration {
    readonly key?: string;
    readonly operator?: string;
    readonly value?: string;
    readonly effect?: string;
}

/** A node pool as the scheduler sees its nodes. */
export interface PoolModel {
    /** The pool's name, for messages (e.g. `gke-core-pool`). */
    readonly name: string;
    /** Labels on every node of the pool, GKE's own included. */
    readonly labels: Readonly<Record<string, string>>;
    readonly taints: readonly Taint[];
    /** Nodes the pool always has (its autoscaling minimum, or its fixed size). */
    readonly minNodes: number;
    /** Nodes the pool may grow to. */
    readonly maxNodes: number;
    /** Whether the cluster autoscaler adds nodes on demand. */
    readonly autoscaling: boolean;
}

/** A pod (or every pod of one template) as the scheduler sees it. */
export interface PodModel {
    /** What a reviewer reads: `Deployment jupyterhub/hub`, `kube-system/kube-dns (GKE)`. */
    readonly name: string;
    readonly nodeSelector: Readonly<Record<string, string>>;
    readonly tolerations: readonly Toleration[];
    /** A GKE-managed pod: it needs a pool with at least one node at all times. */
    readonly system?: boolean;
    /** Where the pod's scheduling facts come from (a documentation link for GKE's own pods). */
    readonly source?: string;
}

/** True when toleration `t` tolerates `taint`. */
export function tolerates(t: Toleration, taint: Taint): boolean {
    if (t.effect && t.effect !== taint.effect) return false;
    const operator = t.operator ?? "Equal";
    if (operator === "Exists") return !t.key || t.key === taint.key;
    return t.key === taint.key && (t.value ?? "") === (taint.value ?? "");
}

/** The taints of `pool` that keep `pod` off: NoSchedule/NoExecute ones no toleration tolerates. */
function untoleratedTaints(pool: PoolModel, pod: PodModel): Taint[] {
    return pool.taints.filter((taint) => taint.effect !== "PreferNoSchedule" && !pod.tolerations.some((t) => tolerates(t, taint)));
}

/** The nodeSelector entries of `pod` that no node of `pool` carries. */
function unmatchedSelector(pool: PoolModel, pod: PodModel): string[] {
    return Object.entries(pod.nodeSelector)
        .filter(([k, v]) => pool.labels[k] !== v)
        .map(([k, v]) => `${k}=${v}`);
}

/** Why `pool` cannot run `pod`, or undefined when it can. */
export function rejection(pool: PoolModel, pod: PodModel): string | undefined {
    const taints = untoleratedTaints(pool, pod);
    const selector = unmatchedSelector(pool, pod);
    const reasons: string[] = [];
    if (taints.length > 0) reasons.push(`taint ${taints.map(formatTaint).join(", ")} not tolerated`);
    if (selector.length > 0) reasons.push(`no label ${selector.join(", ")}`);
    if (reasons.length === 0) {
        if (pod.system && pool.minNodes < 1) reasons.push("minimum 0 nodes (GKE's own pods need a node that always exists)");
        else if (pool.maxNodes < 1 || (pool.minNodes < 1 && !pool.autoscaling)) reasons.push("no nodes and no autoscaling");
    }
    return reasons.length > 0 ? reasons.join("; ") : undefined;
}

/** `key=value:Effect`, as kubectl prints a taint. */
function formatTaint(t: Taint): string {
    return `${t.key}${t.value ? `=${t.value}` : ""}:${t.effect}`;
}

export interface Unschedulable {
    readonly pod: PodModel;
    /** Per pool, why it does not admit the pod. */
    readonly rejections: readonly { pool: string; reason: string }[];
}

/** Every pod that no pool admits, with each pool's reason; [] when all schedule. */
export function unschedulable(pools: readonly PoolModel[], pods: readonly PodModel[]): Unschedulable[] {
    const out: Unschedulable[] = [];
    for (const pod of pods) {
        const rejections = pools.map((pool) => ({ pool: pool.name, reason: rejection(pool, pod) }));
        if (rejections.every((r) => r.reason !== undefined)) {
            out.push({ pod, rejections: rejections.map((r) => ({ pool: r.pool, reason: r.reason! })) });
        }
    }
    return out;
}

/** Why no pool admits a pod: each pool's reason, or that there is no pool. */
export function describeRejections(u: Unschedulable): string {
    return u.rejections.length === 0 ? "there is no node pool" : u.rejections.map((r) => `${r.pool}: ${r.reason}`).join("; ");
}

/** One line for an unschedulable pod: the pod and each pool's reason (its taints, its labels). */
function describeUnschedulable(u: Unschedulable): string {
    return `pod ${u.pod.name} fits no node pool (${describeRejections(u)}).`;
}

/**
 * One line per group of unschedulable pods that fail for the same reasons (GKE's system
 * Deployments share their tolerations, so one taint keeps them all off): the pods, then the reasons.
 */
export function describeUnschedulableGroup(group: readonly Unschedulable[]): string {
    if (group.length === 1) return describeUnschedulable(group[0]);
    return `pods ${group.map((u) => u.pod.name).join(", ")} fit no node pool (${describeRejections(group[0])}).`;
}

// ---------------------------------------------------------------------------------------------
// GKE

/** GKE's taint effects (node pool API enum) as Kubernetes writes them. */
const GKE_EFFECTS: Readonly<Record<string, TaintEffect>> = {
    NO_SCHEDULE: "NoSchedule",
    PREFER_NO_SCHEDULE: "PreferNoSchedule",
    NO_EXECUTE: "NoExecute",
};

/** A GKE taint effect (`NO_SCHEDULE`) or a Kubernetes one (`NoSchedule`) as Kubernetes writes it. */
export function taintEffect(effect: string): TaintEffect {
    return GKE_EFFECTS[effect] ?? (effect as TaintEffect);
}

/**
 * Labels GKE puts on every node besides the pool's own `nodeConfig.labels`
 * (https://cloud.google.com/kubernetes-engine/docs/concepts/node-pools#node-labels; the OS label is
 * Kubernetes' own well-known label, and Spot nodes carry `cloud.google.com/gke-spot`,
 * https://cloud.google.com/kubernetes-engine/docs/concepts/spot-vms#scheduling-workloads).
 */
export function gkeNodeLabels(poolName: string | undefined, spot: boolean): Record<string, string> {
    return {
        "kubernetes.io/os": "linux",
        ...(poolName ? { "cloud.google.com/gke-nodepool": poolName } : {}),
        ...(spot ? { "cloud.google.com/gke-spot": "true" } : {}),
    };
}

/** The tolerations every GKE-managed Deployment carries, and nothing more. */
const GKE_MANAGED_TOLERATIONS: readonly Toleration[] = [
    { key: "CriticalAddonsOnly", operator: "Exists" },
    { key: "components.gke.io/gke-managed-components", operator: "Exists" },
];

/**
 * GKE's own Deployments in kube-system on a Standard cluster. Each runs on Linux nodes and
 * tolerates only `CriticalAddonsOnly` (the Kubernetes add-on manifests) and
 * `components.gke.io/gke-managed-components` (the taint GKE recommends for a pool that should run
 * its managed components, https://cloud.google.com/kubernetes-engine/docs/how-to/isolate-workloads-dedicated-nodes),
 * so a cluster whose every pool carries another NoSchedule taint leaves them Pending, and cluster
 * DNS never starts. DaemonSets (fluentbit-gke,
 * gke-metadata-server, pdcsi-node, anetd, ...) tolerate every taint and are left out. `source`
 * is where each one's scheduling was checked.
 */
export const GKE_SYSTEM_PODS: readonly PodModel[] = [
    // kube-dns is Pending on GKE when every pool is tainted: kubernetes/kubernetes#57659.
    { name: "kube-system/kube-dns (GKE)", source: "https://github.com/kubernetes/kubernetes/issues/57659" },
    { name: "kube-system/kube-dns-autoscaler (GKE)", source: "https://github.com/kubernetes/kubernetes/blob/master/cluster/addons/dns-horizontal-autoscaler/dns-horizontal-autoscaler.yaml" },
    { name: "kube-system/konnectivity-agent (GKE)", source: "https://kubernetes.io/docs/tasks/extend-kubernetes/setup-konnectivity/" },
    { name: "kube-system/metrics-server (GKE)", source: "https://github.com/kubernetes/kubernetes/blob/master/cluster/addons/metrics-server/metrics-server-deployment.yaml" },
    // event-exporter-gke and kube-dns Pending on a GKE cluster with tainted pools: Neutrollized/free-tier-gke#6.
    { name: "kube-system/event-exporter-gke (GKE)", source: "https://github.com/Neutrollized/free-tier-gke/issues/6" },
].map((p) => ({ ...p, nodeSelector: { "kubernetes.io/os": "linux" }, tolerations: GKE_MANAGED_TOLERATIONS, system: true }));

// ---------------------------------------------------------------------------------------------
// Helm releases: the pods a chart makes from its values

type Values = Record<string, unknown>;

const obj = (v: unknown): Values => (v && typeof v === "object" && !Array.isArray(v) ? (v as Values) : {});
const strings = (v: unknown): Record<string, string> =>
    Object.fromEntries(Object.entries(obj(v)).filter(([, x]) => typeof x === "string")) as Record<string, string>;
const tolerationList = (v: unknown): Toleration[] => (Array.isArray(v) ? (v as Toleration[]) : []);

/**
 * The pods of a Helm release, by chart name (the last path segment of `chart`), from the values
 * the program passes merged over the chart's defaults that matter for scheduling. Undefined for a
 * chart this model does not know: the rule reports it, so the model grows with the program.
 */
export function helmReleasePods(chart: string, release: string, values: Values): PodModel[] | undefined {
    const name = chart.slice(chart.lastIndexOf("/") + 1);
    const model = CHART_PODS[name];
    return model?.(release, values);
}

const CHART_PODS: Readonly<Record<string, (release: string, values: Values) => PodModel[]>> = {
    // F5 NGINX Ingress Controller chart 2.6.x: one controller workload (Deployment or DaemonSet),
    // `controller.nodeSelector` (default none) and `controller.tolerations` (default []).
    "nginx-ingress": (release, values) => {
        const c = obj(values.controller);
        return [{ name: `nginx-ingress controller (release ${release})`, nodeSelector: strings(c.nodeSelector), tolerations: tolerationList(c.tolerations) }];
    },
    // cert-manager chart v1.21: the controller (top-level keys), webhook, cainjector and the
    // startupapicheck Job (each enabled by default). Every nodeSelector defaults to
    // `kubernetes.io/os: linux` and is merged with `global.nodeSelector`; a component's own wins.
    "cert-manager": (release, values) => {
        const global = strings(obj(values.global).nodeSelector);
        const pod = (component: string, v: Values): PodModel => ({
            name: `cert-manager ${component} (release ${release})`,
            nodeSelector: { "kubernetes.io/os": "linux", ...global, ...strings(v.nodeSelector) },
            tolerations: tolerationList(v.tolerations),
        });
        const parts: PodModel[] = [pod("controller", values), pod("webhook", obj(values.webhook))];
        for (const optional of ["cainjector", "startupapicheck"]) {
            const v = obj(values[optional]);
            if (v.enabled !== false) parts.push(pod(optional, v));
        }
        return parts;
    },
};

/** The chart names helmReleasePods knows. */
export const KNOWN_CHARTS: readonly string[] = Object.keys(CHART_PODS);

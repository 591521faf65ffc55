/**
 * pods-schedulable: every pod the stack makes has a node pool to run on.
 *
 * The node pools (labels, taints, autoscaling minimum and maximum; a cluster's default pool when it
 * keeps it) against every pod: the pod templates the program declares (every workload kind), the
 * pods of its Helm releases (from their values, see lib/scheduling.ts), the lab pods KubeSpawner
 * will start (from the hub's settings in its ConfigMap: `lab.nodeSelector`, `lab.tolerations`) and
 * GKE's own Deployments (GKE_SYSTEM_PODS). The scheduling model is lib/scheduling.ts. One violation
 * per pod that no pool admits, naming the pod and each pool's reason (its taints, its labels);
 * pods failing on the same resource for the same reasons (GKE's system Deployments) share one.
 * Not applicable to a stack without GKE node pools (`local`: an existing cluster whose nodes the
 * program does not know).
 */
import * as gcp from "../components/sdk/gcp";
import { PolicyConfigSchema, PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { HUB_NAMES, HUB_SETTINGS_KEY } from "../components/hub/index";
import { configOf, known, workloadOf } from "./lib/policy";
import {
    describeRejections,
    describeUnschedulableGroup,
    GKE_SYSTEM_PODS,
    gkeNodeLabels,
    helmReleasePods,
    KNOWN_CHARTS,
    PodModel,
    PoolModel,
    Taint,
    taintEffect,
    Toleration,
    Unschedulable,
    unschedulable,
} from "./lib/scheduling";

export interface PodsSchedulableConfig {
    /** metadata.name of the hub's settings ConfigMap. */
    readonly configMap: string;
    /** Key of the JSON settings in it; the lab pods' placement is at `lab.nodeSelector`/`lab.tolerations`. */
    readonly settingsKey: string;
}

const PODS_SCHEDULABLE_DEFAULTS: PodsSchedulableConfig = { configMap: HUB_NAMES.configMap, settingsKey: HUB_SETTINGS_KEY };

const configSchema: PolicyConfigSchema = {
    properties: {
        configMap: { type: "string", default: PODS_SCHEDULABLE_DEFAULTS.configMap, description: "metadata.name of the hub's settings ConfigMap." },
        settingsKey: { type: "string", default: PODS_SCHEDULABLE_DEFAULTS.settingsKey, description: "Key of the hub's JSON settings in that ConfigMap." },
    },
};

const HELM_TYPES = ["kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Chart"];

type Props = Record<string, unknown>;

function num(v: unknown): number | undefined {
    return typeof v === "number" ? v : undefined;
}

interface NodeConfig {
    labels?: Record<string, string>;
    taints?: { key: string; value?: string; effect: string }[];
    spot?: boolean;
    preemptible?: boolean;
}

function poolOf(name: string, gkeName: string | undefined, node: NodeConfig | undefined, size: { min: number; max: number; autoscaling: boolean }): PoolModel {
    const taints: Taint[] = (known(() => node?.taints) ?? []).map((t) => ({ key: t.key, value: t.value, effect: taintEffect(t.effect) }));
    return {
        name,
        labels: { ...gkeNodeLabels(gkeName, node?.spot === true), ...(known(() => node?.labels) ?? {}) },
        taints,
        minNodes: size.min,
        maxNodes: size.max,
        autoscaling: size.autoscaling,
    };
}

/** The pool of a `gcp.container.NodePool`'s inputs. */
function nodePoolModel(name: string, props: Props): PoolModel {
    const auto = (props.autoscaling ?? undefined) as Props | undefined;
    const fixed = num(known(() => props.nodeCount)) ?? num(known(() => props.initialNodeCount)) ?? 1;
    const min = auto ? (num(auto.minNodeCount) ?? num(auto.totalMinNodeCount) ?? 0) : fixed;
    const max = auto ? (num(auto.maxNodeCount) ?? num(auto.totalMaxNodeCount) ?? min) : fixed;
    const gkeName = known(() => props.name as string | undefined);
    return poolOf(name, gkeName, props.nodeConfig as NodeConfig | undefined, { min, max, autoscaling: !!auto });
}

/** The default pool of a cluster that keeps it; undefined when removed (or Autopilot). */
function defaultPoolModel(name: string, props: Props): PoolModel | undefined {
    if (props.removeDefaultNodePool === true || props.enableAutopilot === true) return undefined;
    const count = num(known(() => props.initialNodeCount)) ?? 1;
    return poolOf(`${name} (default pool)`, "default-pool", props.nodeConfig as NodeConfig | undefined, { min: count, max: count, autoscaling: false });
}

function podOf(name: string, spec: { nodeSelector?: unknown; tolerations?: unknown } | undefined): PodModel {
    const selector = known(() => spec?.nodeSelector);
    const tolerations = known(() => spec?.tolerations);
    return {
        name,
        nodeSelector: selector && typeof selector === "object" ? (selector as Record<string, string>) : {},
        tolerations: Array.isArray(tolerations) ? (tolerations as Toleration[]) : [],
    };
}

export const podsSchedulable: StackValidationPolicy = {
    name: "pods-schedulable",
    description:
        "Every pod (declared workloads, Helm releases' pods, lab pods, GKE's own Deployments) fits some node pool by its nodeSelector and tolerations, and that pool has or can get a node.",
    enforcementLevel: "mandatory",
    configSchema,
    validateStack: (args, reportViolation) => {
        const cfg = configOf(args, PODS_SCHEDULABLE_DEFAULTS);
        const pools: PoolModel[] = [];
        const clusters: PolicyResource[] = [];
        for (const r of args.resources) {
            if (r.isType(gcp.container.NodePool)) pools.push(nodePoolModel(r.name, r.props));
            if (r.isType(gcp.container.Cluster)) {
                clusters.push(r);
                const pool = defaultPoolModel(r.name, r.props);
                if (pool) pools.push(pool);
            }
        }
        if (clusters.length === 0) {
            args.notApplicable("the stack declares no GKE cluster: its nodes are not the program's");
        }

        // Each pod with the resource a finding is reported on.
        const pods: { pod: PodModel; urn: string }[] = [];
        for (const r of args.resources) {
            const w = workloadOf(r.type, r.props);
            if (w) {
                const ns = w.metadata.namespace ? `${w.metadata.namespace}/` : "";
                pods.push({ pod: podOf(`${w.kind} ${ns}${w.metadata.name ?? r.name}`, w.pod as { nodeSelector?: unknown; tolerations?: unknown }), urn: r.urn });
                continue;
            }
            if (HELM_TYPES.includes(r.type)) {
                const chart = String(known(() => r.props.chart) ?? "");
                const values = (known(() => r.props.values) ?? {}) as Props;
                const release = String(known(() => r.props.name) ?? r.name);
                const chartPods = helmReleasePods(chart, release, values);
                if (!chartPods) {
                    reportViolation(
                        `Helm release ${release}: the scheduling model does not know the pods of chart "${chart}" (knows: ${KNOWN_CHARTS.join(", ")}); add it to policies/lib/scheduling.ts.`,
                        r.urn,
                    );
                    continue;
                }
                chartPods.forEach((pod) => pods.push({ pod, urn: r.urn }));
                continue;
            }
            if (r.type === "kubernetes:core/v1:ConfigMap") {
                const metadata = (r.props.metadata ?? {}) as { name?: string };
                if (metadata.name !== cfg.configMap) continue;
                const text = known(() => (r.props.data as Record<string, string> | undefined)?.[cfg.settingsKey]);
                let lab: { nodeSelector?: unknown; tolerations?: unknown } | undefined;
                try {
                    lab = (JSON.parse(String(text)) as { lab?: typeof lab }).lab;
                } catch {
                    lab = undefined;
                }
                if (!lab) {
                    reportViolation(`ConfigMap ${cfg.configMap} has no JSON "lab" section under data["${cfg.settingsKey}"]: the lab pods' placement cannot be checked.`, r.urn);
                    continue;
                }
                pods.push({ pod: podOf("lab pods (KubeSpawner, from the hub's settings)", lab), urn: r.urn });
            }
        }
        for (const pod of GKE_SYSTEM_PODS) pods.push({ pod, urn: clusters[0].urn });

        // Pods reported on the same resource for the same reasons make one line.
        const groups = new Map<string, { urn: string; members: Unschedulable[] }>();
        for (const u of unschedulable(pools, pods.map((p) => p.pod))) {
            const urn = pods.find((p) => p.pod === u.pod)!.urn;
            const key = `${urn}\u0000${describeRejections(u)}`;
            if (!groups.has(key)) groups.set(key, { urn, members: [] });
            groups.get(key)!.members.push(u);
        }
        for (const { urn, members } of groups.values()) reportViolation(describeUnschedulableGroup(members), urn);
    },
};

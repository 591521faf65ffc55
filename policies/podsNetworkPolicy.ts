/**
 * k8s-pods-network-policy (stack): every pod the program declares is selected by at least one
 * NetworkPolicy of its namespace, so no pod is left open to the whole cluster by omission.
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { peek, Peeked, UNKNOWN, workloadOf } from "./lib/policy";

const NETWORK_POLICY_TYPE = "kubernetes:networking.k8s.io/v1:NetworkPolicy";

export interface LabelSelector {
    matchLabels?: Record<string, string>;
    matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** True when `selector` selects a pod labelled `labels` (Kubernetes label-selector semantics). */
export function selects(selector: LabelSelector | undefined, labels: Record<string, string>): boolean {
    for (const [k, v] of Object.entries(selector?.matchLabels ?? {})) {
        if (labels[k] !== v) return false;
    }
    for (const e of selector?.matchExpressions ?? []) {
        const has = Object.prototype.hasOwnProperty.call(labels, e.key);
        const inValues = has && (e.values ?? []).includes(labels[e.key]);
        const ok =
            e.operator === "In" ? inValues
            : e.operator === "NotIn" ? !inValues
            : e.operator === "Exists" ? has
            : e.operator === "DoesNotExist" ? !has
            : false;
        if (!ok) return false;
    }
    return true;
}

/** A namespace, or UNKNOWN when it is known only after deployment (then it matches any). */
function namespaceOf(metadata: unknown): string | typeof UNKNOWN {
    const ns = peek(() => (metadata as { namespace?: string } | undefined)?.namespace);
    return ns === UNKNOWN ? UNKNOWN : (ns ?? "default");
}

export const podsNetworkPolicy: StackValidationPolicy = {
    name: "k8s-pods-network-policy",
    description:
        "Every pod the program declares is selected by a NetworkPolicy of its namespace, so its allowed traffic is written down and everything else is denied.",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const policies = args.resources
            .filter((r) => r.type === NETWORK_POLICY_TYPE)
            .map((r): { namespace: string | typeof UNKNOWN; selector: Peeked<LabelSelector> } => ({
                namespace: namespaceOf(r.props.metadata),
                selector: peek(() => (r.props.spec as { podSelector?: LabelSelector } | undefined)?.podSelector),
            }));
        for (const r of args.resources) {
            const w = workloadOf(r.type, r.props);
            if (!w) continue;
            const namespace = namespaceOf(r.props.metadata);
            const covered = policies.some(
                (p) =>
                    (p.namespace === UNKNOWN || namespace === UNKNOWN || p.namespace === namespace) &&
                    (p.selector === UNKNOWN || selects(p.selector, w.podLabels)),
            );
            if (!covered) {
                const labels = Object.entries(w.podLabels).map(([k, v]) => `${k}=${v}`).join(",") || "no labels";
                reportViolation(
                    `${w.kind} ${namespace === UNKNOWN ? "" : `${namespace}/`}${w.metadata.name ?? r.name}: no NetworkPolicy selects its pods (${labels}).`,
                    r.urn,
                );
            }
        }
    },
};

/**
 * k8s-network-policy-not-allow-all: no NetworkPolicy rule admits every peer on every port. Such a
 * rule makes the policy's default deny meaningless while the pods still look "selected by a
 * NetworkPolicy" to k8s-pods-network-policy. A rule is allow-all when it names no ports and its
 * peers include everyone: no `from`/`to` at all, an empty peer `{}`, `namespaceSelector: {}` with
 * no pod restriction (every pod of every namespace), or `ipBlock 0.0.0.0/0` with no exception.
 * Rules that name ports stay allowed (the ingress controller takes 80/443 from anywhere).
 */
import * as k8s from "../components/sdk/kubernetes";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { namespacedRef } from "./lib/policy";

interface Selector {
    matchLabels?: Record<string, string>;
    matchExpressions?: unknown[];
}
interface Peer {
    podSelector?: Selector;
    namespaceSelector?: Selector;
    ipBlock?: { cidr?: string; except?: string[] };
}
interface Rule {
    from?: Peer[];
    to?: Peer[];
    ports?: unknown[];
}

/** True when a label selector selects everything (`{}`: no labels, no expressions). */
function selectsAll(s: Selector | undefined): boolean {
    return s !== undefined && Object.keys(s.matchLabels ?? {}).length === 0 && (s.matchExpressions ?? []).length === 0;
}

/** Why `peer` stands for every address or pod, or undefined when it restricts. */
function allPeer(peer: Peer): string | undefined {
    if (peer.ipBlock) {
        const all = (peer.ipBlock.cidr === "0.0.0.0/0" || peer.ipBlock.cidr === "::/0") && (peer.ipBlock.except ?? []).length === 0;
        return all ? `ipBlock ${peer.ipBlock.cidr} with no except` : undefined;
    }
    if (peer.podSelector === undefined && peer.namespaceSelector === undefined) return "an empty peer {}";
    if (selectsAll(peer.namespaceSelector) && (peer.podSelector === undefined || selectsAll(peer.podSelector))) {
        return "namespaceSelector {} without a pod restriction (every pod of every namespace)";
    }
    return undefined;
}

/** Why `rule` admits everyone on every port, or undefined. */
function allowAllReason(rule: Rule, peers: Peer[] | undefined): string | undefined {
    if ((rule.ports ?? []).length > 0) return undefined;
    if (peers === undefined || peers.length === 0) return "no peers (everyone)";
    return peers.map(allPeer).find((r) => r !== undefined);
}

export const networkPolicyNotAllowAll: ResourceValidationPolicy = {
    name: "k8s-network-policy-not-allow-all",
    description:
        "No NetworkPolicy rule admits every peer on every port, so a policy that selects a pod really restricts it.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(k8s.networking.v1.NetworkPolicy, (policy, args, reportViolation) => {
        const ref = namespacedRef(policy.metadata, args.name);
        const spec = policy.spec as { ingress?: Rule[]; egress?: Rule[] } | undefined;
        for (const [direction, rules, key] of [["ingress", spec?.ingress, "from"], ["egress", spec?.egress, "to"]] as const) {
            (rules ?? []).forEach((rule, i) => {
                const reason = allowAllReason(rule, rule[key]);
                if (reason) {
                    reportViolation(`NetworkPolicy ${ref} ${direction}[${i}] allows every peer on every port (${reason}): name the peers or the ports.`);
                }
            });
        }
    }),
};

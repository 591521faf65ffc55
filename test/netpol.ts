/**
 * A small NetworkPolicy evaluator for tests: is a connection allowed by a set of rendered
 * NetworkPolicies? Follows Kubernetes semantics: a pod selected by no policy of a direction is
 * open in that direction; otherwise some rule of a selecting policy must admit the peer and the
 * port. Both the source's egress and the destination's ingress must allow the connection.
 * ipBlock matches by address (also pod addresses: the stricter reading for "forbidden" checks).
 */
import { addressInCidr } from "../components/cidr";
import { INGRESS_CONTROLLER_POD_LABELS, INGRESS_NAMESPACE } from "../components/ingress";
import { NETWORK_ACCESS_LABELS, selectorLabels } from "../components/naming";
import type { Manifest } from "./mocks";

export interface Endpoint {
    /** Namespace of a pod; absent for an address outside the cluster's pods (a node, the internet). */
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
    readonly ip: string;
}

/** A pod of `component` of `stack` in the hub's namespace, at `ip`. */
export function hubPod(component: string, ip: string, stack = "sandbox"): Endpoint {
    return { namespace: "jupyterhub", labels: selectorLabels(stack, component), ip };
}

/** An ingress-controller pod as the chart labels it, plus the access label the edge's values add. */
export const ingressController: Endpoint = {
    namespace: INGRESS_NAMESPACE,
    labels: { ...INGRESS_CONTROLLER_POD_LABELS, [NETWORK_ACCESS_LABELS.proxyHttp]: "true" },
    ip: "10.16.0.40",
};

type Selector = { matchLabels?: Record<string, string> };
type Peer = { podSelector?: Selector; namespaceSelector?: Selector; ipBlock?: { cidr: string; except?: string[] } };
type Rule = { from?: Peer[]; to?: Peer[]; ports?: { port?: number; protocol?: string }[] };


function matches(selector: Selector | undefined, labels: Record<string, string> | undefined): boolean {
    return Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels?.[k] === v);
}

function peerMatches(peer: Peer, policyNamespace: string, e: Endpoint): boolean {
    if (peer.ipBlock) {
        return addressInCidr(e.ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((x) => addressInCidr(e.ip, x));
    }
    if (e.namespace === undefined) {
        return false;
    }
    const nsOk = peer.namespaceSelector
        ? matches(peer.namespaceSelector, { "kubernetes.io/metadata.name": e.namespace })
        : e.namespace === policyNamespace;
    const podOk = peer.podSelector ? matches(peer.podSelector, e.labels) : true;
    return nsOk && podOk;
}

function ruleAdmits(rule: Rule, peers: Peer[] | undefined, ns: string, peer: Endpoint, port: number, protocol: string): boolean {
    const peerOk = !peers || peers.length === 0 || peers.some((p) => peerMatches(p, ns, peer));
    const portOk = !rule.ports || rule.ports.length === 0 || rule.ports.some((p) => (p.port === undefined || p.port === port) && (p.protocol ?? "TCP") === protocol);
    return peerOk && portOk;
}

function directionAllows(policies: Manifest[], self: Endpoint, peer: Endpoint, dir: "Ingress" | "Egress", port: number, protocol: string): boolean {
    if (self.namespace === undefined) {
        return true;
    }
    const selecting = policies.filter(
        (p) =>
            (p.metadata.namespace ?? "default") === self.namespace &&
            matches(p.spec.podSelector, self.labels) &&
            (p.spec.policyTypes ?? ["Ingress"]).includes(dir),
    );
    if (selecting.length === 0) {
        return true;
    }
    return selecting.some((p) =>
        ((dir === "Ingress" ? p.spec.ingress : p.spec.egress) ?? []).some((r: Rule) =>
            ruleAdmits(r, dir === "Ingress" ? r.from : r.to, self.namespace!, peer, port, protocol),
        ),
    );
}

/** True when `policies` let `src` open a connection to `dst` on `port`/`protocol`. */
export function allowed(policies: Manifest[], src: Endpoint, dst: Endpoint, port: number, protocol = "TCP"): boolean {
    return directionAllows(policies, src, dst, "Egress", port, protocol) && directionAllows(policies, dst, src, "Ingress", port, protocol);
}

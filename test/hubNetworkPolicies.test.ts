/**
 * The hub's and the proxy's NetworkPolicies, declared by the hub component (components/hub/): the
 * proxy admits the edge's controller by z2jh's access label, and names nothing else of the edge.
 */
import * as assert from "assert";
import { INGRESS_CONTROLLER_POD_LABELS, INGRESS_NAMESPACE, INGRESS_RELEASE } from "../components/ingress";
import { NETWORK_ACCESS_LABELS, selectorLabels } from "../components/naming";
import { k8s, k8sOf, render, resource } from "./mocks";
import { allowed, Endpoint, hubPod, ingressController } from "./netpol";

describe("hub: the proxy's NetworkPolicy", () => {
    const hub = hubPod("hub", "10.16.0.20");
    const proxy = hubPod("proxy", "10.16.0.21");
    const lab = hubPod("lab", "10.16.1.10");
    const access = { [NETWORK_ACCESS_LABELS.proxyHttp]: "true" };
    // The controller's pods as the chart labels them, plus the access label the edge adds.
    const controller = ingressController;
    // The chart's labels without the access label: the proxy does not know the controller's own labels.
    const unlabelled: Endpoint = { namespace: INGRESS_NAMESPACE, labels: { ...INGRESS_CONTROLLER_POD_LABELS }, ip: "10.16.0.41" };
    // Another controller in another namespace: the access label is the whole grant (z2jh's `accept`).
    const otherController: Endpoint = { namespace: "ingress-other", labels: { app: "other", ...access }, ip: "10.16.3.40" };

    it("is the hub component's: API only from the hub, the public port only from pods with the access label", async () => {
        const r = await render("sandbox");
        for (const policy of ["hub-netpol-hub", "hub-netpol-proxy"]) {
            assert.strictEqual(resource(r, "kubernetes:networking.k8s.io/v1:NetworkPolicy", policy).parent, "hub", policy);
        }
        const policies = k8sOf(r, "NetworkPolicy");
        assert.ok(allowed(policies, hub, proxy, 8001));
        assert.ok(allowed(policies, controller, proxy, 8000));
        assert.ok(allowed(policies, otherController, proxy, 8000), "the access label, from another namespace");
        assert.ok(!allowed(policies, unlabelled, proxy, 8000), "the controller's chart labels without the access label");
        assert.ok(!allowed(policies, controller, proxy, 8001), "ingress controller to the proxy API");
        assert.ok(!allowed(policies, lab, proxy, 8001), "lab to the proxy API");
        assert.ok(!allowed(policies, lab, proxy, 8000), "lab to the public port");
    });

    it("has no gap while a stack deployed with the previous label is updated, whichever of the policy and the controller's rollout lands first", async () => {
        const policies = k8sOf(await render("sandbox"), "NetworkPolicy");
        const previous = { [NETWORK_ACCESS_LABELS.proxyHttpPrevious]: "true" };
        // The running controller's pods before the update carry only the previous label.
        const oldController: Endpoint = { namespace: INGRESS_NAMESPACE, labels: { ...INGRESS_CONTROLLER_POD_LABELS, ...previous }, ip: "10.16.0.42" };
        assert.ok(allowed(policies, oldController, proxy, 8000), "the new policy, the old controller pods");
        // The proxy's policy as deployed before the update (the lab component's, by namespace and
        // the previous label), and the new controller pods, as the edge now labels them.
        const oldPolicy = policies.find((p) => (p.metadata as { name: string }).name === "proxy")!;
        const before = {
            ...oldPolicy,
            spec: {
                podSelector: { matchLabels: selectorLabels("sandbox", "proxy") },
                policyTypes: ["Ingress"],
                ingress: [
                    { from: [{ podSelector: { matchLabels: selectorLabels("sandbox", "hub") } }], ports: [{ port: 8001, protocol: "TCP" }] },
                    {
                        from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": INGRESS_NAMESPACE } }, podSelector: { matchLabels: previous } }],
                        ports: [{ port: 8000, protocol: "TCP" }],
                    },
                ],
            },
        };
        const newController: Endpoint = { namespace: INGRESS_NAMESPACE, labels: { ...INGRESS_CONTROLLER_POD_LABELS, ...access, ...previous }, ip: "10.16.0.43" };
        const withOldPolicy = [...policies.filter((p) => p !== oldPolicy), before];
        assert.ok(allowed(withOldPolicy, newController, proxy, 8000), "the old policy, the new controller pods");
    });

    it("names nothing of the edge: neither its namespace nor its chart's labels", async () => {
        const policy = k8s(await render("sandbox"), "NetworkPolicy", "proxy");
        const text = JSON.stringify(policy.spec);
        for (const fact of [INGRESS_NAMESPACE, INGRESS_RELEASE, ...Object.values(INGRESS_CONTROLLER_POD_LABELS)]) {
            assert.ok(!text.includes(fact), fact);
        }
        assert.ok(!text.includes("kubernetes.io/metadata.name"), "no namespace by name");
    });
});

import * as assert from "assert";
import { podsNetworkPolicy, selects } from "../../policies/podsNetworkPolicy";
import { deployment, res, run } from "./harness";

const netpol = (name: string, namespace: string, podSelector: Record<string, unknown>) =>
    res("kubernetes:networking.k8s.io/v1:NetworkPolicy", `np-${name}`, { metadata: { name, namespace }, spec: { podSelector, policyTypes: ["Ingress"] } });

describe("policy k8s-pods-network-policy", () => {
    it("passes when every workload's pods are selected in their namespace", async () => {
        const vs = await run(podsNetworkPolicy, [
            deployment("hub"),
            deployment("proxy"),
            netpol("hub", "jupyterhub", { matchLabels: { "app.kubernetes.io/component": "hub" } }),
            netpol("proxy", "jupyterhub", { matchExpressions: [{ key: "app.kubernetes.io/component", operator: "In", values: ["proxy"] }] }),
        ]);
        assert.deepStrictEqual(vs, []);
    });

    it("fails a workload no policy selects, naming it (a policy in another namespace does not count)", async () => {
        const vs = await run(podsNetworkPolicy, [deployment("hub"), deployment("nfs-server"), netpol("hub", "jupyterhub", { matchLabels: { "app.kubernetes.io/component": "hub" } }), netpol("all", "other", {})]);
        assert.strictEqual(vs.length, 1);
        assert.strictEqual(vs[0].urn, "urn:pulumi:sandbox::jupyterlabdemo::kubernetes:apps/v1:Deployment::x-nfs-server");
        assert.match(vs[0].message, /Deployment jupyterhub\/nfs-server: no NetworkPolicy selects its pods/);
    });

    it("an empty podSelector selects every pod of its namespace", async () => {
        assert.deepStrictEqual(await run(podsNetworkPolicy, [deployment("hub"), netpol("default-deny", "jupyterhub", {})]), []);
    });

    it("implements label-selector operators", () => {
        const labels = { a: "1", b: "2" };
        assert.ok(selects({ matchExpressions: [{ key: "a", operator: "Exists" }, { key: "c", operator: "DoesNotExist" }, { key: "b", operator: "NotIn", values: ["3"] }] }, labels));
        assert.ok(!selects({ matchLabels: { a: "2" } }, labels));
        assert.ok(!selects({ matchExpressions: [{ key: "a", operator: "Bogus" }] }, labels));
    });
});

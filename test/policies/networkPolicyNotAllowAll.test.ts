import * as assert from "assert";
import { networkPolicyNotAllowAll } from "../../policies/networkPolicyNotAllowAll";
import { messages, res, run } from "./harness";

const netpol = (spec: Record<string, unknown>) =>
    res("kubernetes:networking.k8s.io/v1:NetworkPolicy", "np", { metadata: { name: "lab", namespace: "jupyterhub" }, spec: { podSelector: {}, ...spec } });
const check = async (spec: Record<string, unknown>) => messages(await run(networkPolicyNotAllowAll, [netpol(spec)]));

describe("policy k8s-network-policy-not-allow-all", () => {
    it("passes rules that name their peers or their ports, and a default deny", async () => {
        assert.deepStrictEqual(await check({ policyTypes: ["Ingress", "Egress"] }), []);
        assert.deepStrictEqual(await check({ ingress: [{ from: [{ podSelector: { matchLabels: { a: "b" } } }] }] }), []);
        assert.deepStrictEqual(await check({ ingress: [{ ports: [{ port: 443 }] }] }), [], "anyone, on named ports");
        assert.deepStrictEqual(await check({ egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8"] } }] }] }), []);
        assert.deepStrictEqual(await check({ ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { a: "b" } } }] }] }), []);
        assert.deepStrictEqual(await check({ ingress: [{ from: [{ podSelector: {} }] }] }), [], "every pod of its own namespace only");
    });

    it("fails each form of allow-all, naming the policy, the rule and why", async () => {
        const cases: [Record<string, unknown>, string][] = [
            [{ ingress: [{}] }, "ingress[0] allows every peer on every port (no peers (everyone))"],
            [{ ingress: [{ from: [] }] }, "ingress[0] allows every peer on every port (no peers (everyone))"],
            [{ egress: [{ to: [{}] }] }, "egress[0] allows every peer on every port (an empty peer {})"],
            [{ ingress: [{ from: [{ namespaceSelector: {} }] }] }, "ingress[0] allows every peer on every port (namespaceSelector {} without a pod restriction (every pod of every namespace))"],
            [{ ingress: [{ from: [{ namespaceSelector: {}, podSelector: {} }] }] }, "ingress[0] allows every peer on every port (namespaceSelector {} without a pod restriction (every pod of every namespace))"],
            [{ egress: [{ to: [{ podSelector: { matchLabels: { a: "b" } } }] }, { to: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }] }, "egress[1] allows every peer on every port (ipBlock 0.0.0.0/0 with no except)"],
        ];
        for (const [spec, part] of cases) {
            assert.deepStrictEqual(await check(spec), [`NetworkPolicy jupyterhub/lab ${part}: name the peers or the ports.`], JSON.stringify(spec));
        }
    });
});

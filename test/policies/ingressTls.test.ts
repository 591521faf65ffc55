import * as assert from "assert";
import { ingressTls, tlsCovers } from "../../policies/ingressTls";
import { messages, res, run } from "./harness";

const ingress = (spec: Record<string, unknown>) => res("kubernetes:networking.k8s.io/v1:Ingress", "hub-ingress", { metadata: { name: "hub", namespace: "jupyterhub" }, spec });
const rule = (host?: string) => ({ host, http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "proxy-public", port: { name: "http" } } } }] } });

describe("policy k8s-ingress-tls", () => {
    it("passes an Ingress whose every host has TLS (exact or wildcard)", async () => {
        const spec = { rules: [rule("hub.example.org"), rule("api.example.org")], tls: [{ hosts: ["hub.example.org"], secretName: "hub-tls" }, { hosts: ["*.example.org"], secretName: "wild" }] };
        assert.deepStrictEqual(await run(ingressTls, [ingress(spec)]), []);
    });

    it("fails a host without TLS, a host-less rule, and an Ingress without TLS", async () => {
        const partial = { rules: [rule("hub.example.org"), rule("other.example.com"), rule()], tls: [{ hosts: ["hub.example.org"], secretName: "hub-tls" }] };
        assert.deepStrictEqual(messages(await run(ingressTls, [ingress(partial)])), [
            'host "other.example.com" is in no spec.tls[].hosts.',
            "a rule has no host: it serves every name, which no certificate can cover; set rule.host.",
        ]);
        assert.deepStrictEqual(messages(await run(ingressTls, [ingress({ rules: [rule("hub.example.org")] })])), ["the Ingress has no spec.tls entry."]);
    });

    it("wildcards cover one label only", () => {
        assert.ok(tlsCovers("*.example.org", "a.example.org"));
        assert.ok(!tlsCovers("*.example.org", "a.b.example.org"));
        assert.ok(!tlsCovers("*.example.org", "example.org"));
    });
});

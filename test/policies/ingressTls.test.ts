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

    it("fails nginx.org/ssl-redirect turned off; passes it on or left to the controller's default", async () => {
        const spec = { rules: [rule("hub.example.org")], tls: [{ hosts: ["hub.example.org"], secretName: "hub-tls" }] };
        const annotated = (value?: string) =>
            res("kubernetes:networking.k8s.io/v1:Ingress", "hub-ingress", {
                metadata: { name: "hub", namespace: "jupyterhub", annotations: value === undefined ? {} : { "nginx.org/ssl-redirect": value } },
                spec,
            });
        for (const value of ["false", "False", "0"]) {
            assert.deepStrictEqual(messages(await run(ingressTls, [annotated(value)])), [
                `annotation nginx.org/ssl-redirect: "${value}" serves the hub over plain HTTP too: set it to "true" (or leave it out).`,
            ]);
        }
        assert.deepStrictEqual(await run(ingressTls, [annotated("true")]), []);
        assert.deepStrictEqual(await run(ingressTls, [annotated()]), []);
    });
});

/**
 * How traffic passes the edge (components/ingress/) as the real stacks render it: the hub's
 * Ingress (route to the hub's Service, TLS, annotations, waits) and the NetworkPolicies of the
 * ingress controller's and cert-manager's namespaces.
 */
import * as assert from "assert";
import { CERT_MANAGER_NAMESPACE, HUB_TLS_SECRET, INGRESS_NAMESPACE, nginxIngressValues, oauthCallbackUrl } from "../components/ingress";
import { NETWORK_ACCESS_LABELS } from "../components/naming";
import { hostname, hubIngress, Values } from "./edgeFixtures";
import { k8s, k8sOf, Manifest, render, resource, set } from "./mocks";
import { allowed, Endpoint, hubPod, ingressController } from "./netpol";

describe("edge: the hub's Ingress", () => {
    for (const stack of ["sandbox", "demo", "local"]) {
        it(`${stack}: routes the hostname to proxy-public:http over TLS from the issuer`, async () => {
            const r = await render(stack);
            const ing = hubIngress(r);
            const host = hostname(r);
            assert.strictEqual(ing.metadata.namespace, "jupyterhub", "the hub namespace, beside proxy-public");
            assert.strictEqual(ing.spec.ingressClassName, "nginx");
            assert.deepStrictEqual(ing.spec.tls, [{ hosts: [host], secretName: HUB_TLS_SECRET }]);
            assert.strictEqual(HUB_TLS_SECRET, "hub-tls");
            assert.deepStrictEqual(ing.spec.rules, [
                {
                    host,
                    http: {
                        paths: [
                            {
                                path: "/",
                                pathType: "Prefix",
                                backend: { service: { name: "proxy-public", port: { name: "http" } } },
                            },
                        ],
                    },
                },
            ]);
            // The TLS host, the rule host and the public URL are one name.
            assert.strictEqual(ing.spec.tls[0].hosts[0], ing.spec.rules[0].host);
            assert.strictEqual(r.outputs.url, `https://${ing.spec.rules[0].host}/`);
            // The issuer named on the Ingress is the one declared.
            const issuerName = ing.metadata.annotations!["cert-manager.io/cluster-issuer"];
            assert.strictEqual(k8s(r, "ClusterIssuer", issuerName).metadata.name, issuerName);
        });
    }

    it("sandbox: HTTPS only with HSTS, websockets to proxy-public, hour-long timeouts, no buffering, the upload size from config", async () => {
        const r = await render("sandbox");
        assert.deepStrictEqual(hubIngress(r).metadata.annotations, {
            "cert-manager.io/cluster-issuer": "letsencrypt-staging",
            "acme.cert-manager.io/http01-edit-in-place": "true",
            "pulumi.com/patchForce": "true",
            "nginx.org/websocket-services": "proxy-public",
            "nginx.org/proxy-read-timeout": "3600s",
            "nginx.org/proxy-send-timeout": "3600s",
            "nginx.org/client-max-body-size": "512m",
            "nginx.org/proxy-buffering": "false",
            "nginx.org/ssl-redirect": "true",
            "nginx.org/hsts": "true",
            "nginx.org/hsts-max-age": "31536000",
        });
    });

    it("cert-manager's edit-in-place co-writes spec.rules: patchForce on the hub Ingress of ACME stacks, on no other object, never provider-wide", async () => {
        for (const stack of ["sandbox", "demo", "local"]) {
            const r = await render(stack);
            const forced = r.resources.filter((x) => JSON.stringify(x.inputs).includes('"pulumi.com/patchForce"'));
            const acme = stack !== "local";
            assert.deepStrictEqual(forced.map((x) => x.name), acme ? ["edge-hub-ingress"] : [], stack);
            const ann = hubIngress(r).metadata.annotations!;
            assert.strictEqual(ann["pulumi.com/patchForce"], acme ? "true" : undefined, stack);
            assert.strictEqual(ann["acme.cert-manager.io/http01-edit-in-place"], acme ? "true" : undefined, stack);
            for (const p of r.resources.filter((x) => x.type === "pulumi:providers:kubernetes")) {
                assert.ok(!p.inputs.enablePatchForce, `${stack}: provider ${p.name} forces every object`);
            }
        }
    });

    it("the websocket service named in the annotation is the backend's Service", async () => {
        for (const stack of ["sandbox", "local"]) {
            const ing = hubIngress(await render(stack));
            const backends = ing.spec.rules.flatMap((rule: any) => rule.http.paths.map((p: any) => p.backend.service.name)); // eslint-disable-line @typescript-eslint/no-explicit-any
            assert.deepStrictEqual(ing.metadata.annotations!["nginx.org/websocket-services"].split(","), [...new Set(backends)]);
        }
    });

    it("client-max-body-size follows ingress.maxBodySize (demo 1g; overridable)", async () => {
        assert.strictEqual(hubIngress(await render("demo")).metadata.annotations!["nginx.org/client-max-body-size"], "1g");
        const r = await render("demo", set({ "ingress.maxBodySize": "2g" }));
        assert.strictEqual(hubIngress(r).metadata.annotations!["nginx.org/client-max-body-size"], "2g");
    });

    it("every annotation value is a string, and booleans are the strings \"true\"/\"false\" (NIC rejects the Ingress otherwise)", async () => {
        for (const stack of ["sandbox", "demo", "local"]) {
            const annotations = hubIngress(await render(stack)).metadata.annotations!;
            for (const [key, value] of Object.entries(annotations)) {
                assert.strictEqual(typeof value, "string", `${stack}: ${key}`);
            }
            for (const key of ["nginx.org/proxy-buffering", "nginx.org/ssl-redirect", "nginx.org/hsts"]) {
                assert.match(annotations[key], /^(true|false)$/, `${stack}: ${key}`);
            }
            assert.match(annotations["nginx.org/proxy-read-timeout"], /^[0-9]+s$/);
        }
    });

    it("waits for the controller and the issuer; local NodePort skips Pulumi's wait for a load-balancer address", async () => {
        const r = await render("sandbox");
        assert.deepStrictEqual(resource(r, "kubernetes:networking.k8s.io/v1:Ingress", "edge-hub-ingress").dependsOn, [
            "edge-cluster-issuer",
            "edge-nginx-ingress",
        ]);
        assert.ok(!("pulumi.com/skipAwait" in hubIngress(r).metadata.annotations!));
        assert.strictEqual(hubIngress(await render("local")).metadata.annotations!["pulumi.com/skipAwait"], "true");
        const lb = await render("local", set({ "ingress.localServiceType": "LoadBalancer" }));
        assert.ok(!("pulumi.com/skipAwait" in hubIngress(lb).metadata.annotations!));
    });

    it("the hub's OAuth callback URL uses the same hostname over https", async () => {
        for (const stack of ["sandbox", "demo"]) {
            const r = await render(stack);
            const host = hostname(r);
            assert.strictEqual(oauthCallbackUrl(host), `https://${hubIngress(r).spec.rules[0].host}/hub/oauth_callback`);
        }
        // Wherever the hub component writes its callback URL into a resource, it must match.
        const r = await render("sandbox");
        const found = new Set<string>();
        for (const res of r.resources) {
            for (const m of JSON.stringify(res.inputs).matchAll(/[a-z]+:\/\/[^"\\\s]*\/hub\/oauth_callback/g)) {
                found.add(m[0]);
            }
        }
        assert.ok(found.size > 0, "the hub writes its callback URL into its settings");
        assert.deepStrictEqual([...found], [oauthCallbackUrl(hostname(r))]);
    });
});

describe("edge: NetworkPolicies of the ingress controller and cert-manager", () => {
    const cm = (component: string, ip: string): Endpoint => ({
        namespace: CERT_MANAGER_NAMESPACE,
        labels: { "app.kubernetes.io/instance": "cert-manager", "app.kubernetes.io/component": component, "app.kubernetes.io/name": component },
        ip,
    });
    // Pods as the charts label them (the controller also with the access label its values add).
    const controller = ingressController;
    const otherInIngressNs: Endpoint = { namespace: INGRESS_NAMESPACE, labels: { app: "debug" }, ip: "10.16.0.42" };
    const cmController = cm("controller", "10.16.0.50");
    const webhook = cm("webhook", "10.16.0.51");
    const cainjector = cm("cainjector", "10.16.0.52");
    const proxy = hubPod("proxy", "10.16.0.21");
    const hub = hubPod("hub", "10.16.0.20");
    const lab = hubPod("lab", "10.16.1.10");
    const solver: Endpoint = { namespace: "jupyterhub", labels: { "acme.cert-manager.io/http01-solver": "true" }, ip: "10.16.0.60" };
    const dns: Endpoint = { namespace: "kube-system", labels: { "k8s-app": "kube-dns" }, ip: "10.16.0.2" };
    const node: Endpoint = { ip: "10.10.0.5" };
    const client: Endpoint = { ip: "198.51.100.7" };
    const apiServer: Endpoint = { ip: "172.16.0.2" };
    const letsEncrypt: Endpoint = { ip: "172.65.32.248" };
    const metadata: Endpoint = { ip: "169.254.169.254" };

    let policies: Manifest[] = [];
    let local: Manifest[] = [];
    before(async () => {
        policies = k8sOf(await render("sandbox"), "NetworkPolicy");
        local = k8sOf(await render("local"), "NetworkPolicy");
    });

    it("both namespaces deny everything by default", () => {
        for (const ns of [INGRESS_NAMESPACE, CERT_MANAGER_NAMESPACE]) {
            const deny = policies.find((p) => p.metadata.namespace === ns && p.metadata.name === "default-deny");
            assert.deepStrictEqual(deny?.spec, { podSelector: {}, policyTypes: ["Ingress", "Egress"] }, ns);
        }
        assert.ok(!allowed(policies, client, otherInIngressNs, 80), "another pod of the ingress namespace");
        assert.ok(!allowed(policies, otherInIngressNs, proxy, 8000), "another pod of the ingress namespace to the proxy");
    });

    it("ingress controller: 80/443 from anywhere, readiness from the nodes only", () => {
        assert.ok(allowed(policies, client, controller, 443));
        assert.ok(allowed(policies, client, controller, 80));
        assert.ok(allowed(policies, node, controller, 8081));
        assert.ok(!allowed(policies, client, controller, 8081), "readiness port from the internet");
        assert.ok(!allowed(policies, lab, controller, 9113), "metrics port from a lab");
    });

    it("ingress controller: egress to the proxy, the ACME solvers, DNS and the API server only", () => {
        assert.ok(allowed(policies, controller, proxy, 8000));
        assert.ok(allowed(policies, controller, solver, 8089));
        assert.ok(allowed(policies, controller, dns, 53, "UDP"));
        assert.ok(allowed(policies, controller, apiServer, 443));
        assert.ok(!allowed(policies, controller, hub, 8081), "the hub");
        assert.ok(!allowed(policies, controller, lab, 8888), "a lab");
        assert.ok(!allowed(policies, controller, proxy, 8001), "the proxy API");
        assert.ok(!allowed(policies, controller, metadata, 80), "the metadata server");
        assert.ok(!allowed(policies, controller, client, 80), "the internet on 80");
    });

    it("cert-manager: ACME over 443 and the HTTP-01 self-check on 80 from the controller; DNS and the API server for all", () => {
        assert.ok(allowed(policies, cmController, letsEncrypt, 443));
        assert.ok(allowed(policies, cmController, { ip: "203.0.113.9" }, 80), "self-check of the challenge URL");
        assert.ok(allowed(policies, cmController, dns, 53, "UDP"));
        assert.ok(allowed(policies, cainjector, apiServer, 443));
        assert.ok(!allowed(policies, cainjector, client, 80), "cainjector to the internet on 80");
        assert.ok(!allowed(policies, cmController, metadata, 80), "the metadata server");
        assert.ok(!allowed(policies, cainjector, metadata, 443), "the metadata server on the API port");
        assert.ok(!allowed(policies, cmController, hub, 8081), "the hub");
        assert.ok(allowed(policies, node, cmController, 9403), "liveness probe");
        assert.ok(!allowed(policies, client, cmController, 9402), "metrics from anywhere");
    });

    it("cert-manager webhook: its HTTPS port for the API server, health from the nodes, nothing else", () => {
        assert.ok(allowed(policies, apiServer, webhook, 10250));
        assert.ok(allowed(policies, node, webhook, 6080));
        assert.ok(!allowed(policies, client, webhook, 6080), "health port from elsewhere");
        assert.ok(!allowed(policies, lab, webhook, 9402), "metrics");
    });

    it("local: no ACME egress, and the API server on its local ports", () => {
        assert.ok(!allowed(local, cmController, letsEncrypt, 443), "no ACME on a self-signed stack");
        assert.ok(allowed(local, cmController, { ip: "172.18.0.2" }, 6443));
        assert.ok(allowed(local, controller, { ip: "192.168.49.2" }, 8443));
        assert.ok(!allowed(local, controller, solver, 8089), "no solver pods on local");
    });

    it("labels the controller's pods with the proxy access label (and, while stacks are updated, its previous name)", () => {
        const v = nginxIngressValues({ placement: {}, replicas: 1, serviceType: "NodePort", externalTrafficPolicy: "Cluster" }) as Values;
        assert.deepStrictEqual(v.controller.pod.extraLabels, { [NETWORK_ACCESS_LABELS.proxyHttp]: "true", [NETWORK_ACCESS_LABELS.proxyHttpPrevious]: "true" });
    });
});

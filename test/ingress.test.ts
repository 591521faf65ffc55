/**
 * The edge (components/ingress.ts) as the real stacks render it: releases and their pins, the
 * static IP in the controller's values, the issuer after the CRDs, the hub's Ingress (route, TLS,
 * annotations), DNS and outputs.
 */
import * as assert from "assert";
import { renderStack } from "../scripts/lib/render";
import {
    ACME_DIRECTORIES,
    ACME_SOLVER_PORT,
    CERT_MANAGER_CHART,
    CERT_MANAGER_NAMESPACE,
    HUB_TLS_SECRET,
    INGRESS_CONTROLLER_POD_LABELS,
    INGRESS_NAMESPACE,
    LOCAL_NODE_PORTS,
    NGINX_INGRESS_CHART,
    nginxIngressValues,
    oauthCallbackUrl,
} from "../components/ingress";
import { NETWORK_ACCESS_LABELS, NODE_ROLE_LABEL, scheduleOn, selectorLabels } from "../components/naming";
import { allowed, Endpoint } from "./netpol";
import { k8s, k8sOf, Manifest, placeholder, render, Render, resource, resourcesOf, set } from "./mocks";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const RECORD_SET = "gcp:dns/recordSet:RecordSet";
const CLUSTER_ISSUER = "kubernetes:cert-manager.io/v1:ClusterIssuer";
const STATIC_IP = placeholder("gke-ingress-ip", "address");

type Values = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function values(r: Render, name: string): Values {
    return resource(r, RELEASE, name).inputs.values as Values;
}

function hubIngress(r: Render): Manifest {
    return k8s(r, "Ingress", "hub");
}

function hostname(r: Render): string {
    const stackHost: Record<string, string> = {
        sandbox: "sandbox.jupyterlabdemo.org",
        demo: "demo.jupyterlabdemo.org",
        local: "jupyter.localtest.me",
    };
    return stackHost[r.stack];
}

describe("edge: Helm releases", () => {
    for (const stack of ["sandbox", "demo", "local"]) {
        it(`${stack}: both charts pinned to a version from their OCI repositories, in their own declared namespaces`, async () => {
            const r = await render(stack);
            const nginx = resource(r, RELEASE, "edge-nginx-ingress").inputs;
            assert.strictEqual(nginx.chart, "oci://ghcr.io/nginx/charts/nginx-ingress");
            assert.strictEqual(nginx.version, "2.6.4");
            assert.strictEqual(nginx.name, "nginx-ingress");
            assert.strictEqual(nginx.namespace, "nginx-ingress");
            const cm = resource(r, RELEASE, "edge-cert-manager").inputs;
            assert.strictEqual(cm.chart, "oci://quay.io/jetstack/charts/cert-manager");
            assert.strictEqual(cm.version, "v1.21.1");
            assert.strictEqual(cm.name, "cert-manager");
            assert.strictEqual(cm.namespace, "cert-manager");
            for (const rel of [nginx, cm]) {
                assert.ok(!rel.repositoryOpts, "an oci:// chart needs no repository index");
                assert.ok(!rel.createNamespace, "namespaces are declared, not created by Helm");
            }
            assert.deepStrictEqual(
                [NGINX_INGRESS_CHART.version, CERT_MANAGER_CHART.version],
                ["2.6.4", "v1.21.1"],
                "the version constants and the schema fixtures in test/fixtures/charts move together",
            );
            for (const ns of ["nginx-ingress", "cert-manager"]) {
                assert.strictEqual(k8s(r, "Namespace", ns).metadata.name, ns);
            }
        });
    }

    it("sandbox: the controller's LoadBalancer takes the platform's static IP and keeps client addresses", async () => {
        const c = values(await render("sandbox"), "edge-nginx-ingress").controller;
        assert.deepStrictEqual(c.service, {
            create: true,
            type: "LoadBalancer",
            loadBalancerIP: STATIC_IP,
            externalTrafficPolicy: "Local",
        });
        assert.deepStrictEqual(c.ingressClass, { name: "nginx", create: true, setAsDefaultIngress: false });
    });

    it("GKE: both controllers and every cert-manager pod run on the core pool; nothing is placed on local", async () => {
        const core = scheduleOn("core");
        const r = await render("sandbox");
        const nginx = values(r, "edge-nginx-ingress").controller;
        const cm = values(r, "edge-cert-manager");
        for (const [what, v] of [
            ["nginx controller", nginx],
            ["cert-manager controller", cm],
            ["cert-manager webhook", cm.webhook],
            ["cert-manager cainjector", cm.cainjector],
            ["cert-manager startupapicheck", cm.startupapicheck],
        ] as const) {
            assert.deepStrictEqual(v.nodeSelector, core.nodeSelector, what);
            assert.deepStrictEqual(v.tolerations, core.tolerations, what);
        }
        const local = await render("local");
        const text = JSON.stringify([values(local, "edge-nginx-ingress"), values(local, "edge-cert-manager")]);
        assert.ok(!text.includes(NODE_ROLE_LABEL), "local nodes carry no pool label");
        assert.ok(!text.includes("nodeSelector") && !text.includes("tolerations"));
    });

    it("every pod of both releases has CPU and memory requests and a memory limit", async () => {
        const r = await render("sandbox");
        const cm = values(r, "edge-cert-manager");
        for (const res of [
            values(r, "edge-nginx-ingress").controller.resources,
            cm.resources,
            cm.webhook.resources,
            cm.cainjector.resources,
            cm.startupapicheck.resources,
        ]) {
            assert.ok(res.requests.cpu && res.requests.memory && res.limits.memory, JSON.stringify(res));
        }
    });

    it("demo: two controller replicas with a PodDisruptionBudget and a preference for separate nodes", async () => {
        const c = values(await render("demo"), "edge-nginx-ingress").controller;
        assert.strictEqual(c.replicaCount, 2);
        assert.deepStrictEqual(c.podDisruptionBudget, { enabled: true, minAvailable: 1 });
        const term = c.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm;
        assert.strictEqual(term.topologyKey, "kubernetes.io/hostname");
        // The chart's pod labels: its name and the release name (nginx-ingress.selectorLabels).
        assert.deepStrictEqual(term.labelSelector.matchLabels, {
            "app.kubernetes.io/name": "nginx-ingress",
            "app.kubernetes.io/instance": "nginx-ingress",
        });
    });

    it("sandbox: one replica, no PodDisruptionBudget (it would block every node drain)", async () => {
        const c = values(await render("sandbox"), "edge-nginx-ingress").controller;
        assert.strictEqual(c.replicaCount, 1);
        assert.deepStrictEqual(c.podDisruptionBudget, { enabled: false });
        assert.strictEqual(c.affinity, undefined);
    });

    it("local: NodePort on fixed ports (or the cluster's LoadBalancer), no static IP", async () => {
        const c = values(await render("local"), "edge-nginx-ingress").controller;
        assert.deepStrictEqual(c.service, {
            create: true,
            type: "NodePort",
            externalTrafficPolicy: "Cluster",
            httpPort: { nodePort: LOCAL_NODE_PORTS.http },
            httpsPort: { nodePort: LOCAL_NODE_PORTS.https },
        });
        const lb = values(await render("local", set({ "ingress.localServiceType": "LoadBalancer" })), "edge-nginx-ingress");
        assert.deepStrictEqual(lb.controller.service, { create: true, type: "LoadBalancer", externalTrafficPolicy: "Cluster" });
    });
});

describe("edge: cert-manager and the ClusterIssuer", () => {
    it("the chart installs the CRDs, and the ClusterIssuer is declared after the release (dependsOn)", async () => {
        for (const stack of ["sandbox", "demo", "local"]) {
            const r = await render(stack);
            assert.deepStrictEqual(values(r, "edge-cert-manager").crds, { enabled: true, keep: true });
            assert.ok(!resource(r, RELEASE, "edge-cert-manager").inputs.skipCrds);
            assert.strictEqual(resource(r, RELEASE, "edge-cert-manager").inputs.waitForJobs, true);
            const issuers = resourcesOf(r, CLUSTER_ISSUER);
            assert.strictEqual(issuers.length, 1, `${stack}: one ClusterIssuer`);
            assert.deepStrictEqual(issuers[0].dependsOn, ["edge-cert-manager"], `${stack}: the issuer waits for the CRDs`);
        }
    });

    it("the nginx release installs no CRDs (plain Ingress only)", async () => {
        const r = await render("sandbox");
        assert.strictEqual(resource(r, RELEASE, "edge-nginx-ingress").inputs.skipCrds, true);
        assert.strictEqual(values(r, "edge-nginx-ingress").controller.enableCustomResources, false);
    });

    it("demo: Let's Encrypt production, HTTP-01 through the nginx class, solver pods on the core pool", async () => {
        const issuer = k8s(await render("demo"), "ClusterIssuer", "letsencrypt-production");
        assert.strictEqual(issuer.apiVersion, "cert-manager.io/v1");
        assert.strictEqual(issuer.spec.acme.server, ACME_DIRECTORIES.production);
        assert.strictEqual(issuer.spec.acme.server, "https://acme-v02.api.letsencrypt.org/directory");
        assert.strictEqual(issuer.spec.acme.email, "platform@jupyterlabdemo.org");
        assert.strictEqual(issuer.spec.acme.privateKeySecretRef.name, "letsencrypt-production-account-key");
        assert.deepStrictEqual(issuer.spec.acme.solvers, [
            {
                http01: {
                    ingress: {
                        ingressClassName: "nginx",
                        serviceType: "ClusterIP",
                        podTemplate: { spec: scheduleOn("core") },
                    },
                },
            },
        ]);
    });

    it("sandbox: staging by config, and switchable to production (a differently named issuer, so the certificate is re-issued)", async () => {
        const staging = k8s(await render("sandbox"), "ClusterIssuer", "letsencrypt-staging");
        assert.strictEqual(staging.spec.acme.server, "https://acme-staging-v02.api.letsencrypt.org/directory");
        const prod = await render("sandbox", set({ "ingress.acmeServer": "production" }));
        assert.strictEqual(k8s(prod, "ClusterIssuer", "letsencrypt-production").spec.acme.server, ACME_DIRECTORIES.production);
        assert.strictEqual(hubIngress(prod).metadata.annotations!["cert-manager.io/cluster-issuer"], "letsencrypt-production");
    });

    it("local: a self-signed issuer, no ACME", async () => {
        const r = await render("local");
        const issuer = k8s(r, "ClusterIssuer", "self-signed");
        assert.deepStrictEqual(issuer.spec, { selfSigned: {} });
        assert.strictEqual(hubIngress(r).metadata.annotations!["cert-manager.io/cluster-issuer"], "self-signed");
        assert.ok(!("acme.cert-manager.io/http01-edit-in-place" in hubIngress(r).metadata.annotations!));
    });

    it("ACME stacks admit the controller to the HTTP-01 solver pods in the hub namespace; local has none", async () => {
        const policy = k8s(await render("sandbox"), "NetworkPolicy", "acme-http01-solver");
        assert.strictEqual(policy.metadata.namespace, "jupyterhub");
        assert.deepStrictEqual(policy.spec.podSelector, { matchLabels: { "acme.cert-manager.io/http01-solver": "true" } });
        assert.deepStrictEqual(policy.spec.ingress, [
            {
                from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": INGRESS_NAMESPACE } } }],
                ports: [{ protocol: "TCP", port: ACME_SOLVER_PORT }],
            },
        ]);
        assert.strictEqual(k8sOf(await render("local"), "NetworkPolicy").filter((p) => p.metadata.name === "acme-http01-solver").length, 0);
    });
});

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

describe("edge: DNS and outputs", () => {
    it("sandbox and demo: an A record for the hostname in the configured zone, pointing at the static IP", async () => {
        for (const [stack, host, zone] of [
            ["sandbox", "sandbox.jupyterlabdemo.org", "sandbox-jupyterlabdemo-org"],
            ["demo", "demo.jupyterlabdemo.org", "jupyterlabdemo-org"],
        ]) {
            const r = await render(stack);
            const records = resourcesOf(r, RECORD_SET);
            assert.strictEqual(records.length, 1);
            assert.deepStrictEqual(records[0].inputs, {
                project: `jupyterlabdemo-${stack}`,
                managedZone: zone,
                name: `${host}.`,
                type: "A",
                ttl: 300,
                rrdatas: [STATIC_IP],
            });
            assert.strictEqual(records[0].name, "edge-dns-record");
        }
    });

    it("puts the record in another project's zone when ingress.dnsProject names it", async () => {
        const r = await render("sandbox", set({ "ingress.dnsZone": "jupyterlabdemo-org", "ingress.dnsProject": "jupyterlabdemo-demo" }));
        const record = resourcesOf(r, RECORD_SET)[0];
        assert.strictEqual(record.inputs.project, "jupyterlabdemo-demo");
        assert.strictEqual(record.inputs.managedZone, "jupyterlabdemo-org");
    });

    it("without a zone: no record, and the outputs say which one to create", async () => {
        const r = await render(
            "sandbox",
            set({ ingress: JSON.stringify({ acmeEmail: "platform@jupyterlabdemo.org", acmeServer: "staging" }) }),
        );
        assert.strictEqual(resourcesOf(r, RECORD_SET).length, 0);
        assert.strictEqual(r.outputs.dnsRecord, `sandbox.jupyterlabdemo.org. 300 IN A ${STATIC_IP}`);
        assert.strictEqual(r.outputs.dnsManagedZone, null);
        assert.strictEqual(r.outputs.ingressIp, STATIC_IP);
    });

    it("outputs: the URL and the IP", async () => {
        const r = await render("demo");
        assert.strictEqual(r.outputs.url, "https://demo.jupyterlabdemo.org/");
        assert.strictEqual(r.outputs.ingressIp, STATIC_IP);
        assert.strictEqual(r.outputs.dnsManagedZone, "jupyterlabdemo-org");
        const local = await render("local");
        assert.strictEqual(local.outputs.url, "https://jupyter.localtest.me/");
        assert.strictEqual(resourcesOf(local, RECORD_SET).length, 0);
        assert.ok(!("ingressIp" in local.outputs));
    });

    it("renders the same bytes twice", async () => {
        const edgeOf = (r: Render) => JSON.stringify(r.resources.filter((x) => x.name === "edge" || x.name.startsWith("edge-")));
        const [a, b] = [await render("demo"), await renderStack("demo")];
        assert.strictEqual(edgeOf(a), edgeOf(b));
        assert.ok(edgeOf(a).length > 1000);
    });
});

describe("Pod Security Admission labels of every namespace", () => {
    for (const stack of ["sandbox", "demo", "local"]) {
        it(`${stack}: edge namespaces enforce restricted, the hub namespace baseline; warn and audit restricted; v1.30 everywhere`, async () => {
            const namespaces = k8sOf(await render(stack), "Namespace");
            const enforce = Object.fromEntries(namespaces.map((n) => [n.metadata.name, n.metadata.labels!["pod-security.kubernetes.io/enforce"]]));
            assert.strictEqual(enforce[INGRESS_NAMESPACE], "restricted");
            assert.strictEqual(enforce[CERT_MANAGER_NAMESPACE], "restricted");
            assert.strictEqual(enforce["jupyterhub"], "baseline");
            for (const n of namespaces) {
                const labels = n.metadata.labels!;
                for (const mode of ["enforce", "warn", "audit"]) {
                    assert.strictEqual(labels[`pod-security.kubernetes.io/${mode}-version`], "v1.30", `${n.metadata.name} ${mode}`);
                }
                assert.strictEqual(labels["pod-security.kubernetes.io/warn"], "restricted", n.metadata.name);
                assert.strictEqual(labels["pod-security.kubernetes.io/audit"], "restricted", n.metadata.name);
            }
        });
    }
});

describe("edge: NetworkPolicies of the ingress controller and cert-manager", () => {
    const cm = (component: string, ip: string): Endpoint => ({
        namespace: CERT_MANAGER_NAMESPACE,
        labels: { "app.kubernetes.io/instance": "cert-manager", "app.kubernetes.io/component": component, "app.kubernetes.io/name": component },
        ip,
    });
    // Pods as the charts label them (the controller also with the access label its values add).
    const controller: Endpoint = { namespace: INGRESS_NAMESPACE, labels: { ...INGRESS_CONTROLLER_POD_LABELS, [NETWORK_ACCESS_LABELS.proxy]: "true" }, ip: "10.16.0.40" };
    const otherInIngressNs: Endpoint = { namespace: INGRESS_NAMESPACE, labels: { app: "debug" }, ip: "10.16.0.42" };
    const cmController = cm("controller", "10.16.0.50");
    const webhook = cm("webhook", "10.16.0.51");
    const cainjector = cm("cainjector", "10.16.0.52");
    const hubNs = (component: string, ip: string): Endpoint => ({ namespace: "jupyterhub", labels: selectorLabels("sandbox", component), ip });
    const proxy = hubNs("proxy", "10.16.0.21");
    const hub = hubNs("hub", "10.16.0.20");
    const lab = hubNs("lab", "10.16.1.10");
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

    it("labels the controller's pods with the proxy access label", () => {
        const v = nginxIngressValues({ placement: {}, replicas: 1, serviceType: "NodePort", externalTrafficPolicy: "Cluster" }) as Values;
        assert.deepStrictEqual(v.controller.pod.extraLabels, { [NETWORK_ACCESS_LABELS.proxy]: "true" });
    });
});

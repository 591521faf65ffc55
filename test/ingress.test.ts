/**
 * The edge (components/ingress/) as the real stacks render it: releases and their pins, the
 * static IP in the controller's values, the issuer after the CRDs, the load balancer it records,
 * DNS and outputs (the hub's Ingress and the NetworkPolicies: test/ingress-traffic.test.ts).
 */
import * as assert from "assert";
import { renderStack } from "../scripts/lib/render";
import {
    ACME_DIRECTORIES,
    ACME_SOLVER_PORT,
    CERT_MANAGER_CHART,
    CERT_MANAGER_NAMESPACE,
    INGRESS_NAMESPACE,
    LOCAL_NODE_PORTS,
    NGINX_INGRESS_CHART,
} from "../components/ingress";
import { CHART_LOAD_BALANCERS_KEY, NODE_ROLE_LABEL, scheduleOn } from "../components/naming";
import { hubIngress, RELEASE, values } from "./edgeFixtures";
import { k8s, k8sOf, placeholder, render, Render, resource, resourcesOf, set } from "./mocks";

const RECORD_SET = "gcp:dns/recordSet:RecordSet";
const CLUSTER_ISSUER = "kubernetes:cert-manager.io/v1:ClusterIssuer";
const STATIC_IP = placeholder("gke-ingress-ip", "address");

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

describe("edge: the load balancer it has its chart create", () => {
    const declared = (r: Render) => resource(r, "jupyterlabdemo:components:Edge", "edge").inputs[CHART_LOAD_BALANCERS_KEY];

    it("records the controller's LoadBalancer Service exactly when its values ask the chart for one", async () => {
        const controllerService = [{ namespace: INGRESS_NAMESPACE, name: "nginx-ingress-controller" }];
        const sandbox = await render("sandbox");
        assert.strictEqual(values(sandbox, "edge-nginx-ingress").controller.service.type, "LoadBalancer");
        assert.deepStrictEqual(declared(sandbox), controllerService);
        const nodePort = await render("local", set({ "ingress.localServiceType": "NodePort" }));
        assert.strictEqual(values(nodePort, "edge-nginx-ingress").controller.service.type, "NodePort");
        assert.deepStrictEqual(declared(nodePort), []);
        const lb = await render("local", set({ "ingress.localServiceType": "LoadBalancer" }));
        assert.deepStrictEqual(declared(lb), controllerService);
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

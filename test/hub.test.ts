import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { canonicalJson, configChecksum, HUB_CONFIG_DIR, HUB_PYTHON_DIR, hubPythonFiles, KUBESPAWNER_RULES } from "../components/hub";
import { NODE_ROLE_LABEL, selectorLabels } from "../components/naming";
import { HUB_SECRET_NAME } from "../components/secrets";
import { renderFiles, renderStack } from "../scripts/lib/render";
import { k8s, k8sOf, Render, render, resource, set } from "./mocks";

const STACKS = ["sandbox", "demo", "local"];
const CHECKSUM = "jupyterlabdemo.io/config-checksum";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

const podSpecs = (r: Render): { owner: string; spec: Any; labels: Record<string, string> }[] =>
    [...k8sOf(r, "Deployment"), ...k8sOf(r, "DaemonSet"), ...k8sOf(r, "StatefulSet")].map((d) => ({
        owner: `${d.kind}/${d.metadata.name}`,
        spec: d.spec.template.spec,
        labels: d.spec.template.metadata.labels,
    }));

const containersOf = (spec: Any): Any[] => [...(spec.initContainers ?? []), ...(spec.containers ?? [])];

const settingsOf = (r: Render): Any => JSON.parse(k8s(r, "ConfigMap", "hub-config").data["settings.json"]);

describe("hub: objects", () => {
    for (const stack of STACKS) {
        it(`${stack}: declares hub, proxy, RBAC, claim, config and services in the hub namespace`, async () => {
            const r = await render(stack);
            const expected: [string, string][] = [
                ["ServiceAccount", "hub"],
                ["Role", "hub"],
                ["RoleBinding", "hub"],
                ["PersistentVolumeClaim", "hub-db"],
                ["ConfigMap", "hub-config"],
                ["Deployment", "hub"],
                ["Deployment", "proxy"],
                ["Service", "hub"],
                ["Service", "proxy-api"],
                ["Service", "proxy-public"],
                ["Secret", HUB_SECRET_NAME],
            ];
            for (const [kind, name] of expected) {
                assert.strictEqual(k8s(r, kind, name).metadata.namespace, "jupyterhub", `${kind}/${name}`);
            }
            // On GKE the database claim is the storage component's (a protected, snapshotted disk).
            const db = stack === "local" ? ["db"] : [];
            for (const role of ["service-account", "role", "role-binding", ...db, "config", "deployment", "service", "proxy-deployment", "proxy-api-service", "proxy-public-service"]) {
                const x = r.resources.find((res) => res.name === `hub-${role}`);
                assert.ok(x, `logical name hub-${role}`);
                assert.strictEqual(x.parent, "hub");
                assert.strictEqual(x.provider, stack === "local" ? "local-k8s" : "gke-k8s");
            }
            assert.strictEqual(resource(r, "jupyterlabdemo:components:Hub", "hub").parent, null);
        });
    }

    it("exports the hub URL and the OAuth callback", async () => {
        const r = await render("demo");
        assert.strictEqual(r.outputs.url, "https://demo.jupyterlabdemo.org/");
        assert.strictEqual(r.outputs.oauthCallbackUrl, "https://demo.jupyterlabdemo.org/hub/oauth_callback");
    });
});

describe("hub: rendered-input consistency", () => {
    for (const stack of STACKS) {
        it(`${stack}: every Secret key a pod references exists in the Secret it names`, async () => {
            const r = await render(stack);
            let refs = 0;
            for (const { owner, spec } of podSpecs(r)) {
                for (const c of containersOf(spec)) {
                    for (const e of c.env ?? []) {
                        const ref = e.valueFrom?.secretKeyRef;
                        if (!ref) continue;
                        refs++;
                        // An optional reference may name a Secret the stack does not declare (the
                        // metrics token exists only where the monitoring does); a required one may not.
                        if (ref.optional === true && !k8sOf(r, "Secret").some((x) => x.metadata.name === ref.name)) {
                            assert.strictEqual(stack, "local", `${owner} ${c.name} ${e.name}: ${ref.name} is missing on a GKE stack`);
                            continue;
                        }
                        const secret = k8s(r, "Secret", ref.name);
                        assert.ok(ref.key in secret.stringData, `${owner} ${c.name} ${e.name}: ${ref.name} has no key ${ref.key}`);
                    }
                }
            }
            assert.ok(refs >= 5, `expected the hub's and proxy's secretKeyRefs, found ${refs}`);
        });

        it(`${stack}: every ConfigMap a pod mounts exists with the keys it uses`, async () => {
            const r = await render(stack);
            for (const { owner, spec } of podSpecs(r)) {
                for (const v of spec.volumes ?? []) {
                    if (!v.configMap) continue;
                    const cm = k8s(r, "ConfigMap", v.configMap.name);
                    for (const item of v.configMap.items ?? []) {
                        assert.ok(item.key in cm.data, `${owner}: ${cm.metadata.name} has no key ${item.key}`);
                    }
                }
            }
            const hub = k8s(r, "Deployment", "hub").spec.template.spec;
            const data = k8s(r, "ConfigMap", "hub-config").data;
            const mount = hub.containers[0].volumeMounts.find((m: Any) => m.mountPath === HUB_CONFIG_DIR);
            assert.ok(mount?.readOnly, "hub-config is mounted read-only at the config directory");
            const configVolume = hub.volumes.find((v: Any) => v.name === mount.name);
            assert.strictEqual(configVolume.configMap.name, "hub-config");
            const configArg = hub.containers[0].args[hub.containers[0].args.indexOf("--config") + 1];
            assert.ok(configArg.startsWith(`${HUB_CONFIG_DIR}/`));
            assert.ok(path.basename(configArg) in data, "the --config file is in the ConfigMap");
            assert.ok("settings.json" in data && "settings.py" in data);
        });

        it(`${stack}: Services select the right pods, on ports their containers expose`, async () => {
            const r = await render(stack);
            const pods = podSpecs(r);
            const expected: Record<string, string> = { hub: "Deployment/hub", "proxy-api": "Deployment/proxy", "proxy-public": "Deployment/proxy" };
            for (const [name, owner] of Object.entries(expected)) {
                const svc = k8s(r, "Service", name);
                const selected = pods.filter((p) => Object.entries(svc.spec.selector).every(([k, v]) => p.labels[k] === v));
                assert.deepStrictEqual(selected.map((p) => p.owner), [owner], `Service ${name} selects`);
                const ports = selected[0].spec.containers.flatMap((c: Any) => c.ports ?? []);
                for (const port of svc.spec.ports) {
                    const target = port.targetPort;
                    assert.ok(
                        ports.some((p: Any) => p.name === target || p.containerPort === target),
                        `Service ${name} port ${port.port} targets ${target}, which ${owner} does not expose`,
                    );
                }
            }
            const portOf = (svc: string) => k8s(r, "Service", svc).spec.ports[0];
            assert.strictEqual(portOf("hub").port, 8081);
            assert.strictEqual(portOf("proxy-api").port, 8001);
            assert.deepStrictEqual([portOf("proxy-public").port, portOf("proxy-public").name], [80, "http"]);
            assert.strictEqual(k8s(r, "Service", "proxy-public").spec.type, "ClusterIP");
            const proxyPorts = k8s(r, "Deployment", "proxy").spec.template.spec.containers[0].ports;
            assert.deepStrictEqual(proxyPorts.find((p: Any) => p.name === "http").containerPort, 8000);
        });

        it(`${stack}: labels follow one scheme; selectors are the stable subset`, async () => {
            const r = await render(stack);
            for (const [kind, name, component] of [["Deployment", "hub", "hub"], ["Deployment", "proxy", "proxy"]]) {
                const d = k8s(r, kind, name);
                assert.deepStrictEqual(d.spec.selector.matchLabels, selectorLabels(stack, component));
                for (const [k, v] of Object.entries(d.spec.selector.matchLabels)) {
                    assert.strictEqual(d.spec.template.metadata.labels[k], v);
                }
                assert.strictEqual(d.metadata.labels?.["app.kubernetes.io/managed-by"], "pulumi");
            }
            for (const svc of ["hub", "proxy-api", "proxy-public"]) {
                const s = k8s(r, "Service", svc);
                assert.deepStrictEqual(Object.keys(s.spec.selector).sort(), Object.keys(selectorLabels(stack, "x")).sort());
            }
        });

        it(`${stack}: RBAC covers KubeSpawner's verbs in the namespace and nothing cluster-wide`, async () => {
            const r = await render(stack);
            assert.deepStrictEqual(k8sOf(r, "ClusterRole"), []);
            assert.deepStrictEqual(k8sOf(r, "ClusterRoleBinding"), []);
            const rules = k8s(r, "Role", "hub").rules as { apiGroups: string[]; resources: string[]; verbs: string[] }[];
            const allows = (resource: string, verb: string) =>
                rules.some((x) => x.apiGroups.includes("") && x.resources.includes(resource) && x.verbs.includes(verb));
            for (const verb of ["get", "watch", "list", "create", "delete"]) {
                assert.ok(allows("pods", verb), `pods ${verb}`);
            }
            for (const verb of ["get", "watch", "list"]) {
                assert.ok(allows("events", verb), `events ${verb}`);
            }
            assert.deepStrictEqual(rules, KUBESPAWNER_RULES);
            const flat = rules.flatMap((x) => [...x.apiGroups, ...x.resources, ...x.verbs]);
            assert.ok(!flat.includes("*"), "no wildcards");
            for (const never of ["persistentvolumeclaims", "secrets", "services", "nodes", "namespaces", "roles", "rolebindings", "escalate", "bind", "impersonate", "patch", "update"]) {
                assert.ok(!flat.includes(never), `the Role must not grant ${never}`);
            }
            const binding = k8s(r, "RoleBinding", "hub");
            assert.deepStrictEqual(binding.roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "hub" });
            assert.deepStrictEqual(binding.subjects, [{ kind: "ServiceAccount", name: "hub", namespace: "jupyterhub" }]);
            assert.strictEqual(k8s(r, "Deployment", "hub").spec.template.spec.serviceAccountName, "hub");
            assert.strictEqual(k8s(r, "Deployment", "proxy").spec.template.spec.automountServiceAccountToken, false);
        });

        it(`${stack}: no secret value in any ConfigMap or env literal`, async () => {
            const r = await render(stack);
            for (const cm of k8sOf(r, "ConfigMap")) {
                assert.ok(!JSON.stringify(cm).includes("[secret]"), `ConfigMap ${cm.metadata.name} holds a secret`);
            }
            for (const { owner, spec } of podSpecs(r)) {
                for (const c of containersOf(spec)) {
                    for (const e of c.env ?? []) {
                        assert.ok(e.value === undefined || e.valueFrom === undefined, `${owner} ${e.name}`);
                        if (e.value !== undefined) {
                            assert.ok(!String(e.value).includes("[secret]"), `${owner} ${c.name} env ${e.name} is a secret literal`);
                            assert.ok(!/SECRET|TOKEN|PASSWORD|CRYPT_KEY/.test(e.name), `${owner} ${c.name}: ${e.name} must come from a secretKeyRef`);
                        }
                    }
                }
            }
        });
    }
});

describe("hub: the hub Deployment", () => {
    it("is never moved by the autoscaler, and tolerates a slow answer before leaving its Service", async () => {
        const d = k8s(await render("sandbox"), "Deployment", "hub");
        assert.strictEqual(d.spec.template.metadata.annotations["cluster-autoscaler.kubernetes.io/safe-to-evict"], "false");
        const ready = d.spec.template.spec.containers[0].readinessProbe;
        assert.ok(ready.timeoutSeconds >= 5 && ready.failureThreshold >= 3, JSON.stringify(ready));
    });

    for (const stack of STACKS) {
        it(`${stack}: one replica, Recreate, sqlite on its own ReadWriteOnce claim, probes, resources, non-root`, async () => {
            const r = await render(stack);
            const d = k8s(r, "Deployment", "hub");
            assert.strictEqual(d.spec.replicas, 1);
            assert.deepStrictEqual(d.spec.strategy, { type: "Recreate" });
            const spec = d.spec.template.spec;
            const hub = spec.containers[0];
            assert.strictEqual(hub.image, "quay.io/jupyterhub/k8s-hub:4.4.0");
            const dataMount = hub.volumeMounts.find((m: Any) => m.mountPath === "/srv/jupyterhub");
            const claim = spec.volumes.find((v: Any) => v.name === dataMount.name).persistentVolumeClaim.claimName;
            assert.strictEqual(claim, "hub-db");
            const pvc = k8s(r, "PersistentVolumeClaim", "hub-db");
            assert.deepStrictEqual(pvc.spec.accessModes, ["ReadWriteOnce"]);
            assert.strictEqual(pvc.spec.resources.requests.storage, "1Gi");
            // Never the NFS volume: dynamically bound on local, the hub database's own disk on GKE.
            assert.strictEqual(pvc.spec.volumeName, stack === "local" ? undefined : "jupyterhub-hub-db");
            assert.strictEqual(settingsOf(r).hub.databasePath, "/srv/jupyterhub/jupyterhub.sqlite");
            for (const probe of ["readinessProbe", "livenessProbe", "startupProbe"]) {
                assert.deepStrictEqual(hub[probe].httpGet, { path: "/hub/health", port: "http" }, probe);
            }
            assert.strictEqual(spec.securityContext.runAsNonRoot, true);
            assert.strictEqual(hub.securityContext.allowPrivilegeEscalation, false);
            assert.deepStrictEqual(hub.securityContext.capabilities, { drop: ["ALL"] });
            if (stack === "local") {
                assert.strictEqual(spec.nodeSelector, undefined);
            } else {
                assert.deepStrictEqual(spec.nodeSelector, { [NODE_ROLE_LABEL]: "core" });
                assert.strictEqual(spec.tolerations, undefined, "the core pool has no taint to tolerate");
                assert.deepStrictEqual(k8s(r, "Deployment", "proxy").spec.template.spec.nodeSelector, { [NODE_ROLE_LABEL]: "core" });
            }
        });

        it(`${stack}: every hub and proxy container has cpu and memory requests and a memory limit, pinned images`, async () => {
            const r = await render(stack);
            for (const name of ["hub", "proxy"]) {
                for (const c of containersOf(k8s(r, "Deployment", name).spec.template.spec)) {
                    assert.ok(c.resources.requests.cpu && c.resources.requests.memory && c.resources.limits.memory, `${name}/${c.name}`);
                    assert.ok(/:[A-Za-z0-9_.-]+$/.test(c.image) && !c.image.endsWith(":latest"), c.image);
                    assert.ok(!c.securityContext?.privileged);
                }
            }
        });
    }

    it("carries the sha256 of the whole ConfigMap; a setting change changes it, the same config does not", async () => {
        const r = await render("sandbox");
        const data = k8s(r, "ConfigMap", "hub-config").data;
        const annotation = k8s(r, "Deployment", "hub").spec.template.metadata.annotations[CHECKSUM];
        assert.strictEqual(annotation, configChecksum(data));
        assert.match(annotation, /^[0-9a-f]{64}$/);
        const changed = await render("sandbox", set({ "github.adminUsers": '["someone-else"]' }));
        assert.notStrictEqual(k8s(changed, "Deployment", "hub").spec.template.metadata.annotations[CHECKSUM], annotation);
        assert.deepStrictEqual(settingsOf(changed).hub.github.adminUsers, ["someone-else"]);
        assert.strictEqual(configChecksum({ b: "2", a: "1" }), configChecksum({ a: "1", b: "2" }));
    });

    it("restarts hub and proxy on a secret rotation (pod annotation)", async () => {
        const r = await render("sandbox", set({ "secrets.rotation": "2027-01" }));
        for (const name of ["hub", "proxy"]) {
            assert.strictEqual(k8s(r, "Deployment", name).spec.template.metadata.annotations["jupyterlabdemo.io/secrets-rotation"], "2027-01");
        }
    });

    it("gets its secrets by secretKeyRef under the names JupyterHub and its libraries read", async () => {
        const refs = (r: Render, deployment: string) =>
            Object.fromEntries(
                k8s(r, "Deployment", deployment).spec.template.spec.containers[0].env
                    .filter((e: Any) => e.valueFrom?.secretKeyRef)
                    .map((e: Any) => [e.name, e.valueFrom.secretKeyRef.key]),
            );
        const sandbox = await render("sandbox");
        assert.deepStrictEqual(refs(sandbox, "hub"), {
            JPY_COOKIE_SECRET: "cookie-secret",
            CONFIGPROXY_AUTH_TOKEN: "proxy-token",
            JUPYTERHUB_CRYPT_KEY: "crypt-key",
            GITHUB_CLIENT_SECRET: "github-client-secret",
            JUPYTERHUB_METRICS_TOKEN: "token",
        });
        assert.deepStrictEqual(refs(sandbox, "proxy"), { CONFIGPROXY_AUTH_TOKEN: "proxy-token" });
        const local = await render("local");
        assert.strictEqual(refs(local, "hub").DUMMY_PASSWORD, "dummy-password");
        assert.strictEqual(refs(local, "hub").GITHUB_CLIENT_SECRET, undefined);
    });
});

describe("hub: the proxy", () => {
    it("routes to the hub Service, listens where its Services point, Recreate", async () => {
        const r = await render("demo");
        const d = k8s(r, "Deployment", "proxy");
        assert.deepStrictEqual(d.spec.strategy, { type: "Recreate" });
        assert.strictEqual(d.spec.replicas, 1);
        const chp = d.spec.template.spec.containers[0];
        assert.strictEqual(chp.image, "quay.io/jupyterhub/configurable-http-proxy:5.2.0");
        assert.ok(chp.command.includes("--default-target=http://hub:8081"));
        assert.ok(chp.command.includes("--error-target=http://hub:8081/hub/error"));
        assert.ok(chp.command.includes("--port=8000") && chp.command.includes("--api-port=8001"));
        assert.deepStrictEqual(chp.readinessProbe.httpGet, { path: "/_chp_healthz", port: "http" });
        assert.strictEqual(d.spec.template.spec.securityContext.runAsNonRoot, true);
    });
});

describe("hub: settings.json", () => {
    it("holds the non-secret hub settings from config", async () => {
        const s = settingsOf(await render("demo")).hub;
        assert.strictEqual(s.authenticator, "github");
        assert.strictEqual(s.oauthCallbackUrl, "https://demo.jupyterlabdemo.org/hub/oauth_callback");
        assert.deepStrictEqual(s.github, {
            clientId: "Ov23liDemo00Client002",
            allowedOrganizations: ["jupyterlabdemo", "lsst-sqre"],
            adminUsers: ["jupyterlabdemo-admin"],
        });
        assert.ok(!("homesClaimName" in s), "the homes claim travels in the lab settings only");
        assert.deepStrictEqual(s.services.hub, { name: "hub", port: 8081 });
        assert.deepStrictEqual(s.services.proxyApi, { name: "proxy-api", port: 8001 });
    });

    it("local uses the shared-password (dummy) authenticator", async () => {
        assert.strictEqual(settingsOf(await render("local")).hub.authenticator, "dummy");
    });

    it("ships every hub Python file but the tests", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hubpy-"));
        for (const f of ["jupyterhub_config.py", "hooks.py", "test_hooks.py", "x_test.py", "notes.txt"]) {
            fs.writeFileSync(path.join(dir, f), `# ${f}\n`);
        }
        assert.deepStrictEqual(Object.keys(hubPythonFiles(dir)), ["hooks.py", "jupyterhub_config.py"]);
        fs.rmSync(dir, { recursive: true });
        const shipped = Object.keys(hubPythonFiles()).sort();
        const onDisk = fs.readdirSync(HUB_PYTHON_DIR).filter((f) => f.endsWith(".py") && !f.startsWith("test_")).sort();
        assert.deepStrictEqual(shipped, onDisk);
        assert.throws(() => hubPythonFiles(os.tmpdir()), /no jupyterhub_config.py/);
        assert.strictEqual(canonicalJson({ b: [{ d: 1, c: 2 }], a: null }), '{"a":null,"b":[{"c":2,"d":1}]}');
    });

    it("renders byte-identically twice", async () => {
        const a = renderFiles(await render("sandbox"));
        const b = renderFiles(await renderStack("sandbox"));
        assert.deepStrictEqual(a, b);
    });
});

import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { cidrContains } from "../components/cidr";
import { buildLabSettings } from "../components/hub/settingsContract";
import { internetExcept, pullContainerName } from "../components/lab";
import { LOCAL_NODE_CIDRS } from "../components/platform";
import { scheduleOn, selectorLabels } from "../components/naming";
import { quotaGiBFor } from "../components/storage/quota";
import { probeHubConfig, stackSettings } from "./labFixtures";
import { k8s, k8sOf, Manifest, render, set } from "./mocks";
import { allowed, Endpoint, hubPod, ingressController } from "./netpol";
import { hubPython } from "./hubPython";

const NS = "jupyterhub";

describe("lab: settings for the hub (buildLabSettings)", () => {
    const settings = stackSettings("demo");
    const lab = buildLabSettings({ stack: "demo", lab: settings.lab, authenticator: "github", userPlacement: scheduleOn("user") });

    it("builds KubeSpawner's profile_list: exactly the configured images and sizes, in order, each choice's kubespawner_override, memory in bytes", () => {
        assert.strictEqual(lab.profileList.length, 1);
        const [profile] = lab.profileList;
        assert.deepStrictEqual([profile.slug, profile.default, profile.description], ["lab", true, "Choose an image and a size."]);
        const { image, size } = profile.profile_options;
        assert.deepStrictEqual(Object.keys(image.choices), settings.lab.images.map((i) => i.name));
        for (const i of settings.lab.images) {
            assert.deepStrictEqual(image.choices[i.name], {
                display_name: i.displayName,
                default: i.default,
                kubespawner_override: { image: i.image, ...(i.command ? { cmd: [...i.command] } : {}) },
            });
        }
        assert.deepStrictEqual(Object.keys(size.choices), ["small", "medium", "large"]);
        assert.deepStrictEqual(size.choices.large, {
            display_name: "Large (4 CPU, 16 GiB)",
            default: false,
            kubespawner_override: { cpu_guarantee: 3, cpu_limit: 4, mem_guarantee: 12 * 2 ** 30, mem_limit: 16 * 2 ** 30 },
        });
        assert.deepStrictEqual([image.unlisted_choice, size.unlisted_choice], [{ enabled: false }, { enabled: false }]);
    });

    it("refuses, naming the key, settings the contract does not allow (a program-side mismatch fails the render)", () => {
        const input = { stack: "demo", lab: settings.lab, authenticator: "github" as const, userPlacement: {} };
        assert.throws(
            () => buildLabSettings({ ...input, lab: { ...settings.lab, startTimeoutSeconds: 1.5 } }),
            /^Error: settings\.json contract: lab\.startTimeoutSeconds: /,
        );
        assert.throws(
            () => buildLabSettings({ ...input, homeQuota: { defaultGiB: 0, overridesGiB: {}, excluded: [] } }),
            /settings\.json contract: lab\.homeQuota\.defaultGiB: /,
        );
        assert.throws(
            () => buildLabSettings({ ...input, lab: { ...settings.lab, sizes: settings.lab.sizes.map((s) => ({ ...s, default: true })) } }),
            /settings\.json contract: lab\.profileList\.0\.profile_options\.size\.choices: exactly one choice must be the default$/,
        );
    });

    it("labels lab pods with the lab selector labels and places them on the user pool", () => {
        assert.deepStrictEqual(lab.podLabels, selectorLabels("demo", "lab"));
        assert.strictEqual(lab.componentLabel, "lab");
        assert.strictEqual(lab.commonLabels["app.kubernetes.io/component"], undefined);
        assert.deepStrictEqual(lab.nodeSelector, scheduleOn("user").nodeSelector);
        assert.deepStrictEqual(lab.tolerations, scheduleOn("user").tolerations);
    });

    it("pins the naming rules and maps the authenticator to the identity source", () => {
        assert.strictEqual(lab.slugScheme, "safe");
        assert.strictEqual(lab.podNameTemplate, "jupyter-{user_server}");
        assert.strictEqual(lab.identity, "github");
        assert.strictEqual(
            buildLabSettings({ stack: "local", lab: settings.lab, authenticator: "dummy", userPlacement: {} }).identity,
            "local",
        );
        assert.strictEqual(lab.homesClaimName, "homes");
    });

    it("carries timeouts and culler settings from config", () => {
        assert.strictEqual(lab.startTimeoutSeconds, 1200);
        assert.deepStrictEqual(lab.culler, { timeoutSeconds: 3600, everySeconds: 300, maxAgeSeconds: 432000, concurrency: 10 });
    });

    it("carries the homes' quotas where they exist, sorted (same bytes for the same quotas), and none otherwise", () => {
        assert.strictEqual("homeQuota" in lab, false);
        const input = { stack: "demo", lab: settings.lab, authenticator: "github" as const, userPlacement: {} };
        const a = buildLabSettings({ ...input, homeQuota: { defaultGiB: 10, overridesGiB: { zed: 2, amy: 3 }, excluded: ["team", "attic", "team"] } });
        const b = buildLabSettings({ ...input, homeQuota: { defaultGiB: 10, overridesGiB: { amy: 3, zed: 2 }, excluded: ["attic", "team"] } });
        assert.deepStrictEqual(a.homeQuota, { defaultGiB: 10, overridesGiB: { amy: 3, zed: 2 }, excluded: ["attic", "team"] });
        assert.strictEqual(JSON.stringify(a), JSON.stringify(b));
    });

    it("lab_quota.home_quota_gib (Python) gives every login of the shared table the quota quotaGiBFor gives, from buildLabSettings' output", () => {
        const table = JSON.parse(fs.readFileSync(path.join(__dirname, "hub", "fixtures", "home_quota_cases.json"), "utf8")) as {
            settings: { quota: { defaultGiB: number; overridesGiB: Record<string, number>; excluded: string[] }; cases: { login: string }[] }[];
        };
        const requests = table.settings.map(({ quota, cases }) => ({
            lab: buildLabSettings({ stack: "demo", lab: settings.lab, authenticator: "github", userPlacement: {}, homeQuota: quota }),
            logins: cases.map((c) => c.login),
        }));
        const script = [
            "import json, sys",
            "sys.path.insert(0, 'components/hub')",
            "import lab_quota",
            "print(json.dumps([[lab_quota.home_quota_gib(l, r['lab']) for l in r['logins']] for r in json.load(sys.stdin)]))",
        ].join("\n");
        const python = JSON.parse(execFileSync(hubPython(), ["-c", script], { cwd: path.join(__dirname, ".."), input: JSON.stringify(requests), encoding: "utf8" }));
        const typescript = table.settings.map(({ quota, cases }) => cases.map((c) => quotaGiBFor(c.login, quota)));
        assert.deepStrictEqual(python, typescript);
    });
});

describe("lab: the hub configuration's lab section (rendered, run in Python)", function () {
    this.timeout(60000);

    it("configures non-root labs with the computed ids, the home subPath and no token", async () => {
        const r = await render("sandbox");
        const probe = probeHubConfig(k8s(r, "ConfigMap", "hub-config"));
        const ks = probe.config.KubeSpawner;
        assert.strictEqual(ks.automount_service_account_token, false);
        assert.strictEqual(ks.service_account, null);
        assert.strictEqual(ks.allow_privilege_escalation, false);
        assert.strictEqual(ks.privileged, false);
        assert.deepStrictEqual(ks.uid, { callable: "spawner_uid" });
        assert.deepStrictEqual(ks.cmd, ["jupyterhub-singleuser"]);
        assert.strictEqual(ks.slug_scheme, "safe");
        assert.deepStrictEqual(ks.extra_labels, selectorLabels("sandbox", "lab"));
        assert.strictEqual(ks.component_label, "lab");
        assert.deepStrictEqual(probe.config.GitHubOAuthenticator.modify_auth_state_hook, { callable: "github_auth_state_hook" });

        const s = probe.spawn;
        assert.strictEqual(s.uid, 58374121);
        assert.strictEqual(s.gid, 58374121);
        assert.deepStrictEqual(s.supplemental_gids, [5637302, 41000001, 77123456]);
        assert.strictEqual(s.pod_security_context.runAsNonRoot, true);
        assert.strictEqual(s.pod_security_context.runAsUser, 58374121);
        assert.deepStrictEqual(s.container_security_context.capabilities, { drop: ["ALL"] });
        assert.strictEqual(s.container_security_context.allowPrivilegeEscalation, false);
        assert.ok(s.volume_mounts.some((m: Record<string, unknown>) => m.mountPath === "/home/jane-doe" && m.subPath === "jane-doe" && m.name === "home"));
        assert.ok(s.volumes.some((v: { persistentVolumeClaim?: { claimName: string } }) => v.persistentVolumeClaim?.claimName === "homes"));
        assert.deepStrictEqual(
            s.init_containers.map((c: { name: string; securityContext: { capabilities: unknown } }) => [c.name, c.securityContext.capabilities]),
            [
                ["lab-home", { drop: ["ALL"], add: ["CHOWN"] }],
                ["lab-passwd", { drop: ["ALL"] }],
            ],
        );
        assert.strictEqual(s.working_dir, "/home/jane-doe");
    });

    it("offers exactly the configured images and sizes, defaults preselected, nothing unlisted", async () => {
        const r = await render("demo");
        const probe = probeHubConfig(k8s(r, "ConfigMap", "hub-config"));
        const ks = probe.config.KubeSpawner;
        const settings = stackSettings("demo");
        assert.deepStrictEqual(ks.profile_list, { callable: "profile_list_for" });
        const options = probe.spawn.profile_list[0].profile_options;
        assert.strictEqual(probe.spawn.profile_list.length, 1);
        assert.deepStrictEqual(Object.keys(options.image.choices), settings.lab.images.map((i) => i.name));
        for (const i of settings.lab.images) {
            assert.deepStrictEqual(options.image.choices[i.name].kubespawner_override, { image: i.image, ...(i.command ? { cmd: i.command } : {}) });
            assert.strictEqual(options.image.choices[i.name].default, i.default);
        }
        assert.deepStrictEqual(Object.keys(options.size.choices), settings.lab.sizes.map((s) => s.name));
        assert.strictEqual(options.size.choices.medium.default, true);
        assert.deepStrictEqual(options.image.unlisted_choice, { enabled: false });
        assert.deepStrictEqual(options.size.unlisted_choice, { enabled: false });
        assert.strictEqual(ks.image, "quay.io/jupyter/scipy-notebook:2026-10-05");
        assert.strictEqual(ks.start_timeout, 1200);
        assert.strictEqual(ks.http_timeout, 300);
    });

    it("runs the idle culler as a hub service with exactly its scopes", async () => {
        const r = await render("demo");
        const jh = probeHubConfig(k8s(r, "ConfigMap", "hub-config")).config.JupyterHub;
        assert.deepStrictEqual(jh.services, [
            {
                name: "jupyterhub-idle-culler",
                command: [
                    "python3",
                    "-m",
                    "jupyterhub_idle_culler",
                    "--url=http://localhost:8081/hub/api",
                    "--timeout=3600",
                    "--cull-every=300",
                    "--concurrency=10",
                    "--max-age=432000",
                ],
            },
        ]);
        assert.deepStrictEqual(jh.load_roles, [
            {
                name: "jupyterhub-idle-culler",
                scopes: ["list:users", "read:users:activity", "read:servers", "delete:servers"],
                services: ["jupyterhub-idle-culler"],
            },
        ]);
    });

    it("local: identities without GitHub, no GitHub hook", async () => {
        const r = await render("local");
        const probe = probeHubConfig(k8s(r, "ConfigMap", "hub-config"));
        assert.strictEqual(probe.config.GitHubOAuthenticator, undefined);
        assert.ok(probe.spawn.uid >= 2_000_000_000, "local uids sit above GitHub ids");
        assert.deepStrictEqual(probe.spawn.supplemental_gids, []);
    });

    it("GKE: the spawn page, the lab's HOME_QUOTA_GIB and its terminals state the user's quota; local (no quotas): none of them", async () => {
        const sandbox = stackSettings("sandbox");
        const quota = { defaultGiB: sandbox.storage.userQuotaGiB, overridesGiB: sandbox.storage.userQuotaOverrides, excluded: sandbox.storage.quotaExclusions };
        const gib = quotaGiBFor("jane-doe", quota);
        assert.ok(gib !== null, "the fixture user has a quota on sandbox");
        const gke = probeHubConfig(k8s(await render("sandbox"), "ConfigMap", "hub-config")).spawn;
        assert.match(gke.profile_list[0].description, new RegExp(`Your home: ${gib} GiB quota\\.`));
        assert.strictEqual(gke.environment.HOME_QUOTA_GIB, String(gib));
        assert.deepStrictEqual(
            gke.volume_mounts.find((m: { mountPath: string }) => m.mountPath === "/etc/profile.d/home-quota.sh"),
            { name: "lab-etc", mountPath: "/etc/profile.d/home-quota.sh", subPath: "home-quota.sh", readOnly: true },
        );
        const notice = gke.init_containers[1].env.find((e: { name: string }) => e.name === "LAB_QUOTA_PROFILE").value;
        assert.ok(notice.includes(`has a ${gib} GiB quota`), notice);

        const local = probeHubConfig(k8s(await render("local"), "ConfigMap", "hub-config")).spawn;
        assert.strictEqual(local.profile_list[0].description, "Choose an image and a size.");
        assert.strictEqual(local.environment.HOME_QUOTA_GIB, undefined);
        assert.ok(!local.volume_mounts.some((m: { mountPath: string }) => m.mountPath.startsWith("/etc/profile.d/")));
    });
});

describe("lab: image pre-puller", () => {
    it("pulls every menu image on the user pool with tiny requests, then pauses", async () => {
        const r = await render("demo");
        const ds = k8s(r, "DaemonSet", "image-puller");
        const spec = ds.spec.template.spec;
        const images = stackSettings("demo").lab.images;
        assert.deepStrictEqual(spec.initContainers.map((c: { image: string }) => c.image), images.map((i) => i.image));
        assert.deepStrictEqual(spec.initContainers.map((c: { name: string }) => c.name), images.map((i) => pullContainerName(i.name)));
        for (const c of [...spec.initContainers, ...spec.containers]) {
            assert.deepStrictEqual(c.resources, { requests: { cpu: "1m", memory: "8Mi" }, limits: { memory: "32Mi" } });
            assert.strictEqual(c.securityContext.allowPrivilegeEscalation, false);
            assert.strictEqual(c.securityContext.runAsNonRoot, true);
        }
        assert.deepStrictEqual(spec.initContainers[0].command, ["/bin/sh", "-c", "exit 0"]);
        assert.deepStrictEqual(spec.containers.map((c: { image: string }) => c.image), ["registry.k8s.io/pause:3.10"]);
        assert.strictEqual(spec.automountServiceAccountToken, false);
        assert.deepStrictEqual(spec.nodeSelector, scheduleOn("user").nodeSelector);
        assert.deepStrictEqual(spec.tolerations, scheduleOn("user").tolerations);
        assert.deepStrictEqual(ds.spec.selector.matchLabels, selectorLabels("demo", "image-puller"));
    });

    it("follows the menu, and is absent with prePull off", async () => {
        const menu = [
            { name: "a", displayName: "A", image: "quay.io/jupyter/base-notebook:2025-11-24", default: true },
            { name: "b", displayName: "B", image: "quay.io/jupyter/scipy-notebook:2025-12-31" },
        ];
        const changed = await render("sandbox", set({ "lab.images": JSON.stringify(menu) }));
        const init = k8s(changed, "DaemonSet", "image-puller").spec.template.spec.initContainers;
        assert.deepStrictEqual(init.map((c: { image: string }) => c.image), menu.map((i) => i.image));
        const off = await render("sandbox", set({ "lab.prePull": "false" }));
        assert.strictEqual(k8sOf(off, "DaemonSet").length, 0);
    });
});

describe("lab: NetworkPolicies", () => {
    const lab = hubPod("lab", "10.16.1.10");
    const otherLab = hubPod("lab", "10.16.2.11");
    const hub = hubPod("hub", "10.16.0.20");
    const proxy = hubPod("proxy", "10.16.0.21");
    // The NFS server runs in the storage component's namespace, under its own policy.
    const nfs: Endpoint = { namespace: "homes", labels: selectorLabels("sandbox", "nfs-server"), ip: "10.16.0.22" };
    const puller = hubPod("image-puller", "10.16.1.30");
    const dns: Endpoint = { namespace: "kube-system", labels: { "k8s-app": "kube-dns" }, ip: "10.16.0.2" };
    // The controller's pods as the chart labels them, in the edge component's namespace.
    const ingress = ingressController;
    const node: Endpoint = { ip: "10.10.0.5" };
    const internet: Endpoint = { ip: "140.82.112.3" };
    const metadata: Endpoint = { ip: "169.254.169.254" };
    const nfsClusterIp: Endpoint = { ip: "10.20.0.15" };

    let policies: Manifest[] = [];
    before(async () => {
        policies = k8sOf(await render("sandbox"), "NetworkPolicy");
    });

    it("declares one policy per protected component, selecting its pods", () => {
        const byName = Object.fromEntries(policies.filter((p) => p.metadata.namespace === NS).map((p) => [p.metadata.name, p]));
        // acme-http01-solver is the edge's (it admits the ingress controller to cert-manager's solver pods);
        // hub-metrics-collector is the monitoring's (it admits the metrics collector to the hub).
        assert.deepStrictEqual(Object.keys(byName).sort(), ["acme-http01-solver", "hub", "hub-metrics-collector", "image-puller", "lab", "proxy"]);
        for (const [name, component] of Object.entries({ hub: "hub", "image-puller": "image-puller", lab: "lab", proxy: "proxy" })) {
            assert.deepStrictEqual(byName[name].spec.podSelector.matchLabels, selectorLabels("sandbox", component));
            assert.strictEqual(byName[name].metadata.namespace, NS);
        }
    });

    it("labs: ingress only from proxy and hub", () => {
        assert.ok(allowed(policies, proxy, lab, 8888));
        assert.ok(allowed(policies, hub, lab, 8888));
        assert.ok(!allowed(policies, otherLab, lab, 8888), "lab to lab");
        assert.ok(!allowed(policies, ingress, lab, 8888), "ingress controller straight to a lab");
        assert.ok(!allowed(policies, proxy, lab, 22), "another port");
    });

    it("labs: egress to DNS, the hub API and the internet; not to metadata, NFS, nodes, private ranges", () => {
        assert.ok(allowed(policies, lab, dns, 53, "UDP"));
        assert.ok(allowed(policies, lab, dns, 53, "TCP"));
        assert.ok(allowed(policies, lab, hub, 8081));
        assert.ok(allowed(policies, lab, internet, 443));
        assert.ok(!allowed(policies, lab, metadata, 80), "cloud metadata server");
        assert.ok(!allowed(policies, lab, nfs, 2049), "NFS server pod");
        assert.ok(!allowed(policies, lab, nfsClusterIp, 2049), "NFS server ClusterIP");
        assert.ok(!allowed(policies, lab, node, 10250), "kubelet");
        assert.ok(!allowed(policies, lab, proxy, 8001), "proxy API");
        assert.ok(!allowed(policies, lab, { ip: "192.168.1.1" }, 80), "private range");
        assert.ok(!allowed(policies, lab, { ip: "100.64.0.1" }, 80), "shared range");
        assert.ok(!allowed(policies, lab, { namespace: "kube-system", labels: { app: "other" }, ip: "10.16.0.3" }, 53), "DNS port on another pod");
    });

    it("hub: only proxy and labs on the hub port", () => {
        assert.ok(allowed(policies, proxy, hub, 8081));
        assert.ok(allowed(policies, lab, hub, 8081));
        assert.ok(!allowed(policies, ingress, hub, 8081), "ingress controller");
        assert.ok(!allowed(policies, nfs, hub, 8081), "another platform pod");
        assert.ok(!allowed(policies, proxy, hub, 8000), "another port");
    });

    it("NFS server: only the node range, only NFS ports", () => {
        assert.ok(allowed(policies, node, nfs, 2049));
        assert.ok(!allowed(policies, lab, nfs, 2049), "lab");
        assert.ok(!allowed(policies, hub, nfs, 2049), "hub");
        assert.ok(!allowed(policies, node, nfs, 22), "another port");
        assert.ok(!allowed(policies, { ip: "10.11.0.5" }, nfs, 2049), "outside the node range");
        assert.ok(!allowed(policies, node, nfs, 111), "no rpcbind: the server is NFSv4 only");
    });

    it("the image puller does not hold up pulumi up while multi-gigabyte images pull", async () => {
        const puller = k8s(await render("sandbox"), "DaemonSet", "image-puller");
        assert.strictEqual(puller.metadata.annotations!["pulumi.com/skipAwait"], "true");
    });

    it("NFS server on GKE: node traffic is also admitted by Cilium entity, on the NFS port only", async () => {
        const r = await render("sandbox");
        assert.deepStrictEqual(k8sOf(r, "CiliumClusterwideNetworkPolicy").map((p) => p.metadata.name), ["jupyterlabdemo-sandbox-homes-nfs-nodes"]);
        const ccnp = k8s(r, "CiliumClusterwideNetworkPolicy", "jupyterlabdemo-sandbox-homes-nfs-nodes");
        assert.deepStrictEqual(ccnp.spec.endpointSelector.matchLabels, {
            "k8s:io.kubernetes.pod.namespace": "homes",
            ...selectorLabels("sandbox", "nfs-server"),
        });
        assert.deepStrictEqual(ccnp.spec.ingress, [
            { fromEntities: ["host", "remote-node"], toPorts: [{ ports: [{ port: "2049", protocol: "TCP" }] }] },
        ]);
        const cluster = r.resources.find((x) => x.type === "gcp:container/cluster:Cluster")!;
        assert.strictEqual(cluster.inputs.enableCiliumClusterwideNetworkPolicy, true, "the cluster must accept the policy");
        assert.deepStrictEqual(k8sOf(await render("local"), "CiliumClusterwideNetworkPolicy"), [], "not on local (no Cilium assumed)");
    });

    it("NFS server: the policy opens exactly the ports its Service and container serve", async () => {
        const r = await render("sandbox");
        const ports = (list: { port?: number; containerPort?: number; protocol?: string }[]) =>
            list.map((p) => `${p.port ?? p.containerPort}/${p.protocol ?? "TCP"}`).sort();
        const policy = policies.find((p) => p.metadata.name === "nfs-server" && p.metadata.namespace === "homes")!;
        const service = k8s(r, "Service", "nfs-server");
        const container = k8s(r, "Deployment", "nfs-server").spec.template.spec.containers[0];
        assert.deepStrictEqual(ports(policy.spec.ingress[0].ports), ports(service.spec.ports));
        assert.deepStrictEqual(ports(policy.spec.ingress[0].ports), ports(container.ports));
    });

    it("image puller: nothing in, nothing out", () => {
        assert.ok(!allowed(policies, puller, internet, 443));
        assert.ok(!allowed(policies, hub, puller, 8888));
        assert.ok(allowed(policies, hub, proxy, 8001), "control: other traffic unaffected");
    });

    it("local: the NFS server admits the Docker node networks, not the pod range", async () => {
        const local = k8sOf(await render("local"), "NetworkPolicy");
        const nfsLocal: Endpoint = { namespace: "homes", labels: selectorLabels("local", "nfs-server"), ip: "10.244.0.9" };
        const labLocal = hubPod("lab", "10.244.0.10", "local");
        assert.deepStrictEqual(k8s(await render("local"), "NetworkPolicy", "nfs-server").spec.ingress[0].from, LOCAL_NODE_CIDRS.map((cidr) => ({ ipBlock: { cidr } })));
        assert.ok(allowed(local, { ip: "172.18.0.2" }, nfsLocal, 2049), "kind node");
        assert.ok(!allowed(local, labLocal, nfsLocal, 2049), "lab");
    });

    it("keeps cluster ranges outside private space out of the labs' internet", () => {
        assert.ok(cidrContains("10.0.0.0/8", "10.16.0.0/14"));
        assert.ok(!cidrContains("10.16.0.0/14", "10.0.0.0/8"));
        assert.ok(!internetExcept(["10.16.0.0/14"]).includes("10.16.0.0/14"), "already covered");
        assert.ok(internetExcept(["34.118.224.0/20"]).includes("34.118.224.0/20"), "privately used public range");
    });
});

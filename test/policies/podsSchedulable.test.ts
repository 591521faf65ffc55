import * as assert from "assert";
import { podsSchedulable } from "../../policies/podsSchedulable";
import { render, RenderedResource } from "../mocks";
import { deployment, hardenedCluster, messages, res, run } from "./harness";

const ROLE = "jupyterlabdemo.io/node-role";
const POOL = "gcp:container/nodePool:NodePool";
const onCore = { nodeSelector: { [ROLE]: "core" }, tolerations: [{ key: ROLE, operator: "Equal", value: "core", effect: "NoSchedule" }] };
const onUser = { nodeSelector: { [ROLE]: "user" }, tolerations: [{ key: ROLE, operator: "Equal", value: "user", effect: "NoSchedule" }] };

function pool(role: "core" | "user", { tainted = true, min = role === "core" ? 1 : 0 } = {}): RenderedResource {
    return res(POOL, `gke-${role}-pool`, {
        name: `${role}-pool`,
        cluster: "c",
        autoscaling: { minNodeCount: min, maxNodeCount: 3 },
        nodeConfig: { labels: { [ROLE]: role }, ...(tainted ? { taints: [{ key: ROLE, value: role, effect: "NO_SCHEDULE" }] } : {}) },
    });
}

const cluster = res("gcp:container/cluster:Cluster", "gke-cluster", hardenedCluster);
const hubConfig = (lab: unknown) => res("kubernetes:core/v1:ConfigMap", "hub-config", { metadata: { name: "hub-config", namespace: "jupyterhub" }, data: { "settings.json": JSON.stringify({ lab }) } });

describe("policy pods-schedulable", () => {
    it("fails when both pools are tainted: one line naming kube-dns and the core pool's taint", async () => {
        const vs = await run(podsSchedulable, [cluster, pool("core"), pool("user")]);
        assert.strictEqual(vs.length, 1, messages(vs).join("\n"));
        assert.match(messages(vs)[0], /kube-system\/kube-dns \(GKE\).*fit no node pool \(gke-core-pool: taint jupyterlabdemo\.io\/node-role=core:NoSchedule not tolerated; gke-user-pool: taint jupyterlabdemo\.io\/node-role=user:NoSchedule not tolerated\)/);
        assert.ok(vs[0].urn?.endsWith("::gke-cluster"));
        assert.strictEqual(vs[0].enforcementLevel, "mandatory");
    });

    it("passes an untainted core pool with a node, and every workload placed on its pool", async () => {
        const resources = [
            cluster,
            pool("core", { tainted: false }),
            pool("user"),
            deployment("hub", { pod: onCore }),
            res("kubernetes:helm.sh/v3:Release", "edge-nginx-ingress", { chart: "oci://ghcr.io/nginx/charts/nginx-ingress", name: "nginx-ingress", values: { controller: onCore } }),
            res("kubernetes:helm.sh/v3:Release", "edge-cert-manager", { chart: "oci://quay.io/jetstack/charts/cert-manager", name: "cert-manager", values: { ...onCore, webhook: onCore, cainjector: onCore, startupapicheck: onCore } }),
            hubConfig(onUser),
        ];
        assert.deepStrictEqual(messages(await run(podsSchedulable, resources)), []);
    });

    it("fails GKE's pods when the only untainted pool may scale to zero", async () => {
        const ms = messages(await run(podsSchedulable, [cluster, pool("core", { tainted: false, min: 0 }), pool("user")]));
        assert.strictEqual(ms.length, 1);
        assert.match(ms[0], /kube-dns.*gke-core-pool: minimum 0 nodes/);
    });

    it("names each unplaced pod: a workload, a Helm release's component, the lab pods", async () => {
        const resources = [
            cluster,
            pool("core", { tainted: false }),
            pool("user"),
            deployment("stray", { pod: { nodeSelector: { [ROLE]: "gpu" } } }),
            res("kubernetes:helm.sh/v3:Release", "edge-cert-manager", { chart: "cert-manager", name: "cert-manager", values: { webhook: { nodeSelector: { [ROLE]: "gpu" } } } }),
            hubConfig({ nodeSelector: { [ROLE]: "user" }, tolerations: [] }),
        ];
        const ms = messages(await run(podsSchedulable, resources));
        assert.strictEqual(ms.length, 3, ms.join("\n"));
        assert.match(ms[0], /^pod Deployment jupyterhub\/stray fits no node pool \(gke-core-pool: no label jupyterlabdemo\.io\/node-role=gpu; gke-user-pool: taint .*user:NoSchedule not tolerated; no label jupyterlabdemo\.io\/node-role=gpu\)/);
        assert.match(ms[1], /^pod cert-manager webhook \(release cert-manager\) fits no node pool \(gke-core-pool: no label jupyterlabdemo\.io\/node-role=gpu; gke-user-pool: taint/);
        assert.match(ms[2], /^pod lab pods \(KubeSpawner, from the hub's settings\) fits no node pool/);
    });

    it("judges bare Pods too (the lab pods the offline check adds from the render's lab-pods.yaml)", async () => {
        const labPod = (spec: Record<string, unknown>) => res("kubernetes:core/v1:Pod", "lab-pod-minimal-small", { metadata: { name: "jupyter-x", namespace: "jupyterhub" }, spec: { containers: [{ name: "notebook", image: "i:1" }], ...spec } });
        const base = [cluster, pool("core", { tainted: false }), pool("user")];
        assert.deepStrictEqual(messages(await run(podsSchedulable, [...base, labPod(onUser)])), []);
        const ms = messages(await run(podsSchedulable, [...base, labPod({ nodeSelector: onUser.nodeSelector })]));
        assert.deepStrictEqual(ms.length, 1);
        assert.match(ms[0], /^pod Pod jupyterhub\/jupyter-x fits no node pool \(gke-core-pool: no label jupyterlabdemo\.io\/node-role=user; gke-user-pool: taint jupyterlabdemo\.io\/node-role=user:NoSchedule not tolerated\)/);
    });

    it("fails a Helm release whose chart the model does not know", async () => {
        const ms = messages(await run(podsSchedulable, [cluster, pool("core", { tainted: false }), res("kubernetes:helm.sh/v3:Release", "x", { chart: "oci://example/other", name: "other", values: {} })]));
        assert.deepStrictEqual(ms.length, 1);
        assert.match(ms[0], /does not know the pods of chart "oci:\/\/example\/other"/);
    });

    it("is not applicable without a GKE cluster (local)", async () => {
        assert.deepStrictEqual(await run(podsSchedulable, [deployment("hub")], { stack: "local" }), []);
        assert.deepStrictEqual(await run(podsSchedulable, (await render("local")).resources, { stack: "local" }), []);
    });
});

describe("pods-schedulable in the pack, over the real sandbox render", () => {
    it("a render whose core pool is tainted again fails the whole pack: one line for GKE's pods naming kube-dns and the taint, one per core pod", async () => {
        const { checkRender, formatReport } = await import("../../scripts/lib/policyCheck");
        const r = JSON.parse(JSON.stringify(await render("sandbox"))) as Awaited<ReturnType<typeof render>>;
        const core = r.resources.find((x) => x.type === POOL && x.name === "gke-core-pool")!;
        const nodeConfig = core.inputs.nodeConfig as { taints?: unknown[] };
        nodeConfig.taints = [{ key: ROLE, value: "core", effect: "NO_SCHEDULE" }];
        const report = await checkRender(r);
        const mandatory = report.violations.filter((v) => v.enforcementLevel === "mandatory");
        assert.ok(mandatory.length > 0 && mandatory.every((v) => v.policyName === "pods-schedulable"), formatReport(report));
        const lines = mandatory.map((v) => v.message.split("\n")[1]);
        const gke = lines.filter((l) => l.includes("(GKE)"));
        assert.strictEqual(gke.length, 1, lines.join("\n"));
        assert.match(gke[0], /kube-system\/kube-dns \(GKE\).*gke-core-pool: taint jupyterlabdemo\.io\/node-role=core:NoSchedule not tolerated/);
        // The core workloads no longer tolerate the core taint either: each is named once.
        for (const pod of ["Deployment jupyterhub/hub ", "nginx-ingress controller"]) {
            assert.strictEqual(lines.filter((l) => l.includes(pod)).length, 1, `${pod}:\n${lines.join("\n")}`);
        }
        assert.match(formatReport(report), /\[mandatory\] {2}jupyterlabdemo v[\d.]+ {2}pods-schedulable \(gke-cluster: gcp:container\/cluster:Cluster\)/);
    });
});

/** The scheduling model (policies/lib/scheduling.ts): table-driven, no Pulumi. */
import * as assert from "assert";
import {
    GKE_SYSTEM_PODS,
    helmReleasePods,
    PodModel,
    PoolModel,
    rejection,
    Taint,
    taintEffect,
    Toleration,
    tolerates,
    unschedulable,
} from "../../policies/lib/scheduling";

const ROLE = "jupyterlabdemo.io/node-role";
const coreTaint: Taint = { key: ROLE, value: "core", effect: "NoSchedule" };

function pool(name: string, over: Partial<PoolModel> = {}): PoolModel {
    return { name, taints: [], minNodes: 1, maxNodes: 3, autoscaling: true, ...over, labels: { "kubernetes.io/os": "linux", ...over.labels } };
}
function pod(name: string, over: Partial<PodModel> = {}): PodModel {
    return { name, nodeSelector: {}, tolerations: [], ...over };
}

describe("scheduling model: tolerations", () => {
    const cases: [string, Toleration, Taint, boolean][] = [
        ["Equal, same key and value", { key: ROLE, operator: "Equal", value: "core", effect: "NoSchedule" }, coreTaint, true],
        ["operator defaults to Equal", { key: ROLE, value: "core" }, coreTaint, true],
        ["Equal, other value", { key: ROLE, operator: "Equal", value: "user" }, coreTaint, false],
        ["Exists on the key, any value", { key: ROLE, operator: "Exists" }, coreTaint, true],
        ["Exists without key tolerates everything", { operator: "Exists" }, coreTaint, true],
        ["other effect", { key: ROLE, operator: "Exists", effect: "NoExecute" }, coreTaint, false],
        ["other key", { key: "CriticalAddonsOnly", operator: "Exists" }, coreTaint, false],
        ["GKE managed-components taint tolerated by its key", { key: "components.gke.io/gke-managed-components", operator: "Exists" }, { key: "components.gke.io/gke-managed-components", value: "true", effect: "NoSchedule" }, true],
    ];
    for (const [title, t, taint, expected] of cases) {
        it(`${title}: ${expected ? "tolerates" : "does not tolerate"}`, () => assert.strictEqual(tolerates(t, taint), expected));
    }

    it("reads GKE's taint effects as Kubernetes writes them", () => {
        assert.deepStrictEqual(["NO_SCHEDULE", "PREFER_NO_SCHEDULE", "NO_EXECUTE", "NoSchedule"].map(taintEffect), ["NoSchedule", "PreferNoSchedule", "NoExecute", "NoSchedule"]);
    });
});

describe("scheduling model: does a pool admit a pod", () => {
    const onCore = pod("hub", { nodeSelector: { [ROLE]: "core" }, tolerations: [{ key: ROLE, operator: "Equal", value: "core", effect: "NoSchedule" }] });
    const core = pool("core", { labels: { [ROLE]: "core" }, taints: [coreTaint] });
    const cases: [string, PoolModel, PodModel, RegExp | undefined][] = [
        ["tolerated taint and matching labels", core, onCore, undefined],
        ["untolerated NoSchedule taint", core, pod("x"), /taint jupyterlabdemo\.io\/node-role=core:NoSchedule not tolerated/],
        ["untolerated NoExecute taint", pool("p", { taints: [{ key: "k", effect: "NoExecute" }] }), pod("x"), /taint k:NoExecute not tolerated/],
        ["PreferNoSchedule never keeps a pod off", pool("p", { taints: [{ key: "k", effect: "PreferNoSchedule" }] }), pod("x"), undefined],
        ["nodeSelector label missing", pool("p"), onCore, /no label jupyterlabdemo\.io\/node-role=core/],
        ["pool at 0 that autoscales hosts an ordinary pod", pool("p", { minNodes: 0 }), pod("x"), undefined],
        ["pool at 0 without autoscaling hosts nothing", pool("p", { minNodes: 0, maxNodes: 0, autoscaling: false }), pod("x"), /no nodes and no autoscaling/],
        ["GKE system pod needs a pool with min >= 1", pool("p", { minNodes: 0 }), GKE_SYSTEM_PODS[0], /minimum 0 nodes/],
        ["GKE system pod on an untainted pool with a node", pool("p"), GKE_SYSTEM_PODS[0], undefined],
        ["GKE system pod on the managed-components taint", pool("p", { taints: [{ key: "components.gke.io/gke-managed-components", value: "true", effect: "NoSchedule" }] }), GKE_SYSTEM_PODS[0], undefined],
        ["GKE system pod on a custom taint", core, GKE_SYSTEM_PODS[0], /not tolerated/],
    ];
    for (const [title, p, q, expected] of cases) {
        it(title, () => {
            const why = rejection(p, q);
            if (expected === undefined) assert.strictEqual(why, undefined);
            else assert.match(why ?? "", expected);
        });
    }

    it("a pod is unschedulable only when every pool rejects it", () => {
        const user = pool("user", { labels: { [ROLE]: "user" }, taints: [{ key: ROLE, value: "user", effect: "NoSchedule" }], minNodes: 0 });
        const core = pool("core", { labels: { [ROLE]: "core" }, taints: [coreTaint] });
        const untaintedCore = pool("core", { labels: { [ROLE]: "core" } });
        const dns = GKE_SYSTEM_PODS.find((p) => p.name.includes("kube-dns"))!;
        assert.deepStrictEqual(unschedulable([untaintedCore, user], [dns]), []);
        const both = unschedulable([core, user], [dns]);
        assert.strictEqual(both.length, 1);
        assert.deepStrictEqual(both[0].rejections.map((r) => r.pool), ["core", "user"]);
        assert.deepStrictEqual(unschedulable([], [pod("x")]).map((u) => u.rejections), [[]]);
    });

    it("every GKE system pod names a source and tolerates only GKE's two taints", () => {
        assert.ok(GKE_SYSTEM_PODS.some((p) => p.name.includes("kube-dns")));
        for (const p of GKE_SYSTEM_PODS) {
            assert.match(p.source ?? "", /^https:\/\//, p.name);
            assert.ok(p.system, p.name);
            assert.deepStrictEqual(p.tolerations.map((t) => t.key).sort(), ["CriticalAddonsOnly", "components.gke.io/gke-managed-components"]);
        }
    });
});

describe("scheduling model: Helm releases' pods", () => {
    const on = { nodeSelector: { [ROLE]: "core" }, tolerations: [{ key: ROLE, operator: "Equal", value: "core", effect: "NoSchedule" }] };
    it("nginx-ingress: the controller, from controller.nodeSelector/tolerations", () => {
        const pods = helmReleasePods("oci://ghcr.io/nginx/charts/nginx-ingress", "nginx-ingress", { controller: on })!;
        assert.deepStrictEqual(pods.map((p) => [p.name, p.nodeSelector, p.tolerations.length]), [["nginx-ingress controller (release nginx-ingress)", { [ROLE]: "core" }, 1]]);
    });
    it("cert-manager: controller, webhook, cainjector, startupapicheck, each on Linux unless disabled", () => {
        const pods = helmReleasePods("oci://quay.io/jetstack/charts/cert-manager", "cm", { ...on, webhook: on, cainjector: { enabled: false }, startupapicheck: on })!;
        assert.deepStrictEqual(pods.map((p) => p.name), ["cert-manager controller (release cm)", "cert-manager webhook (release cm)", "cert-manager startupapicheck (release cm)"]);
        assert.deepStrictEqual(pods[0].nodeSelector, { "kubernetes.io/os": "linux", [ROLE]: "core" });
        const bare = helmReleasePods("cert-manager", "cm", {})!;
        assert.strictEqual(bare.length, 4);
        assert.ok(bare.every((p) => p.tolerations.length === 0 && p.nodeSelector["kubernetes.io/os"] === "linux"));
    });
    it("an unknown chart is undefined (the rule reports it)", () => {
        assert.strictEqual(helmReleasePods("oci://example/charts/other", "x", {}), undefined);
    });
});

import * as assert from "assert";
import { gkeNodePoolHardened } from "../../policies/gkeNodePoolHardened";
import { hardenedCluster, messages, res, run } from "./harness";

const TYPE = "gcp:container/nodePool:NodePool";
const nodeConfig = {
    imageType: "COS_CONTAINERD",
    serviceAccount: "${gke-nodes.email}",
    workloadMetadataConfig: { mode: "GKE_METADATA" },
    shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
    metadata: { "disable-legacy-endpoints": "true" },
};
const pool = { cluster: "c", management: { autoRepair: true, autoUpgrade: true }, nodeConfig };

describe("policy gke-node-pool-hardened", () => {
    it("passes a hardened pool whose service account is unknown at preview", async () => {
        const vs = await run(gkeNodePoolHardened, [res("gcp:serviceaccount/account:Account", "gke-nodes", {}), res(TYPE, "gke-core-pool", pool)]);
        assert.deepStrictEqual(vs, []);
    });

    it("names each weakened setting", async () => {
        const weak = {
            management: { autoRepair: false },
            nodeConfig: { imageType: "UBUNTU_CONTAINERD", workloadMetadataConfig: { mode: "GCE_METADATA" }, metadata: {} },
        };
        const text = messages(await run(gkeNodePoolHardened, [res(TYPE, "p", weak)])).join("\n");
        for (const needle of ["autoRepair", "autoUpgrade", '"UBUNTU_CONTAINERD"', "GKE_METADATA", "serviceAccount is not set", "enableSecureBoot", "disable-legacy-endpoints"]) {
            assert.ok(text.includes(needle), `missing ${needle} in:\n${text}`);
        }
    });

    it("fails the Compute Engine default service account", async () => {
        const vs = await run(gkeNodePoolHardened, [res(TYPE, "p", { ...pool, nodeConfig: { ...nodeConfig, serviceAccount: "123-compute@developer.gserviceaccount.com" } })]);
        assert.strictEqual(vs.length, 1);
        assert.match(vs[0].message, /Compute Engine default/);
    });

    it("checks a cluster's default pool only when the cluster keeps it", async () => {
        assert.deepStrictEqual(await run(gkeNodePoolHardened, [res("gcp:container/cluster:Cluster", "c", hardenedCluster)]), []);
        const keeps = { ...hardenedCluster, removeDefaultNodePool: false, nodeConfig: { imageType: "COS" } };
        const vs = await run(gkeNodePoolHardened, [res("gcp:container/cluster:Cluster", "c", keeps)]);
        assert.ok(vs.length > 0 && messages(vs).every((m) => m.startsWith("nodeConfig (default node pool)")));
    });
});

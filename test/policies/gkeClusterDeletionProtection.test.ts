import * as assert from "assert";
import { gkeClusterDeletionProtectionExplicit } from "../../policies/gkeClusterDeletionProtection";
import { hardenedCluster, messages, res, run } from "./harness";

const TYPE = "gcp:container/cluster:Cluster";

describe("policy gke-cluster-deletion-protection-explicit", () => {
    it("passes true and false alike", async () => {
        for (const deletionProtection of [true, false]) {
            assert.deepStrictEqual(await run(gkeClusterDeletionProtectionExplicit, [res(TYPE, "c", { ...hardenedCluster, deletionProtection })]), []);
        }
    });

    it("fails a cluster that leaves it to the default", async () => {
        const vs = await run(gkeClusterDeletionProtectionExplicit, [res(TYPE, "c", { ...hardenedCluster, deletionProtection: undefined })]);
        assert.deepStrictEqual(messages(vs), ["deletionProtection is not set: set it to true or false for this stack (cluster.deletionProtection)."]);
    });
});

import * as assert from "assert";
import { gkeClusterHardened } from "../../policies/gkeClusterHardened";
import { hardenedCluster, messages, res, run } from "./harness";

const TYPE = "gcp:container/cluster:Cluster";
describe("policy gke-cluster-hardened", () => {
    it("passes a hardened cluster (an unknown network id is not read)", async () => {
        assert.deepStrictEqual(await run(gkeClusterHardened, [res(TYPE, "gke-cluster", hardenedCluster)]), []);
    });

    it("names each weakened setting", async () => {
        const weak = {
            ...hardenedCluster,
            datapathProvider: undefined,
            enableLegacyAbac: true,
            enableShieldedNodes: false,
            masterAuth: { clientCertificateConfig: { issueClientCertificate: true } },
            releaseChannel: { channel: "UNSPECIFIED" },
            workloadIdentityConfig: undefined,
        };
        const vs = await run(gkeClusterHardened, [res(TYPE, "gke-cluster", weak)]);
        const text = messages(vs).join("\n");
        for (const needle of ["enableLegacyAbac", "issueClientCertificate", "NetworkPolicy is not enforced", "enableShieldedNodes", "workloadPool", 'releaseChannel.channel is "UNSPECIFIED"']) {
            assert.ok(text.includes(needle), `missing ${needle} in:\n${text}`);
        }
        assert.ok(vs.every((v) => v.enforcementLevel === "mandatory" && v.urn === "urn:pulumi:sandbox::jupyterlabdemo::gcp:container/cluster:Cluster::gke-cluster"));
    });

    it("accepts Calico network policy instead of Dataplane V2", async () => {
        const calico = { ...hardenedCluster, datapathProvider: undefined, networkPolicy: { enabled: true, provider: "CALICO" } };
        assert.deepStrictEqual(await run(gkeClusterHardened, [res(TYPE, "gke-cluster", calico)]), []);
    });
});

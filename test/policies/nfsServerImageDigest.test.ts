import * as assert from "assert";
import { nfsServerImageDigest } from "../../policies/nfsServerImageDigest";
import { render, set } from "../mocks";
import { deployment, messages, res, run } from "./harness";

const nfsLabels = { "app.kubernetes.io/name": "jupyterlabdemo", "app.kubernetes.io/component": "nfs-server" };
const digest = `sha256:${"0".repeat(64)}`;

describe("policy nfs-server-image-digest", () => {
    it("warns (advisory) for each NFS server image without a digest, naming the image", async () => {
        const vs = await run(nfsServerImageDigest, [deployment("nfs-server", { labels: nfsLabels, container: { image: "ghcr.io/2i2c-org/nfs-ganesha:1.2.0" } })]);
        assert.deepStrictEqual(vs.map((v) => v.enforcementLevel), ["advisory"]);
        assert.match(messages(vs)[0], /container "nfs-server" image "ghcr.io\/2i2c-org\/nfs-ganesha:1.2.0" has no digest/);
    });

    it("passes digests, and ignores other workloads", async () => {
        assert.deepStrictEqual(await run(nfsServerImageDigest, [deployment("nfs-server", { labels: nfsLabels, container: { image: `ghcr.io/2i2c-org/nfs-ganesha:1.2.0@${digest}` } })]), []);
        assert.deepStrictEqual(await run(nfsServerImageDigest, [deployment("hub")]), []);
    });

    it("the rendered server warns until storage.imageDigests is set, then passes", async () => {
        const server = async (overrides = {}) => {
            const d = (await render("sandbox", set(overrides))).resources.find((r) => r.name === "storage-nfs-deployment")!;
            return run(nfsServerImageDigest, [res(d.type, d.name, d.inputs)]);
        };
        assert.strictEqual((await server()).length, 7, "six containers and the init container");
        const sha = (c: string) => `sha256:${c.repeat(64)}`;
        assert.deepStrictEqual(await server({ "storage.imageDigests.ganesha": sha("a"), "storage.imageDigests.homeNfs": sha("b"), "storage.imageDigests.nodeExporter": sha("c") }), []);
    });
});

import * as assert from "assert";
import { imagePinned } from "../../policies/imagePinned";
import { deployment, messages, run } from "./harness";

describe("policy k8s-image-pinned", () => {
    it("passes a tag and a digest", async () => {
        assert.deepStrictEqual(await run(imagePinned, [deployment("hub", { container: { image: "quay.io/jupyterhub/k8s-hub:4.4.0" } })]), []);
        const digest = `registry.k8s.io/pause@sha256:${"a".repeat(64)}`;
        assert.deepStrictEqual(await run(imagePinned, [deployment("hub", { container: { image: digest } })]), []);
    });

    it("fails :latest, no tag, and a registry port mistaken for a tag", async () => {
        for (const image of ["quay.io/jupyterhub/k8s-hub:latest", "quay.io/jupyterhub/k8s-hub", "localhost:5000/hub"]) {
            const ms = messages(await run(imagePinned, [deployment("hub", { container: { image } })]));
            assert.deepStrictEqual(ms, [`container "hub" image "${image}" is not pinned: use a tag other than latest (registry/name:1.2.3) or a digest (@sha256:...).`]);
        }
    });

    it("fails a malformed digest instead of reading it as a tag, and passes a tag with a digest", async () => {
        for (const image of [
            "quay.io/jupyterhub/k8s-hub@sha256:abc",
            `quay.io/jupyterhub/k8s-hub@sha256:${"A".repeat(64)}`,
            `quay.io/jupyterhub/k8s-hub@sha256:${"a".repeat(63)}`,
            `quay.io/jupyterhub/k8s-hub@md5:${"a".repeat(64)}`,
            `quay.io/jupyterhub/k8s-hub@sha256:${"a".repeat(64)}x`,
        ]) {
            const ms = messages(await run(imagePinned, [deployment("hub", { container: { image } })]));
            assert.deepStrictEqual(ms, [`container "hub" image "${image}" has a malformed digest: a digest is @sha256: followed by 64 lowercase hex digits.`], image);
        }
        const both = `quay.io/jupyterhub/k8s-hub:4.4.0@sha256:${"0".repeat(64)}`;
        assert.deepStrictEqual(await run(imagePinned, [deployment("hub", { container: { image: both } })]), []);
    });
});

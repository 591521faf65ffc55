import * as assert from "assert";
import { userDataDiskProtected } from "../../policies/userDataDiskProtected";
import { messages, res, run } from "./harness";

const TYPE = "gcp:compute/disk:Disk";
const labels = { app: "jupyterlabdemo", "data-class": "user-data" };

describe("policy user-data-disk-protected", () => {
    it("passes a protected, retained user-data disk", async () => {
        const disk = res(TYPE, "storage-disk", { name: "homes", labels, deletionPolicy: "ABANDON" }, { protect: true, retainOnDelete: true });
        assert.deepStrictEqual(await run(userDataDiskProtected, [disk]), []);
    });

    it("fails a user-data disk without protect or retention, naming the resource", async () => {
        const disk = res(TYPE, "storage-disk", { name: "homes", labels });
        const vs = await run(userDataDiskProtected, [disk]);
        assert.strictEqual(vs.length, 3);
        assert.ok(vs.every((v) => v.urn?.endsWith("::storage-disk")));
        const text = messages(vs).join("\n");
        assert.match(text, /not protected/);
        assert.match(text, /not retained on delete/);
        assert.match(text, /deletionPolicy is not set/);
    });

    it("requires the engine-visible deletionPolicy even with retainOnDelete", async () => {
        const disk = res(TYPE, "d", { labels, deletionPolicy: "DELETE" }, { protect: true, retainOnDelete: true });
        const ms = messages(await run(userDataDiskProtected, [disk]));
        assert.strictEqual(ms.length, 1);
        assert.match(ms[0], /deletionPolicy is "DELETE": set deletionPolicy "ABANDON"/);
    });

    it("ignores disks that are not labelled as user data", async () => {
        assert.deepStrictEqual(await run(userDataDiskProtected, [res(TYPE, "scratch", { labels: { app: "x" } })]), []);
    });
});

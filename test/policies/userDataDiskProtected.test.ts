import * as assert from "assert";
import { userDataDiskProtected } from "../../policies/userDataDiskProtected";
import { render } from "../mocks";
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

    it("ignores disks that are neither labelled as user data nor mounted by a PersistentVolume", async () => {
        assert.deepStrictEqual(await run(userDataDiskProtected, [res(TYPE, "scratch", { labels: { app: "x" } })]), []);
    });

    /** A PersistentVolume whose volume handle is `handle` (a deploy-time placeholder or a disk id). */
    const pv = (handle: string) =>
        res("kubernetes:core/v1:PersistentVolume", "storage-data-pv", { metadata: { name: "homes-nfs-data" }, spec: { csi: { driver: "pd.csi.storage.gke.io", volumeHandle: handle, fsType: "xfs" } } });

    it("knows user data by what it is: a disk a PersistentVolume mounts fails with its label and protect dropped together", async () => {
        const bare = res(TYPE, "storage-disk", { name: "sandbox-homes", labels: { app: "jupyterlabdemo" } });
        const byDependency = messages(await run(userDataDiskProtected, [bare, pv("${storage-disk.id}")]));
        assert.strictEqual(byDependency.length, 3, byDependency.join("\n"));
        assert.match(byDependency[0], /^disk "storage-disk" holds user data but is not protected/);
        // A PV whose handle is the disk's id as text (a deployed stack's state) names it as well.
        const byName = await run(userDataDiskProtected, [bare, pv("projects/p/zones/us-central1-a/disks/sandbox-homes")]);
        assert.strictEqual(byName.length, 3);
        assert.ok(byName.every((v) => v.urn?.endsWith("::storage-disk")));
        // And a PV naming another disk does not make this one user data.
        assert.deepStrictEqual(await run(userDataDiskProtected, [bare, pv("projects/p/zones/us-central1-a/disks/other")]), []);
    });

    it("the rendered GKE stacks: both disks behind PersistentVolumes (homes, hub database) are user data, and protected", async () => {
        const r = await render("sandbox");
        const disks = r.resources.filter((x) => x.type === TYPE);
        assert.deepStrictEqual(disks.map((d) => d.name).sort(), ["storage-disk", "storage-hub-db-disk"]);
        assert.deepStrictEqual(await run(userDataDiskProtected, r.resources), []);
        // Stripping each disk's label and protect together is caught for both.
        const stripped = r.resources.map((x) => (x.type === TYPE ? { ...x, protect: false, inputs: { ...x.inputs, labels: {} } } : x));
        const vs = await run(userDataDiskProtected, stripped);
        assert.deepStrictEqual([...new Set(vs.map((v) => v.urn!.split("::").pop()))].sort(), ["storage-disk", "storage-hub-db-disk"]);
    });
});

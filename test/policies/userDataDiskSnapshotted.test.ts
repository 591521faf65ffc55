import * as assert from "assert";
import { userDataDiskSnapshotted } from "../../policies/userDataDiskSnapshotted";
import { res, run } from "./harness";

const disk = res("gcp:compute/disk:Disk", "storage-disk", { name: "homes", zone: "us-central1-a", labels: { "data-class": "user-data" } });
const schedule = res("gcp:compute/resourcePolicy:ResourcePolicy", "storage-snapshots", {
    name: "homes-daily",
    region: "us-central1",
    snapshotSchedulePolicy: { schedule: { dailySchedule: { daysInCycle: 1, startTime: "04:00" } }, retentionPolicy: { maxRetentionDays: 14 } },
});

describe("policy user-data-disk-snapshotted", () => {
    it("passes a user-data disk with a schedule attached by name", async () => {
        const attachment = res("gcp:compute/diskResourcePolicyAttachment:DiskResourcePolicyAttachment", "storage-snapshot-attachment", { disk: "homes", name: "homes-daily", zone: "us-central1-a" });
        assert.deepStrictEqual(await run(userDataDiskSnapshotted, [disk, schedule, attachment]), []);
    });

    it("passes an attachment whose references are deploy-time outputs (matched by dependency)", async () => {
        const attachment = res("gcp:compute/diskResourcePolicyAttachment:DiskResourcePolicyAttachment", "a", { disk: "${storage-disk.name}", name: "${storage-snapshots.name}" });
        assert.deepStrictEqual(await run(userDataDiskSnapshotted, [disk, schedule, attachment]), []);
    });

    it("fails a user-data disk with no schedule, naming the disk", async () => {
        const vs = await run(userDataDiskSnapshotted, [disk, schedule]);
        assert.strictEqual(vs.length, 1);
        assert.strictEqual(vs[0].urn, "urn:pulumi:sandbox::jupyterlabdemo::gcp:compute/disk:Disk::storage-disk");
        assert.match(vs[0].message, /disk "storage-disk" holds user data but no snapshot schedule is attached/);
    });

    it("knows user data by what it is: an unlabelled disk a PersistentVolume mounts still needs a schedule", async () => {
        const bare = res("gcp:compute/disk:Disk", "storage-hub-db-disk", { name: "hub-db", zone: "us-central1-a", labels: {} });
        const volume = res("kubernetes:core/v1:PersistentVolume", "storage-hub-db-pv", { spec: { csi: { volumeHandle: "${storage-hub-db-disk.id}" } } });
        const vs = await run(userDataDiskSnapshotted, [bare, volume, schedule]);
        assert.strictEqual(vs.length, 1);
        assert.match(vs[0].message, /disk "storage-hub-db-disk" holds user data but no snapshot schedule is attached/);
        const attachment = res("gcp:compute/diskResourcePolicyAttachment:DiskResourcePolicyAttachment", "a", { disk: "hub-db", name: "homes-daily" });
        assert.deepStrictEqual(await run(userDataDiskSnapshotted, [bare, volume, schedule, attachment]), []);
    });

    it("fails when the attached policy has no snapshot schedule", async () => {
        const notSchedule = res("gcp:compute/resourcePolicy:ResourcePolicy", "p", { name: "homes-daily", groupPlacementPolicy: {} });
        const attachment = res("gcp:compute/diskResourcePolicyAttachment:DiskResourcePolicyAttachment", "a", { disk: "homes", name: "homes-daily" });
        assert.strictEqual((await run(userDataDiskSnapshotted, [disk, notSchedule, attachment])).length, 1);
    });
});

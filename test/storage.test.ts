/**
 * The homes storage: a protected, snapshotted GCE disk (and the hub database's disk), the local
 * stack's StorageClass claim, and the storage config's validation. Everything is read from the
 * offline render of the real stacks. The NFS server and the homes volume are in
 * storageNfs.test.ts, the per-user quotas in storageQuota.test.ts.
 */
import * as assert from "assert";
import { ConfigError, parseSettings } from "../components/config";
import { INFORMATIONAL_CAPACITY } from "../components/storage";
import { k8s, k8sOf, Manifest, placeholder, render, Render, RenderedResource, resource, resourcesOf, set } from "./mocks";

const DISK = "gcp:compute/disk:Disk";
const POLICY = "gcp:compute/resourcePolicy:ResourcePolicy";
const ATTACHMENT = "gcp:compute/diskResourcePolicyAttachment:DiskResourcePolicyAttachment";
const GCP_STORAGE_TYPES = [DISK, POLICY, ATTACHMENT];

const disk = (r: Render) => resource(r, DISK, "storage-disk");
const dbDisk = (r: Render) => resource(r, DISK, "storage-hub-db-disk");
const policy = (r: Render) => resource(r, POLICY, "storage-snapshot-policy");
const attachment = (r: Render) => resource(r, ATTACHMENT, "storage-snapshot-attachment");
const dbAttachment = (r: Render) => resource(r, ATTACHMENT, "storage-hub-db-snapshot-attachment");
const gcpStorage = (r: Render): RenderedResource[] => [disk(r), dbDisk(r), policy(r), attachment(r), dbAttachment(r)];

describe("storage: the homes disk (GKE stacks)", () => {
    for (const stack of ["sandbox", "demo"]) {
        it(`${stack}: the disk, its snapshot policy and the attachment are protected and retained on delete`, async () => {
            const r = await render(stack);
            for (const res of gcpStorage(r)) {
                assert.strictEqual(res.protect, true, `${res.name} protect`);
                assert.strictEqual(res.retainOnDelete, true, `${res.name} retainOnDelete`);
            }
            for (const d of [disk(r), dbDisk(r)]) {
                assert.strictEqual(d.inputs.deletionPolicy, "ABANDON", "the provider abandons, never deletes, the disk");
                // A disk restored from a snapshot reads back with `snapshot` set: never a reason to replace it.
                assert.deepStrictEqual(d.ignoreChanges, ["snapshot"]);
            }
        });

        it(`${stack}: the disk depends on nothing of the cluster and uses the default gcp provider`, async () => {
            const r = await render(stack);
            for (const res of gcpStorage(r)) {
                assert.strictEqual(res.provider, null, `${res.name} must use the default gcp provider`);
                assert.strictEqual(res.parent, "storage", `${res.name} is a child of the storage component only`);
            }
            // Only on the Compute API being enabled (a project Service, never turned off on destroy).
            for (const d of [disk(r), dbDisk(r), policy(r)]) {
                assert.deepStrictEqual(d.dependsOn, ["apis-compute"]);
                // Nothing in the disk's inputs is an output of another resource.
                assert.ok(!JSON.stringify(d.inputs).includes("${"), JSON.stringify(d.inputs));
            }
            // And the component itself is not under the cluster.
            assert.strictEqual(resource(r, "jupyterlabdemo:components:HomeStorage", "storage").parent, null);
        });
    }

    it("sandbox: disk name, zone, size, type and user-data label come from config", async () => {
        const r = await render("sandbox");
        const d = disk(r).inputs;
        assert.strictEqual(d.name, "sandbox-homes");
        assert.strictEqual(d.project, "jupyterlabdemo-sandbox");
        assert.strictEqual(d.zone, "us-central1-a");
        assert.strictEqual(d.size, 50);
        assert.strictEqual(d.type, "pd-balanced");
        const labels = d.labels as Record<string, string>;
        assert.strictEqual(labels["data-class"], "user-data");
        assert.strictEqual(labels.stack, "sandbox");
        assert.strictEqual(disk(r).import, undefined, "a disk is created, not adopted, by default");
    });

    it("demo (regional cluster): the disk stays zonal, in gcp:zone, and the NFS server is pinned to that zone", async () => {
        const r = await render("demo");
        assert.strictEqual(disk(r).inputs.zone, "us-central1-b");
        const pv = k8s(r, "PersistentVolume", "homes-nfs-data");
        assert.deepStrictEqual(pv.spec.nodeAffinity.required.nodeSelectorTerms, [
            { matchExpressions: [{ key: "topology.gke.io/zone", operator: "In", values: ["us-central1-b"] }] },
        ]);
        const affinity = k8s(r, "Deployment", "nfs-server").spec.template.spec.affinity;
        assert.deepStrictEqual(affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms, [
            { matchExpressions: [{ key: "topology.kubernetes.io/zone", operator: "In", values: ["us-central1-b"] }] },
        ]);
    });

    it("demo: a daily snapshot schedule with the configured retention is attached to the disk", async () => {
        const r = await render("demo");
        const p = policy(r).inputs as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
        assert.strictEqual(p.name, "demo-homes-daily");
        assert.strictEqual(p.region, "us-central1");
        const schedule = p.snapshotSchedulePolicy;
        assert.deepStrictEqual(schedule.schedule, { dailySchedule: { daysInCycle: 1, startTime: "04:00" } });
        assert.strictEqual(schedule.retentionPolicy.maxRetentionDays, 30);
        assert.strictEqual(schedule.retentionPolicy.onSourceDiskDelete, "KEEP_AUTO_SNAPSHOTS");
        for (const [a, d] of [[attachment(r), disk(r)], [dbAttachment(r), dbDisk(r)]]) {
            assert.strictEqual(a.inputs.disk, d.inputs.name, `${a.name} attaches ${d.name}`);
            assert.strictEqual(a.inputs.name, p.name, "attaches the schedule by name (not self link)");
            assert.strictEqual(a.inputs.zone, d.inputs.zone);
            assert.strictEqual(a.inputs.project, d.inputs.project);
        }
    });

    it("adoptExistingDisk imports the disk, its schedule and the attachment by id", async () => {
        const r = await render("sandbox", set({ "storage.adoptExistingDisk": "true" }));
        assert.strictEqual(disk(r).import, "projects/jupyterlabdemo-sandbox/zones/us-central1-a/disks/sandbox-homes");
        assert.strictEqual(policy(r).import, "projects/jupyterlabdemo-sandbox/regions/us-central1/resourcePolicies/sandbox-homes-daily");
        assert.strictEqual(attachment(r).import, "projects/jupyterlabdemo-sandbox/zones/us-central1-a/disks/sandbox-homes/sandbox-homes-daily");
        assert.strictEqual(dbDisk(r).import, "projects/jupyterlabdemo-sandbox/zones/us-central1-a/disks/sandbox-hub-db");
        assert.strictEqual(dbAttachment(r).import, "projects/jupyterlabdemo-sandbox/zones/us-central1-a/disks/sandbox-hub-db/sandbox-homes-daily");
        // Adopting changes nothing else of the disk.
        assert.deepStrictEqual(disk(r).inputs, disk(await render("sandbox")).inputs);
        assert.strictEqual(disk(r).protect, true);
        // An import reads deletionPolicy as unset (it exists in Pulumi's state only): ignored while adopting.
        assert.deepStrictEqual(disk(r).ignoreChanges, ["deletionPolicy", "snapshot"]);
    });

    it("a redeploy with unrelated config changes leaves every input of the disk and its backups unchanged", async () => {
        const base = await render("sandbox");
        const changed = await render(
            "sandbox",
            set({
                "hub.image": "quay.io/jupyterhub/k8s-hub:4.4.1",
                "cluster.userPool.machineType": "n2-standard-8",
                "cluster.corePool.machineType": "e2-standard-4",
                "cluster.name": "jupyterlab-sandbox2",
                "cluster.regional": "true",
                "hub.namespace": "hub2",
            }),
        );
        // The changes did reach the program (the cluster is renamed)...
        assert.notDeepStrictEqual(
            resource(changed, "gcp:container/cluster:Cluster", "gke-cluster").inputs.name,
            resource(base, "gcp:container/cluster:Cluster", "gke-cluster").inputs.name,
        );
        // ...but not the disk, its schedule or the attachment: nothing to replace.
        for (const type of GCP_STORAGE_TYPES) {
            const before = resourcesOf(base, type).filter((x) => x.name.startsWith("storage-"));
            const after = resourcesOf(changed, type).filter((x) => x.name.startsWith("storage-"));
            assert.strictEqual(before.length, type === POLICY ? 1 : 2, type);
            assert.deepStrictEqual(after, before, `${type} changed`);
        }
    });

    it("the data PersistentVolume binds the disk through the PD CSI driver as XFS with project quotas, claim-pinned, no claimRef", async () => {
        const r = await render("sandbox");
        const pv = k8s(r, "PersistentVolume", "homes-nfs-data");
        assert.deepStrictEqual(pv.spec.csi, { driver: "pd.csi.storage.gke.io", fsType: "xfs", volumeHandle: placeholder("storage-disk", "id") });
        assert.deepStrictEqual(pv.spec.mountOptions, ["pquota", "nouuid"]);
        assert.strictEqual(pv.spec.persistentVolumeReclaimPolicy, "Retain");
        assert.deepStrictEqual(pv.spec.accessModes, ["ReadWriteOnce"]);
        assert.strictEqual(pv.spec.storageClassName, "");
        // claimRef is an atomic field the PV binder takes over: Pulumi must never set it.
        assert.strictEqual(pv.spec.claimRef, undefined);
        const pvc = k8s(r, "PersistentVolumeClaim", "nfs-server-data");
        assert.strictEqual(pvc.metadata.namespace, "homes");
        assert.strictEqual(pvc.spec.volumeName, pv.metadata.name);
        assert.strictEqual(pvc.spec.storageClassName, "", "no StorageClass may provision a disk for this claim");
    });

    it("growth: raising storage.diskSizeGb changes the GCE disk's size in place and nothing else (no PV or claim update)", async () => {
        const base = await render("sandbox");
        const grown = await render("sandbox", set({ "storage.diskSizeGb": "80" }));
        const changes: string[] = [];
        for (const after of grown.resources) {
            const before = base.resources.find((x) => x.type === after.type && x.name === after.name);
            assert.ok(before, `${after.name} is new`);
            for (const key of new Set([...Object.keys(before.inputs), ...Object.keys(after.inputs)])) {
                if (JSON.stringify(before.inputs[key]) !== JSON.stringify(after.inputs[key])) changes.push(`${after.type} ${after.name}.${key}`);
            }
        }
        assert.deepStrictEqual(changes, ["gcp:compute/disk:Disk storage-disk.size"]);
        assert.strictEqual(disk(grown).inputs.size, 80);
        // In place: size is not a field that replaces a GCE disk, and the disk stays protected.
        assert.strictEqual(disk(grown).protect, true);
        // The PVs and claims carry a constant, informational capacity.
        for (const [kind, name] of [["PersistentVolume", "homes-nfs-data"], ["PersistentVolume", "jupyterhub-homes"]]) {
            assert.strictEqual(k8s(grown, kind, name).spec.capacity.storage, INFORMATIONAL_CAPACITY);
        }
        // The filesystem follows online: the resizer (server tests).
    });

    it("the hub database gets its own protected disk, pre-bound to the claim the hub mounts (ext4, the disk's zone)", async () => {
        for (const stack of ["sandbox", "demo"]) {
            const r = await render(stack);
            const d = dbDisk(r);
            assert.strictEqual(d.inputs.name, `${stack}-hub-db`);
            assert.strictEqual(d.inputs.size, 10);
            assert.strictEqual(d.inputs.zone, disk(r).inputs.zone);
            const pv = k8s(r, "PersistentVolume", "jupyterhub-hub-db");
            assert.deepStrictEqual(pv.spec.csi, { driver: "pd.csi.storage.gke.io", fsType: "ext4", volumeHandle: placeholder("storage-hub-db-disk", "id") });
            assert.strictEqual(pv.spec.claimRef, undefined);
            assert.strictEqual(pv.spec.storageClassName, "");
            assert.strictEqual(pv.spec.persistentVolumeReclaimPolicy, "Retain");
            const pvc = k8s(r, "PersistentVolumeClaim", "hub-db");
            assert.strictEqual(pvc.metadata.namespace, "jupyterhub");
            assert.strictEqual(pvc.spec.volumeName, "jupyterhub-hub-db");
            assert.strictEqual(pvc.spec.storageClassName, "");
            assert.strictEqual(pvc.spec.resources.requests.storage, "1Gi", "hub.databaseSize, within the disk");
            const hubPod = k8s(r, "Deployment", "hub").spec.template.spec;
            assert.deepStrictEqual(hubPod.volumes.find((v: Manifest) => v.persistentVolumeClaim).persistentVolumeClaim, { claimName: "hub-db" });
            // Declared once: by the storage component, not the hub.
            assert.deepStrictEqual(r.resources.filter((x) => x.type === "kubernetes:core/v1:PersistentVolumeClaim" && (x.inputs.metadata as Manifest["metadata"]).name === "hub-db").map((x) => x.name), ["storage-hub-db-pvc"]);
            assert.strictEqual(r.outputs.hubDatabaseDiskName, `${stack}-hub-db`);
        }
        const local = await render("local");
        assert.strictEqual(k8s(local, "PersistentVolumeClaim", "hub-db").spec.volumeName, undefined, "local: the hub's own claim on the default class");
    });
});


describe("storage: the local stack", () => {
    it("declares no GCP resource and backs the NFS server with a StorageClass claim, without quotas or resizer", async () => {
        const r = await render("local");
        assert.deepStrictEqual(r.resources.filter((x) => x.type.startsWith("gcp:")), []);
        assert.strictEqual(r.outputs.homesDiskName, undefined);
        assert.deepStrictEqual(k8sOf(r, "PersistentVolume").map((p) => p.metadata.name), ["jupyterhub-homes"]);
        const pvc = k8s(r, "PersistentVolumeClaim", "nfs-server-data");
        assert.strictEqual(pvc.spec.storageClassName, undefined, "the cluster's default StorageClass");
        assert.strictEqual(pvc.spec.resources.requests.storage, "10Gi");
        assert.strictEqual(pvc.spec.volumeName, undefined);
        const pod = k8s(r, "Deployment", "nfs-server").spec.template.spec;
        assert.strictEqual(pod.nodeSelector, undefined);
        assert.strictEqual(pod.affinity, undefined);
        assert.deepStrictEqual((pod.containers as Manifest[]).map((c) => c.name), ["nfs-server", "fs-exporter"], "XFS quotas need the GCE disk's XFS");
        assert.deepStrictEqual(k8sOf(r, "ConfigMap").filter((c) => c.metadata.name === "nfs-server-quota"), []);
        assert.deepStrictEqual(k8s(r, "Deployment", "nfs-server").spec.strategy, { type: "Recreate" });
        assert.strictEqual(k8s(r, "PersistentVolume", "jupyterhub-homes").spec.capacity.storage, INFORMATIONAL_CAPACITY);
    });

    it("takes the StorageClass and size from config", async () => {
        const r = await render("local", set({ "storage.localStorageClass": "standard", "storage.localVolumeSize": "20Gi" }));
        const pvc = k8s(r, "PersistentVolumeClaim", "nfs-server-data");
        assert.strictEqual(pvc.spec.storageClassName, "standard");
        assert.strictEqual(pvc.spec.resources.requests.storage, "20Gi");
    });
});

describe("storage: config validation", () => {
    async function rejects(stack: string, values: Record<string, string>, message: string): Promise<void> {
        await assert.rejects(render(stack, set(values)), (e: Error) => {
            assert.ok(e instanceof ConfigError, `${e}`);
            assert.strictEqual(e.message, message);
            return true;
        });
    }

    it("rejects a snapshot time off the hour (GCE accepts HH:00 only)", () =>
        rejects(
            "sandbox",
            { "storage.snapshotStartTime": "04:30" },
            'jupyterlabdemo:storage.snapshotStartTime: must be on the hour (HH:00), as GCE snapshot schedules require, got "04:30"',
        ));

    it("rejects a disk name GCE would refuse, or too long for its schedule's name", async () => {
        await rejects(
            "sandbox",
            { "storage.diskName": "1-homes" },
            'jupyterlabdemo:storage.diskName: must be a GCE disk name: a lowercase letter, then a-z, 0-9 or -, at most 57 characters, got "1-homes"',
        );
        const long = `h${"o".repeat(57)}`;
        await rejects(
            "sandbox",
            { "storage.diskName": long },
            `jupyterlabdemo:storage.diskName: must be a GCE disk name: a lowercase letter, then a-z, 0-9 or -, at most 57 characters, got "${long}"`,
        );
    });

    it("rejects a stack whose default disk name (<stack>-homes) is not a GCE disk name", () => {
        const raw = {
            "gcp:project": "jupyterlabdemo-test",
            "gcp:region": "us-central1",
            "gcp:zone": "us-central1-a",
            "jupyterlabdemo:hostname": "lab.example.org",
            "jupyterlabdemo:ingress": JSON.stringify({ acmeEmail: "ops@example.org" }),
            "jupyterlabdemo:github": JSON.stringify({ clientId: "Ov23liTestClient01", allowedOrganizations: ["example"] }),
            "jupyterlabdemo:githubClientSecret": "[secret]",
        };
        assert.strictEqual(parseSettings(raw, { project: "jupyterlabdemo", stack: "lab1" }).storage.diskName, "lab1-homes");
        assert.throws(
            () => parseSettings(raw, { project: "jupyterlabdemo", stack: "2026-lab" }),
            (e: Error) =>
                e instanceof ConfigError &&
                e.message ===
                    'jupyterlabdemo:storage.diskName: must be set: the default from the stack name is not a valid GCE disk name (a lowercase letter first, at most 57 characters), got "2026-lab-homes"',
        );
    });

    it("rejects adopting a disk on the local stack", () =>
        rejects(
            "local",
            { "storage.adoptExistingDisk": "true" },
            "jupyterlabdemo:storage.adoptExistingDisk: must be false when platform is local (no GCE disk)",
        ));
});


describe("storage: quota and namespace config", () => {
    async function rejects(values: Record<string, string>, message: string): Promise<void> {
        await assert.rejects(render("sandbox", set(values)), (e: Error) => {
            assert.ok(e instanceof ConfigError, `${e}`);
            assert.strictEqual(e.message, message);
            return true;
        });
    }

    it("rejects a storage namespace equal to the hub's, or a system namespace", async () => {
        await rejects({ "storage.namespace": "jupyterhub" }, 'jupyterlabdemo:storage.namespace: must differ from hub.namespace ("jupyterhub"): the NFS server needs a namespace of its own');
        await rejects({ "storage.namespace": "kube-system" }, 'jupyterlabdemo:storage.namespace: must not be a system namespace (default, kube-*, gke-*, gmp-* belong to Kubernetes and GKE), got "kube-system"');
    });

    it("rejects a login both overridden and excluded, a quota below 1 GiB and a login that names no home", async () => {
        await rejects(
            { "storage.userQuotaOverrides.octocat": "5", "storage.quotaExclusions": '["octocat"]' },
            'jupyterlabdemo:storage.quotaExclusions: must not list "octocat", which storage.userQuotaOverrides also sets (an override or no quota, not both)',
        );
        await rejects({ "storage.userQuotaGiB": "0" }, "jupyterlabdemo:storage.userQuotaGiB: must be >= 1 (GiB), got 0");
        await rejects({ "storage.userQuotaOverrides.OctoCat": "5" }, "jupyterlabdemo:storage.userQuotaOverrides.OctoCat: must be keyed by a lowercase GitHub login (the name of the user's home)");
        await rejects({ "storage.quotaExclusions": '["Shared"]' }, 'jupyterlabdemo:storage.quotaExclusions[0]: must be a lowercase GitHub login (the name of the user\'s home), got "Shared"');
    });

    it("rejects a hub database disk named like the homes disk", () =>
        rejects({ "storage.hubDatabaseDiskName": "sandbox-homes" }, 'jupyterlabdemo:storage.hubDatabaseDiskName: must differ from storage.diskName ("sandbox-homes")'));
});

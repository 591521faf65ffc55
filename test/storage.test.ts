/**
 * The homes storage: a protected, snapshotted GCE disk behind one NFS server, and the homes claim
 * the labs mount. Everything is read from the offline render of the real stacks.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConfigError, parseSettings } from "../components/config";
import { HOMES_MOUNT_OPTIONS, NFS_MODULES_SCRIPT, NFS_PORT, NFS_SERVER_IMAGE } from "../components/storage";
import { k8s, k8sOf, Manifest, placeholder, render, Render, RenderedResource, resource, resourcesOf, set } from "./mocks";

const DISK = "gcp:compute/disk:Disk";
const POLICY = "gcp:compute/resourcePolicy:ResourcePolicy";
const ATTACHMENT = "gcp:compute/diskResourcePolicyAttachment:DiskResourcePolicyAttachment";
const GCP_STORAGE_TYPES = [DISK, POLICY, ATTACHMENT];

const disk = (r: Render) => resource(r, DISK, "storage-disk");
const policy = (r: Render) => resource(r, POLICY, "storage-snapshot-policy");
const attachment = (r: Render) => resource(r, ATTACHMENT, "storage-snapshot-attachment");
const gcpStorage = (r: Render): RenderedResource[] => [disk(r), policy(r), attachment(r)];

/** The NFS server's only container. */
function nfsContainer(r: Render): Manifest {
    const containers = k8s(r, "Deployment", "nfs-server").spec.template.spec.containers;
    assert.strictEqual(containers.length, 1);
    return containers[0];
}

describe("storage: the homes disk (GKE stacks)", () => {
    for (const stack of ["sandbox", "demo"]) {
        it(`${stack}: the disk, its snapshot policy and the attachment are protected and retained on delete`, async () => {
            const r = await render(stack);
            for (const res of gcpStorage(r)) {
                assert.strictEqual(res.protect, true, `${res.name} protect`);
                assert.strictEqual(res.retainOnDelete, true, `${res.name} retainOnDelete`);
            }
            const disk = gcpStorage(r).find((x) => x.type === "gcp:compute/disk:Disk")!;
            assert.strictEqual(disk.inputs.deletionPolicy, "ABANDON", "the provider abandons, never deletes, the disk");
            // A disk restored from a snapshot reads back with `snapshot` set: never a reason to replace it.
            assert.deepStrictEqual(disk.ignoreChanges, ["snapshot"]);
        });

        it(`${stack}: the disk depends on nothing of the cluster and uses the default gcp provider`, async () => {
            const r = await render(stack);
            for (const res of gcpStorage(r)) {
                assert.strictEqual(res.provider, null, `${res.name} must use the default gcp provider`);
                assert.strictEqual(res.parent, "storage", `${res.name} is a child of the storage component only`);
            }
            // Only on the Compute API being enabled (a project Service, never turned off on destroy).
            assert.deepStrictEqual(disk(r).dependsOn, ["apis-compute"]);
            assert.deepStrictEqual(policy(r).dependsOn, ["apis-compute"]);
            // Nothing in the disk's inputs is an output of another resource.
            assert.ok(!JSON.stringify(disk(r).inputs).includes("${"), JSON.stringify(disk(r).inputs));
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
        const pv = k8s(r, "PersistentVolume", "jupyterhub-nfs-data");
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
        const a = attachment(r).inputs;
        assert.strictEqual(a.disk, disk(r).inputs.name, "attached to the homes disk");
        assert.strictEqual(a.name, p.name, "attaches the schedule by name (not self link)");
        assert.strictEqual(a.zone, disk(r).inputs.zone);
        assert.strictEqual(a.project, disk(r).inputs.project);
    });

    it("adoptExistingDisk imports the disk, its schedule and the attachment by id", async () => {
        const r = await render("sandbox", set({ "storage.adoptExistingDisk": "true" }));
        assert.strictEqual(disk(r).import, "projects/jupyterlabdemo-sandbox/zones/us-central1-a/disks/sandbox-homes");
        assert.strictEqual(policy(r).import, "projects/jupyterlabdemo-sandbox/regions/us-central1/resourcePolicies/sandbox-homes-daily");
        assert.strictEqual(attachment(r).import, "projects/jupyterlabdemo-sandbox/zones/us-central1-a/disks/sandbox-homes/sandbox-homes-daily");
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
            assert.strictEqual(before.length, 1, type);
            assert.deepStrictEqual(after, before, `${type} changed`);
        }
    });

    it("the PersistentVolume binds the disk through the PD CSI driver, with the disk's size and Retain", async () => {
        const r = await render("sandbox");
        const pv = k8s(r, "PersistentVolume", "jupyterhub-nfs-data");
        assert.deepStrictEqual(pv.spec.csi, { driver: "pd.csi.storage.gke.io", fsType: "ext4", volumeHandle: placeholder("storage-disk", "id") });
        assert.strictEqual(pv.spec.capacity.storage, `${disk(r).inputs.size}Gi`);
        assert.strictEqual(pv.spec.persistentVolumeReclaimPolicy, "Retain");
        assert.deepStrictEqual(pv.spec.accessModes, ["ReadWriteOnce"]);
        assert.strictEqual(pv.spec.storageClassName, "");
        assert.deepStrictEqual(pv.spec.claimRef, { name: "nfs-server-data", namespace: "jupyterhub" });
        const pvc = k8s(r, "PersistentVolumeClaim", "nfs-server-data");
        assert.strictEqual(pvc.metadata.namespace, "jupyterhub");
        assert.strictEqual(pvc.spec.volumeName, pv.metadata.name);
        assert.strictEqual(pvc.spec.storageClassName, "", "no StorageClass may provision a disk for this claim");
        // A size change reaches the disk and the PV, never a fresh disk.
        const grown = await render("sandbox", set({ "storage.diskSizeGb": "80" }));
        assert.strictEqual(k8s(grown, "PersistentVolume", "jupyterhub-nfs-data").spec.capacity.storage, "80Gi");
        assert.strictEqual(disk(grown).inputs.size, 80);
    });
});

describe("storage: the NFS server", () => {
    /** Runs the module-loading script with `mount` stubbed and /proc/modules read from `loaded`. */
    function loadModules(loaded: string[]): { status: number | null; stderr: string; mounts: string } {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nfs-modules-"));
        try {
            fs.writeFileSync(path.join(dir, "modules"), loaded.map((m) => `${m} 401408 0 - Live 0x0\n`).join(""));
            for (const cmd of ["mount", "umount"]) {
                fs.writeFileSync(path.join(dir, cmd), `#!/bin/sh\necho "${cmd} $*" >> ${dir}/calls\n`, { mode: 0o755 });
            }
            const script = NFS_MODULES_SCRIPT.replace(/\/tmp\//g, `${dir}/`).replace("/proc/modules", `${dir}/modules`);
            const done = spawnSync("/bin/sh", ["-c", script], { env: { PATH: `${dir}:/usr/bin:/bin` }, encoding: "utf8" });
            const mounts = fs.existsSync(path.join(dir, "calls")) ? fs.readFileSync(path.join(dir, "calls"), "utf8") : "";
            return { status: done.status, stderr: done.stderr, mounts };
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    }

    it("loads the nfsd and nfs kernel modules before the server starts, or fails saying which is missing", async () => {
        const ok = loadModules(["nfsd", "nfs", "sunrpc"]);
        assert.strictEqual(ok.status, 0, ok.stderr);
        assert.match(ok.mounts, /^mount -t nfsd nfsd .*\/nfsd$/m, "an nfsd mount makes the kernel load nfsd");
        assert.match(ok.mounts, /^mount -i -t nfs none /m, "an nfs mount attempt makes the kernel load nfs");
        const missing = loadModules(["nfs"]);
        assert.strictEqual(missing.status, 1);
        assert.match(missing.stderr, /kernel module nfsd is not loaded/);

        const d = k8s(await render("sandbox"), "Deployment", "nfs-server");
        const init = d.spec.template.spec.initContainers;
        assert.deepStrictEqual(init.map((c: { name: string }) => c.name), ["load-nfs-modules"]);
        assert.deepStrictEqual(init[0].command, ["/bin/sh", "-c", NFS_MODULES_SCRIPT]);
        assert.deepStrictEqual(init[0].securityContext.capabilities, { add: ["SYS_ADMIN"], drop: ["ALL"] });
        assert.strictEqual(init[0].securityContext.privileged, false);
    });

    it("serves NFSv4 only and is never moved by the autoscaler", async () => {
        const d = k8s(await render("sandbox"), "Deployment", "nfs-server");
        const env = Object.fromEntries(d.spec.template.spec.containers[0].env.map((e: { name: string; value: string }) => [e.name, e.value]));
        assert.strictEqual(env.NFS_DISABLE_VERSION_2, "1");
        assert.strictEqual(env.NFS_DISABLE_VERSION_3, "1");
        assert.strictEqual(d.spec.template.metadata.annotations["cluster-autoscaler.kubernetes.io/safe-to-evict"], "false");
    });

    it("is one replica with the Recreate strategy, on the core pool, mounting the disk's claim", async () => {
        const r = await render("sandbox");
        const d = k8s(r, "Deployment", "nfs-server");
        assert.strictEqual(d.metadata.namespace, "jupyterhub");
        assert.strictEqual(d.spec.replicas, 1);
        assert.deepStrictEqual(d.spec.strategy, { type: "Recreate" });
        const pod = d.spec.template.spec;
        assert.deepStrictEqual(pod.nodeSelector, { "jupyterlabdemo.io/node-role": "core" });
        assert.strictEqual(pod.tolerations, undefined, "the core pool has no taint to tolerate");
        const volume = pod.volumes.find((v: Manifest) => v.persistentVolumeClaim);
        assert.strictEqual(volume.persistentVolumeClaim.claimName, "nfs-server-data");
        const mount = nfsContainer(r).volumeMounts.find((m: Manifest) => m.name === volume.name);
        assert.ok(mount, "the claim's volume is mounted");
        // What it exports is what it mounts.
        const exported = nfsContainer(r).env.find((e: Manifest) => e.name === "NFS_EXPORT_0").value as string;
        assert.strictEqual(exported.split(" ")[0], mount.mountPath);
        assert.match(exported, /\(rw,sync,fsid=0,/);
    });

    it("runs a pinned image with requests, a memory limit and only the privilege nfsd needs", async () => {
        const r = await render("sandbox");
        const c = nfsContainer(r);
        assert.strictEqual(c.image, NFS_SERVER_IMAGE);
        assert.match(c.image, /:[0-9]+\.[0-9]+\.[0-9]+$/);
        assert.ok(c.resources.requests.cpu && c.resources.requests.memory && c.resources.limits.memory);
        assert.notStrictEqual(c.securityContext.privileged, true);
        assert.deepStrictEqual(c.securityContext.capabilities, { add: ["SYS_ADMIN"] });
        const env = Object.fromEntries(c.env.map((e: Manifest) => [e.name, e.value]));
        assert.strictEqual(env.NFS_DISABLE_VERSION_3, "1", "NFSv4 only: the Service needs no rpcbind/mountd ports");
        const pod = k8s(r, "Deployment", "nfs-server").spec.template.spec;
        assert.strictEqual(pod.hostNetwork, undefined);
        assert.ok(!pod.volumes.some((v: Manifest) => v.hostPath), "no hostPath");
    });

    it("the Service selects exactly the server pod's labels, on the ports the container exposes", async () => {
        const r = await render("sandbox");
        const svc = k8s(r, "Service", "nfs-server");
        const d = k8s(r, "Deployment", "nfs-server");
        assert.strictEqual(svc.metadata.namespace, d.metadata.namespace);
        assert.strictEqual(svc.spec.type, "ClusterIP");
        assert.deepStrictEqual(svc.spec.selector, d.spec.selector.matchLabels);
        assert.strictEqual(svc.spec.selector["app.kubernetes.io/component"], "nfs-server");
        const podLabels = d.spec.template.metadata.labels as Record<string, string>;
        for (const [k, v] of Object.entries(svc.spec.selector as Record<string, string>)) {
            assert.strictEqual(podLabels[k], v, `pod label ${k}`);
        }
        // No other pod of the platform matches the selector.
        for (const other of [...k8sOf(r, "Deployment"), ...k8sOf(r, "StatefulSet"), ...k8sOf(r, "DaemonSet")]) {
            if (other.metadata.name === "nfs-server") continue;
            const labels = (other.spec.template.metadata.labels ?? {}) as Record<string, string>;
            const matches = Object.entries(svc.spec.selector as Record<string, string>).every(([k, v]) => labels[k] === v);
            assert.ok(!matches, `${other.kind} ${other.metadata.name} matches the NFS selector`);
        }
        const containerPorts = nfsContainer(r).ports as Manifest[];
        assert.deepStrictEqual(svc.spec.ports, [{ name: "nfs", port: NFS_PORT, protocol: "TCP", targetPort: "nfs" }]);
        for (const port of svc.spec.ports) {
            const target = containerPorts.find((p) => p.name === port.targetPort || p.containerPort === port.targetPort);
            assert.ok(target, `targetPort ${port.targetPort} is a container port`);
            assert.strictEqual(target.containerPort, NFS_PORT);
            assert.strictEqual(target.protocol, port.protocol);
        }
        assert.strictEqual(containerPorts.length, svc.spec.ports.length, "every exposed port is served");
    });
});

describe("storage: the homes volume for labs", () => {
    it("the NFS PV's server is the NFS Service's ClusterIP (never a DNS name), with the justified mount options", async () => {
        for (const stack of ["sandbox", "local"]) {
            const r = await render(stack);
            const pv = k8s(r, "PersistentVolume", "jupyterhub-homes");
            assert.strictEqual(pv.spec.nfs.server, placeholder("storage-nfs-service", "spec.clusterIP"));
            assert.strictEqual(pv.spec.nfs.path, "/");
            assert.deepStrictEqual(pv.spec.mountOptions, [...HOMES_MOUNT_OPTIONS]);
            assert.ok(pv.spec.mountOptions.includes("local_lock=all"));
            assert.ok(pv.spec.mountOptions.includes("hard"));
            assert.ok(!pv.spec.mountOptions.includes("nolock"), "nolock would override local_lock");
            assert.deepStrictEqual(pv.spec.accessModes, ["ReadWriteMany"]);
            assert.strictEqual(pv.spec.persistentVolumeReclaimPolicy, "Retain");
            assert.strictEqual(r.outputs.nfsServerIp, placeholder("storage-nfs-service", "spec.clusterIP"));
        }
    });

    it("the homes claim and the NFS PV are bound to each other by name", async () => {
        const r = await render("sandbox");
        const pv = k8s(r, "PersistentVolume", "jupyterhub-homes");
        const pvc = k8s(r, "PersistentVolumeClaim", "homes");
        assert.strictEqual(pvc.metadata.namespace, "jupyterhub");
        assert.strictEqual(pvc.spec.volumeName, "jupyterhub-homes");
        assert.deepStrictEqual(pv.spec.claimRef, { name: "homes", namespace: "jupyterhub" });
        assert.strictEqual(pvc.spec.storageClassName, "");
        assert.strictEqual(pv.spec.storageClassName, "");
        assert.deepStrictEqual(pvc.spec.accessModes, ["ReadWriteMany"]);
        assert.strictEqual(pv.spec.capacity.storage, "50Gi");
        assert.strictEqual(r.outputs.homesClaimName, "homes");
        // The cluster-scoped PVs carry the namespace in their names.
        const renamed = await render("sandbox", set({ "hub.namespace": "hub2" }));
        assert.strictEqual(k8s(renamed, "PersistentVolumeClaim", "homes").spec.volumeName, "hub2-homes");
        assert.strictEqual(k8s(renamed, "PersistentVolume", "hub2-nfs-data").spec.claimRef.namespace, "hub2");
    });

    it("stack outputs: disk name, NFS server ClusterIP, homes claim name", async () => {
        const r = await render("demo");
        assert.strictEqual(r.outputs.homesDiskName, "demo-homes");
        assert.strictEqual(r.outputs.nfsServerIp, placeholder("storage-nfs-service", "spec.clusterIP"));
        assert.strictEqual(r.outputs.homesClaimName, "homes");
    });
});

describe("storage: the local stack", () => {
    it("declares no GCP resource and backs the NFS server with a StorageClass claim", async () => {
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
        assert.strictEqual(pod.volumes[0].persistentVolumeClaim.claimName, "nfs-server-data");
        assert.deepStrictEqual(k8s(r, "Deployment", "nfs-server").spec.strategy, { type: "Recreate" });
        assert.strictEqual(k8s(r, "PersistentVolume", "jupyterhub-homes").spec.capacity.storage, "10Gi");
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

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
import { createHash } from "crypto";
import { GRACE_SECONDS, HOMES_MOUNT_OPTIONS, INFORMATIONAL_CAPACITY, LEASE_SECONDS, NFS_PORT, NFS_SERVER_PRIVILEGES } from "../components/storage";
import { DEVICE_NODE_SCRIPT, QUOTA_ENFORCER_SCRIPT, QUOTA_REPORT_AWK, QUOTA_REPORT_SCRIPT, quotaEnforcerConfig, quotaGiBFor, RESIZER_SCRIPT } from "../components/storage/quota";
import { selectorLabels } from "../components/naming";
import { k8s, k8sOf, Manifest, placeholder, render, Render, RenderedResource, resource, resourcesOf, set } from "./mocks";
import { allowed, Endpoint } from "./netpol";

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

/** The NFS server's Ganesha container. */
function nfsContainer(r: Render): Manifest {
    const containers = k8s(r, "Deployment", "nfs-server").spec.template.spec.containers as Manifest[];
    return containers.find((c) => c.name === "nfs-server")!;
}

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

describe("storage: the NFS server", () => {
    it("runs in its own namespace, which enforces exactly privileged and warns and audits restricted", async () => {
        const r = await render("sandbox");
        const ns = k8s(r, "Namespace", "homes");
        const psa = Object.fromEntries(Object.entries(ns.metadata.labels!).filter(([k]) => k.startsWith("pod-security.kubernetes.io/")));
        assert.deepStrictEqual(psa, {
            "pod-security.kubernetes.io/enforce": "privileged",
            "pod-security.kubernetes.io/enforce-version": "v1.30",
            "pod-security.kubernetes.io/warn": "restricted",
            "pod-security.kubernetes.io/warn-version": "v1.30",
            "pod-security.kubernetes.io/audit": "restricted",
            "pod-security.kubernetes.io/audit-version": "v1.30",
        });
        for (const [kind, name] of [["Deployment", "nfs-server"], ["Service", "nfs-server"], ["NetworkPolicy", "nfs-server"], ["ConfigMap", "nfs-server-ganesha"], ["ConfigMap", "nfs-server-quota"], ["PersistentVolumeClaim", "nfs-server-data"]]) {
            const found = k8sOf(r, kind).filter((m) => m.metadata.name === name && m.metadata.namespace === "homes");
            assert.strictEqual(found.length, 1, `${kind} ${name} in homes`);
        }
        assert.strictEqual(r.outputs.storageNamespace, "homes");
        const moved = await render("sandbox", set({ "storage.namespace": "nfs" }));
        assert.strictEqual(k8s(moved, "Deployment", "nfs-server").metadata.namespace, "nfs");
        assert.ok(k8s(moved, "PersistentVolume", "nfs-nfs-data"));
    });

    it("is one replica with the Recreate strategy, never evicted by the autoscaler, on the core pool, mounting the disk's claim", async () => {
        const r = await render("sandbox");
        const d = k8s(r, "Deployment", "nfs-server");
        assert.strictEqual(d.spec.replicas, 1);
        assert.deepStrictEqual(d.spec.strategy, { type: "Recreate" });
        assert.strictEqual(d.spec.template.metadata.annotations["cluster-autoscaler.kubernetes.io/safe-to-evict"], "false");
        const pod = d.spec.template.spec;
        assert.deepStrictEqual(pod.nodeSelector, { "jupyterlabdemo.io/node-role": "core" });
        assert.strictEqual(pod.tolerations, undefined, "the core pool has no taint to tolerate");
        const volume = pod.volumes.find((v: Manifest) => v.persistentVolumeClaim);
        assert.strictEqual(volume.persistentVolumeClaim.claimName, "nfs-server-data");
        assert.ok(nfsContainer(r).volumeMounts.some((m: Manifest) => m.name === volume.name && m.mountPath === "/data"));
        assert.strictEqual(pod.hostname, "nfs-server", "a stable host name: Ganesha's NFSv4.1 server identity");
        assert.strictEqual(pod.hostNetwork, undefined);
        assert.ok(!pod.volumes.some((v: Manifest) => v.hostPath), "no hostPath");
        assert.strictEqual(pod.automountServiceAccountToken, false);
    });

    it("runs Ganesha (pinned 2i2c image), the quota enforcer, the quota report, the resizer and two exporters", async () => {
        const r = await render("sandbox");
        const containers = k8s(r, "Deployment", "nfs-server").spec.template.spec.containers as Manifest[];
        assert.deepStrictEqual(
            containers.map((c) => `${c.name} ${c.image}`),
            [
                "nfs-server ghcr.io/2i2c-org/nfs-ganesha:1.2.0",
                "quota-enforcer ghcr.io/2i2c-org/jupyterhub-home-nfs:1.2.0",
                "quota-report ghcr.io/2i2c-org/jupyterhub-home-nfs:1.2.0",
                "fs-resizer ghcr.io/2i2c-org/jupyterhub-home-nfs:1.2.0",
                "quota-exporter quay.io/prometheus/node-exporter:v1.8.2",
                "fs-exporter quay.io/prometheus/node-exporter:v1.8.2",
            ],
        );
        for (const c of containers) {
            assert.ok(c.resources.requests.cpu && c.resources.requests.memory && c.resources.limits.memory, c.name);
        }
        assert.deepStrictEqual(nfsContainer(r).ports, [{ name: "nfs", containerPort: NFS_PORT, protocol: "TCP" }]);
        // ganesha.nfsd as PID 1 with the rendered config, without the image's start script (its
        // rpcbind and dbus need more privileges than the container holds, and NFSv4 neither).
        const start = nfsContainer(r).command;
        assert.deepStrictEqual(start.slice(0, 2), ["/bin/sh", "-c"]);
        assert.match(start[2], /&& exec \/usr\/bin\/ganesha\.nfsd -F -L \/dev\/stdout -f \/etc\/ganesha\/ganesha\.conf /);
        assert.ok(!/rpcbind|dbus/.test(start[2]));
        assert.ok(nfsContainer(r).volumeMounts.some((m: { mountPath: string }) => m.mountPath === "/etc/ganesha/ganesha.conf"));
    });

    it("pins each image by digest once storage.imageDigests sets it", async () => {
        const sha = (c: string) => `sha256:${c.repeat(64)}`;
        const r = await render("sandbox", set({ "storage.imageDigests.ganesha": sha("a"), "storage.imageDigests.homeNfs": sha("b"), "storage.imageDigests.nodeExporter": sha("c") }));
        const images = new Set((k8s(r, "Deployment", "nfs-server").spec.template.spec.containers as Manifest[]).map((c) => c.image));
        assert.deepStrictEqual([...images].sort(), [
            `ghcr.io/2i2c-org/jupyterhub-home-nfs:1.2.0@${sha("b")}`,
            `ghcr.io/2i2c-org/nfs-ganesha:1.2.0@${sha("a")}`,
            `quay.io/prometheus/node-exporter:v1.8.2@${sha("c")}`,
        ]);
        await assert.rejects(render("sandbox", set({ "storage.imageDigests.ganesha": "sha256:abc" })), /jupyterlabdemo:storage\.imageDigests\.ganesha: must be a digest such as sha256:<64 lowercase hex digits>/);
    });

    it("each container holds exactly its stated privileges, under an explicit seccomp profile; the exporters are restricted", async () => {
        const r = await render("sandbox");
        const pod = k8s(r, "Deployment", "nfs-server").spec.template.spec;
        assert.deepStrictEqual(pod.securityContext.seccompProfile, { type: "RuntimeDefault" });
        for (const c of [...pod.initContainers, ...pod.containers] as Manifest[]) {
            const sc = c.securityContext;
            const grant = NFS_SERVER_PRIVILEGES[c.name];
            if (grant?.privileged) {
                assert.deepStrictEqual(sc, { privileged: true, runAsUser: 0 }, c.name);
                continue;
            }
            assert.strictEqual(sc.privileged === true, false, `${c.name} is not privileged`);
            assert.deepStrictEqual(sc.seccompProfile, { type: "RuntimeDefault" }, c.name);
            assert.deepStrictEqual(sc.capabilities.drop, ["ALL"], c.name);
            assert.deepStrictEqual(sc.capabilities.add ?? [], grant ? [...grant.capabilities] : [], c.name);
            if (!grant) assert.strictEqual(sc.allowPrivilegeEscalation, false, c.name);
        }
        // Exactly one privileged container, the resizer; Ganesha needs no SYS_ADMIN.
        assert.deepStrictEqual(Object.entries(NFS_SERVER_PRIVILEGES).filter(([, p]) => p.privileged).map(([n]) => n), ["fs-resizer"]);
        assert.ok(!NFS_SERVER_PRIVILEGES["nfs-server"].capabilities.includes("SYS_ADMIN"));
        for (const name of ["quota-exporter", "fs-exporter"]) {
            const sc = (pod.containers as Manifest[]).find((c) => c.name === name)!.securityContext;
            assert.strictEqual(sc.runAsNonRoot, true, name);
            assert.strictEqual(sc.readOnlyRootFilesystem, true, name);
        }
    });

    it("exposes the quota and filesystem metrics on ports named quota-metrics and fs-metrics, pods labelled by component", async () => {
        const r = await render("sandbox");
        const d = k8s(r, "Deployment", "nfs-server");
        const ports = (d.spec.template.spec.containers as Manifest[]).flatMap((c) => (c.ports ?? []).map((p: Manifest) => `${c.name}:${p.name}:${p.containerPort}`));
        assert.deepStrictEqual(ports, ["nfs-server:nfs:2049", "quota-exporter:quota-metrics:9101", "fs-exporter:fs-metrics:9100"]);
        assert.strictEqual(d.spec.template.metadata.labels["app.kubernetes.io/component"], "nfs-server");
        const quotaExporter = (d.spec.template.spec.containers as Manifest[]).find((c) => c.name === "quota-exporter")!;
        assert.ok(quotaExporter.args.includes("--collector.textfile.directory=/metrics"));
    });

    it("NetworkPolicy: the nodes reach only 2049, the Managed Prometheus collector only the metrics ports, labs and the hub nothing", async () => {
        const r = await render("sandbox");
        const policies = k8sOf(r, "NetworkPolicy");
        const labels = selectorLabels("sandbox", "nfs-server");
        const nfs: Endpoint = { namespace: "homes", labels, ip: "10.16.0.22" };
        const node: Endpoint = { ip: "10.10.0.5" };
        const collector: Endpoint = { namespace: "gmp-system", labels: { "app.kubernetes.io/name": "collector" }, ip: "10.16.0.50" };
        const fakeCollector: Endpoint = { namespace: "jupyterhub", labels: { "app.kubernetes.io/name": "collector" }, ip: "10.16.0.51" };
        const lab: Endpoint = { namespace: "jupyterhub", labels: selectorLabels("sandbox", "lab"), ip: "10.16.1.10" };
        const hub: Endpoint = { namespace: "jupyterhub", labels: selectorLabels("sandbox", "hub"), ip: "10.16.0.20" };
        assert.ok(allowed(policies, node, nfs, 2049));
        assert.ok(!allowed(policies, node, nfs, 9100), "nodes do not scrape");
        assert.ok(allowed(policies, collector, nfs, 9101));
        assert.ok(allowed(policies, collector, nfs, 9100));
        assert.ok(!allowed(policies, collector, nfs, 2049), "the collector does not mount");
        assert.ok(!allowed(policies, fakeCollector, nfs, 9101), "a look-alike outside gmp-system");
        assert.ok(!allowed(policies, lab, nfs, 2049) && !allowed(policies, lab, nfs, 9101), "labs");
        assert.ok(!allowed(policies, hub, nfs, 2049), "hub");
        assert.ok(!allowed(policies, node, nfs, 111), "no rpcbind: NFSv4 only");
        assert.ok(!allowed(policies, nfs, { ip: "140.82.112.3" }, 443), "no egress to the internet");
        const ccnp = k8s(r, "CiliumClusterwideNetworkPolicy", "jupyterlabdemo-sandbox-homes-nfs-nodes");
        assert.deepStrictEqual(ccnp.spec.endpointSelector.matchLabels, { "k8s:io.kubernetes.pod.namespace": "homes", ...labels });
        assert.deepStrictEqual(ccnp.spec.ingress, [{ fromEntities: ["host", "remote-node"], toPorts: [{ ports: [{ port: "2049", protocol: "TCP" }] }] }]);
    });

    it("the Service selects exactly the server pod's labels, on the NFS port only", async () => {
        const r = await render("sandbox");
        const svc = k8s(r, "Service", "nfs-server");
        const d = k8s(r, "Deployment", "nfs-server");
        assert.strictEqual(svc.metadata.namespace, d.metadata.namespace);
        assert.strictEqual(svc.spec.type, "ClusterIP");
        assert.deepStrictEqual(svc.spec.selector, d.spec.selector.matchLabels);
        for (const [k, v] of Object.entries(svc.spec.selector as Record<string, string>)) {
            assert.strictEqual(d.spec.template.metadata.labels[k], v, `pod label ${k}`);
        }
        for (const other of [...k8sOf(r, "Deployment"), ...k8sOf(r, "StatefulSet"), ...k8sOf(r, "DaemonSet")]) {
            if (other.metadata.name === "nfs-server") continue;
            const labels = (other.spec.template.metadata.labels ?? {}) as Record<string, string>;
            assert.ok(!Object.entries(svc.spec.selector as Record<string, string>).every(([k, v]) => labels[k] === v), `${other.metadata.name} matches`);
        }
        assert.deepStrictEqual(svc.spec.ports, [{ name: "nfs", port: NFS_PORT, protocol: "TCP", targetPort: "nfs" }]);
    });

    it("exports NFSv4.1+ only, without squashing anyone, with its recovery state on the disk and short lease and grace", async () => {
        const r = await render("sandbox");
        const conf = k8s(r, "ConfigMap", "nfs-server-ganesha").data["ganesha.conf"] as string;
        assert.match(conf, /NFS_CORE_PARAM \{[^}]*Protocols = 4;[^}]*Enable_NLM = false;[^}]*Enable_RQUOTA = false;/);
        assert.match(conf, /Minor_Versions = 1, 2;/);
        assert.match(conf, /Squash = No_Root_Squash;/);
        assert.doesNotMatch(conf, /All_Squash|Anonymous_uid|= Root_Squash;/i);
        assert.match(conf, /Path = "\/data\/homes";\n {4}Pseudo = "\/";/);
        assert.match(conf, /RecoveryRoot = "\/data\/ganesha";/, "on the persistent disk");
        assert.match(conf, new RegExp(`Lease_Lifetime = ${LEASE_SECONDS};\\n {4}Grace_Period = ${GRACE_SECONDS};`));
        assert.match(conf, /Transports = TCP;/);
        // A change restarts the server: its checksum is on the pod template.
        const checksum = k8s(r, "Deployment", "nfs-server").spec.template.metadata.annotations["jupyterlabdemo.io/config-checksum"];
        assert.strictEqual(checksum, createHash("sha256").update(conf).digest("hex"));
    });

    it("identity: a home the kubelet creates through the export is root's, and the lab's home init container makes it the user's", async function () {
        if (process.getuid?.() !== 0) this.skip(); // chown to another uid needs root
        const r = await render("sandbox");
        const conf = k8s(r, "ConfigMap", "nfs-server-ganesha").data["ganesha.conf"] as string;
        // What owner a directory created by a root client gets, as this export maps it: root kept
        // unless the export squashes (then the anonymous uid, 1000 in 2i2c's chart).
        const ownerOfRootCreated = (c: string) => (/Squash = (No_Root_Squash|None|No_Squash);/i.test(c) ? 0 : Number(/Anonymous_uid = (\d+)/.exec(c)?.[1] ?? 65534));
        // The hub's real home init script and its security context, from hooks.py.
        const hooks = JSON.parse(
            spawnSync("python3", ["-c", "import json, sys; sys.path.insert(0, 'components/hub'); import hooks; print(json.dumps({'script': hooks.HOME_SCRIPT, 'mount': hooks.HOME_INIT_MOUNT, 'sc': hooks.home_init_security_context()}))"], { encoding: "utf8" }).stdout,
        ) as { script: string; mount: string; sc: Manifest };
        assert.strictEqual(hooks.sc.runAsUser, 0);
        assert.deepStrictEqual(hooks.sc.capabilities.add, ["CHOWN"]);
        const runInit = (owner: number): { status: number | null; uid: number; stderr: string } => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "homes-"));
            try {
                const home = path.join(dir, "octocat");
                fs.mkdirSync(home, { mode: 0o755 });
                fs.chownSync(home, owner, owner);
                const run = spawnSync("/bin/sh", ["-c", hooks.script.split(hooks.mount).join(home)], { env: { PATH: "/usr/bin:/bin", LAB_UID: "583231", LAB_GID: "583231" }, encoding: "utf8" });
                return { status: run.status, uid: fs.statSync(home).uid, stderr: run.stderr };
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        };
        const ours = runInit(ownerOfRootCreated(conf));
        assert.strictEqual(ours.status, 0, ours.stderr);
        assert.strictEqual(ours.uid, 583231, "the new home is the user's");
        // Ganesha performs that chown for the root client: it holds CHOWN, and the enforcer keeps the homes' parent root's.
        assert.ok(NFS_SERVER_PRIVILEGES["nfs-server"].capabilities.includes("CHOWN"));
        assert.match(k8s(r, "ConfigMap", "nfs-server-quota").data["quota.json"], /"uid": 0,/);
        // 2i2c's default export (All_Squash to 1000) would hand the home to uid 1000: the init container refuses it.
        const squashed = runInit(ownerOfRootCreated("Squash = All_Squash;\n Anonymous_uid = 1000;"));
        assert.strictEqual(squashed.status, 1);
        assert.match(squashed.stderr, /belongs to uid 1000/);
    });

    it("grows the filesystem online: the resizer runs xfs_growfs on the mounted disk every minute", async () => {
        const r = await render("sandbox");
        const resizer = (k8s(r, "Deployment", "nfs-server").spec.template.spec.containers as Manifest[]).find((c) => c.name === "fs-resizer")!;
        assert.deepStrictEqual(resizer.command, ["/bin/sh", "-c", RESIZER_SCRIPT]);
        assert.match(RESIZER_SCRIPT, /xfs_growfs -d \/data/);
        assert.ok(resizer.volumeMounts.some((m: Manifest) => m.name === "data" && m.mountPath === "/data" && !m.readOnly));
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
            assert.deepStrictEqual(pv.spec.accessModes, ["ReadWriteMany"]);
            assert.strictEqual(pv.spec.persistentVolumeReclaimPolicy, "Retain");
            assert.strictEqual(r.outputs.nfsServerIp, placeholder("storage-nfs-service", "spec.clusterIP"));
        }
    });

    it("mount options favour data safety and quick reconnects: hard, NFSv4.1, noresvport, explicit timeo and retrans", () => {
        const opts = new Map(HOMES_MOUNT_OPTIONS.map((o) => [o.split("=")[0], o.split("=")[1] ?? true] as const));
        assert.strictEqual(opts.get("hard"), true);
        assert.ok(!opts.has("soft") && !opts.has("softerr"), "soft turns a server move into EIO and lost writes");
        assert.ok(["4.1", "4.2"].includes(String(opts.get("nfsvers"))));
        assert.strictEqual(opts.get("noresvport"), true);
        const timeo = Number(opts.get("timeo"));
        const retrans = Number(opts.get("retrans"));
        // The kernel drops a dead connection after timeo x (retrans + 1) tenths of a second: about a minute.
        assert.ok(timeo > 0 && retrans > 0 && (timeo * (retrans + 1)) / 10 <= 60, `${timeo} ${retrans}`);
        assert.strictEqual(opts.get("local_lock"), "all");
        assert.ok(!opts.has("nolock"), "nolock would override local_lock");
    });

    it("the homes claim and the NFS PV are bound by the claim's volumeName only, storageClassName empty on both", async () => {
        const r = await render("sandbox");
        const pv = k8s(r, "PersistentVolume", "jupyterhub-homes");
        const pvc = k8s(r, "PersistentVolumeClaim", "homes");
        assert.strictEqual(pvc.metadata.namespace, "jupyterhub");
        assert.strictEqual(pvc.spec.volumeName, "jupyterhub-homes");
        assert.strictEqual(pv.spec.claimRef, undefined);
        assert.strictEqual(pvc.spec.storageClassName, "");
        assert.strictEqual(pv.spec.storageClassName, "");
        assert.deepStrictEqual(pvc.spec.accessModes, ["ReadWriteMany"]);
        assert.strictEqual(pv.spec.capacity.storage, INFORMATIONAL_CAPACITY);
        assert.strictEqual(pvc.spec.resources.requests.storage, INFORMATIONAL_CAPACITY);
        assert.strictEqual(r.outputs.homesClaimName, "homes");
        // The cluster-scoped PVs carry their namespace in their names.
        const renamed = await render("sandbox", set({ "hub.namespace": "hub2" }));
        assert.strictEqual(k8s(renamed, "PersistentVolumeClaim", "homes").spec.volumeName, "hub2-homes");
        assert.strictEqual(k8s(renamed, "PersistentVolumeClaim", "homes").metadata.namespace, "hub2");
    });

    it("stack outputs: disk names, NFS server ClusterIP, homes claim name", async () => {
        const r = await render("demo");
        assert.strictEqual(r.outputs.homesDiskName, "demo-homes");
        assert.strictEqual(r.outputs.nfsServerIp, placeholder("storage-nfs-service", "spec.clusterIP"));
        assert.strictEqual(r.outputs.homesClaimName, "homes");
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

describe("storage: per-user quotas", () => {
    const q = { defaultGiB: 10, overridesGiB: { "big-data": 200, octocat: 25 }, excluded: ["shared", "attic"] };

    it("each home's quota: an override wins, an exclusion means none, else the default", () => {
        assert.strictEqual(quotaGiBFor("octocat", q), 25);
        assert.strictEqual(quotaGiBFor("shared", q), null);
        assert.strictEqual(quotaGiBFor("someone", q), 10);
        // An override for an excluded login wins, as in the enforcer (components/config refuses the pair anyway).
        assert.strictEqual(quotaGiBFor("shared", { ...q, overridesGiB: { shared: 5 } }), 5);
    });

    it("agrees with the table the hub's hooks.home_quota_gib is tested against (test/hub/fixtures/home_quota_cases.json)", () => {
        const table = JSON.parse(fs.readFileSync(path.join(__dirname, "hub", "fixtures", "home_quota_cases.json"), "utf8")) as {
            settings: { quota: { defaultGiB: number; overridesGiB: Record<string, number>; excluded: string[] }; cases: { login: string; gib: number | null }[] }[];
        };
        assert.ok(table.settings.flatMap((s) => s.cases).length > 10);
        for (const { quota, cases } of table.settings) {
            for (const c of cases) assert.strictEqual(quotaGiBFor(c.login, quota), c.gib, JSON.stringify({ quota, ...c }));
        }
    });

    it("the enforcer's config: GiB as the enforcer counts them, overrides, exclusions, state on the disk; same bytes for the same settings", () => {
        const config = JSON.parse(quotaEnforcerConfig(q)) as { QuotaManager: Record<string, unknown> };
        assert.deepStrictEqual(config, {
            QuotaManager: {
                exclude: ["attic", "shared"],
                gid: 0,
                hard_quota: 10,
                min_projid: 1000,
                paths: ["/data/homes"],
                projects_file: "/data/quota/projects",
                projid_file: "/data/quota/projid",
                quota_overrides: { "big-data": 200, octocat: 25 },
                uid: 0,
                wait_time: 30,
            },
        });
        const reordered = { defaultGiB: 10, overridesGiB: { octocat: 25, "big-data": 200 }, excluded: ["attic", "shared", "attic"] };
        assert.strictEqual(quotaEnforcerConfig(reordered), quotaEnforcerConfig(q));
    });

    it("the rendered quota ConfigMap follows storage.userQuotaGiB, storage.userQuotaOverrides and storage.quotaExclusions", async () => {
        const base = JSON.parse(k8s(await render("sandbox"), "ConfigMap", "nfs-server-quota").data["quota.json"]).QuotaManager;
        assert.deepStrictEqual([base.hard_quota, base.quota_overrides, base.exclude], [10, {}, []]);
        const r = await render("sandbox", set({ "storage.userQuotaGiB": "20", "storage.userQuotaOverrides.octocat": "50", "storage.quotaExclusions": '["shared"]' }));
        const got = JSON.parse(k8s(r, "ConfigMap", "nfs-server-quota").data["quota.json"]).QuotaManager;
        assert.deepStrictEqual([got.hard_quota, got.quota_overrides, got.exclude], [20, { octocat: 50 }, ["shared"]]);
        // A quota change does not restart Ganesha: the quota config is not in the pod's checksum.
        assert.strictEqual(
            k8s(r, "Deployment", "nfs-server").spec.template.metadata.annotations["jupyterlabdemo.io/config-checksum"],
            k8s(await render("sandbox"), "Deployment", "nfs-server").spec.template.metadata.annotations["jupyterlabdemo.io/config-checksum"],
        );
    });

    it("the quota report turns xfs_quota's project report into the homes' usage and limits in bytes", () => {
        const report = [
            "#0                   0          0          0     00 [--------]",
            "/data/homes/octocat  1536       0   10485760     00 [--------]",
            "/data/homes/shared   4          0          0     00 [--------]",
            "/data/quota/x        1          0          1     00 [--------]",
            "/data/homes/Bad\"x   1          0          1     00 [--------]",
        ].join("\n");
        const out = spawnSync("awk", [QUOTA_REPORT_AWK], { input: report, encoding: "utf8" });
        assert.strictEqual(out.status, 0, out.stderr);
        const samples = out.stdout.split("\n").filter((l) => l && !l.startsWith("#"));
        assert.deepStrictEqual(samples, [
            'dirsize_total_size_bytes{directory="octocat"} 1572864',
            'dirsize_hard_limit_bytes{directory="octocat"} 10737418240',
            'dirsize_total_size_bytes{directory="shared"} 4096',
            'dirsize_hard_limit_bytes{directory="shared"} 0',
        ]);
        assert.match(out.stdout, /^# TYPE dirsize_total_size_bytes gauge$/m);
    });

    /** Runs `script` with /proc paths and commands stubbed in a temporary directory. */
    function runStubbed(script: string, files: Record<string, string>, stubs: Record<string, string>, timeoutMs = 10000) {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nfs-scripts-"));
        try {
            for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
            fs.mkdirSync(path.join(dir, "bin"));
            for (const [cmd, body] of Object.entries(stubs)) {
                fs.writeFileSync(path.join(dir, "bin", cmd), `#!/bin/sh\n${body.split("$DIR").join(dir)}\n`, { mode: 0o755 });
            }
            const patched = script
                .split("/proc/self/mountinfo").join(`${dir}/mountinfo`)
                .split("/proc/mounts").join(`${dir}/mounts`)
                .split("/etc/jupyterhub-home-nfs").join(dir);
            const run = spawnSync("/bin/sh", ["-c", patched], { env: { PATH: `${dir}/bin:/usr/bin:/bin`, DIR: dir }, encoding: "utf8", timeout: timeoutMs });
            const calls = fs.existsSync(path.join(dir, "calls")) ? fs.readFileSync(path.join(dir, "calls"), "utf8") : "";
            return { status: run.status, stdout: run.stdout, stderr: run.stderr, calls };
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    }
    const mounts = "overlay / overlay rw 0 0\n/dev/sdb /data xfs rw,relatime,prjquota 0 0\n";
    const mountinfo = "2 1 0:31 / / rw - overlay overlay rw\n45 2 8:16 / /data rw,relatime - xfs /dev/sdb rw,prjquota\n";

    it("creates the data disk's device node where /proc/mounts names it, from the mount's major:minor, or says nothing is mounted", () => {
        const ok = runStubbed(DEVICE_NODE_SCRIPT.replace(/\[ ! -b "\$dev" \]/, "true"), { mounts, mountinfo }, { mknod: 'echo "mknod $*" >> $DIR/calls', mkdir: 'echo "mkdir $*" >> $DIR/calls' });
        assert.strictEqual(ok.status, 0, ok.stderr);
        assert.strictEqual(ok.calls, "mkdir -p /dev\nmknod /dev/sdb b 8 16\n");
        const none = runStubbed(DEVICE_NODE_SCRIPT, { mounts: "overlay / overlay rw 0 0\n", mountinfo: "2 1 0:31 / / rw - overlay overlay rw\n" }, {});
        assert.strictEqual(none.status, 1);
        assert.match(none.stderr, /no filesystem is mounted at \/data/);
    });

    it("the report loop writes the textfile the quota exporter serves, replacing it whole", () => {
        const script = QUOTA_REPORT_SCRIPT.replace(/\[ ! -b "\$dev" \]/, "false").replace("sleep 60", "exit 0").split("/metrics/").join("$DIR/").split("/tmp/report").join("$DIR/report");
        const run = runStubbed(script, { mounts, mountinfo }, {
            xfs_quota: 'echo "xfs_quota $*" >> $DIR/calls; echo "/data/homes/octocat 2048 0 10485760 00 [--------]"',
            mv: 'cp "$1" "$2" && echo "mv $*" >> $DIR/calls && cat "$2" >> $DIR/calls',
        });
        assert.strictEqual(run.status, 0, run.stderr);
        assert.match(run.calls, /^xfs_quota -x -c report -p -N -b -D \/data\/quota\/projects -P \/data\/quota\/projid \/data$/m);
        assert.match(run.calls, /^mv .*quota\.prom\.tmp .*quota\.prom$/m);
        assert.match(run.calls, /^dirsize_hard_limit_bytes\{directory="octocat"\} 10737418240$/m);
    });

    it("restarts the enforcer (this container only) when the quota config changes, and fails when the enforcer fails", () => {
        const script = QUOTA_ENFORCER_SCRIPT.replace(/\[ ! -b "\$dev" \]/, "false").replace("while sleep 30", "while sleep 0.2");
        // The enforcer stub changes the config after its start, as an edited ConfigMap would.
        const changed = runStubbed(script, { mounts, mountinfo, "quota.json": "{}\n" }, { python: 'echo "enforcer $*" >> $DIR/calls; sleep 0.3; echo changed > $DIR/quota.json; exec sleep 30' });
        assert.strictEqual(changed.status, 0, changed.stderr);
        assert.match(changed.calls, /^enforcer -m jupyterhub_home_nfs\.generate --config-file .*\/quota\.json$/m);
        assert.match(changed.stdout, /quota config changed: restarting the enforcer/);
        const failing = runStubbed(script, { mounts, mountinfo, "quota.json": "{}\n" }, { python: "exit 3" });
        assert.strictEqual(failing.status, 3);
    });
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

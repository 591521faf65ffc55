/**
 * The homes storage's NFS server (its namespace, containers, privileges, network policy, exports
 * and online growth) and the homes volume the labs mount. Everything is read from the offline
 * render of the real stacks; the identity test also runs the hub's init container script.
 */
import * as assert from "assert";
import { createHash } from "crypto";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { GRACE_SECONDS, HOMES_MOUNT_OPTIONS, INFORMATIONAL_CAPACITY, LEASE_SECONDS, NFS_PORT, NFS_SERVER_PRIVILEGES } from "../components/storage";
import { RESIZER_SCRIPT } from "../components/storage/quota";
import { selectorLabels } from "../components/naming";
import { k8s, k8sOf, Manifest, placeholder, render, Render, set } from "./mocks";
import { allowed, Endpoint } from "./netpol";
import { hubPython } from "./hubPython";

/** The NFS server's Ganesha container. */
function nfsContainer(r: Render): Manifest {
    const containers = k8s(r, "Deployment", "nfs-server").spec.template.spec.containers as Manifest[];
    return containers.find((c) => c.name === "nfs-server")!;
}

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
        // The hub's real home init script and its security context, from lab_pod.py (through hooks.py).
        const hooks = JSON.parse(
            spawnSync(hubPython(), ["-c", "import json, sys; sys.path.insert(0, 'components/hub'); import hooks; print(json.dumps({'script': hooks.HOME_SCRIPT, 'mount': hooks.HOME_INIT_MOUNT, 'sc': hooks.home_init_security_context()}))"], { encoding: "utf8" }).stdout,
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


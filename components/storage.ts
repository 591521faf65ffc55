/**
 * Users' homes: one NFS server pod exporting one persistent volume, and the ReadWriteMany claim
 * every lab pod mounts.
 *
 * On GKE the exported volume is a GCE persistent disk that this program declares itself (not one
 * provisioned behind a claim, which dies with its claim or its cluster). The disk, its daily
 * snapshot schedule and the schedule's attachment are protected and retained on delete, and none
 * of them depends on the cluster: replacing the cluster, redeploying, even `pulumi destroy`, never
 * deletes a user's file. On `local` the exported volume is a claim on the cluster's StorageClass.
 *
 * ```
 *   lab pods ──(PVC "homes", RWX)──► PV "<ns>-homes" (nfs: ClusterIP of Service "nfs-server")
 *                                         │ mounted by each node's kubelet
 *                                         ▼
 *                          Deployment "nfs-server" (1 replica, Recreate, core pool)
 *                                         │ PVC "nfs-server-data" (RWO)
 *                                         ▼
 *              PV "<ns>-nfs-data" ─► GCE disk (protect, retainOnDelete, daily snapshots)
 *              (local: a volume of the cluster's StorageClass instead)
 * ```
 *
 * The URNs of the GCP children include this component's type token: renaming the component or
 * the token needs an alias, or Pulumi would try to replace (and, being protected, refuse) the disk.
 */
import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DiskType, GCE_DISK_NAME_RE } from "./config";
import { ANNOTATIONS, commonLabels, COMPONENTS, gcpLabels, Placement, selectorLabels, USER_DATA_LABEL } from "./naming";

/**
 * The NFS server image: `ghcr.io/obeone/nfs-server`, the maintained fork of erichough/nfs-server
 * (unmaintained since 2019). It drives the node's in-kernel nfsd, serves NFSv4 only on one TCP
 * port (2049: no rpcbind or mountd ports to expose), takes its exports from environment variables,
 * and tears nfsd down cleanly on SIGTERM. 2.2.3 is its newest release (Alpine 3.18 base, NFSv2
 * crash fixed); the project rebuilds release tags on current Alpine, so pinning the tag keeps the
 * server's behaviour fixed while base-image security fixes still arrive. Rejected:
 * registry.k8s.io/volume-nfs (NFSv3 only, an example image), the e2e test image (tests only),
 * itsthenetwork/nfs-server-alpine (dormant, async writes by default).
 */
export const NFS_SERVER_IMAGE = "ghcr.io/obeone/nfs-server:2.2.3";

/**
 * Loads the node's `nfsd` and `nfs` kernel modules before the server starts: the image's
 * entrypoint refuses to start unless both are loaded, and loading them itself would take
 * CAP_SYS_MODULE and the host's /lib/modules. Mounting a filesystem of a type the kernel does not
 * know makes the kernel load the module for it (its fs alias) on the host, so a mount of type
 * `nfsd`, and an attempt of type `nfs` (`-i`: no mount helper; the missing source fails it once
 * the module is in), are enough, with the same CAP_SYS_ADMIN the server has anyway. Fails with a
 * message when a module is still missing (a node kernel without NFS server support).
 */
export const NFS_MODULES_SCRIPT = [
    "set -u",
    "mkdir -p /tmp/nfsd /tmp/nfs",
    "mount -t nfsd nfsd /tmp/nfsd && umount /tmp/nfsd",
    "mount -i -t nfs none /tmp/nfs 2>/dev/null || true",
    "for m in nfsd nfs; do",
    "  grep -q \"^$m \" /proc/modules || { echo \"kernel module $m is not loaded and could not be autoloaded on this node\" >&2; exit 1; }",
    "done",
].join("\n");

/** NFSv4 needs only this port (no portmapper, no mountd). */
export const NFS_PORT = 2049;

/** Where the server mounts the exported volume; the export's pseudo-root (`fsid=0`). */
const EXPORT_DIR = "/exports";

/**
 * The export. `rw,sync`: a write is on disk before the client hears it succeeded (async would
 * lose acknowledged notebook saves when the pod dies). `fsid=0`: clients mount `<ip>:/`.
 * `no_root_squash`: a root init container creates and chowns each user's home. `insecure`:
 * accept client source ports above 1023, which Service NAT may produce. The client list is `*`:
 * who may reach port 2049 is the NetworkPolicy's job.
 */
export const NFS_EXPORT = `${EXPORT_DIR} *(rw,sync,fsid=0,no_subtree_check,no_root_squash,insecure)`;

/**
 * Mount options of the homes volume, as the kubelet mounts it on each node:
 * - `nfsvers=4.1`: sessions (exactly-once semantics, clean reclaim after a server restart); the
 *   server offers 4.x only.
 * - `hard`: I/O waits for a restarting server instead of failing; `soft` would turn an NFS pod
 *   restart into EIO and silently truncated notebooks.
 * - `noatime`: no write per read.
 * - `local_lock=all`: flock and POSIX locks stay on the client node and never reach the server.
 *   The original deployment needed it to stop notebooks hanging in disk wait (sqlite files such
 *   as IPython's history take fcntl locks); a home has one writer, the user's pod, so a lock
 *   local to that node is the lock that matters. Linux parses it for every NFS version.
 * `nolock` is not used: it would override `local_lock` and is a v2/v3 option.
 */
export const HOMES_MOUNT_OPTIONS: readonly string[] = ["nfsvers=4.1", "hard", "noatime", "local_lock=all"];

/** GKE's PD CSI driver, which attaches the disk to the NFS server's node. */
const PD_CSI_DRIVER = "pd.csi.storage.gke.io";
/** The zone label the PD CSI driver puts on nodes (its topology key). */
const PD_ZONE_LABEL = "topology.gke.io/zone";
/** The well-known zone label on every node. */
const ZONE_LABEL = "topology.kubernetes.io/zone";

/** Kubernetes names, fixed by the project's contracts. */
export const NFS_SERVER_NAME = "nfs-server";
export const NFS_DATA_CLAIM_NAME = "nfs-server-data";
export const HOMES_CLAIM_NAME = "homes";
const COMPONENT = COMPONENTS.nfsServer;

/** The exported volume on GKE: a GCE persistent disk this component declares (or adopts). */
export interface GcePersistentDiskBacking {
    readonly kind: "gcePersistentDisk";
    /** GCP project of the disk. */
    readonly project: string;
    /** Region of the snapshot schedule (the disk's zone's region). */
    readonly region: string;
    /** Zone of the disk; the NFS server pod is pinned to it. Changing it replaces (refused) the disk. */
    readonly zone: string;
    /** Disk name (RFC 1035, at most 57 characters). Changing it replaces (refused) the disk. */
    readonly diskName: string;
    /**
     * Adopt an existing disk of this name (and its snapshot schedule and attachment) with Pulumi's
     * `import` option instead of creating it. The inputs below must then match the existing disk.
     * @default false
     */
    readonly adoptExisting: boolean;
    /** Size in GB (GiB, as GCE counts). Grows in place; GCE cannot shrink a disk. */
    readonly sizeGb: number;
    /** GCE disk type. Changing it replaces (refused) the disk. */
    readonly diskType: DiskType;
    /** Days each daily snapshot is kept. */
    readonly snapshotRetentionDays: number;
    /** UTC start of the daily snapshot, "HH:00". */
    readonly snapshotStartTime: string;
}

/** The exported volume on `local`: a claim on one of the cluster's StorageClasses. */
export interface StorageClassBacking {
    readonly kind: "storageClass";
    /** Size of the claim, a Kubernetes quantity such as "10Gi". */
    readonly size: string;
    /** StorageClass of the claim. @default the cluster's default StorageClass */
    readonly storageClassName?: string;
}

export interface HomeStorageArgs {
    /** Stack name, for labels. */
    readonly stack: string;
    /**
     * Name of the namespace of the NFS server and of the homes claim (the hub's namespace). Also
     * the prefix of the cluster-scoped PersistentVolumes' names.
     */
    readonly namespace: string;
    /** What the NFS server exports: a GCE disk (GKE stacks) or a StorageClass claim (`local`). */
    readonly backing: GcePersistentDiskBacking | StorageClassBacking;
    /** Node selector and tolerations of the NFS server (the core pool); empty on `local`. */
    readonly placement: Placement;
    /**
     * Resources the Kubernetes objects wait for, typically the namespace. Never applied to the
     * GCP resources: the disk must not depend on anything of the cluster.
     * @default []
     */
    readonly kubernetesDependsOn?: pulumi.Input<pulumi.Resource>[];
}

export class HomeStorage extends pulumi.ComponentResource {
    /** The GCE disk's name (GKE stacks only). */
    public readonly diskName?: pulumi.Output<string>;
    /** The NFS Service's ClusterIP: the server address of the homes volume. */
    public readonly nfsServerIp: pulumi.Output<string>;
    /** Name of the ReadWriteMany claim in the hub's namespace that lab pods mount. */
    public readonly homesClaimName: pulumi.Output<string>;

    constructor(name: string, args: HomeStorageArgs, opts?: pulumi.ComponentResourceOptions) {
        super("jupyterlabdemo:components:HomeStorage", name, {}, opts);
        const backing = args.backing;
        // config.ts validates these for stacks; checked again because GCE would only reject them
        // mid-deployment, after the disk exists.
        if (backing.kind === "gcePersistentDisk") {
            if (!GCE_DISK_NAME_RE.test(backing.diskName)) {
                throw new pulumi.ResourceError(`diskName must be a GCE disk name of at most 57 characters, got "${backing.diskName}"`, this);
            }
            if (!/^([01][0-9]|2[0-3]):00$/.test(backing.snapshotStartTime)) {
                throw new pulumi.ResourceError(`snapshotStartTime must be "HH:00" (UTC), got "${backing.snapshotStartTime}"`, this);
            }
        }
        const ns = args.namespace;
        const labels = commonLabels(args.stack, COMPONENT);
        const k8sOpts: pulumi.CustomResourceOptions = { parent: this, dependsOn: args.kubernetesDependsOn ?? [] };

        // 1. The volume the server exports, bound to a claim named NFS_DATA_CLAIM_NAME.
        let data: { claim: k8s.core.v1.PersistentVolumeClaim; capacity: string; zone?: string };
        if (backing.kind === "gcePersistentDisk") {
            const disk = homesDisk(name, backing, args.stack, this);
            this.diskName = disk.name;
            const capacity = `${backing.sizeGb}Gi`;
            const dataVolume = new k8s.core.v1.PersistentVolume(
                `${name}-data-pv`,
                {
                    metadata: { name: `${ns}-nfs-data`, labels },
                    spec: {
                        capacity: { storage: capacity },
                        accessModes: ["ReadWriteOnce"],
                        // The disk outlives this object: deleting the PV never touches it.
                        persistentVolumeReclaimPolicy: "Retain",
                        // "" on both sides: no StorageClass may provision a disk for the claim.
                        storageClassName: "",
                        claimRef: { namespace: ns, name: NFS_DATA_CLAIM_NAME },
                        csi: { driver: PD_CSI_DRIVER, volumeHandle: disk.id, fsType: "ext4" },
                        // A zonal disk attaches only to nodes of its zone (matters on regional clusters).
                        nodeAffinity: { required: zoneTerms(PD_ZONE_LABEL, backing.zone) },
                    },
                },
                { parent: this },
            );
            const claim = new k8s.core.v1.PersistentVolumeClaim(
                `${name}-data-pvc`,
                {
                    metadata: { name: NFS_DATA_CLAIM_NAME, namespace: ns, labels },
                    spec: {
                        accessModes: ["ReadWriteOnce"],
                        storageClassName: "",
                        volumeName: dataVolume.metadata.name,
                        resources: { requests: { storage: capacity } },
                    },
                },
                // A statically bound claim cannot be resized; the disk grows under the PV instead.
                { ...k8sOpts, ignoreChanges: ["spec.resources.requests.storage"] },
            );
            data = { claim, capacity, zone: backing.zone };
        } else {
            const claim = new k8s.core.v1.PersistentVolumeClaim(
                `${name}-data-pvc`,
                {
                    metadata: { name: NFS_DATA_CLAIM_NAME, namespace: ns, labels },
                    spec: {
                        accessModes: ["ReadWriteOnce"],
                        storageClassName: backing.storageClassName,
                        resources: { requests: { storage: backing.size } },
                    },
                },
                k8sOpts,
            );
            data = { claim, capacity: backing.size };
        }

        // 2. The NFS server and its Service.
        const podLabels = selectorLabels(args.stack, COMPONENT);
        const deployment = new k8s.apps.v1.Deployment(
            `${name}-nfs-deployment`,
            {
                metadata: {
                    name: NFS_SERVER_NAME,
                    namespace: ns,
                    labels,
                    // Checkov findings accepted here, each with its reason (test/real/validators.test.ts).
                    annotations: {
                        "checkov.io/skip1": "CKV_K8S_11=no CPU limit: throttling the NFS helpers would stall every lab's file I/O",
                        "checkov.io/skip2": "CKV_K8S_15=the image is pinned by an exact version tag; IfNotPresent keeps restarts independent of the registry",
                        "checkov.io/skip3": "CKV_K8S_43=the image is pinned by an exact version tag, as the k8s-image-pinned policy requires",
                        "checkov.io/skip4": "CKV_K8S_20=root with SYS_ADMIN starts the kernel NFS server; no_new_privs could not lower that",
                        "checkov.io/skip5": "CKV_K8S_22=the image's entrypoint writes /etc/exports and the NFS state files when it starts",
                        "checkov.io/skip6": "CKV_K8S_23=the kernel NFS server is started as root (exportfs, rpc.nfsd)",
                        "checkov.io/skip7": "CKV_K8S_25=SYS_ADMIN is added to mount the nfsd and rpc_pipefs filesystems",
                        "checkov.io/skip8": "CKV_K8S_37=SYS_ADMIN is added to mount nfsd; the root NFS helpers keep the runtime's default set",
                        "checkov.io/skip9": "CKV_K8S_39=SYS_ADMIN mounts the nfsd and rpc_pipefs filesystems; nothing else of the platform has it",
                        "checkov.io/skip10": "CKV_K8S_40=runs as root (uid 0): the kernel NFS server needs it",
                    },
                },
                spec: {
                    // One server: the data volume is ReadWriteOnce, and two nfsd on one export
                    // would corrupt it. Recreate: the old pod releases the disk before the new
                    // one needs it (a rolling update would deadlock on the attachment).
                    replicas: 1,
                    strategy: { type: "Recreate" },
                    selector: { matchLabels: podLabels },
                    template: {
                        metadata: {
                            labels: { ...labels },
                            // Moving the server stalls every lab's file I/O while the disk
                            // re-attaches: the autoscaler must not do it to shrink the pool.
                            annotations: { [ANNOTATIONS.safeToEvict]: "false" },
                        },
                        spec: {
                            nodeSelector: args.placement.nodeSelector,
                            tolerations: args.placement.tolerations,
                            affinity: data.zone
                                ? { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: zoneTerms(ZONE_LABEL, data.zone) } }
                                : undefined,
                            // nfsd flushes and unexports on SIGTERM; give it time.
                            terminationGracePeriodSeconds: 60,
                            automountServiceAccountToken: false,
                            securityContext: { seccompProfile: { type: "RuntimeDefault" } },
                            initContainers: [
                                {
                                    name: "load-nfs-modules",
                                    image: NFS_SERVER_IMAGE,
                                    command: ["/bin/sh", "-c", NFS_MODULES_SCRIPT],
                                    resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { memory: "64Mi" } },
                                    securityContext: {
                                        privileged: false,
                                        capabilities: { drop: ["ALL"], add: ["SYS_ADMIN"] },
                                        appArmorProfile: { type: "Unconfined" },
                                        seccompProfile: { type: "RuntimeDefault" },
                                    },
                                },
                            ],
                            containers: [
                                {
                                    name: NFS_SERVER_NAME,
                                    image: NFS_SERVER_IMAGE,
                                    env: [
                                        { name: "NFS_EXPORT_0", value: NFS_EXPORT },
                                        // NFSv4 only: one port, no rpcbind/mountd/statd exposed.
                                        { name: "NFS_DISABLE_VERSION_3", value: "1" },
                                        // v2 too, else the image keeps rpcbind and statd running.
                                        { name: "NFS_DISABLE_VERSION_2", value: "1" },
                                        { name: "NFS_VERSION", value: "4.2" },
                                        // Default is one per node CPU; labs are many small clients.
                                        { name: "NFS_SERVER_THREAD_COUNT", value: "16" },
                                    ],
                                    ports: [{ name: "nfs", containerPort: NFS_PORT, protocol: "TCP" }],
                                    volumeMounts: [{ name: "data", mountPath: EXPORT_DIR }],
                                    // nfsd is a kernel server: the container only starts it, so it
                                    // needs little. Memory covers the userspace helpers.
                                    resources: {
                                        requests: { cpu: "100m", memory: "64Mi" },
                                        limits: { memory: "256Mi" },
                                    },
                                    securityContext: {
                                        // Not privileged. The entrypoint mounts the nfsd and
                                        // rpc_pipefs filesystems inside the container, which needs
                                        // CAP_SYS_ADMIN and a profile that permits mount(2) (the
                                        // runtime's default AppArmor profile denies it). Nothing
                                        // else of the platform gets either.
                                        privileged: false,
                                        // NFS needs no raw sockets.
                                        capabilities: { drop: ["NET_RAW"], add: ["SYS_ADMIN"] },
                                        appArmorProfile: { type: "Unconfined" },
                                        seccompProfile: { type: "RuntimeDefault" },
                                    },
                                    readinessProbe: { tcpSocket: { port: "nfs" }, periodSeconds: 10 },
                                    livenessProbe: {
                                        tcpSocket: { port: "nfs" },
                                        initialDelaySeconds: 30,
                                        periodSeconds: 20,
                                        failureThreshold: 6,
                                    },
                                },
                            ],
                            volumes: [{ name: "data", persistentVolumeClaim: { claimName: data.claim.metadata.name } }],
                        },
                    },
                },
            },
            k8sOpts,
        );
        const service = new k8s.core.v1.Service(
            `${name}-nfs-service`,
            {
                metadata: { name: NFS_SERVER_NAME, namespace: ns, labels },
                spec: {
                    type: "ClusterIP",
                    selector: podLabels,
                    ports: [{ name: "nfs", port: NFS_PORT, targetPort: "nfs", protocol: "TCP" }],
                },
            },
            k8sOpts,
        );
        this.nfsServerIp = service.spec.clusterIP;

        // 3. The homes volume for labs. The kubelet mounts it on the node, where cluster DNS
        // names do not resolve: the server is the Service's ClusterIP, never a DNS name.
        const homesVolume = new k8s.core.v1.PersistentVolume(
            `${name}-homes-pv`,
            {
                metadata: { name: `${ns}-homes`, labels },
                spec: {
                    capacity: { storage: data.capacity },
                    accessModes: ["ReadWriteMany"],
                    persistentVolumeReclaimPolicy: "Retain",
                    storageClassName: "",
                    mountOptions: [...HOMES_MOUNT_OPTIONS],
                    nfs: { server: service.spec.clusterIP, path: "/" },
                    // Pre-bound both ways: this PV serves only the homes claim, and the claim
                    // binds only this PV.
                    claimRef: { namespace: ns, name: HOMES_CLAIM_NAME },
                },
            },
            // Labs should not be handed a volume whose server is not serving yet.
            { parent: this, dependsOn: [deployment] },
        );
        const homesClaim = new k8s.core.v1.PersistentVolumeClaim(
            `${name}-homes-pvc`,
            {
                metadata: { name: HOMES_CLAIM_NAME, namespace: ns, labels },
                spec: {
                    accessModes: ["ReadWriteMany"],
                    storageClassName: "",
                    volumeName: homesVolume.metadata.name,
                    resources: { requests: { storage: data.capacity } },
                },
            },
            { ...k8sOpts, ignoreChanges: ["spec.resources.requests.storage"] },
        );
        this.homesClaimName = homesClaim.metadata.name;

        this.registerOutputs({
            diskName: this.diskName,
            nfsServerIp: this.nfsServerIp,
            homesClaimName: this.homesClaimName,
        });
    }
}

/** A node selector for the nodes of one zone. */
function zoneTerms(key: string, zone: string): k8s.types.input.core.v1.NodeSelector {
    return { nodeSelectorTerms: [{ matchExpressions: [{ key, operator: "In", values: [zone] }] }] };
}

/** The id Pulumi's gcp provider gives a zonal disk (and accepts for `import`). */
export function diskId(b: GcePersistentDiskBacking): string {
    return `projects/${b.project}/zones/${b.zone}/disks/${b.diskName}`;
}

/** Name of the disk's daily snapshot schedule. */
export function snapshotPolicyName(diskName: string): string {
    return `${diskName}-daily`;
}

/**
 * The disk, its daily snapshot schedule and the attachment between them. All three are
 * `protect`ed (Pulumi refuses to delete or replace them) and `retainOnDelete` (if someone lifts the
 * protection and deletes them anyway, Pulumi only forgets them: the disk and its backups stay in
 * GCP). Their inputs come from the storage settings and the GCP location only, so no other config
 * change can alter, and so replace, them. They use the default gcp provider and depend on nothing
 * of the cluster.
 */
function homesDisk(name: string, b: GcePersistentDiskBacking, stack: string, parent: pulumi.Resource): gcp.compute.Disk {
    const keep = (importId: string): pulumi.CustomResourceOptions => ({
        parent,
        protect: true,
        retainOnDelete: true,
        import: b.adoptExisting ? importId : undefined,
        // deletionPolicy exists in Pulumi's state only, not on the GCE disk: an import reads it
        // as unset and would refuse the mismatch. The first `up` after adoption with
        // adoptExistingDisk back to false sets it.
        ignoreChanges: b.adoptExisting ? ["deletionPolicy"] : undefined,
    });
    const labels = gcpLabels(stack, { [USER_DATA_LABEL.key]: USER_DATA_LABEL.value });
    const policyName = snapshotPolicyName(b.diskName);

    const disk = new gcp.compute.Disk(
        `${name}-disk`,
        {
            name: b.diskName,
            project: b.project,
            zone: b.zone,
            size: b.sizeGb,
            type: b.diskType,
            // Immutable in GCE, so constant (no stack name): an adopted disk must match it.
            description: "JupyterLab users' homes (jupyterlabdemo). Protected and snapshotted daily: never delete.",
            labels,
            // Belt and braces with retainOnDelete: the provider itself abandons the disk instead of
            // deleting it, and the engine's policies can see this (retainOnDelete never reaches them).
            deletionPolicy: "ABANDON",
        },
        {
            ...keep(diskId(b)),
            // A disk recreated from a snapshot (docs/storage.md, "Restore the whole disk") reads back
            // with `snapshot` set, a field that forces replacement: the restore is the intended way
            // back, so that field's drift is never a reason to replace (which protect would refuse).
            ignoreChanges: [...(b.adoptExisting ? ["deletionPolicy"] : []), "snapshot"],
        },
    );
    const policy = new gcp.compute.ResourcePolicy(
        `${name}-snapshot-policy`,
        {
            name: policyName,
            project: b.project,
            region: b.region,
            description: "Daily snapshots of the JupyterLab homes disk (jupyterlabdemo).",
            snapshotSchedulePolicy: {
                schedule: { dailySchedule: { daysInCycle: 1, startTime: b.snapshotStartTime } },
                // Snapshots outlive the disk: they are the backup of last resort.
                retentionPolicy: { maxRetentionDays: b.snapshotRetentionDays, onSourceDiskDelete: "KEEP_AUTO_SNAPSHOTS" },
                snapshotProperties: { labels },
            },
        },
        keep(`projects/${b.project}/regions/${b.region}/resourcePolicies/${policyName}`),
    );
    new gcp.compute.DiskResourcePolicyAttachment(
        `${name}-snapshot-attachment`,
        { project: b.project, zone: b.zone, disk: disk.name, name: policy.name },
        keep(`projects/${b.project}/zones/${b.zone}/disks/${b.diskName}/${policyName}`),
    );
    return disk;
}

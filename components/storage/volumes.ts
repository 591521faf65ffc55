/**
 * The homes' volumes: how the GCE disks become PersistentVolumes and claims, and the mount
 * options of the data disk and of the NFS volume the labs mount. Used by the storage component.
 */
import * as k8s from "../sdk/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/**
 * Mount options of the homes volume, as the kubelet mounts it on each node:
 * - `nfsvers=4.1`: sessions (exactly-once replies, clean reclaim after a server restart); the
 *   server offers 4.1 and 4.2 only. 4.1 over 4.2: Ganesha's longer-proven minor version, and
 *   nothing a lab does needs 4.2's server-side copy or sparse files.
 * - `hard`: I/O waits for a restarting or moving server instead of failing; `soft` would turn a
 *   server move into EIO and silently truncated notebooks.
 * - `noresvport`: reconnect from any source port, so a reconnect after the server moved never
 *   waits for a reserved port to leave TIME_WAIT.
 * - `timeo=150,retrans=3`: 15 s before the first retransmission, a major timeout after 3. The
 *   kernel also sets the socket's TCP_USER_TIMEOUT to timeo x (retrans + 1) = 60 s, so a
 *   connection to a server pod that is gone is dropped and redialled (to the Service address)
 *   within a minute, not after the 6 minutes the defaults (600, 2) would allow.
 * - `noatime`: no write per read.
 * - `local_lock=all`: flock and POSIX locks stay on the client node and never reach the server.
 *   The original deployment needed it to stop notebooks hanging in disk wait (sqlite files such
 *   as IPython's history take fcntl locks); a home has one writer, the user's pod, so a lock
 *   local to that node is the lock that matters. `nolock` is not used: it would override it.
 */
export const HOMES_MOUNT_OPTIONS: readonly string[] = ["nfsvers=4.1", "hard", "noresvport", "timeo=150", "retrans=3", "noatime", "local_lock=all"];

/**
 * Mount options of the data disk on the server's node. `pquota`: XFS project quotas, accounted
 * and enforced (the per-home quotas). `nouuid`: a disk restored from a snapshot of this one carries
 * the same XFS UUID; without it, whichever of the two a node mounts second fails to mount.
 */
export const DATA_MOUNT_OPTIONS: readonly string[] = ["pquota", "nouuid"];
/** The filesystem the PD CSI driver makes on a blank disk (and expects on an adopted one). */
export const DATA_FS_TYPE = "xfs";

/**
 * The capacity written on the homes' PersistentVolumes and claims. Kubernetes needs one (a claim
 * binds a volume at least as large as its request) but enforces none: NFS and a pre-bound disk are
 * as large as the disk is. It is a constant, not the disk's size, so growing a disk changes no
 * Kubernetes object: the GCE disk grows, then the filesystem (the resizer), and that is all.
 */
export const INFORMATIONAL_CAPACITY = "1Gi";

/** GKE's PD CSI driver, which attaches the disks to the nodes of their pods. */
const PD_CSI_DRIVER = "pd.csi.storage.gke.io";
/** The zone label the PD CSI driver puts on nodes (its topology key). */
const PD_ZONE_LABEL = "topology.gke.io/zone";
/** The well-known zone label on every node. */
export const ZONE_LABEL = "topology.kubernetes.io/zone";
/** A node selector for the nodes of one zone. */
export function zoneTerms(key: string, zone: string): k8s.types.input.core.v1.NodeSelector {
    return { nodeSelectorTerms: [{ matchExpressions: [{ key, operator: "In", values: [zone] }] }] };
}

/**
 * A GCE disk as a PersistentVolume and the claim that binds it. Bound one way only: the claim
 * names the volume (`volumeName`) and the volume carries no `claimRef`, an atomic field the PV
 * binder takes over once it binds, so that a later update of the PV by Pulumi would conflict.
 * `storageClassName: ""` on both sides: no StorageClass may provision a disk for the claim.
 * `capacity` is informational (INFORMATIONAL_CAPACITY, or the hub's database request): a disk
 * grows under the PV, so a size change touches neither object.
 */
export function preBoundDisk(
    parent: pulumi.Resource,
    name: string,
    d: {
        volumeName: string;
        claimName: string;
        namespace: pulumi.Input<string>;
        labels: Record<string, string>;
        /** The PV's capacity and the claim's request: informational, never the disk's size. */
        capacity: string;
        volumeHandle: pulumi.Input<string>;
        zone: string;
        fsType: string;
        mountOptions: readonly string[];
    },
    claimOpts: pulumi.CustomResourceOptions,
): k8s.core.v1.PersistentVolumeClaim {
    const volume = new k8s.core.v1.PersistentVolume(
        `${name}-pv`,
        {
            metadata: { name: d.volumeName, labels: d.labels },
            spec: {
                capacity: { storage: d.capacity },
                accessModes: ["ReadWriteOnce"],
                // The disk outlives this object: deleting the PV never touches it.
                persistentVolumeReclaimPolicy: "Retain",
                storageClassName: "",
                ...(d.mountOptions.length > 0 ? { mountOptions: [...d.mountOptions] } : {}),
                csi: { driver: PD_CSI_DRIVER, volumeHandle: d.volumeHandle, fsType: d.fsType },
                // A zonal disk attaches only to nodes of its zone (matters on regional clusters).
                nodeAffinity: { required: zoneTerms(PD_ZONE_LABEL, d.zone) },
            },
        },
        { parent },
    );
    return new k8s.core.v1.PersistentVolumeClaim(
        `${name}-pvc`,
        {
            metadata: { name: d.claimName, namespace: d.namespace, labels: d.labels },
            spec: {
                accessModes: ["ReadWriteOnce"],
                storageClassName: "",
                volumeName: volume.metadata.name,
                resources: { requests: { storage: d.capacity } },
            },
        },
        claimOpts,
    );
}

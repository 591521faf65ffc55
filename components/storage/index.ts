/**
 * Users' homes: one NFS-Ganesha server pod, in a namespace of its own, exporting an XFS
 * filesystem with per-user project quotas; the ReadWriteMany claim every lab pod mounts; and, on
 * GKE, the hub database's own protected disk.
 *
 * On GKE the exported volume is a GCE persistent disk that this program declares itself (not one
 * provisioned behind a claim, which dies with its claim or its cluster). The disks, their daily
 * snapshot schedule and its attachments are protected and retained on delete, and none of them
 * depends on the cluster: replacing the cluster, redeploying, even `pulumi destroy`, never deletes
 * a user's file. On `local` the exported volume is a claim on the cluster's StorageClass, with no
 * quotas (it is not XFS).
 *
 * ```
 *   lab pods ──(PVC "homes" in the hub namespace, RWX)──► PV "<hub-ns>-homes" (nfs: ClusterIP of Service "nfs-server")
 *                                         │ mounted by each node's kubelet, NFSv4.1, hard
 *                                         ▼
 *                Deployment "nfs-server" in namespace storage.namespace (1 replica, Recreate, core pool)
 *                  Ganesha + quota enforcer + quota report + resizer + two exporters
 *                                         │ PVC "nfs-server-data" (RWO)
 *                                         ▼
 *              PV "<ns>-nfs-data" (XFS, pquota) ─► GCE disk (protect, retainOnDelete, daily snapshots)
 *              (local: a volume of the cluster's StorageClass instead)
 *
 *   hub ──(PVC "hub-db" in the hub namespace, RWO)──► PV "<hub-ns>-hub-db" ─► GCE disk (same protection, same schedule)
 * ```
 *
 * The URNs of the GCP children include this component's type token: renaming the component or
 * the token needs an alias, or Pulumi would try to replace (and, being protected, refuse) the disks.
 */
import * as k8s from "../sdk/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import { ANNOTATIONS, commonLabels, COMPONENTS, HUB_NAMES, Placement, podSecurityLabels, selectorLabels } from "../naming";
import { singletonDeployment } from "../workload";
import { attachSchedule, GceDiskLocation, protectedDisk, snapshotPolicyName, snapshotSchedule } from "./disk";
import { NFS_PORT } from "./ganesha";
import { QUOTA_CONFIG_FILE, quotaEnforcerConfig, QuotaSettings } from "./quota";
import { nfsServerNetworkPolicies } from "./network";
import { ImageDigests, METRICS_PORTS, NFS_SERVER_CHECKOV_SKIPS, nfsServerPodSpec, serverGaneshaConfig } from "./server";
import { DATA_FS_TYPE, DATA_MOUNT_OPTIONS, HOMES_MOUNT_OPTIONS, INFORMATIONAL_CAPACITY, preBoundDisk, ZONE_LABEL, zoneTerms } from "./volumes";

export { GRACE_SECONDS, LEASE_SECONDS, NFS_PORT } from "./ganesha";
export type { QuotaSettings } from "./quota";
export { HOMES_MOUNT_OPTIONS, INFORMATIONAL_CAPACITY } from "./volumes";
export { NFS_SERVER_PRIVILEGES } from "./server";


/** Kubernetes names, fixed by the project's contracts. */
const NFS_SERVER_NAME = "nfs-server";
const NFS_DATA_CLAIM_NAME = "nfs-server-data";
export const HOMES_CLAIM_NAME = "homes";
const COMPONENT = COMPONENTS.nfsServer;

/** The exported volume on GKE: a GCE persistent disk this component declares (or adopts). */
export interface GcePersistentDiskBacking extends GceDiskLocation {
    readonly kind: "gcePersistentDisk";
    /** Disk name (RFC 1035, at most 57 characters). Changing it replaces (refused) the disk. */
    readonly diskName: string;
    /** Size in GB (GiB, as GCE counts). Grows in place, and the filesystem with it; GCE cannot shrink a disk. */
    readonly sizeGb: number;
    /** Days each daily snapshot is kept. */
    readonly snapshotRetentionDays: number;
    /** UTC start of the daily snapshot, "HH:00". */
    readonly snapshotStartTime: string;
    /** Per-user quotas: the disk's filesystem is XFS, with project quotas (a `local` volume has none). */
    readonly quotas: QuotaSettings;
    /** The hub database's disk: same zone, type and snapshot schedule. Unset: none declared. */
    readonly hubDatabase?: {
        readonly diskName: string;
        readonly sizeGb: number;
        /** What the hub's claim requests (`hub.databaseSize`), also the PV's informational capacity. */
        readonly claimSize: string;
    };
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
    /** The NFS server's own namespace, created here (Pod Security `privileged`). Must differ from `hubNamespace`. */
    readonly namespace: string;
    /** The hub's namespace (created by the caller): the homes claim and the hub database's claim live there. */
    readonly hubNamespace: string;
    /** What the NFS server exports: a GCE disk (GKE stacks) or a StorageClass claim (`local`). */
    readonly backing: GcePersistentDiskBacking | StorageClassBacking;
    /** Image digests, where known. @default {} */
    readonly imageDigests?: ImageDigests;
    /** Node selector and tolerations of the NFS server (the core pool); empty on `local`. */
    readonly placement: Placement;
    /** Node address ranges: the only sources admitted to the NFS port (the kubelets mount). */
    readonly nodeCidrs: readonly string[];
    /**
     * Also admit the nodes by Cilium entity (`host`, `remote-node`), as GKE Dataplane V2 may give
     * node traffic an identity an ipBlock does not match. Needs Cilium cluster-wide policies.
     * @default false
     */
    readonly admitNodesByCiliumEntity?: boolean;
    /**
     * Resources the objects in the hub namespace wait for, typically that namespace. Never applied
     * to the GCP resources: the disks must not depend on anything of the cluster.
     * @default []
     */
    readonly kubernetesDependsOn?: pulumi.Input<pulumi.Resource>[];
}

export class HomeStorage extends pulumi.ComponentResource {
    /** The homes disk's name (GKE stacks only). */
    public readonly diskName?: pulumi.Output<string>;
    /** The hub database disk's name (GKE stacks only). */
    public readonly hubDatabaseDiskName?: pulumi.Output<string>;
    /** Name of the claim in the hub namespace for the hub's database (GKE stacks only). */
    public readonly hubDatabaseClaimName?: pulumi.Output<string>;
    /** The NFS Service's ClusterIP: the server address of the homes volume. */
    public readonly nfsServerIp: pulumi.Output<string>;
    /** Name of the ReadWriteMany claim in the hub's namespace that lab pods mount. */
    public readonly homesClaimName: pulumi.Output<string>;
    /** The NFS server's namespace (for PodMonitorings of its metrics ports). */
    public readonly namespace: pulumi.Output<string>;

    constructor(name: string, args: HomeStorageArgs, opts?: pulumi.ComponentResourceOptions) {
        super("jupyterlabdemo:components:HomeStorage", name, {}, opts);
        const backing = args.backing;
        // The disk names, the snapshot time and the two namespaces are validated once, by
        // components/config (storage.diskName, hubDatabaseDiskName, snapshotStartTime, namespace).
        if (args.nodeCidrs.length === 0) {
            throw new pulumi.ResourceError("nodeCidrs must not be empty (the NFS server would admit nobody)", this);
        }
        const hubNs = args.hubNamespace;
        const labels = commonLabels(args.stack, COMPONENT);
        const child = { parent: this };
        const inHubNamespace: pulumi.CustomResourceOptions = { parent: this, dependsOn: args.kubernetesDependsOn ?? [] };

        // 1. The server's own namespace. Pod Security enforces `privileged`: the resizer is a
        // privileged container and Ganesha and the quota tools add capabilities beyond baseline's
        // (NFS_SERVER_PRIVILEGES says which and why). Warn and audit report against restricted.
        const namespace = new k8s.core.v1.Namespace(
            `${name}-namespace`,
            {
                metadata: {
                    name: args.namespace,
                    labels: {
                        ...commonLabels(args.stack, COMPONENTS.namespace),
                        ...podSecurityLabels("privileged"),
                    },
                },
            },
            child,
        );
        const ns = namespace.metadata.name;
        const k8sOpts: pulumi.CustomResourceOptions = { parent: this, dependsOn: [namespace] };

        // 2. The volume the server exports, bound to a claim named NFS_DATA_CLAIM_NAME, and on GKE
        // the hub database's disk and claim.
        let dataClaim: k8s.core.v1.PersistentVolumeClaim;
        let zone: string | undefined;
        if (backing.kind === "gcePersistentDisk") {
            const disk = protectedDisk(`${name}-disk`, backing, {
                diskName: backing.diskName,
                sizeGb: backing.sizeGb,
                description: "JupyterLab users' homes (jupyterlabdemo). Protected and snapshotted daily: never delete.",
            }, args.stack, this);
            this.diskName = disk.name;
            const policyName = snapshotPolicyName(backing.diskName);
            const schedule = snapshotSchedule(`${name}-snapshot-policy`, backing, policyName, {
                retentionDays: backing.snapshotRetentionDays,
                startTime: backing.snapshotStartTime,
            }, args.stack, this);
            attachSchedule(`${name}-snapshot-attachment`, backing, disk, backing.diskName, schedule, policyName, this);
            zone = backing.zone;
            dataClaim = preBoundDisk(this, `${name}-data`, {
                volumeName: `${args.namespace}-nfs-data`,
                claimName: NFS_DATA_CLAIM_NAME,
                namespace: ns,
                labels,
                capacity: INFORMATIONAL_CAPACITY,
                volumeHandle: disk.id,
                zone: backing.zone,
                fsType: DATA_FS_TYPE,
                mountOptions: DATA_MOUNT_OPTIONS,
            }, k8sOpts);

            if (backing.hubDatabase) {
                const db = backing.hubDatabase;
                const dbDisk = protectedDisk(`${name}-hub-db-disk`, backing, {
                    diskName: db.diskName,
                    sizeGb: db.sizeGb,
                    description: "JupyterHub database of the JupyterLab platform (jupyterlabdemo). Protected and snapshotted daily: never delete.",
                }, args.stack, this);
                this.hubDatabaseDiskName = dbDisk.name;
                attachSchedule(`${name}-hub-db-snapshot-attachment`, backing, dbDisk, db.diskName, schedule, policyName, this);
                const dbClaim = preBoundDisk(this, `${name}-hub-db`, {
                    volumeName: `${hubNs}-hub-db`,
                    claimName: HUB_NAMES.databaseClaim,
                    namespace: hubNs,
                    labels: commonLabels(args.stack, COMPONENTS.hub),
                    capacity: db.claimSize,
                    volumeHandle: dbDisk.id,
                    zone: backing.zone,
                    // sqlite needs no quotas: the PD CSI driver's ordinary filesystem.
                    fsType: "ext4",
                    mountOptions: [],
                }, inHubNamespace);
                this.hubDatabaseClaimName = dbClaim.metadata.name;
            }
        } else {
            dataClaim = new k8s.core.v1.PersistentVolumeClaim(
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
        }

        // 3. The NFS server, its configuration and its Service.
        const ganeshaText = serverGaneshaConfig();
        const ganeshaConf = new k8s.core.v1.ConfigMap(
            `${name}-ganesha-config`,
            { metadata: { name: `${NFS_SERVER_NAME}-ganesha`, namespace: ns, labels }, data: { "ganesha.conf": ganeshaText } },
            k8sOpts,
        );
        // Quotas need XFS: GKE only. Their config is not in the pod's checksum: a quota change
        // restarts the enforcer container alone (quota.ts), never Ganesha.
        const quotaConf =
            backing.kind === "gcePersistentDisk"
                ? new k8s.core.v1.ConfigMap(
                      `${name}-quota-config`,
                      { metadata: { name: `${NFS_SERVER_NAME}-quota`, namespace: ns, labels }, data: { [QUOTA_CONFIG_FILE]: quotaEnforcerConfig(backing.quotas) } },
                      k8sOpts,
                  )
                : undefined;
        const podLabels = selectorLabels(args.stack, COMPONENT);
        const podSpec = nfsServerPodSpec({
            dataClaimName: dataClaim.metadata.name,
            ganeshaConfigMap: `${NFS_SERVER_NAME}-ganesha`,
            quotaConfigMap: quotaConf ? `${NFS_SERVER_NAME}-quota` : undefined,
            digests: args.imageDigests ?? {},
        });
        const deployment = new k8s.apps.v1.Deployment(
            `${name}-nfs-deployment`,
            // One server: the data volume is ReadWriteOnce, and two servers on one filesystem
            // would corrupt it. Recreate: the old pod releases the disk before the new one needs
            // it (a rolling update would deadlock on the attachment).
            singletonDeployment({
                name: NFS_SERVER_NAME,
                namespace: ns,
                labels,
                selector: podLabels,
                annotations: { ...NFS_SERVER_CHECKOV_SKIPS },
                podAnnotations: {
                    // Moving the server stalls every lab's file I/O while the disk re-attaches:
                    // the autoscaler must not do it to shrink the pool.
                    [ANNOTATIONS.safeToEvict]: "false",
                    // A Ganesha config change restarts the server (Recreate).
                    [ANNOTATIONS.configChecksum]: createHash("sha256").update(ganeshaText).digest("hex"),
                },
                podSpec: {
                    ...podSpec,
                    nodeSelector: args.placement.nodeSelector,
                    tolerations: args.placement.tolerations,
                    affinity: zone ? { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: zoneTerms(ZONE_LABEL, zone) } } : undefined,
                },
            }),
            { ...k8sOpts, dependsOn: [namespace, ganeshaConf, ...(quotaConf ? [quotaConf] : [])] },
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

        // 4. Who may reach the server: the nodes (the kubelets mount) on the NFS port, and the
        // Managed Prometheus collector on the metrics ports (network.ts).
        nfsServerNetworkPolicies(this, name, {
            stack: args.stack,
            namespace: args.namespace,
            podLabels,
            nodeCidrs: args.nodeCidrs,
            metricsPorts: backing.kind === "gcePersistentDisk" ? [METRICS_PORTS.quota, METRICS_PORTS.fs] : [METRICS_PORTS.fs],
            admitNodesByCiliumEntity: args.admitNodesByCiliumEntity ?? false,
        }, k8sOpts);

        // 5. The homes volume for labs, in the hub namespace. The kubelet mounts it on the node,
        // where cluster DNS names do not resolve: the server is the Service's ClusterIP.
        const homesVolume = new k8s.core.v1.PersistentVolume(
            `${name}-homes-pv`,
            {
                metadata: { name: `${hubNs}-homes`, labels },
                spec: {
                    // Informational: NFS ignores it, and growth never updates it.
                    capacity: { storage: INFORMATIONAL_CAPACITY },
                    accessModes: ["ReadWriteMany"],
                    persistentVolumeReclaimPolicy: "Retain",
                    storageClassName: "",
                    mountOptions: [...HOMES_MOUNT_OPTIONS],
                    nfs: { server: service.spec.clusterIP, path: "/" },
                },
            },
            // Labs should not be handed a volume whose server is not serving yet.
            { parent: this, dependsOn: [deployment] },
        );
        const homesClaim = new k8s.core.v1.PersistentVolumeClaim(
            `${name}-homes-pvc`,
            {
                metadata: { name: HOMES_CLAIM_NAME, namespace: hubNs, labels },
                spec: {
                    accessModes: ["ReadWriteMany"],
                    storageClassName: "",
                    volumeName: homesVolume.metadata.name,
                    resources: { requests: { storage: INFORMATIONAL_CAPACITY } },
                },
            },
            inHubNamespace,
        );
        this.homesClaimName = homesClaim.metadata.name;
        this.namespace = ns;

        this.registerOutputs({
            diskName: this.diskName,
            hubDatabaseDiskName: this.hubDatabaseDiskName,
            hubDatabaseClaimName: this.hubDatabaseClaimName,
            nfsServerIp: this.nfsServerIp,
            homesClaimName: this.homesClaimName,
            namespace: this.namespace,
        });
    }
}

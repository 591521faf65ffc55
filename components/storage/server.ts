/**
 * The NFS server pod: NFS-Ganesha and 2i2c's quota sidecars (jupyterhub-home-nfs), each container
 * with the least privilege it needs, written down once in NFS_SERVER_PRIVILEGES (the policy pack's
 * allow-list, policies/policy-config.json, must list exactly the same). Pure: the storage
 * component wraps the spec in a Deployment.
 *
 * | container       | runs                                        | holds                                   |
 * |-----------------|---------------------------------------------|-----------------------------------------|
 * | nfs-server      | Ganesha, NFSv4.1+ on 2049                    | 9 capabilities, root, RuntimeDefault     |
 * | quota-enforcer  | 2i2c's enforcer: one XFS project per home    | SYS_ADMIN, FOWNER, DAC_READ_SEARCH, MKNOD|
 * | quota-report    | xfs_quota report -> textfile every minute    | SYS_ADMIN, MKNOD                         |
 * | fs-resizer      | xfs_growfs every minute                      | privileged (the only one; see below)     |
 * | quota-exporter  | node-exporter textfile collector, port 9101  | nothing: restricted                      |
 * | fs-exporter     | node-exporter filesystem collector, 9100     | nothing: restricted                      |
 */
import type * as k8s from "../sdk/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { RESTRICTED_CONTAINER_SECURITY } from "../naming";
import { ganeshaConfig, NFS_PORT } from "./ganesha";
import {
    DATA_DIR,
    HOMES_DIR,
    QUOTA_CONFIG_DIR,
    QUOTA_ENFORCER_SCRIPT,
    QUOTA_METRICS_DIR,
    QUOTA_REPORT_SCRIPT,
    QUOTA_STATE_DIR,
    RESIZER_SCRIPT,
} from "./quota";

/**
 * NFS-Ganesha as 2i2c builds it for jupyterhub-home-nfs (Ubuntu 22.04, Ganesha 5 from the
 * nfs-ganesha PPA, VFS FSAL, their start script). 1.2.0 is the project's newest release tag;
 * later builds carry chartpress dev tags that name no release.
 */
export const GANESHA_IMAGE = "ghcr.io/2i2c-org/nfs-ganesha:1.2.0";
/** 2i2c's quota enforcer (Ubuntu 24.04, xfsprogs, Python), same release; also runs xfs_growfs and the report. */
export const HOME_NFS_IMAGE = "ghcr.io/2i2c-org/jupyterhub-home-nfs:1.2.0";
/** Prometheus node-exporter, the version 2i2c's chart pins for the same filesystem metrics. */
export const NODE_EXPORTER_IMAGE = "quay.io/prometheus/node-exporter:v1.8.2";

/** Image digests from config (`storage.imageDigests`); an unset one leaves the image pinned by tag only. */
export interface ImageDigests {
    readonly ganesha?: string;
    readonly homeNfs?: string;
    readonly nodeExporter?: string;
}

/** `repo:tag@sha256:...` when a digest is given, else `repo:tag`. */
function withDigest(image: string, digest: string | undefined): string {
    return digest ? `${image}@${digest}` : image;
}

/** Container names (the allow-list and the monitoring PodMonitorings key on them) and metrics ports. */
export const NFS_CONTAINERS = {
    server: "nfs-server",
    quotaEnforcer: "quota-enforcer",
    quotaReport: "quota-report",
    resizer: "fs-resizer",
    quotaExporter: "quota-exporter",
    fsExporter: "fs-exporter",
} as const;
export const METRICS_PORTS = {
    quota: { name: "quota-metrics", port: 9101 },
    fs: { name: "fs-metrics", port: 9100 },
} as const;

/** What one container may hold beyond a restricted container: added capabilities, or privileged. */
export interface ContainerPrivilege {
    readonly capabilities: readonly string[];
    readonly privileged: boolean;
}

/**
 * Every privilege of the NFS server's containers, and why. Containers not listed hold nothing
 * (restricted: non-root, all capabilities dropped).
 */
export const NFS_SERVER_PRIVILEGES: Readonly<Record<string, ContainerPrivilege>> = {
    // Ganesha serves every user as that user and root without squashing:
    // CHOWN, FOWNER, FSETID, DAC_OVERRIDE: a root client's chown/chmod/utimes/writes (the home
    //   init container's chown of a new home), as the kernel's own nfsd would do them;
    // SETUID, SETGID: Ganesha switches its fs uid, gid and groups to each caller's, so files are
    //   created as the user;
    // DAC_READ_SEARCH: open_by_handle_at(2), how the VFS FSAL opens files from NFS file handles
    //   (RuntimeDefault seccomp allows the call only with this capability);
    // SYS_RESOURCE: Ganesha raises its open-file limit at start (and drops the capability
    //   itself right after, nfs_init.c). Nothing binds a privileged port: NFSv4 on 2049 only,
    //   no rpcbind (v4 registration is optional to Ganesha; NLM and RQUOTA are off).
    [NFS_CONTAINERS.server]: {
        capabilities: ["CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "SETGID", "SETUID", "SYS_RESOURCE"],
        privileged: false,
    },
    // SYS_ADMIN: quotactl(2) to set and read project limits; FOWNER: set the project id on the
    // users' files; DAC_READ_SEARCH: walk the users' 0700 homes; MKNOD: the device node
    // quotactl names the filesystem by (quota.ts, DEVICE_NODE_SCRIPT).
    [NFS_CONTAINERS.quotaEnforcer]: { capabilities: ["DAC_READ_SEARCH", "FOWNER", "MKNOD", "SYS_ADMIN"], privileged: false },
    // SYS_ADMIN: quotactl(2) reads of other projects' usage; MKNOD: the device node.
    [NFS_CONTAINERS.quotaReport]: { capabilities: ["MKNOD", "SYS_ADMIN"], privileged: false },
    // xfs_growfs reads the block device to learn its new size, and a container's device cgroup
    // lets no capability open a device: only `privileged` does. It runs one fixed command on a
    // timer, takes no input from users and serves no port. Without it, growth is the manual
    // `xfs_growfs` of docs/storage.md.
    [NFS_CONTAINERS.resizer]: { capabilities: [], privileged: true },
};

/** The seccomp profile every container runs under, stated rather than left to the runtime. */
const RUNTIME_DEFAULT = { type: "RuntimeDefault" };

function rootWith(privilege: ContainerPrivilege): k8s.types.input.core.v1.SecurityContext {
    if (privilege.privileged) {
        return { privileged: true, runAsUser: 0 };
    }
    return {
        privileged: false,
        runAsUser: 0,
        runAsNonRoot: false,
        // Kubernetes refuses allowPrivilegeEscalation false next to SYS_ADMIN; elsewhere it is off.
        ...(privilege.capabilities.includes("SYS_ADMIN") ? {} : { allowPrivilegeEscalation: false }),
        capabilities: { drop: ["ALL"], add: [...privilege.capabilities] },
        seccompProfile: RUNTIME_DEFAULT,
        appArmorProfile: RUNTIME_DEFAULT,
    };
}

/** Restricted (Pod Security): the exporters and the init container. */
const RESTRICTED: k8s.types.input.core.v1.SecurityContext = RESTRICTED_CONTAINER_SECURITY;

/**
 * Checkov findings accepted on the NFS server's Deployment, each with its reason, in the form
 * Checkov reads (test/real/validators.test.ts). The privileges themselves are NFS_SERVER_PRIVILEGES,
 * which the policy pack checks exactly (k8s-privileged-allow-list).
 */
export const NFS_SERVER_CHECKOV_SKIPS: Readonly<Record<string, string>> = {
    "checkov.io/skip1": "CKV_K8S_8=Ganesha has no health endpoint; a probe restart would put every client through the NFSv4 grace period",
    "checkov.io/skip2": "CKV_K8S_9=one server behind a ClusterIP the kubelets mount: a NotReady endpoint would cut every home off, with no peer to take over",
    "checkov.io/skip3": "CKV_K8S_11=no CPU limit: throttling the NFS server or its quota tools would stall every lab's file I/O",
    "checkov.io/skip4": "CKV_K8S_15=images pinned by exact tags (digests through storage.imageDigests); IfNotPresent keeps restarts off the registry",
    "checkov.io/skip5": "CKV_K8S_43=pinned by exact tags until storage.imageDigests is set; the nfs-server-image-digest policy warns until then",
    "checkov.io/skip6": "CKV_K8S_16=fs-resizer alone is privileged: xfs_growfs opens the disk's block device, which no capability grants",
    "checkov.io/skip7": "CKV_K8S_20=fs-resizer alone: a privileged container always allows escalation; the others set it false",
    "checkov.io/skip8": "CKV_K8S_28=fs-resizer alone holds NET_RAW, as privileged holds every capability; the others drop ALL",
    "checkov.io/skip9": "CKV_K8S_22=Ganesha and the quota tools write pid files, sockets and state in the image's own paths",
    "checkov.io/skip10": "CKV_K8S_23=Ganesha serves every user's uid unsquashed and the quota tools set XFS project ids: both as root",
    "checkov.io/skip11": "CKV_K8S_40=runs as uid 0 for the reasons of CKV_K8S_23; the restricted exporters run as nobody",
    "checkov.io/skip12": "CKV_K8S_25=each container adds exactly the capabilities NFS_SERVER_PRIVILEGES lists, and drops ALL else",
    "checkov.io/skip13": "CKV_K8S_37=each container adds exactly the capabilities NFS_SERVER_PRIVILEGES lists, and drops ALL else",
    "checkov.io/skip14": "CKV_K8S_39=the quota enforcer and report need SYS_ADMIN for XFS project quotas (xfs_quota -x); nothing else has it",
};

const small = (memoryLimit: string) => ({ requests: { cpu: "10m", memory: "16Mi" }, limits: { memory: memoryLimit } });

export interface NfsServerPodArgs {
    /** Claim of the data disk. */
    readonly dataClaimName: pulumi.Input<string>;
    /** ConfigMap holding `ganesha.conf`. */
    readonly ganeshaConfigMap: string;
    /** ConfigMap holding the quota config; unset: no quotas, no resizer (the volume is not XFS). */
    readonly quotaConfigMap?: string;
    readonly digests: ImageDigests;
}

/** ganesha.conf of this server: the homes directory exported, recovery records on the disk. */
export function serverGaneshaConfig(): string {
    return ganeshaConfig({ exportPath: HOMES_DIR, recoveryRoot: `${DATA_DIR}/ganesha` });
}

/** How the server container starts Ganesha: its runtime directories, then the daemon as PID 1. */
const GANESHA_START = "mkdir -p /var/run/ganesha /var/lib/nfs/ganesha && exec /usr/bin/ganesha.nfsd -F -L /dev/stdout -f /etc/ganesha/ganesha.conf -N NIV_EVENT";

/** The pod spec (without placement) of the NFS server. */
export function nfsServerPodSpec(a: NfsServerPodArgs): k8s.types.input.core.v1.PodSpec {
    const home = withDigest(HOME_NFS_IMAGE, a.digests.homeNfs);
    const exporter = withDigest(NODE_EXPORTER_IMAGE, a.digests.nodeExporter);
    const data = { name: "data", mountPath: DATA_DIR };
    const quotas = a.quotaConfigMap !== undefined;
    const containers: k8s.types.input.core.v1.Container[] = [
        {
            name: NFS_CONTAINERS.server,
            image: withDigest(GANESHA_IMAGE, a.digests.ganesha),
            // ganesha.nfsd itself in the foreground, not the image's start script: that script
            // (set -e) first starts rpcbind and a dbus daemon, which NFSv4 does not need and
            // whose privilege drop can fail without capabilities this container does not hold.
            command: ["/bin/sh", "-c", GANESHA_START],
            ports: [{ name: "nfs", containerPort: NFS_PORT, protocol: "TCP" }],
            volumeMounts: [data, { name: "ganesha-config", mountPath: "/etc/ganesha/ganesha.conf", subPath: "ganesha.conf", readOnly: true }],
            // Ganesha caches inodes and dirents in user space.
            resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "1Gi" } },
            securityContext: rootWith(NFS_SERVER_PRIVILEGES[NFS_CONTAINERS.server]),
            readinessProbe: { tcpSocket: { port: "nfs" }, periodSeconds: 10 },
            livenessProbe: { tcpSocket: { port: "nfs" }, initialDelaySeconds: 30, periodSeconds: 20, failureThreshold: 6 },
        },
    ];
    if (quotas) {
        containers.push(
            {
                name: NFS_CONTAINERS.quotaEnforcer,
                image: home,
                command: ["/bin/sh", "-c", QUOTA_ENFORCER_SCRIPT],
                volumeMounts: [data, { name: "quota-config", mountPath: QUOTA_CONFIG_DIR, readOnly: true }],
                resources: { requests: { cpu: "20m", memory: "64Mi" }, limits: { memory: "256Mi" } },
                securityContext: rootWith(NFS_SERVER_PRIVILEGES[NFS_CONTAINERS.quotaEnforcer]),
            },
            {
                name: NFS_CONTAINERS.quotaReport,
                image: home,
                command: ["/bin/sh", "-c", QUOTA_REPORT_SCRIPT],
                volumeMounts: [{ ...data, readOnly: true }, { name: "quota-metrics", mountPath: QUOTA_METRICS_DIR }],
                resources: small("64Mi"),
                securityContext: rootWith(NFS_SERVER_PRIVILEGES[NFS_CONTAINERS.quotaReport]),
            },
            {
                name: NFS_CONTAINERS.resizer,
                image: home,
                command: ["/bin/sh", "-c", RESIZER_SCRIPT],
                volumeMounts: [data],
                resources: small("64Mi"),
                securityContext: rootWith(NFS_SERVER_PRIVILEGES[NFS_CONTAINERS.resizer]),
            },
            {
                name: NFS_CONTAINERS.quotaExporter,
                image: exporter,
                args: [
                    "--collector.disable-defaults",
                    "--collector.textfile",
                    `--collector.textfile.directory=${QUOTA_METRICS_DIR}`,
                    `--web.listen-address=:${METRICS_PORTS.quota.port}`,
                ],
                ports: [{ name: METRICS_PORTS.quota.name, containerPort: METRICS_PORTS.quota.port, protocol: "TCP" }],
                volumeMounts: [{ name: "quota-metrics", mountPath: QUOTA_METRICS_DIR, readOnly: true }],
                resources: small("64Mi"),
                securityContext: RESTRICTED,
            },
        );
    }
    containers.push({
        name: NFS_CONTAINERS.fsExporter,
        image: exporter,
        args: [
            "--collector.disable-defaults",
            "--collector.filesystem",
            "--collector.filesystem.mount-points-exclude=^/(dev|proc|sys|etc)($|/)",
            `--web.listen-address=:${METRICS_PORTS.fs.port}`,
        ],
        ports: [{ name: METRICS_PORTS.fs.name, containerPort: METRICS_PORTS.fs.port, protocol: "TCP" }],
        volumeMounts: [{ ...data, readOnly: true }],
        resources: small("64Mi"),
        securityContext: RESTRICTED,
    });
    return {
        // Ganesha's NFSv4.1 server identity follows the host name: keep it across pods, so clients
        // see the same server come back and reclaim their state.
        hostname: NFS_CONTAINERS.server,
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        securityContext: { seccompProfile: RUNTIME_DEFAULT },
        // Ganesha flushes and ends its sessions on SIGTERM; give it time.
        terminationGracePeriodSeconds: 60,
        initContainers: [
            {
                // The layout of the disk: homes (the export), Ganesha's recovery records, the
                // quota project files. Root only for mkdir in the root-owned filesystem root.
                name: "prepare-data",
                image: home,
                command: ["/bin/sh", "-c", `mkdir -p ${HOMES_DIR} ${DATA_DIR}/ganesha ${QUOTA_STATE_DIR} && chmod 0755 ${HOMES_DIR}`],
                volumeMounts: [data],
                resources: small("32Mi"),
                securityContext: {
                    runAsUser: 0,
                    runAsNonRoot: false,
                    allowPrivilegeEscalation: false,
                    readOnlyRootFilesystem: true,
                    capabilities: { drop: ["ALL"] },
                    seccompProfile: RUNTIME_DEFAULT,
                },
            },
        ],
        containers,
        volumes: [
            { name: "data", persistentVolumeClaim: { claimName: a.dataClaimName } },
            { name: "ganesha-config", configMap: { name: a.ganeshaConfigMap } },
            ...(quotas
                ? [
                      { name: "quota-config", configMap: { name: a.quotaConfigMap } },
                      { name: "quota-metrics", emptyDir: { medium: "Memory", sizeLimit: "8Mi" } },
                  ]
                : []),
        ],
    };
}

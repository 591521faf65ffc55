/**
 * NFS-Ganesha's configuration for the homes export. Pure: the storage component mounts the text.
 *
 * Choices, each against 2i2c's jupyterhub-home-nfs chart (which exports with `All_Squash` to uid
 * 1000, NFSv3 and v4, UDP and TCP):
 * - NFSv4.1+ only, TCP only, on 2049: no rpcbind, mountd, NLM, rquota or statd port to expose.
 *   4.0 is refused: it has no sessions (no exactly-once replies, weaker reclaim after a restart).
 * - `Squash = No_Root_Squash`, and no uid squashing at all: a user's files belong to the user's
 *   own uid (the GitHub id) and org gids, and the lab's home init container, root with CAP_CHOWN
 *   only, creates and chowns each new home. Who may reach 2049 is the NetworkPolicy's job (the
 *   nodes' kubelets only; labs cannot reach the server).
 * - `Only_Numeric_Owners`: owners travel as numbers; the server knows none of the users by name.
 * - NFSv4 recovery state under the data disk (`RecoveryRoot`), so a new server pod, on any node,
 *   knows which clients may reclaim their opens and locks after a restart.
 * - Lease 20 s and grace 30 s (Ganesha's defaults are 60 and 90): 2i2c's production values,
 *   keeping Ganesha's 1.5 ratio. A restarted server refuses new opens and locks for at most the
 *   grace period (less once every known client has reclaimed); a client that cannot reach the
 *   server loses its state after one lease.
 */

/** NFSv4 needs only this port (no portmapper, no mountd). */
export const NFS_PORT = 2049;
/** NFSv4 lease, seconds. */
export const LEASE_SECONDS = 20;
/** Grace after a start, seconds: only reclaims are served meanwhile. */
export const GRACE_SECONDS = 30;

export interface GaneshaPaths {
    /** The exported directory (the pseudo root `/` clients mount). */
    readonly exportPath: string;
    /** Where Ganesha keeps NFSv4 client recovery records: on the persistent disk. */
    readonly recoveryRoot: string;
}

/** ganesha.conf for the one export. */
export function ganeshaConfig(p: GaneshaPaths): string {
    return [
        "NFS_CORE_PARAM {",
        "    NFS_Port = " + NFS_PORT + ";",
        "    Protocols = 4;",
        "    Enable_NLM = false;",
        "    Enable_RQUOTA = false;",
        // One server: recovery records under RecoveryRoot directly, not per cluster node.
        "    Clustered = false;",
        "}",
        "NFSv4 {",
        "    Minor_Versions = 1, 2;",
        `    Lease_Lifetime = ${LEASE_SECONDS};`,
        `    Grace_Period = ${GRACE_SECONDS};`,
        "    RecoveryBackend = fs;",
        `    RecoveryRoot = "${p.recoveryRoot}";`,
        "    Allow_Numeric_Owners = true;",
        "    Only_Numeric_Owners = true;",
        "    Delegations = false;",
        "}",
        "EXPORT {",
        "    Export_Id = 1;",
        `    Path = "${p.exportPath}";`,
        '    Pseudo = "/";',
        "    Protocols = 4;",
        "    Transports = TCP;",
        "    SecType = sys;",
        "    Access_Type = RW;",
        "    Squash = No_Root_Squash;",
        "    FSAL {",
        "        Name = VFS;",
        "    }",
        "}",
        "",
    ].join("\n");
}

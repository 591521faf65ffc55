/**
 * Per-user quotas on the homes disk: XFS project quotas, one project per home directory, set by
 * 2i2c's quota enforcer (jupyterhub-home-nfs, `jupyterhub_home_nfs.generate`), and the shell
 * scripts the NFS server's quota containers run. Pure: the storage component (server.ts) mounts
 * what these functions return.
 *
 * The enforcer (release 1.2.0) scans `paths` every `wait_time` seconds; each directory found there
 * becomes an XFS project (ids from `min_projid` on, kept in `projid_file`/`projects_file`) with a
 * hard block limit: `quota_overrides[<dir>]` GiB if set, else 0 (no limit) if `<dir>` is in
 * `exclude`, else `hard_quota` GiB. It reads its config once, at start; it owns the two project
 * files and rewrites them.
 */

/** Where the data disk is mounted in every container of the NFS server. */
export const DATA_DIR = "/data";
/** The homes, one directory per lowercase GitHub login; the export's root. */
export const HOMES_DIR = `${DATA_DIR}/homes`;
/** The enforcer's project files: on the disk, so project ids survive restarts (no re-tagging). */
export const QUOTA_STATE_DIR = `${DATA_DIR}/quota`;
/** Where the quota config is mounted (a directory, so an edit reaches the running pod). */
export const QUOTA_CONFIG_DIR = "/etc/jupyterhub-home-nfs";
export const QUOTA_CONFIG_FILE = "quota.json";
/** The textfile the quota report writes and the quota exporter serves. */
export const QUOTA_METRICS_DIR = "/metrics";

/** The quota settings, as components/config validated them. */
export interface QuotaSettings {
    /** Each home's hard limit, GiB. */
    readonly defaultGiB: number;
    /** Per-login limits, GiB; win over the default. */
    readonly overridesGiB: Readonly<Record<string, number>>;
    /** Logins with no limit. Disjoint from `overridesGiB` (components/config refuses both). */
    readonly excluded: readonly string[];
}

/** The quota a user's home gets: GiB, or `null` for none. Mirrors the enforcer's precedence. */
export function quotaGiBFor(login: string, q: QuotaSettings): number | null {
    if (Object.prototype.hasOwnProperty.call(q.overridesGiB, login)) return q.overridesGiB[login];
    if (q.excluded.includes(login)) return null;
    return q.defaultGiB;
}

/**
 * The enforcer's traitlets config file, as JSON (data, never code: the enforcer's `--config-file`
 * loads `.json` as well as `.py`). Keys sorted, so the same settings give the same bytes.
 * `uid`/`gid` 0: the enforcer chowns `paths` to them on every pass, and the homes' parent must
 * stay root's (2i2c's default, 1000, fits their squashed export, not this one).
 */
export function quotaEnforcerConfig(q: QuotaSettings): string {
    const overrides = Object.fromEntries(Object.keys(q.overridesGiB).sort().map((k) => [k, q.overridesGiB[k]]));
    const config = {
        QuotaManager: {
            exclude: [...new Set(q.excluded)].sort(),
            gid: 0,
            hard_quota: q.defaultGiB,
            min_projid: 1000,
            paths: [HOMES_DIR],
            projects_file: `${QUOTA_STATE_DIR}/projects`,
            projid_file: `${QUOTA_STATE_DIR}/projid`,
            quota_overrides: overrides,
            uid: 0,
            wait_time: 30,
        },
    };
    return `${JSON.stringify(config, null, 2)}\n`;
}

/**
 * Makes the data disk's block device node exist where /proc/mounts names it. xfs_quota hands that
 * path to quotactl(2), which resolves it to a device number (it never opens the device); a
 * container sees none of the node's devices. CAP_MKNOD creates the node, which the container's
 * device cgroup lets it make but never read or write.
 */
export const DEVICE_NODE_SCRIPT = [
    "set -eu",
    `dev=$(awk '$2 == "${DATA_DIR}" { d = $1 } END { print d }' /proc/mounts)`,
    `majmin=$(awk '$5 == "${DATA_DIR}" { m = $3 } END { print m }' /proc/self/mountinfo)`,
    `if [ -z "$dev" ] || [ -z "$majmin" ]; then echo "no filesystem is mounted at ${DATA_DIR}" >&2; exit 1; fi`,
    'if [ ! -b "$dev" ]; then mkdir -p "$(dirname "$dev")"; mknod "$dev" b "${majmin%%:*}" "${majmin##*:}"; fi',
].join("\n");

/**
 * The enforcer's command: the device node, then the enforcer, restarted (by the kubelet, this
 * container only) when the mounted config changes, since the enforcer reads it once. Ganesha and
 * the users' mounts are untouched by a quota change.
 */
export const QUOTA_ENFORCER_SCRIPT = [
    DEVICE_NODE_SCRIPT,
    `config=${QUOTA_CONFIG_DIR}/${QUOTA_CONFIG_FILE}`,
    'before=$(cksum < "$config")',
    'python -m jupyterhub_home_nfs.generate --config-file "$config" &',
    "enforcer=$!",
    "while sleep 30; do",
    '  kill -0 "$enforcer" 2>/dev/null || { wait "$enforcer"; exit $?; }',
    '  if [ "$(cksum < "$config")" != "$before" ]; then echo "quota config changed: restarting the enforcer"; kill "$enforcer"; exit 0; fi',
    "done",
].join("\n");

/**
 * Turns `xfs_quota -x -c 'report -p -N -b'` lines (project name, used KiB, soft, hard, warn,
 * grace) into Prometheus text, for the homes only. The metric names are the ones 2i2c's later
 * enforcer builds export itself, so dashboards survive an upgrade to them.
 */
export const QUOTA_REPORT_AWK = [
    "BEGIN {",
    '  print "# HELP dirsize_total_size_bytes Bytes used by each home (XFS project usage).";',
    '  print "# TYPE dirsize_total_size_bytes gauge";',
    '  print "# HELP dirsize_hard_limit_bytes Hard quota of each home in bytes (0: no limit).";',
    '  print "# TYPE dirsize_hard_limit_bytes gauge";',
    "}",
    `index($1, "${HOMES_DIR}/") == 1 && NF >= 4 {`,
    `  dir = substr($1, ${HOMES_DIR.length + 2});`,
    '  if (dir !~ /^[a-z0-9][a-z0-9-]*$/) next;',
    '  printf "dirsize_total_size_bytes{directory=\\"%s\\"} %.0f\\n", dir, $2 * 1024;',
    '  printf "dirsize_hard_limit_bytes{directory=\\"%s\\"} %.0f\\n", dir, $4 * 1024;',
    "}",
].join("\n");

/** Every minute: the quota report as a textfile for the quota exporter, replaced atomically. */
export const QUOTA_REPORT_SCRIPT = [
    DEVICE_NODE_SCRIPT,
    `out=${QUOTA_METRICS_DIR}/quota.prom`,
    "while true; do",
    `  if xfs_quota -x -c 'report -p -N -b' -D ${QUOTA_STATE_DIR}/projects -P ${QUOTA_STATE_DIR}/projid ${DATA_DIR} > /tmp/report; then`,
    `    awk '${QUOTA_REPORT_AWK.replace(/'/g, "'\\''")}' /tmp/report > "$out.tmp" && mv "$out.tmp" "$out"`,
    "  fi",
    "  sleep 60",
    "done",
].join("\n");

/**
 * Grows the filesystem to the disk, every minute: a no-op until `storage.diskSizeGb` has grown
 * the GCE disk, then an online grow.
 */
export const RESIZER_SCRIPT = [
    "while true; do",
    `  xfs_growfs -d ${DATA_DIR} > /dev/null || echo "xfs_growfs ${DATA_DIR} failed" >&2`,
    "  sleep 60",
    "done",
].join("\n");

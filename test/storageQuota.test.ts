/**
 * The homes' per-user quotas: the quota for each login, the enforcer's config, and the scripts
 * of the quota containers (enforcer, report, device node), run here against fixtures.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DEVICE_NODE_SCRIPT, QUOTA_ENFORCER_SCRIPT, QUOTA_REPORT_AWK, QUOTA_REPORT_SCRIPT, quotaEnforcerConfig, quotaGiBFor } from "../components/storage/quota";
import { k8s, render, set } from "./mocks";

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


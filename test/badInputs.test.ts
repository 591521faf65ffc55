/**
 * Runs every row of the bad-input battery (test/badInputs.ts): each must end with its exit code
 * and exactly one line on stderr, `error: ...`, naming its key, with nothing on stdout and no
 * secret echoed. Rows run in-process through each script's own body (`execute`), so the whole
 * table takes seconds. One row marked end-to-end also runs through the real `npm run` process:
 * what a process adds (package.json's wiring, `runCli` writing the line and exiting with the code)
 * is the same for every row, and each such run costs a second of Node and npm start-up.
 * Then the CLI behaviours that are not a single bad input: --help everywhere, and a failed render
 * never leaving a stale render behind.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseSettings, PROJECT } from "../components/config";
import { parseCli, Script } from "../scripts/lib/cli";
import { RENDER_FILES } from "../scripts/render";
import { loadStackConfig, REPO_ROOT } from "../scripts/lib/stackConfig";
import { BAD_INPUTS, BadInput, ScriptName } from "./badInputs";
import { Outcome, runInProcess } from "./lib/cli";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const scriptOf = (name: ScriptName): Script => (require(`../scripts/${name}`) as { script: Script }).script;

/** A stand-in for the render script that reads a scratch repository's stack file: the same parse and validation, no program run. */
function stackFileScript(root: string): Script {
    return {
        usage: "",
        main: async (argv) => {
            const args = parseCli(argv, { out: "string" }, ["require-secrets"]);
            const config = loadStackConfig(args.stack, args.overrides, { root, secretStandIns: !args.flags.has("require-secrets") });
            parseSettings(config.values, { project: PROJECT, stack: args.stack, secretKeys: config.secretKeys });
            return 0;
        },
    };
}

function assertOutcome(row: BadInput, got: Outcome): void {
    const shown = JSON.stringify(got);
    assert.strictEqual(got.code, row.exit, `exit code: ${shown}`);
    assert.match(got.stderr, /^error: [^\n]+\n$/, `one line on stderr, no stack trace: ${shown}`);
    assert.ok(got.stderr.includes(row.key), `names ${row.key}: ${shown}`);
    assert.strictEqual(got.stdout, "", `nothing on stdout: ${shown}`);
    assert.ok(!/hunter/.test(got.stderr), `no secret echoed: ${shown}`);
}

/** Render rows write nowhere near the repository: a scratch --out unless the row is about --out. */
function withScratchOut(row: BadInput, out: string): readonly string[] {
    return row.script === "render" && !row.args.some((a) => a.startsWith("--out")) ? [...row.args, "--out", out] : row.args;
}

describe("bad inputs", () => {
    let scratch: string;
    before(() => {
        scratch = fs.mkdtempSync(path.join(os.tmpdir(), "jupyterlabdemo-badinputs-"));
        fs.mkdirSync(path.join(scratch, "repo", "stacks"), { recursive: true });
        fs.copyFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), path.join(scratch, "repo", "Pulumi.yaml"));
    });
    after(() => fs.rmSync(scratch, { recursive: true, force: true }));

    it(`has at least 150 rows, each with a key and an exit code`, () => {
        assert.ok(BAD_INPUTS.length >= 150, `${BAD_INPUTS.length} rows`);
        assert.ok(BAD_INPUTS.every((r) => r.key && Number.isInteger(r.exit)));
        assert.strictEqual(new Set(BAD_INPUTS.map((r) => r.what)).size, BAD_INPUTS.length, "titles are unique");
    });

    for (const row of BAD_INPUTS) {
        it(`${row.script}: ${row.what} -> exit ${row.exit}, names ${row.key}`, async () => {
            const out = path.join(scratch, "out");
            if (row.stackFile !== undefined) {
                fs.writeFileSync(path.join(scratch, "repo", "stacks", "Pulumi.x.yaml"), row.stackFile);
                assertOutcome(row, await runInProcess(stackFileScript(path.join(scratch, "repo")), row.args));
            } else {
                assertOutcome(row, await runInProcess(scriptOf(row.script), withScratchOut(row, out)));
            }
            assert.ok(!fs.existsSync(out), "nothing written");
        });
    }

    describe("end to end, through npm run", function () {
        this.timeout(120000);
        // The row whose secret must not be echoed: the real process's stderr holds everything
        // written to it, not only what the script's body wrote.
        const row = BAD_INPUTS.find((r) => r.endToEnd && r.args.includes("--set-secret"));
        it(`npm run ${row?.script}: ${row?.what}`, () => {
            assert.ok(row, "a row marked end-to-end passes a --set-secret");
            const out = path.join(scratch, "out-e2e");
            const result = spawnSync("npm", ["run", "--silent", row.script, "--", ...withScratchOut(row, out)], { cwd: REPO_ROOT, encoding: "utf8" });
            assertOutcome(row, { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr });
            assert.ok(!fs.existsSync(out), "nothing written");
        });
    });
});

describe("the scripts' command line", () => {
    for (const name of ["render", "cost", "policy", "diff", "bench", "config-docs"] as const) {
        it(`${name} --help prints its usage and exits 0`, async () => {
            for (const flag of ["--help", "-h"]) {
                const got = await runInProcess(scriptOf(name), ["--stack", "sandbox", flag]);
                assert.strictEqual(got.code, 0);
                assert.ok(got.stdout.startsWith(`npm run ${name}`), got.stdout);
                assert.strictEqual(got.stderr, "");
            }
        });
    }

    it("a failed render removes the previous render's files, so stale output is never taken for fresh", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "jupyterlabdemo-stale-"));
        try {
            for (const f of RENDER_FILES) fs.writeFileSync(path.join(dir, f), "old\n");
            assert.ok(RENDER_FILES.includes("lab-pods.yaml") && RENDER_FILES.includes("resources.json"));
            const got = await runInProcess(scriptOf("render"), ["--stack", "sandbox", "--out", dir, "--set", "cluster.userPool.minNodes=9"]);
            assert.strictEqual(got.code, 2);
            assert.deepStrictEqual(fs.readdirSync(dir), [], "the stale render is gone");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("an error that is not a config or usage error is still one line, without a stack trace", async () => {
        const got = await runInProcess({ usage: "", main: async () => { throw new Error("boom\n    at somewhere (x.ts:1:1)"); } }, []);
        assert.deepStrictEqual(got, { code: 2, stdout: "", stderr: "error: boom ...\n" });
    });
});

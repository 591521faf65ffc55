/**
 * The hub's Python run from the suites: every file compiles, the stdlib unit tests pass on this
 * run's renders (test/hub/fakes.py), and each stack's rendered hub-config runs (moved here from
 * hub.test.ts, which keeps the rendered objects, under the 400-line rule).
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { HUB_PYTHON_DIR } from "../components/hub";
import { HUB_SETTINGS_KEY, HUB_SETTINGS_SCHEMA_KEY } from "../components/hub/settingsContract";
import { hubPython } from "./hubPython";
import { writeConfigMapDir } from "./lib/configMapDir";
import { k8s, render } from "./mocks";

const STACKS = ["sandbox", "demo", "local"];
const REPO = path.resolve(__dirname, "..");

/** Runs the hub's Python with `args`; asserts it exits 0 and returns its stderr (unittest reports there). */
function python(args: string[], env: Record<string, string> = {}): string {
    const out = spawnSync(hubPython(), args, { cwd: REPO, env: { ...process.env, ...env }, encoding: "utf8" });
    assert.ok(!out.error, `${hubPython()} could not run: ${out.error}`);
    assert.strictEqual(out.status, 0, `${hubPython()} ${args.join(" ")} failed:\n${out.stdout}\n${out.stderr}`);
    return out.stderr;
}

/**
 * The settings.json and schema the hub's Python tests use (test/hub/fakes.py): written from this
 * run's renders of sandbox (GitHub login) and local (the dummy login) into a temporary directory,
 * named by HUB_RENDERED_SETTINGS. No hand-kept copy: the tests see what the program renders.
 */
async function renderedSettingsDir(): Promise<string> {
    const files: Record<string, string> = {};
    for (const stack of ["sandbox", "local"]) {
        const data = k8s(await render(stack), "ConfigMap", "hub-config").data as Record<string, string>;
        files[`${stack}.settings.json`] = data[HUB_SETTINGS_KEY];
        files[HUB_SETTINGS_SCHEMA_KEY] = data[HUB_SETTINGS_SCHEMA_KEY];
    }
    return writeConfigMapDir(files, "hub-rendered-");
}

describe("hub: Python", () => {
    let rendered = "";
    before(async () => {
        rendered = await renderedSettingsDir();
    });
    after(() => fs.rmSync(rendered, { recursive: true, force: true }));
    it("every Python file compiles", () => {
        const files = [
            ...fs.readdirSync(HUB_PYTHON_DIR).filter((f) => f.endsWith(".py")).map((f) => path.join(HUB_PYTHON_DIR, f)),
            ...fs.readdirSync(path.join(REPO, "test", "hub")).filter((f) => f.endsWith(".py")).map((f) => path.join(REPO, "test", "hub", f)),
        ];
        assert.ok(files.length >= 4);
        // Compile to a throwaway cache so no __pycache__ lands in the worktree.
        python([
            "-c",
            "import os, sys, tempfile, py_compile\nd = tempfile.mkdtemp()\nfor i, f in enumerate(sys.argv[1:]): py_compile.compile(f, cfile=os.path.join(d, f'{i}.pyc'), doraise=True)",
            ...files,
        ]);
    });

    it("unit tests pass (stdlib unittest, fakes for JupyterHub), and each stack's rendered hub-config runs and agrees with its settings", async () => {
        // Each stack's ConfigMap as the hub mounts it, one directory per stack, for
        // test_config.RenderedConfigTest (in the same Python run as the other unit tests).
        const dirs: string[] = [];
        try {
            for (const stack of STACKS) {
                const data = k8s(await render(stack), "ConfigMap", "hub-config").data as Record<string, string>;
                dirs.push(writeConfigMapDir(data, `hub-config-${stack}-`));
            }
            const report = python(["-B", "-m", "unittest", "discover", "-v", "-s", "test/hub", "-t", "test/hub"], {
                HUB_RENDERED_SETTINGS: rendered,
                HUB_RENDERED_CONFIG: dirs.join(path.delimiter),
            });
            // Ran, not skipped for want of the directories.
            assert.match(report, /^test_rendered_config_runs \(test_config\.RenderedConfigTest[^)]*\)\S* \.\.\. ok$/m);
        } finally {
            for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

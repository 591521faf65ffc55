/**
 * scripts/register.js defers what the root of @pulumi/pulumi loads only for serialising functions
 * (the TypeScript compiler, npm's arborist) and for the Automation API: not loaded at start,
 * loaded and working on first use.
 * Each case runs in a child process, since this mocha process may have loaded them already.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as path from "path";
import { REPO_ROOT } from "../scripts/lib/stackConfig";

/** The deferred modules' main files, as they appear in require.cache. */
const DEFERRED_FILES = ["typescript/lib/typescript.js", "@npmcli/arborist/lib/index.js", "normalize-package-data/lib/normalize.js", "@pulumi/pulumi/automation/index.js"];

/** Runs `code` in Node through the loader, the SDK root loaded first; returns its JSON output. */
function probe(code: string, env: Record<string, string> = {}): Record<string, unknown> {
    const prelude = `const pulumi = require("@pulumi/pulumi");
const loaded = () => ${JSON.stringify(DEFERRED_FILES)}.filter((f) => Object.keys(require.cache).some((k) => k.endsWith("/node_modules/" + f)));
const atStart = loaded();`;
    const r = spawnSync(process.execPath, ["-r", path.join(REPO_ROOT, "scripts", "register.js"), "-e", `${prelude}\n${code}`], {
        cwd: REPO_ROOT,
        encoding: "utf8",
        env: { ...process.env, JLD_EAGER_SDK: "", ...env },
    });
    assert.strictEqual(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as Record<string, unknown>;
}

describe("scripts/register.js: SDK modules loaded on first use", function () {
    this.timeout(60000);

    it("loading @pulumi/pulumi loads neither the TypeScript compiler, arborist nor the Automation API; others requiring them get the real modules; serializeFunction, computeCodePaths and pulumi.automation still work, loading them when used", () => {
        const out = probe(`
const x = 42;
(async () => {
    const ts = require("typescript");
    const direct = { version: ts.version, esModule: ts.__esModule === true };
    const fn = await pulumi.runtime.serializeFunction(() => x + 1);
    const paths = await pulumi.runtime.computeCodePaths({ extraIncludePackages: ["yaml"] });
    const automation = typeof pulumi.automation.LocalWorkspace.create === "function" && "automation" in pulumi;
    console.log(JSON.stringify({ atStart, direct, captured: fn.text.includes("42"), yaml: [...paths.keys()].some((p) => p.endsWith("node_modules/yaml")), automation, after: loaded() }));
})().catch((e) => { console.error(e); process.exit(1); });`);
        const version = (require("typescript/package.json") as { version: string }).version;
        assert.deepStrictEqual(out, { atStart: [], direct: { version, esModule: false }, captured: true, yaml: true, automation: true, after: DEFERRED_FILES });
    });

    it("with JLD_EAGER_SDK set, the SDK loads them at start, as published (the control of the case above)", () => {
        assert.deepStrictEqual(probe(`console.log(JSON.stringify({ atStart }));`, { JLD_EAGER_SDK: "1" }), { atStart: DEFERRED_FILES });
    });
});

/**
 * How the Pulumi CLI starts the program (Pulumi.yaml `runtime`): without the CLI here, the test
 * starts Node the way the nodejs language host does with these options (its nodeargs before the
 * entry point, `typescript: false` so no ts-node) and checks the program loads to the exported
 * function the host then runs.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { REPO_ROOT } from "../scripts/lib/stackConfig";

describe("Pulumi.yaml runtime: the program loads through the project's TypeScript loader", () => {
    const project = YAML.parse(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8"));
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));

    it("turns off Pulumi's ts-node and requires scripts/register.js", () => {
        assert.strictEqual(project.runtime.name, "nodejs");
        assert.strictEqual(project.runtime.options.typescript, false);
        assert.strictEqual(project.runtime.options.nodeargs, "--require ./scripts/register.js");
        assert.ok(fs.existsSync(path.join(REPO_ROOT, "scripts", "register.js")));
    });

    it("loads package.json's main (index.ts) to the function the language host runs", () => {
        const nodeargs = String(project.runtime.options.nodeargs).split(/\s+/);
        const probe = `const m = require(${JSON.stringify(path.join(REPO_ROOT, pkg.main))}); process.stdout.write(typeof m);`;
        const r = spawnSync(process.execPath, [...nodeargs, "-e", probe], { cwd: REPO_ROOT, encoding: "utf8" });
        assert.strictEqual(r.status, 0, r.stderr);
        assert.strictEqual(r.stdout, "function");
        assert.strictEqual(pkg.main, "index.ts");
    });

    it("without the loader, Node cannot load the program (the option is what makes it work)", () => {
        const probe = `require(${JSON.stringify(path.join(REPO_ROOT, pkg.main))});`;
        const r = spawnSync(process.execPath, ["-e", probe], { cwd: REPO_ROOT, encoding: "utf8" });
        assert.notStrictEqual(r.status, 0);
    });
});

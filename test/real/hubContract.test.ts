/**
 * The settings contract at the real hub's start-up: the JupyterHub of the hub image's stack
 * (test/hub/requirements.txt, in .venv, with its jsonschema) started on the rendered sandbox
 * ConfigMap whose settings.json breaks the shipped schema stops with exit code 1 and exactly one
 * line naming the key; no traceback.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { HUB_SETTINGS_KEY } from "../../components/hub/settingsContract";
import { writeConfigMapDir } from "../lib/configMapDir";
import { k8s, render } from "../mocks";

const REPO = path.resolve(__dirname, "..", "..");
const JUPYTERHUB = path.join(REPO, ".venv", "bin", "jupyterhub");

describe("hub: the settings contract at the real JupyterHub's start-up", function () {
    this.timeout(120_000);

    it("a settings.json that breaks the schema stops the hub with one line naming the key", async () => {
        assert.ok(fs.existsSync(JUPYTERHUB), `${JUPYTERHUB} is missing: run npm run setup:hub`);
        const data = k8s(await render("sandbox"), "ConfigMap", "hub-config").data as Record<string, string>;
        const dir = writeConfigMapDir(data, "hub-contract-");
        try {
            const settings = JSON.parse(data[HUB_SETTINGS_KEY]);
            settings.lab.profileList[0].profile_options.size.choices.small.kubespawner_override.mem_limit = "4Gi";
            fs.writeFileSync(path.join(dir, HUB_SETTINGS_KEY), JSON.stringify(settings));
            const out = spawnSync(JUPYTERHUB, ["--config", path.join(dir, "jupyterhub_config.py")], {
                cwd: dir,
                env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir },
                encoding: "utf8",
                timeout: 100_000,
            });
            assert.ok(!out.error, `jupyterhub could not run: ${out.error}`);
            assert.strictEqual(out.status, 1, `${out.stdout}\n${out.stderr}`);
            const lines = `${out.stdout}${out.stderr}`.split("\n").filter((l) => l !== "");
            assert.deepStrictEqual(lines, [
                `jupyterlabdemo: ${path.join(dir, HUB_SETTINGS_KEY)} does not match settings.schema.json at ` +
                    "$.lab.profileList[0].profile_options.size.choices.small.kubespawner_override.mem_limit: '4Gi' is not of type 'integer'",
            ]);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

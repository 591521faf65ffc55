/**
 * The hub's real stack: the real JupyterHub, KubeSpawner and OAuthenticator of the hub image
 * (test/hub/requirements.txt, in .venv) behind the real configurable-http-proxy, run with the
 * rendered sandbox ConfigMap and Deployments (test/hub/realstack_test.py drives it).
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { renderStack, writeRenderDir } from "../../scripts/lib/render";

const REPO = path.resolve(__dirname, "..", "..");
const VENV_PYTHON = path.join(REPO, ".venv", "bin", "python");

describe("hub: the real stack (JupyterHub 5.5.0, KubeSpawner 7.0.0, OAuthenticator 17.4.0, configurable-http-proxy 5.2.0)", function () {
    this.timeout(300_000);

    it("logs in, offers the menu, spawns every choice, refuses off-menu choices and outsiders, logs out", async () => {
        assert.ok(fs.existsSync(VENV_PYTHON), `${VENV_PYTHON} is missing: run npm run setup:hub`);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hubreal-render-"));
        try {
            writeRenderDir(dir, await renderStack("sandbox"));
            const out = spawnSync(VENV_PYTHON, [path.join(REPO, "test", "hub", "realstack_test.py")], {
                cwd: REPO,
                env: { ...process.env, HUB_RENDER_DIR: dir },
                encoding: "utf8",
                timeout: 280_000,
            });
            assert.ok(!out.error, `realstack_test.py could not run: ${out.error}`);
            const report = (out.stderr ?? "").split("\n").filter((l) => !/^\[[IWED] /.test(l) && !/^ {4}/.test(l));
            assert.strictEqual(out.status, 0, `realstack_test.py failed:\n${report.slice(-120).join("\n")}`);
            assert.match(out.stderr, /^Ran 10 tests/m);
            assert.match(out.stderr, /^OK$/m);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

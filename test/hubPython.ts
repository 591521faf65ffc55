/**
 * The Python that runs the hub's configuration in the mocha suites: `python3` when it can import
 * `jsonschema` (settings.py checks settings.json with it at start-up, as the hub image does),
 * else the hub stack's venv (`npm run setup:hub`), which pins it. Checked once per run.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const VENV_PYTHON = path.join(__dirname, "..", ".venv", "bin", "python");
let chosen: string | undefined;

export function hubPython(): string {
    if (chosen === undefined) {
        const system = spawnSync("python3", ["-c", "import jsonschema"], { encoding: "utf8" });
        chosen = system.status === 0 || !fs.existsSync(VENV_PYTHON) ? "python3" : VENV_PYTHON;
    }
    return chosen;
}

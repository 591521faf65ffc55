/**
 * The Python that runs the hub's configuration in the mocha suites: `python3` when it can import
 * `jsonschema` (settings.py checks settings.json with it at start-up, as the hub image does),
 * else the hub stack's venv (`npm run setup:hub`), which pins it. Checked once per run, and named
 * by its real path (`sys.executable`): a version manager's `python3` (pyenv's shim) runs a shell
 * script before every start, more than the interpreter's own start-up.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const VENV_PYTHON = path.join(__dirname, "..", ".venv", "bin", "python");
let chosen: string | undefined;

export function hubPython(): string {
    if (chosen === undefined) {
        const system = spawnSync("python3", ["-c", "import sys, jsonschema; print(sys.executable)"], { encoding: "utf8" });
        const real = system.status === 0 ? system.stdout.trim() : "";
        chosen = real && fs.existsSync(real) ? real : fs.existsSync(VENV_PYTHON) ? VENV_PYTHON : "python3";
    }
    return chosen;
}

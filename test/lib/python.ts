/**
 * Python run from the specs, once per input: a script that reads only a directory of files and
 * prints (test/hub/lab_config_probe.py reading a rendered ConfigMap) gives the same output for the
 * same files, so specs that probe the same rendered config share one run of Python.
 */
import { execFileSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";

const outputs = new Map<string, string>();

/**
 * The stdout of `<python> <script> <dir>`, run once per interpreter, script and content of `dir`
 * (its files' names and bytes; not its path, which the script must not print). Throws as
 * `execFileSync` does.
 */
export function runPythonOnDir(python: string, script: string, dir: string): string {
    const hash = crypto.createHash("sha256").update(python).update("\0").update(script);
    for (const file of fs.readdirSync(dir).sort()) {
        hash.update("\0").update(file).update("\0").update(fs.readFileSync(path.join(dir, file)));
    }
    const key = hash.digest("hex");
    let out = outputs.get(key);
    if (out === undefined) {
        out = execFileSync(python, [script, dir], { encoding: "utf8" });
        outputs.set(key, out);
    }
    return out;
}

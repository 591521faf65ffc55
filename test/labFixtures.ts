/**
 * Helpers the lab's tests share: the stack's settings as the program sees them, and the rendered
 * hub configuration run in Python.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { hubPython } from "./hubPython";
import { writeConfigMapDir } from "./lib/configMapDir";
import { settingsOf } from "./lib/settings";
import type { Manifest } from "./mocks";

/** The stack's settings as the program sees them (for expected values). */
export const stackSettings = settingsOf;

/** The probe's stdout per interpreter and ConfigMap data. */
const probeOutputs = new Map<string, string>();

/**
 * Runs the rendered hub configuration (test/hub/lab_config_probe.py) and returns what it set. The
 * probe reads only the ConfigMap's files, so its output is memoised per interpreter and file
 * contents: specs that probe the same rendered config share one run of Python.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function probeHubConfig(cm: Manifest): any {
    const python = hubPython();
    const key = `${python}\0${JSON.stringify(cm.data)}`;
    let out = probeOutputs.get(key);
    if (out === undefined) {
        const dir = writeConfigMapDir(cm.data as Record<string, string>, "hub-config-");
        try {
            out = execFileSync(python, [path.join(__dirname, "hub", "lab_config_probe.py"), dir], { encoding: "utf8" });
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
        probeOutputs.set(key, out);
    }
    return JSON.parse(out);
}

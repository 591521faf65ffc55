/**
 * A rendered ConfigMap as the pod that mounts it sees it: one file per data key.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/**
 * Writes each `data` key as a file of that name into a new temporary directory named after
 * `prefix`, and returns the directory (the caller removes it).
 */
export function writeConfigMapDir(data: Readonly<Record<string, string>>, prefix: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    for (const [file, text] of Object.entries(data)) fs.writeFileSync(path.join(dir, file), text);
    return dir;
}

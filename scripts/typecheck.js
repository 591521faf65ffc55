/**
 * npm run typecheck: `tsc --noEmit` (strict, tsconfig.json) over the whole project, skipped when
 * nothing it reads has changed since its last clean pass.
 *
 * `tsc --incremental` alone still parses and binds every declaration file (most of its time)
 * before it finds that nothing changed. `tsc -b` would skip, but its up-to-date test looks at the
 * project's own files only, so a changed dependency (an npm install bringing other .d.ts) would
 * pass unchecked. Here the stamp of a clean pass covers both: the content of every file under the
 * project's source folders and its manifests, and the installed packages as npm records them
 * (node_modules/.package-lock.json, rewritten by every install). Any difference runs tsc, with
 * its incremental build info; a failure leaves no stamp, so the next run checks again.
 * `--force` always runs tsc.
 */
"use strict";
const { spawnSync } = require("child_process");
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const OUT = path.join(ROOT, "bin");
const BUILD_INFO = path.join(OUT, "typecheck.tsbuildinfo");
const STAMP = path.join(OUT, "typecheck.stamp");
/** What tsconfig.json includes lives under these, with the files tsc reads besides. */
const SOURCES = ["index.ts", "components", "policies", "scripts", "test", "tsconfig.json", "package.json", "package-lock.json", path.join("node_modules", ".package-lock.json")];
const SKIP_DIRS = new Set(["node_modules", "__pycache__", ".cache"]);

/** sha256 over the relative path and content of every file under `SOURCES` of `root`, in a fixed order. */
function stamp(root = ROOT) {
    const hash = crypto.createHash("sha256");
    hash.update(require("typescript/package.json").version);
    const visit = (rel) => {
        const abs = path.join(root, rel);
        let stat;
        try {
            stat = fs.statSync(abs);
        } catch {
            hash.update(`\0missing ${rel}\0`);
            return;
        }
        if (stat.isDirectory()) {
            for (const name of fs.readdirSync(abs).sort()) {
                if (!SKIP_DIRS.has(name)) visit(path.join(rel, name));
            }
        } else if (stat.isFile()) {
            hash.update(`\0${rel}\0`).update(fs.readFileSync(abs));
        }
    };
    SOURCES.forEach(visit);
    return hash.digest("hex");
}

function main() {
    const force = process.argv.includes("--force");
    const before = stamp();
    if (!force && fs.existsSync(STAMP) && fs.readFileSync(STAMP, "utf8") === before) {
        process.stdout.write("typecheck: nothing changed since its last clean pass (--force checks anyway)\n");
        process.exit(0);
    }
    fs.rmSync(STAMP, { force: true });
    const tsc = require.resolve("typescript/bin/tsc");
    const r = spawnSync(process.execPath, [tsc, "--noEmit", "-p", "tsconfig.json", "--incremental", "--tsBuildInfoFile", BUILD_INFO], { cwd: ROOT, stdio: "inherit" });
    const code = r.status ?? 1;
    // Stamp what was checked, and only if nothing changed while tsc ran.
    if (code === 0 && stamp() === before) {
        fs.mkdirSync(OUT, { recursive: true });
        fs.writeFileSync(STAMP, before);
    }
    process.exit(code);
}

module.exports = { stamp };
if (require.main === module) main();

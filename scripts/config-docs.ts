/**
 * npm run config-docs [-- --check]
 *
 * Rewrites the config reference table in README.md from the schema; with --check, exits 1 when
 * the table is stale instead of writing it.
 */
import * as fs from "fs";
import * as path from "path";
import { withConfigReference } from "./lib/configDocs";
import { REPO_ROOT } from "./lib/stackConfig";

const readmePath = path.join(REPO_ROOT, "README.md");
const current = fs.readFileSync(readmePath, "utf8");
const generated = withConfigReference(current);
if (process.argv.includes("--check")) {
    if (generated !== current) {
        process.stderr.write("README.md config reference is stale: run npm run config-docs\n");
        process.exit(1);
    }
    process.stdout.write("README.md config reference is up to date\n");
} else if (generated !== current) {
    fs.writeFileSync(readmePath, generated);
    process.stdout.write("README.md config reference updated\n");
}

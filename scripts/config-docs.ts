/**
 * npm run config-docs [-- --check]
 *
 * Rewrites the config reference table in README.md from the schema; with --check, exits 1 when
 * the table is stale instead of writing it. Exit 2 with a one-line error when README.md lacks the
 * table's markers.
 */
import * as path from "path";
import { runCli } from "./lib/cli";
import { updateReadme } from "./lib/configDocs";
import { REPO_ROOT } from "./lib/stackConfig";

runCli(async () => {
    const check = process.argv.includes("--check");
    const status = updateReadme(path.join(REPO_ROOT, "README.md"), { check });
    if (status === "stale") {
        process.stderr.write("README.md config reference is stale: run npm run config-docs\n");
        return 1;
    }
    if (status === "updated") process.stdout.write("README.md config reference updated\n");
    else if (check) process.stdout.write("README.md config reference is up to date\n");
    return 0;
});

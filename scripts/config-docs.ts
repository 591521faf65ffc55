/** npm run config-docs: see USAGE. */
import * as path from "path";
import { CliIo, parseCli, runCli, Script } from "./lib/cli";
import { updateReadme } from "./lib/configDocs";
import { REPO_ROOT } from "./lib/stackConfig";

export const USAGE = `
npm run config-docs [-- --check]

Rewrites the config reference table in README.md from the schema; with --check, exits 1 when
the table is stale instead of writing it. Takes no other argument. Exit 2 with a one-line error
for an unknown argument, or when README.md lacks the table's markers.
`;

async function main(argv: readonly string[], io: CliIo): Promise<number> {
    const check = parseCli(argv, {}, ["check"], { requireStack: "none", noOverrides: true }).flags.has("check");
    const status = updateReadme(path.join(REPO_ROOT, "README.md"), { check });
    if (status === "stale") {
        io.stderr("README.md config reference is stale: run npm run config-docs\n");
        return 1;
    }
    if (status === "updated") io.stdout("README.md config reference updated\n");
    else if (check) io.stdout("README.md config reference is up to date\n");
    return 0;
}

export const script: Script = { usage: USAGE, main };
if (require.main === module) runCli(script);

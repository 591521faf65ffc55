/** npm run diff: see USAGE. */
import * as path from "path";
import { CliIo, parseCli, runCli, Script } from "./lib/cli";
import { formatReport, hasChanges, ReportFormat, ReportSection, SECTION_PROVIDERS } from "./lib/diff";
import { baseCacheDir, diffAgainstBase } from "./lib/gitBase";
import { UsageError } from "./lib/stackConfig";

export const USAGE = `
npm run diff -- --stack <name> [--base <git ref>] [--format text|markdown] [--no-cache] [--set k=v]... [--set-secret k=v]...

Renders the stack at the base ref (default: the merge base of HEAD with main, or origin/main)
and at the working tree, both offline, and prints what a reviewer needs: resources added,
removed and changed by type and name, a unified diff of each changed one (secrets stay
[secret]), and loud flags for changes that replace the homes disk, the cluster or a node pool.
Overrides apply to both sides. Exit 0 when nothing changes, 1 when something does, 2 on error
(like \`git diff --exit-code\`).
The base's render is kept in render/.cache/diff-base/, keyed by the base's git tree, the
installed packages (package-lock.json), the stack, the overrides, Node and the diff's own code,
so the next diff against the same base renders only the working tree (a note says so);
--no-cache renders the base again. Diffs with --set-secret are never cached.
`;

async function main(argv: readonly string[], io: CliIo): Promise<number> {
    const args = parseCli(argv, { base: "string", format: "string" }, ["no-cache"]);
    const format = (args.options.format ?? "text") as ReportFormat;
    if (format !== "text" && format !== "markdown") {
        throw new UsageError(`--format ${format}: expected text or markdown`);
    }
    const { base, head, report, notes, baseFrom } = await diffAgainstBase({
        stack: args.stack,
        overrides: args.overrides,
        baseRef: args.options.base,
        cache: !args.flags.has("no-cache"),
    });
    for (const note of notes) io.stderr(`note: ${note}\n`);
    if (baseFrom === "cache") io.stderr(`note: the base's render came from ${path.relative(process.cwd(), baseCacheDir()) || "."} (--no-cache renders it again)\n`);
    const sections = SECTION_PROVIDERS.map((provide) => provide(base, head, report)).filter((s): s is ReportSection => !!s);
    io.stdout(formatReport(report, { format, sections }));
    return hasChanges(report) ? 1 : 0;
}

export const script: Script = { usage: USAGE, main };
if (require.main === module) runCli(script);

/** npm run validate: see USAGE. */
import * as path from "path";
import { CliIo, parseCli, runCli, Script } from "./lib/cli";
import { renderStack, writeRenderDir } from "./lib/render";
import { listStacks, REPO_ROOT, UsageError } from "./lib/stackConfig";
import { findTool, manifestPaths, runActionlint, runCheckov, schemaMinors, ToolName, validateSchemas } from "./lib/validators";

export const USAGE = `
npm run validate [-- --stack <name>]

Renders every stack (or one) into render/<stack>/, as \`npm run render\` does, then runs the
independent checks over the result: Kubernetes' schemas (strict, at each minor of the stack's
release channel), Checkov's Kubernetes checks (one run over all the stacks), and actionlint with
shellcheck over .github/workflows. Prints what each found and the counts.
Exit 0 when nothing is found; 1 on a finding; 2 on bad usage or a missing tool
(scripts/install-tools.sh installs them).
`;

async function main(argv: readonly string[], io: CliIo): Promise<number> {
    const args = parseCli(argv, {}, [], { requireStack: false });
    for (const tool of ["kubernetes-validate", "checkov", "actionlint", "shellcheck"] as ToolName[]) {
        const found = findTool(tool);
        if (!found.ok) throw new UsageError(found.why);
    }
    const renderRoot = path.join(REPO_ROOT, "render");
    let findings = 0;
    for (const stack of args.stack ? [args.stack] : listStacks()) {
        const render = await renderStack(stack, args.overrides);
        writeRenderDir(path.join(renderRoot, stack), render);
        const report = validateSchemas(manifestPaths(renderRoot, stack), schemaMinors(render));
        io.stdout(`schemas ${stack} (${report.validator}):\n${report.output}\n`);
        findings += report.invalid.length;
    }
    const checkov = runCheckov(args.stack ? path.join(renderRoot, args.stack) : renderRoot);
    for (const f of checkov.failed) io.stdout(`checkov: ${f.file} ${f.resource}: ${f.id} ${f.name}\n`);
    io.stdout(`checkov ${checkov.version} over render/: ${checkov.passed.length} passed, ${checkov.skipped.length} skipped (reasons on the objects), ${checkov.failed.length} failed\n`);
    findings += checkov.failed.length;
    const lint = runActionlint();
    io.stdout(lint.ok ? "actionlint: .github/workflows clean\n" : `${lint.output}\n`);
    if (!lint.ok) findings++;
    return findings > 0 ? 1 : 0;
}

export const script: Script = { usage: USAGE, main };
if (require.main === module) runCli(script);

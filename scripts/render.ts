/**
 * npm run render -- --stack <name> [--out <dir>] [--set <key>=<value>]... [--set-secret <key>=<value>]...
 *
 * Renders a stack offline (the program under Pulumi mocks, fed by the real stack files) and writes
 * resources.json, manifests.yaml and outputs.json into <dir> (default render/<name>).
 * Secrets the stack file lacks render as [secret] (a note on stderr names them); with
 * --require-secrets they are an error instead, as in `pulumi up`.
 * Exit 0 on success; 2 with a one-line error on stderr for bad config or usage, nothing written.
 */
import * as path from "path";
import { parseCli, runCli } from "./lib/cli";
import { renderStack, writeRenderDir } from "./lib/render";
import { REPO_ROOT } from "./lib/stackConfig";

runCli(async () => {
    const args = parseCli(process.argv.slice(2), { out: "string" }, ["require-secrets"]);
    const render = await renderStack(args.stack, args.overrides, { secretStandIns: !args.flags.has("require-secrets") });
    for (const key of render.standIns) {
        process.stderr.write(`note: ${key} is not set in stacks/Pulumi.${args.stack}.yaml; rendered as [secret] (pulumi config set --secret ${key} ... before pulumi up)\n`);
    }
    const outDir = path.resolve(args.options.out ?? path.join(REPO_ROOT, "render", args.stack));
    writeRenderDir(outDir, render);
    process.stdout.write(`rendered ${render.resources.length} resources of stack ${args.stack} into ${path.relative(process.cwd(), outDir) || "."}\n`);
});

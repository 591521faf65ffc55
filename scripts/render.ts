/** npm run render: see USAGE. */
import * as fs from "fs";
import * as path from "path";
import { CliIo, parseCli, runCli, Script } from "./lib/cli";
import { LAB_PODS_FILE } from "./lib/labPods";
import { renderFiles, renderStack, writeRenderDir } from "./lib/render";
import { REPO_ROOT, UsageError } from "./lib/stackConfig";

export const USAGE = `
npm run render -- --stack <name> [--out <dir>] [--set <key>=<value>]... [--set-secret <key>=<value>]... [--require-secrets]

Renders a stack offline (the program under Pulumi mocks, fed by the real stack files) and writes
resources.json, manifests.yaml, outputs.json and lab-pods.yaml into <dir> (default render/<name>). <dir> must be
new, empty, or a previous render's; never a file or a folder holding other files.
Secrets the stack file lacks render as [secret] (a note on stderr names them); with
--require-secrets they are an error instead, as in \`pulumi up\`.
Exit 0 on success; 2 with a one-line error on stderr for bad config or usage: nothing is written,
and a previous render's files in <dir> are removed, so stale output is never taken for fresh.
`;

/** The files a render writes (and a failed render removes). */
export const RENDER_FILES = [...Object.keys(renderFiles({ stack: "", standIns: [], resources: [], outputs: {} })), LAB_PODS_FILE];

/** The directory to write into: refuses a file, and a folder holding anything but a render's files. */
export function checkOutDir(out: string): string {
    const dir = path.resolve(out);
    if (!fs.existsSync(dir)) return dir;
    if (!fs.statSync(dir).isDirectory()) {
        throw new UsageError(`--out ${out}: is a file; give a directory (new, empty, or a previous render's)`);
    }
    const others = fs.readdirSync(dir).filter((f) => !RENDER_FILES.includes(f));
    if (others.length > 0) {
        throw new UsageError(`--out ${out}: holds other files (${others.slice(0, 3).join(", ")}${others.length > 3 ? ", ..." : ""}); give a new or empty directory, or a previous render's`);
    }
    return dir;
}

async function main(argv: readonly string[], io: CliIo): Promise<number> {
    const args = parseCli(argv, { out: "string" }, ["require-secrets"]);
    const outDir = checkOutDir(args.options.out ?? path.join(REPO_ROOT, "render", args.stack));
    let render;
    try {
        render = await renderStack(args.stack, args.overrides, { secretStandIns: !args.flags.has("require-secrets") });
    } catch (e) {
        // The previous render no longer matches the inputs: remove it rather than leave it looking fresh.
        for (const file of RENDER_FILES) fs.rmSync(path.join(outDir, file), { force: true });
        throw e;
    }
    for (const key of render.standIns) {
        io.stderr(`note: ${key} is not set in stacks/Pulumi.${args.stack}.yaml; rendered as [secret] (pulumi config set --secret ${key} ... before pulumi up)\n`);
    }
    writeRenderDir(outDir, render);
    io.stdout(`rendered ${render.resources.length} resources of stack ${args.stack} into ${path.relative(process.cwd(), outDir) || "."}\n`);
    return 0;
}

export const script: Script = { usage: USAGE, main };
if (require.main === module) runCli(script);

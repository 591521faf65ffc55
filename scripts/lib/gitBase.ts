/**
 * Renders a stack at a git ref and at the working tree, for the render diff.
 *
 * The base is rendered by ITS OWN renderer (scripts/render.ts at that ref) in a child process,
 * inside a temporary detached worktree that borrows this checkout's node_modules; the head is
 * rendered in-process. Both are written as render files and read back, so the two sides are
 * compared through the same contract (resources.json, outputs.json). The worktree is always
 * removed. Needs no credentials: the render runs under Pulumi mocks.
 */
import { execFile, execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { diffRenders, DiffReport } from "./diff";
import { readRenderDir, Render, renderStack, writeRenderDir } from "./render";
import { Override, REPO_ROOT, UsageError } from "./stackConfig";

/** The base could not be rendered (no renderer at that ref, or its render failed): exit 2. */
export class BaseRenderError extends UsageError {}

function git(args: readonly string[], cwd: string): string {
    try {
        return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
    } catch (e) {
        const err = e as { stderr?: string; message: string };
        throw new UsageError(`git ${args.join(" ")}: ${(err.stderr || err.message).trim().split("\n")[0]}`);
    }
}

function resolves(ref: string, cwd: string): boolean {
    try {
        git(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], cwd);
        return true;
    } catch {
        return false;
    }
}

/**
 * The default base: the merge base of HEAD with `main` (or `origin/main` where there is no local
 * main, as in a CI checkout), i.e. what the branch changes, like a pull request's diff.
 */
export function defaultBase(root = REPO_ROOT): string {
    for (const candidate of ["main", "origin/main"]) {
        if (resolves(candidate, root)) {
            return git(["merge-base", "HEAD", candidate], root);
        }
    }
    throw new UsageError("no main or origin/main branch to take the merge base with; pass --base <git ref>");
}

function overrideArgs(overrides: readonly Override[]): string[] {
    return overrides.flatMap((o) => [o.secret ? "--set-secret" : "--set", `${o.key}=${o.value}`]);
}

/** Runs the base's own renderer in `tree`, writing into `out`. */
function renderInTree(tree: string, stack: string, overrides: readonly Override[], out: string, label: string): Promise<void> {
    // The child must not inherit a parent render's Pulumi runtime settings.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("PULUMI_")));
    // The base's own TypeScript loader: scripts/register.js where the base has it, else the
    // ts-node it was written for.
    const loader = fs.existsSync(path.join(tree, "scripts", "register.js")) ? path.join(tree, "scripts", "register.js") : "ts-node/register/transpile-only";
    const args = ["-r", loader, path.join(tree, "scripts", "render.ts"), "--stack", stack, "--out", out, ...overrideArgs(overrides)];
    return new Promise((resolve, reject) => {
        execFile(process.execPath, args, { cwd: tree, env, maxBuffer: 64 * 1024 * 1024 }, (err, _stdout, stderr) => {
            if (!err) return resolve();
            const detail = stderr.split("\n").filter((l) => l.trim() && !l.startsWith("note:")).slice(0, 3).join(" | ") || err.message;
            reject(new BaseRenderError(`cannot render stack ${stack} at base ${label}: ${detail}`));
        });
    });
}

export interface BaseDiff {
    readonly base: Render;
    readonly head: Render;
    readonly report: DiffReport;
    /** Anything the reviewer should know about how the base was obtained. */
    readonly notes: string[];
}

/**
 * Renders `stack` at `baseRef` (default: `defaultBase()`) and at the working tree of `root`, and
 * compares them. A base without the stack file renders as empty (everything is added); a base
 * without scripts/render.ts, or whose render fails, is a BaseRenderError.
 */
export async function diffAgainstBase(a: {
    stack: string;
    overrides?: readonly Override[];
    baseRef?: string;
    root?: string;
}): Promise<BaseDiff> {
    const root = a.root ?? REPO_ROOT;
    const overrides = a.overrides ?? [];
    const baseRef = a.baseRef ?? defaultBase(root);
    if (!resolves(baseRef, root)) {
        throw new UsageError(`--base ${baseRef}: not a commit in this repository`);
    }
    const commit = git(["rev-parse", "--short", `${baseRef}^{commit}`], root);
    const label = /^[0-9a-f]{7,40}$/.test(baseRef) ? commit : `${baseRef} (${commit})`;
    const notes: string[] = [];

    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "jupyterlabdemo-diff-"));
    const tree = path.join(tmp, "base");
    let added = false;
    try {
        git(["worktree", "add", "--detach", "--quiet", tree, commit], root);
        added = true;
        fs.symlinkSync(fs.realpathSync(path.join(root, "node_modules")), path.join(tree, "node_modules"), "dir");

        let basePromise: Promise<Render>;
        if (!fs.existsSync(path.join(tree, "scripts", "render.ts"))) {
            throw new BaseRenderError(`base ${label} has no scripts/render.ts (it predates the offline renderer): choose a later --base`);
        } else if (!fs.existsSync(path.join(tree, "stacks", `Pulumi.${a.stack}.yaml`))) {
            notes.push(`stack ${a.stack} does not exist at ${label}: everything is new`);
            basePromise = Promise.resolve({ stack: a.stack, standIns: [], resources: [], outputs: {} });
        } else {
            const out = path.join(tmp, "render-base");
            basePromise = renderInTree(tree, a.stack, overrides, out, label).then(() => readRenderDir(out, a.stack));
        }
        // The head renders in-process while the base's child process runs.
        const headPromise = renderStack(a.stack, overrides).then((render) => {
            const out = path.join(tmp, "render-head");
            writeRenderDir(out, render);
            return readRenderDir(out, a.stack);
        });
        // Wait for both before the worktree goes, even when one fails.
        const [baseResult, headResult] = await Promise.allSettled([basePromise, headPromise]);
        if (baseResult.status === "rejected") throw baseResult.reason;
        if (headResult.status === "rejected") throw headResult.reason;
        const base = baseResult.value;
        const head = headResult.value;
        const report = diffRenders(base, head, { base: label, head: "working tree" });
        return { base, head, report, notes };
    } finally {
        if (added) {
            try {
                git(["worktree", "remove", "--force", tree], root);
            } catch {
                // Fall through: the directory is removed below and the entry pruned.
            }
        }
        fs.rmSync(tmp, { recursive: true, force: true });
        if (added) {
            try {
                git(["worktree", "prune"], root);
            } catch {
                // Best effort.
            }
        }
    }
}

/**
 * Renders a stack at a git ref and at the working tree, for the render diff.
 *
 * The base is rendered by ITS OWN renderer (scripts/render.ts at that ref) in a child process,
 * inside a temporary detached worktree that borrows this checkout's node_modules, while the head
 * renders in-process: the two run at the same time. The worktree is always removed. Needs no
 * credentials: the render runs under Pulumi mocks.
 *
 * Both sides are compared through the same contract, the render's JSON files (resources.json,
 * outputs.json): the base's as its renderer wrote them, the head's as `renderJsonFiles` prints
 * them, read back by `parseRenderJson`.
 *
 * A base render depends only on the base commit's tree, the installed packages, the stack, the
 * overrides, Node and this file; so its files are kept in a content-addressed cache
 * (render/.cache/diff-base/<key>/, key = sha256 of all of these) and the next diff against the same
 * base renders only the head. A diff with --set-secret overrides is never cached (the key would
 * be derived from a secret). See `baseCacheKey`.
 */
import { execFile, execFileSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { diffRenders, DiffReport } from "./diff";
import { parseRenderJson, readRenderDir, Render, renderJsonFiles, renderStack } from "./render";
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

/** Where base renders are kept: JLD_DIFF_CACHE_DIR, else render/.cache/diff-base of the checkout. */
export function baseCacheDir(root = REPO_ROOT): string {
    return process.env.JLD_DIFF_CACHE_DIR || path.join(root, "render", ".cache", "diff-base");
}

/** How many base renders the cache keeps (the most recently used); each is about 0.5 MB. */
export const BASE_CACHE_ENTRIES = 20;

/** The files of a base render the cache keeps: those the diff reads. */
const CACHED_FILES = ["resources.json", "outputs.json"] as const;

/**
 * The cache key of a base render: sha256 over everything the base's render files depend on; none
 * when an override is a secret (a key derived from a secret is not written to disk).
 * - the base commit's tree (its program, stacks, renderer and loader; a tree, not a commit, so a
 *   rebase that changes nothing reuses the entry);
 * - the installed packages the base renders with (this checkout's node_modules): package-lock.json
 *   and npm's record of what it installed, node_modules/.package-lock.json;
 * - the stack and the overrides, in order (never secret ones: those are not cached);
 * - the Node version that runs the renderer, and this file, which runs it and reads the entry.
 */
export function baseCacheKey(a: { root: string; tree: string; stack: string; overrides: readonly Override[] }): string | undefined {
    if (a.overrides.some((o) => o.secret)) return undefined;
    const h = createHash("sha256");
    const part = (label: string, value: string | Buffer): void => {
        h.update(`${label}\0${value.length}\0`);
        h.update(value);
    };
    const fileOrNone = (file: string): Buffer | string => (fs.existsSync(file) ? fs.readFileSync(file) : "(none)");
    part("tree", a.tree);
    part("package-lock.json", fileOrNone(path.join(a.root, "package-lock.json")));
    part("node_modules/.package-lock.json", fileOrNone(path.join(a.root, "node_modules", ".package-lock.json")));
    part("stack", a.stack);
    part("overrides", JSON.stringify(a.overrides.map((o) => [o.key, o.value])));
    part("node", process.version);
    part("gitBase.ts", fs.readFileSync(__filename));
    return h.digest("hex");
}

/** The cached base render under `key`, or undefined (a missing or unreadable entry is a miss). */
export function readCachedBase(dir: string, key: string, stack: string): Render | undefined {
    const entry = path.join(dir, key);
    let render: Render;
    try {
        render = readRenderDir(entry, stack);
    } catch {
        // Missing, or unreadable (cut short by a full disk, say): removed, so that this diff's
        // render replaces it.
        try {
            fs.rmSync(entry, { recursive: true, force: true });
        } catch {
            // A read-only cache: the base renders again each time.
        }
        return undefined;
    }
    try {
        // Mark it used, so pruning keeps what is in use.
        const now = new Date();
        fs.utimesSync(entry, now, now);
    } catch {
        // A read-only cache still serves.
    }
    return render;
}

/**
 * Keeps the JSON files of the base render in `renderDir` under `key`: written aside, then renamed
 * into place whole; then only the BASE_CACHE_ENTRIES most recently used entries are kept.
 */
export function storeCachedBase(dir: string, key: string, renderDir: string): void {
    try {
        fs.mkdirSync(dir, { recursive: true });
        const tmp = fs.mkdtempSync(path.join(dir, `.tmp-${key.slice(0, 12)}-`));
        for (const file of CACHED_FILES) {
            if (fs.existsSync(path.join(renderDir, file))) fs.copyFileSync(path.join(renderDir, file), path.join(tmp, file));
        }
        try {
            fs.renameSync(tmp, path.join(dir, key));
        } catch {
            // Another diff stored the same entry first: theirs is as good.
            fs.rmSync(tmp, { recursive: true, force: true });
        }
        const entries = fs
            .readdirSync(dir)
            .filter((f) => /^[0-9a-f]{64}$/.test(f))
            .map((f) => ({ f, mtime: fs.statSync(path.join(dir, f)).mtimeMs }))
            .sort((x, y) => y.mtime - x.mtime);
        for (const old of entries.slice(BASE_CACHE_ENTRIES)) fs.rmSync(path.join(dir, old.f), { recursive: true, force: true });
    } catch {
        // A read-only or full disk only costs speed: the next diff renders the base again.
    }
}

/** Whether `file` exists in `commit`'s tree. */
function inTree(commit: string, file: string, root: string): boolean {
    try {
        execFileSync("git", ["cat-file", "-e", `${commit}:${file}`], { cwd: root, stdio: "ignore" });
        return true;
    } catch {
        return false;
    }
}

export interface BaseDiff {
    readonly base: Render;
    readonly head: Render;
    readonly report: DiffReport;
    /** Anything the reviewer should know about how the base was obtained. */
    readonly notes: string[];
    /** Where the base render came from: rendered now, the cache, or none (the stack is new). */
    readonly baseFrom: "rendered" | "cache" | "absent";
}

/**
 * Renders `stack` at `baseRef` (default: `defaultBase()`) and at the working tree of `root`, and
 * compares them. A base without the stack file renders as empty (everything is added); a base
 * without scripts/render.ts, or whose render fails, is a BaseRenderError. With `cache` (the
 * default), a base render is taken from and kept in `cacheDir` (default `baseCacheDir(root)`).
 */
export async function diffAgainstBase(a: {
    stack: string;
    overrides?: readonly Override[];
    baseRef?: string;
    root?: string;
    cache?: boolean;
    cacheDir?: string;
}): Promise<BaseDiff> {
    const root = a.root ?? REPO_ROOT;
    const overrides = a.overrides ?? [];
    const baseRef = a.baseRef ?? defaultBase(root);
    // One git process resolves the ref and abbreviates it; a ref that is not a commit fails it.
    let commit: string;
    try {
        commit = git(["rev-parse", "--verify", "--quiet", "--short", `${baseRef}^{commit}`], root);
    } catch {
        throw new UsageError(`--base ${baseRef}: not a commit in this repository`);
    }
    const label = /^[0-9a-f]{7,40}$/.test(baseRef) ? commit : `${baseRef} (${commit})`;
    const notes: string[] = [];

    if (!inTree(commit, "scripts/render.ts", root)) {
        throw new BaseRenderError(`base ${label} has no scripts/render.ts (it predates the offline renderer): choose a later --base`);
    }
    // The head renders in-process, while the base's child process runs when there is one.
    const headPromise = renderStack(a.stack, overrides).then((render) => parseRenderJson(renderJsonFiles(render), a.stack, "working tree"));
    // Handled where it is awaited; this only keeps a failure on another path from being reported twice.
    headPromise.catch(() => undefined);
    const compare = async (base: Render, baseFrom: BaseDiff["baseFrom"]): Promise<BaseDiff> => {
        const head = await headPromise;
        return { base, head, report: diffRenders(base, head, { base: label, head: "working tree" }), notes, baseFrom };
    };

    if (!inTree(commit, `stacks/Pulumi.${a.stack}.yaml`, root)) {
        notes.push(`stack ${a.stack} does not exist at ${label}: everything is new`);
        return compare({ stack: a.stack, standIns: [], resources: [], outputs: {} }, "absent");
    }
    const cacheDir = a.cacheDir ?? baseCacheDir(root);
    const key = a.cache === false ? undefined : baseCacheKey({ root, tree: git(["rev-parse", `${commit}^{tree}`], root), stack: a.stack, overrides });
    const cached = key === undefined ? undefined : readCachedBase(cacheDir, key, a.stack);
    if (cached) {
        return compare(cached, "cache");
    }

    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "jupyterlabdemo-diff-"));
    const tree = path.join(tmp, "base");
    let added = false;
    try {
        git(["worktree", "add", "--detach", "--quiet", tree, commit], root);
        added = true;
        fs.symlinkSync(fs.realpathSync(path.join(root, "node_modules")), path.join(tree, "node_modules"), "dir");
        const out = path.join(tmp, "render-base");
        const basePromise = renderInTree(tree, a.stack, overrides, out, label).then(() => {
            const base = readRenderDir(out, a.stack);
            if (key !== undefined) storeCachedBase(cacheDir, key, out);
            return base;
        });
        // Wait for both before the worktree goes, even when one fails.
        const [baseResult, headResult] = await Promise.allSettled([basePromise, headPromise]);
        if (baseResult.status === "rejected") throw baseResult.reason;
        if (headResult.status === "rejected") throw headResult.reason;
        return compare(baseResult.value, "rendered");
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

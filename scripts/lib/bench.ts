/**
 * The core of `npm run bench`: speed goals as ratios to a floor measured in the same run.
 *
 * The floor is the cost of the SDKs as published: a Node process that loads the four Pulumi SDKs
 * the program uses (`@pulumi/pulumi`, `gcp`, `kubernetes`, `random`) and exits. The tools load
 * less of them (only the submodules the program declares, and scripts/register.js defers what
 * @pulumi/pulumi loads for features the program never uses), so a tool may come below it. Each offline
 * tool runs exactly as its package.json script says (the script's command through `sh`, without
 * npm's own start-up, which the floor does not pay either). Rounds alternate floor and tools, so a
 * change of machine load during the run touches both sides of each ratio alike; the medians of
 * the rounds give the ratios. Absolute seconds are printed too, with the machine's load, but the
 * goals are the ratios: they hold on a faster or slower machine of the same kind.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import { parseCli } from "./cli";
import { REPO_ROOT, UsageError } from "./stackConfig";

/** The goals: each tool's median at most this many times the floor's median. */
export const GOALS = {
    /** render, policy, cost, diff: what reviewers and CI run on every change. */
    tool: 1.5,
    /** `npm run test:unit`, the inner loop after every edit (from a warm install). */
    testUnit: 20,
} as const;

/** The floor's command: load the four SDKs, nothing else. */
export const FLOOR_SCRIPT = `require("@pulumi/pulumi"); require("@pulumi/gcp"); require("@pulumi/kubernetes"); require("@pulumi/random");`;

export interface Task {
    readonly name: string;
    /** argv: the executable and its arguments. */
    readonly argv: readonly string[];
    /** The goal as a ratio to the floor; none for the floor itself. */
    readonly goal?: number;
    /** Timed runs of this task (the floor runs beside each). */
    readonly runs: number;
    /** Exit codes that mean the task worked. @default [0] */
    readonly okCodes?: readonly number[];
}

export interface TaskResult {
    readonly name: string;
    /** Seconds of each timed run. */
    readonly runs: readonly number[];
    readonly median: number;
    /** Median of the floor runs taken in the same rounds. */
    readonly floor: number;
    readonly ratio: number;
    readonly goal?: number;
    /** Exit codes that were not 0 (a failing tool is reported, never timed as if it worked). */
    readonly failures: readonly number[];
}

/** The median of `xs` (mean of the two middle values for an even count). */
export function median(xs: readonly number[]): number {
    if (xs.length === 0) throw new Error("median of no values");
    const s = [...xs].sort((a, b) => a - b);
    const mid = Math.floor(s.length / 2);
    return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Whether a result misses its goal, or failed. */
export function missed(r: TaskResult): boolean {
    return r.failures.length > 0 || (r.goal !== undefined && r.ratio > r.goal);
}

/** One line per result: median, floor, ratio, goal and verdict. */
export function formatResult(r: TaskResult, width = 0): string {
    const spread = `${Math.min(...r.runs).toFixed(2)}-${Math.max(...r.runs).toFixed(2)} s over ${r.runs.length}`;
    const goal = r.goal === undefined ? "  (no goal)" : `  goal <= ${r.goal}x: ${missed(r) ? "MISSED" : "ok"}`;
    const failed = r.failures.length ? `  (FAILED, exit codes: ${[...new Set(r.failures)].join(", ")})` : "";
    return `${r.name.padEnd(width)}  median ${r.median.toFixed(2).padStart(6)} s (${spread})  floor ${r.floor.toFixed(2)} s  ${r.ratio.toFixed(2)}x${goal}${failed}`;
}

/** Runs argv to completion in `cwd`, output discarded; returns seconds and exit code. */
export function timeCommand(argv: readonly string[], cwd: string): { seconds: number; code: number } {
    const t0 = performance.now();
    const r = spawnSync(argv[0], argv.slice(1), { cwd, stdio: "ignore", env: { ...process.env, FORCE_COLOR: "0" } });
    return { seconds: (performance.now() - t0) / 1000, code: r.status ?? 1 };
}

/**
 * Times each task in rounds: one untimed warm-up of everything (it also fills the transpile and
 * type-check caches, so "warm install" means what it says), then per round the floor and each
 * task still owed a run, in turn.
 */
export function runTasks(
    tasks: readonly Task[],
    floorArgv: readonly string[],
    run: (argv: readonly string[]) => { seconds: number; code: number },
    say: (line: string) => void = () => undefined,
): TaskResult[] {
    for (const t of [{ argv: floorArgv }, ...tasks]) run(t.argv);
    const times = new Map<string, number[]>(tasks.map((t) => [t.name, []]));
    const floors = new Map<string, number[]>(tasks.map((t) => [t.name, []]));
    const failures = new Map<string, number[]>(tasks.map((t) => [t.name, []]));
    const rounds = Math.max(...tasks.map((t) => t.runs));
    for (let round = 0; round < rounds; round++) {
        const floor = run(floorArgv);
        if (floor.code !== 0) throw new Error(`the floor (${floorArgv.join(" ")}) failed with exit code ${floor.code}`);
        for (const t of tasks.filter((t) => t.runs > round)) {
            const r = run(t.argv);
            times.get(t.name)!.push(r.seconds);
            floors.get(t.name)!.push(floor.seconds);
            if (!(t.okCodes ?? [0]).includes(r.code)) failures.get(t.name)!.push(r.code);
        }
        say(`round ${round + 1}/${rounds} done`);
    }
    return tasks.map((t) => {
        const m = median(times.get(t.name)!);
        const f = median(floors.get(t.name)!);
        return { name: t.name, runs: times.get(t.name)!, median: m, floor: f, ratio: m / f, goal: t.goal, failures: failures.get(t.name)! };
    });
}

/** A package.json script as argv through `sh`, with extra arguments appended. */
export function scriptArgv(scripts: Record<string, string>, name: string, extra: readonly string[] = []): string[] {
    const script = scripts[name];
    if (!script) throw new UsageError(`package.json has no script ${name}`);
    const quoted = extra.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(" ");
    return ["sh", "-c", quoted ? `${script} ${quoted}` : script];
}

/** What `npm run bench` times, and how often. */
export interface BenchOptions {
    /** Timed runs of each offline tool (and of the floor beside it). */
    readonly runs: number;
    /** Timed runs of `npm run test:unit`. */
    readonly testRuns: number;
    /** The stack the tools run on. */
    readonly stack: string;
    /** Whether to time `npm run test:unit`. */
    readonly tests: boolean;
}

/** Parses `[--runs <n>] [--test-runs <n>] [--stack <name>] [--no-tests]`; defaults: 5, 3, sandbox, with the tests. */
export function parseBenchArgs(argv: readonly string[]): BenchOptions {
    // No --set or --set-secret: the bench times the stacks as committed.
    const args = parseCli(argv, { runs: "string", "test-runs": "string" }, ["no-tests"], { requireStack: false, noOverrides: true });
    const count = (flag: "runs" | "test-runs", fallback: number): number => {
        const v = args.options[flag];
        if (v === undefined) return fallback;
        if (!/^[1-9][0-9]*$/.test(v)) throw new UsageError(`--${flag} must be a whole number >= 1, got ${v}`);
        return Number(v);
    };
    return { runs: count("runs", 5), testRuns: count("test-runs", 3), stack: args.stack ?? "sandbox", tests: !args.flags.has("no-tests") };
}

/** The tasks of a bench run: the four offline tools on one stack, and the inner test loop. */
export function benchTasks(opts: BenchOptions, scripts: Record<string, string>, outDir: string): Task[] {
    const stack = ["--stack", opts.stack];
    const tasks: Task[] = [
        { name: `render ${opts.stack}`, argv: scriptArgv(scripts, "render", [...stack, "--out", outDir]), goal: GOALS.tool, runs: opts.runs },
        { name: `policy ${opts.stack}`, argv: scriptArgv(scripts, "policy", stack), goal: GOALS.tool, runs: opts.runs },
        { name: `cost ${opts.stack}`, argv: scriptArgv(scripts, "cost", stack), goal: GOALS.tool, runs: opts.runs },
        // Against HEAD, so the run needs no main branch. Exit 1 means "changes found", normal for a
        // working tree with edits; 2 is an error. The goal is timed as a reviewer meets it on a
        // branch: the base's render cached (the warm-up fills the cache). The cold diff, which
        // also renders the base in its own worktree and process, is timed beside it, with no goal.
        { name: `diff ${opts.stack} (base HEAD, base render cached)`, argv: scriptArgv(scripts, "diff", [...stack, "--base", "HEAD"]), goal: GOALS.tool, runs: opts.runs, okCodes: [0, 1] },
        { name: `diff ${opts.stack} (base HEAD, --no-cache)`, argv: scriptArgv(scripts, "diff", [...stack, "--base", "HEAD", "--no-cache"]), runs: opts.runs, okCodes: [0, 1] },
    ];
    if (opts.tests) {
        tasks.push({ name: "test:unit", argv: scriptArgv(scripts, "test:unit"), goal: GOALS.testUnit, runs: opts.testRuns });
    }
    return tasks;
}

/** The whole run: header, tasks, one line per result. Returns the results. */
export function runBench(opts: BenchOptions, say: (line: string) => void, root = REPO_ROOT): TaskResult[] {
    const scripts = (JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "jupyterlabdemo-bench-"));
    try {
        const tasks = benchTasks(opts, scripts, out);
        say(
            `benchmark: ${opts.runs} runs of each tool (test:unit ${opts.tests ? opts.testRuns : 0}), each beside a floor run, after one warm-up ` +
                `(which also fills the diff's cache of base renders: the diff's goal is timed warm, the --no-cache diff has none); ` +
                `node ${process.version}, ${os.cpus().length} CPUs, load average at start ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`,
        );
        say(
            "floor: the four SDKs loaded as published, without the project's loader (scripts/register.js, " +
                "which defers what @pulumi/pulumi loads for function serialisation and the Automation API: docs/cost.md#speed)",
        );
        const results = runTasks(tasks, [process.execPath, "-e", FLOOR_SCRIPT], (argv) => timeCommand(argv, root), say);
        const width = Math.max(...results.map((r) => r.name.length));
        for (const r of results) say(formatResult(r, width));
        say(`load average at end ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
        return results;
    } finally {
        fs.rmSync(out, { recursive: true, force: true });
    }
}

/**
 * The core of `npm run bench`: its arguments, the timing helpers (run a task after warm-ups, take
 * the median, compare it with its target) and the run over every task. The targets are those of
 * the issue, for this 2-core build machine.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import { parseCli } from "./cli";
import { renderStack } from "./render";
import { listStacks, REPO_ROOT, UsageError } from "./stackConfig";

/** Targets, in seconds, by task kind. */
export const TARGETS: Readonly<Record<string, number>> = {
    /** One offline render of a stack, as a user runs it (`npm run render`). */
    render: 3,
    /** The whole test suite (`npm test`: type check and mocha). */
    test: 60,
};

export interface BenchResult {
    readonly name: string;
    /** Seconds of each timed run (warm-ups excluded). */
    readonly runs: readonly number[];
    readonly median: number;
    /** Target in seconds, if the task has one. */
    readonly target?: number;
    /** Exit codes seen, when the task is a command (a non-zero code is reported, not hidden). */
    readonly exitCodes?: readonly number[];
}

/** The median of `xs` (mean of the two middle values for an even count). */
export function median(xs: readonly number[]): number {
    if (xs.length === 0) throw new Error("median of no values");
    const s = [...xs].sort((a, b) => a - b);
    const mid = Math.floor(s.length / 2);
    return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Times `task` `runs` times after `warmups` untimed runs. */
export async function bench(
    name: string,
    task: () => Promise<number | void> | number | void,
    { runs, warmups = 1, target }: { runs: number; warmups?: number; target?: number },
): Promise<BenchResult> {
    for (let i = 0; i < warmups; i++) await task();
    const times: number[] = [];
    const codes: number[] = [];
    for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        const code = await task();
        times.push((performance.now() - t0) / 1000);
        if (typeof code === "number") codes.push(code);
    }
    return { name, runs: times, median: median(times), ...(target !== undefined ? { target } : {}), ...(codes.length ? { exitCodes: codes } : {}) };
}

/** Runs a command to completion, output discarded; returns its exit code. */
export function command(cmd: string, args: readonly string[], cwd: string): number {
    const r = spawnSync(cmd, args, { cwd, stdio: "ignore", env: { ...process.env, FORCE_COLOR: "0" } });
    return r.status ?? 1;
}

/** Whether a result misses its target. */
export function missed(r: BenchResult): boolean {
    return r.target !== undefined && r.median >= r.target;
}

/** One line per result: median, spread, target and verdict. */
export function formatBench(results: readonly BenchResult[], width = 0): string {
    const w = Math.max(width, ...results.map((r) => r.name.length));
    return results
        .map((r) => {
            const spread = `${Math.min(...r.runs).toFixed(2)}-${Math.max(...r.runs).toFixed(2)} s over ${r.runs.length}`;
            const verdict = r.target === undefined ? "" : `  target < ${r.target} s: ${missed(r) ? "MISSED" : "ok"}`;
            const bad = (r.exitCodes ?? []).filter((c) => c !== 0);
            const codes = bad.length ? `  (exit codes: ${[...new Set(r.exitCodes)].join(", ")})` : "";
            return `${r.name.padEnd(w)}  median ${r.median.toFixed(2).padStart(6)} s  (${spread})${verdict}${codes}`;
        })
        .join("\n");
}

/** What `npm run bench` times, and how often. */
export interface BenchOptions {
    /** Timed runs of each render and policy task (after one warm-up). */
    readonly runs: number;
    /** Timed runs of the test suite (after one warm-up). */
    readonly testRuns: number;
    readonly stacks: readonly string[];
    /** Whether to time the test suite. */
    readonly tests: boolean;
}

/**
 * Parses `[--runs <n>] [--test-runs <n>] [--stacks a,b | --stack <name>] [--no-tests]`; defaults:
 * 5 runs, 3 test runs, every stack, with the tests.
 */
export function parseBenchArgs(argv: readonly string[]): BenchOptions {
    const args = parseCli(argv, { runs: "string", "test-runs": "string", stacks: "string" }, ["no-tests"], { requireStack: false });
    if (args.overrides.length > 0) {
        throw new UsageError("npm run bench takes no --set or --set-secret: it times the stacks as committed");
    }
    if (args.stack !== undefined && args.options.stacks !== undefined) {
        throw new UsageError("give --stack or --stacks, not both");
    }
    const count = (flag: "runs" | "test-runs", fallback: number): number => {
        const v = args.options[flag];
        if (v === undefined) return fallback;
        if (!/^[1-9][0-9]*$/.test(v)) throw new UsageError(`--${flag} must be a whole number >= 1, got ${v}`);
        return Number(v);
    };
    return {
        runs: count("runs", 5),
        testRuns: count("test-runs", 3),
        stacks: args.options.stacks?.split(",") ?? (args.stack !== undefined ? [args.stack] : listStacks()),
        tests: !args.flags.has("no-tests"),
    };
}

/**
 * Times, after a warm-up, the offline render of each stack (in-process through the render core,
 * and as a user runs it, `npm run render`), the policy check (`npm run policy`, when the project
 * has one) and the whole test suite (`npm test`). Each result, and a header, goes to `say` as a
 * line as soon as it is known; the results are returned.
 */
export async function runBench(opts: BenchOptions, say: (line: string) => void, root = REPO_ROOT): Promise<BenchResult[]> {
    const scripts = (JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
    const results: BenchResult[] = [];
    const record = (r: BenchResult): void => {
        results.push(r);
        say(formatBench([r], 34));
    };
    say(
        `benchmark: ${opts.runs} runs after 1 warm-up (npm test: ${opts.testRuns}), node ${process.version}, ` +
            `${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(2)}`,
    );
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "jupyterlabdemo-bench-"));
    try {
        for (const stack of opts.stacks) {
            record(await bench(`render ${stack} (in-process core)`, async () => void (await renderStack(stack)), { runs: opts.runs }));
            record(
                await bench(`render ${stack} (npm run render)`, () => command("npm", ["run", "-s", "render", "--", "--stack", stack, "--out", path.join(out, stack)], root), {
                    runs: opts.runs,
                    target: TARGETS.render,
                }),
            );
        }
        if (!scripts.policy) {
            say("policy check: skipped: no policy script");
        } else {
            for (const stack of opts.stacks) {
                record(await bench(`policy ${stack} (npm run policy)`, () => command("npm", ["run", "-s", "policy", "--", "--stack", stack], root), { runs: opts.runs }));
            }
        }
        if (opts.tests) {
            record(await bench("test suite (npm test)", () => command("npm", ["test", "-s"], root), { runs: opts.testRuns, target: TARGETS.test }));
        }
    } finally {
        fs.rmSync(out, { recursive: true, force: true });
    }
    return results;
}

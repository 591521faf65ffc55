/**
 * Timing helpers of `npm run bench`: run a task after warm-ups, take the median, compare it with
 * its target. The targets are those of the issue, for this 2-core build machine.
 */
import { spawnSync } from "child_process";
import { performance } from "perf_hooks";

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

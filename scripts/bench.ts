/**
 * npm run bench -- [--runs <n>] [--test-runs <n>] [--stacks a,b] [--no-tests]
 *
 * Times, after a warm-up, the offline render of each stack (in-process through the render core,
 * and as a user runs it, `npm run render`), the policy check (`npm run policy`, when the project
 * has one) and the whole test suite (`npm test`), and prints the medians against the targets:
 * a render under 3 s, the test suite under 60 s. Exit 0 when every target is met, 1 when one is
 * missed, 2 for bad usage.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { bench, BenchResult, command, formatBench, missed, TARGETS } from "./lib/bench";
import { renderStack } from "./lib/render";
import { listStacks, REPO_ROOT, UsageError } from "./lib/stackConfig";
import { runCli } from "./lib/cli";

function parseArgs(argv: readonly string[]): { runs: number; testRuns: number; stacks: string[]; tests: boolean } {
    const out = { runs: 5, testRuns: 3, stacks: listStacks(), tests: true };
    for (let i = 0; i < argv.length; i++) {
        const flag = argv[i];
        const value = (): string => {
            const v = argv[++i];
            if (v === undefined) throw new UsageError(`${flag} needs a value`);
            return v;
        };
        const count = (): number => {
            const v = value();
            if (!/^[1-9][0-9]*$/.test(v)) throw new UsageError(`${flag} must be a whole number >= 1, got ${v}`);
            return Number(v);
        };
        if (flag === "--runs") out.runs = count();
        else if (flag === "--test-runs") out.testRuns = count();
        else if (flag === "--stacks") out.stacks = value().split(",");
        else if (flag === "--no-tests") out.tests = false;
        else throw new UsageError(`unknown argument ${flag}`);
    }
    return out;
}

runCli(async () => {
    const args = parseArgs(process.argv.slice(2));
    const scripts = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "jupyterlabdemo-bench-"));
    const results: BenchResult[] = [];
    const say = (r: BenchResult): void => {
        results.push(r);
        process.stdout.write(formatBench([r], 34) + "\n");
    };
    process.stdout.write(
        `benchmark: ${args.runs} runs after 1 warm-up (npm test: ${args.testRuns}), node ${process.version}, ` +
            `${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(2)}\n`,
    );
    try {
        for (const stack of args.stacks) {
            say(await bench(`render ${stack} (in-process core)`, async () => void (await renderStack(stack)), { runs: args.runs }));
            say(
                await bench(`render ${stack} (npm run render)`, () => command("npm", ["run", "-s", "render", "--", "--stack", stack, "--out", path.join(out, stack)], REPO_ROOT), {
                    runs: args.runs,
                    target: TARGETS.render,
                }),
            );
        }
        if (!scripts.policy) {
            process.stdout.write("policy check: skipped: no policy script\n");
        } else {
            for (const stack of args.stacks) {
                say(await bench(`policy ${stack} (npm run policy)`, () => command("npm", ["run", "-s", "policy", "--", "--stack", stack], REPO_ROOT), { runs: args.runs }));
            }
        }
        if (args.tests) {
            say(await bench("test suite (npm test)", () => command("npm", ["test", "-s"], REPO_ROOT), { runs: args.testRuns, target: TARGETS.test }));
        }
    } finally {
        fs.rmSync(out, { recursive: true, force: true });
    }
    const misses = results.filter(missed);
    process.stdout.write(misses.length ? `\nMISSED: ${misses.map((r) => r.name).join(", ")}\n` : "\nall targets met\n");
    return misses.length ? 1 : 0;
});

import * as assert from "assert";
import { benchTasks, formatResult, GOALS, median, missed, parseBenchArgs, runTasks, scriptArgv, TaskResult } from "../scripts/lib/bench";
import { UsageError } from "../scripts/lib/stackConfig";

describe("bench", () => {
    it("takes the median of odd and even counts", () => {
        assert.strictEqual(median([3, 1, 2]), 2);
        assert.strictEqual(median([4, 1, 3, 2]), 2.5);
        assert.throws(() => median([]));
    });

    it("warms everything up once, then alternates the floor with each task still owed a run", () => {
        const calls: string[] = [];
        const seconds: Record<string, number> = { floor: 1, a: 1.4, b: 3 };
        const run = (argv: readonly string[]) => {
            calls.push(argv[0]);
            return { seconds: seconds[argv[0]], code: 0 };
        };
        const results = runTasks(
            [
                { name: "a", argv: ["a"], goal: 1.5, runs: 2 },
                { name: "b", argv: ["b"], goal: 1.5, runs: 1 },
            ],
            ["floor"],
            run,
        );
        assert.deepStrictEqual(calls, ["floor", "a", "b", "floor", "a", "b", "floor", "a"]);
        assert.deepStrictEqual(results.map((r) => [r.name, r.runs.length, r.ratio]), [["a", 2, 1.4], ["b", 1, 3]]);
        assert.deepStrictEqual(results.map(missed), [false, true]);
    });

    it("takes each ratio against the floor runs of its own rounds", () => {
        let floorRun = 0;
        const run = (argv: readonly string[]) => (argv[0] === "floor" ? { seconds: [9, 1, 2][floorRun++], code: 0 } : { seconds: 3, code: 0 });
        const [r] = runTasks([{ name: "t", argv: ["t"], runs: 2, goal: 2 }], ["floor"], run);
        assert.strictEqual(r.floor, 1.5, "the warm-up floor run is not counted");
        assert.strictEqual(r.ratio, 2);
        assert.ok(!missed(r));
    });

    it("counts a failing tool as missed, whatever its speed, and accepts the codes a tool declares as success", () => {
        const run = (argv: readonly string[]) => ({ seconds: 1, code: argv[0] === "floor" ? 0 : 1 });
        const [plain, diffLike] = runTasks(
            [
                { name: "policy", argv: ["policy"], runs: 1, goal: 9 },
                { name: "diff", argv: ["diff"], runs: 1, goal: 9, okCodes: [0, 1] },
            ],
            ["floor"],
            run,
        );
        assert.deepStrictEqual(plain.failures, [1]);
        assert.ok(missed(plain));
        assert.match(formatResult(plain), /MISSED.*FAILED, exit codes: 1/);
        assert.ok(!missed(diffLike));
    });

    it("says the ratio, the floor and the verdict on one line", () => {
        const r: TaskResult = { name: "render sandbox", runs: [2.1, 1.9, 2.0], median: 2.0, floor: 1.25, ratio: 1.6, goal: GOALS.tool, failures: [] };
        assert.match(formatResult(r), /^render sandbox +median +2\.00 s \(1\.90-2\.10 s over 3\) +floor 1\.25 s +1\.60x +goal <= 1\.5x: MISSED$/);
        // A task timed for information only says so, and is never a miss, however slow.
        const cold: TaskResult = { ...r, name: "diff cold", median: 5, ratio: 4, goal: undefined };
        assert.match(formatResult(cold), /^diff cold +median +5\.00 s .* 4\.00x +\(no goal\)$/);
        assert.ok(!missed(cold));
    });

    it("runs each tool exactly as its package.json script says, arguments quoted for sh", () => {
        const scripts = { render: "node -r ./scripts/register.js scripts/render.ts" };
        assert.deepStrictEqual(scriptArgv(scripts, "render", ["--stack", "it's"]), ["sh", "-c", `node -r ./scripts/register.js scripts/render.ts '--stack' 'it'\\''s'`]);
        assert.throws(() => scriptArgv(scripts, "nope"), (e: Error) => e instanceof UsageError && /no script nope/.test(e.message));
    });

    it("benches the four offline tools with the tool goal (the diff with its base cached, and cold without a goal) and test:unit with its own", () => {
        const scripts = { render: "r", policy: "p", cost: "c", diff: "d", "test:unit": "u" };
        const tasks = benchTasks({ runs: 5, testRuns: 3, stack: "demo", tests: true }, scripts, "/tmp/x");
        assert.deepStrictEqual(
            tasks.map((t) => [t.name, t.goal, t.runs]),
            [
                ["render demo", GOALS.tool, 5],
                ["policy demo", GOALS.tool, 5],
                ["cost demo", GOALS.tool, 5],
                ["diff demo (base HEAD, base render cached)", GOALS.tool, 5],
                ["diff demo (base HEAD, --no-cache)", undefined, 5],
                ["test:unit", GOALS.testUnit, 3],
            ],
        );
        assert.strictEqual(benchTasks({ runs: 1, testRuns: 1, stack: "demo", tests: false }, scripts, "/tmp/x").length, 5);
        // The cached diff and the cold one differ only by --no-cache.
        const [warm, cold] = tasks.filter((t) => t.name.startsWith("diff"));
        assert.deepStrictEqual(cold.argv, [...warm.argv.slice(0, -1), `${warm.argv[warm.argv.length - 1]} '--no-cache'`]);
    });

    it("parses its arguments with the shared CLI parser", () => {
        assert.deepStrictEqual(parseBenchArgs([]), { runs: 5, testRuns: 3, stack: "sandbox", tests: true });
        assert.deepStrictEqual(parseBenchArgs(["--runs", "2", "--test-runs", "1", "--stack", "demo", "--no-tests"]), { runs: 2, testRuns: 1, stack: "demo", tests: false });
        const usage = (argv: string[], message: string): void =>
            assert.throws(() => parseBenchArgs(argv), (e: Error) => e instanceof UsageError && e.message === message);
        usage(["--runs"], "--runs needs a value");
        usage(["--runs", "0"], "--runs must be a whole number >= 1, got 0");
        usage(["--bogus"], "unknown argument --bogus");
    });
});

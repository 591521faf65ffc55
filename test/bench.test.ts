import * as assert from "assert";
import { bench, formatBench, median, missed, parseBenchArgs, TARGETS } from "../scripts/lib/bench";
import { listStacks, UsageError } from "../scripts/lib/stackConfig";

describe("bench helpers", () => {
    it("takes the median of odd and even counts", () => {
        assert.strictEqual(median([3, 1, 2]), 2);
        assert.strictEqual(median([4, 1, 3, 2]), 2.5);
        assert.throws(() => median([]));
    });

    it("runs the warm-ups untimed and times each run", async () => {
        let calls = 0;
        const r = await bench("count", () => void calls++, { runs: 3, warmups: 2 });
        assert.strictEqual(calls, 5);
        assert.strictEqual(r.runs.length, 3);
    });

    it("marks a median at or over its target as missed, and says so", () => {
        const slow = { name: "render x", runs: [3.5, 2.9, 3.1], median: 3.1, target: TARGETS.render };
        const fast = { name: "tests", runs: [10], median: 10, target: TARGETS.test, exitCodes: [0] };
        assert.ok(missed(slow));
        assert.ok(!missed(fast));
        const text = formatBench([slow, fast]);
        assert.match(text, /render x +median +3\.10 s .*target < 3 s: MISSED/);
        assert.match(text, /tests +median +10\.00 s .*target < 60 s: ok$/m);
    });

    it("reports a failing command's exit codes instead of hiding them", () => {
        assert.match(formatBench([{ name: "policy", runs: [1], median: 1, exitCodes: [1] }]), /exit codes: 1/);
    });

    it("parses its arguments with the shared CLI parser, --stack optional", () => {
        assert.deepStrictEqual(parseBenchArgs([]), { runs: 5, testRuns: 3, stacks: listStacks(), tests: true });
        assert.deepStrictEqual(parseBenchArgs(["--runs", "2", "--test-runs", "1", "--stacks", "a,b", "--no-tests"]), { runs: 2, testRuns: 1, stacks: ["a", "b"], tests: false });
        assert.deepStrictEqual(parseBenchArgs(["--stack", "demo"]).stacks, ["demo"]);
        const usage = (argv: string[], message: string): void =>
            assert.throws(() => parseBenchArgs(argv), (e: Error) => e instanceof UsageError && e.message === message);
        usage(["--runs"], "--runs needs a value");
        usage(["--runs", "0"], "--runs must be a whole number >= 1, got 0");
        usage(["--bogus"], "unknown argument --bogus");
    });
});

/**
 * npm run bench -- [--runs <n>] [--test-runs <n>] [--stack <name>] [--no-tests]
 *
 * Times the offline tools (render, policy, cost, diff) and the inner test loop (`npm run
 * test:unit`) against a floor measured in the same run, alternating: a Node process that only
 * loads the four Pulumi SDKs. Prints each median, the floor beside it and the ratio against its
 * goal (tools at most 1.5x the floor, test:unit at most 20x). Exit 0 when every goal is met, 1
 * when one is missed or a tool failed, 2 for bad usage.
 */
import { GOALS, missed, parseBenchArgs, runBench } from "./lib/bench";
import { runCli } from "./lib/cli";

runCli(async () => {
    const results = runBench(parseBenchArgs(process.argv.slice(2)), (line) => process.stdout.write(`${line}\n`));
    const misses = results.filter(missed);
    process.stdout.write(
        misses.length
            ? `\nMISSED: ${misses.map((r) => r.name).join(", ")}\n`
            : `\nall goals met (tools <= ${GOALS.tool}x, test:unit <= ${GOALS.testUnit}x the floor)\n`,
    );
    return misses.length ? 1 : 0;
});

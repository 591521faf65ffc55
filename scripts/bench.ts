/**
 * npm run bench -- [--runs <n>] [--test-runs <n>] [--stacks a,b | --stack <name>] [--no-tests]
 *
 * Times, after a warm-up, the offline render of each stack (in-process through the render core,
 * and as a user runs it, `npm run render`), the policy check (`npm run policy`, when the project
 * has one) and the whole test suite (`npm test`), and prints the medians against the targets:
 * a render under 3 s, the test suite under 60 s. Exit 0 when every target is met, 1 when one is
 * missed, 2 for bad usage.
 */
import { missed, parseBenchArgs, runBench } from "./lib/bench";
import { runCli } from "./lib/cli";

runCli(async () => {
    const results = await runBench(parseBenchArgs(process.argv.slice(2)), (line) => process.stdout.write(`${line}\n`));
    const misses = results.filter(missed);
    process.stdout.write(misses.length ? `\nMISSED: ${misses.map((r) => r.name).join(", ")}\n` : "\nall targets met\n");
    return misses.length ? 1 : 0;
});

/** npm run bench: see USAGE. */
import { GOALS, missed, parseBenchArgs, runBench } from "./lib/bench";
import { CliIo, runCli, Script } from "./lib/cli";

export const USAGE = `
npm run bench -- [--runs <n>] [--test-runs <n>] [--stack <name>] [--no-tests]

Times the offline tools (render, policy, cost, diff) on one stack (default sandbox) and the inner
test loop (\`npm run test:unit\`) against a floor measured in the same run, alternating: a Node
process that only loads the four Pulumi SDKs. Prints each median, the floor beside it and the
ratio against its goal (tools at most 1.5x the floor, test:unit at most 20x). The diff's goal is
timed with its base render cached (as on a branch's second diff; the warm-up fills the cache);
the cold diff (--no-cache: it also renders the base) is timed beside it, with no goal. Exit 0
when every goal is met, 1 when one is missed or a tool failed, 2 for bad usage.
`;

async function main(argv: readonly string[], io: CliIo): Promise<number> {
    const results = runBench(parseBenchArgs(argv), (line) => io.stdout(`${line}\n`));
    const misses = results.filter(missed);
    io.stdout(
        misses.length
            ? `\nMISSED: ${misses.map((r) => r.name).join(", ")}\n`
            : `\nall goals met (tools <= ${GOALS.tool}x, test:unit <= ${GOALS.testUnit}x the floor)\n`,
    );
    return misses.length ? 1 : 0;
}

export const script: Script = { usage: USAGE, main };
if (require.main === module) runCli(script);

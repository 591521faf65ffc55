/** npm run bench: see USAGE. */
import { missed, parseBenchArgs, runBench } from "./lib/bench";
import { CliIo, runCli, Script } from "./lib/cli";

export const USAGE = `
npm run bench -- [--runs <n>] [--test-runs <n>] [--stacks a,b | --stack <name>] [--no-tests]

Times, after a warm-up, the offline render of each stack (in-process through the render core,
and as a user runs it, \`npm run render\`), the policy check (\`npm run policy\`, when the project
has one) and the whole test suite (\`npm test\`), and prints the medians against the targets:
a render under 3 s, the test suite under 60 s. Exit 0 when every target is met, 1 when one is
missed, 2 for bad usage.
`;

async function main(argv: readonly string[], io: CliIo): Promise<number> {
    const results = await runBench(parseBenchArgs(argv), (line) => io.stdout(`${line}\n`));
    const misses = results.filter(missed);
    io.stdout(misses.length ? `\nMISSED: ${misses.map((r) => r.name).join(", ")}\n` : "\nall targets met\n");
    return misses.length ? 1 : 0;
}

export const script: Script = { usage: USAGE, main };
if (require.main === module) runCli(script);

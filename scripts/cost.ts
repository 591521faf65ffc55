/** npm run cost: see USAGE. */
import { CliIo, parseCli, runCli, Script } from "./lib/cli";
import { estimateCost, formatCost, loadPrices } from "./lib/cost";
import { renderStack } from "./lib/render";

export const USAGE = `
npm run cost -- --stack <name> [--set <key>=<value>]... [--set-secret <key>=<value>]...

Prints the estimated monthly cost of a stack, from its offline render: the idle floor and the
ceiling at maximum autoscale, line by line, with the prices of scripts/lib/prices.json.
Exit 0 on success; 2 with a one-line error for bad config or usage, or a billable item the
price table lacks.
`;

async function main(argv: readonly string[], io: CliIo): Promise<number> {
    const args = parseCli(argv, {});
    const prices = loadPrices();
    const render = await renderStack(args.stack, args.overrides);
    io.stdout(formatCost(estimateCost(render, prices), prices));
    return 0;
}

export const script: Script = { usage: USAGE, main };
if (require.main === module) runCli(script);

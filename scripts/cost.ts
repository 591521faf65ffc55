/**
 * npm run cost -- --stack <name> [--set <key>=<value>]...
 *
 * Prints the estimated monthly cost of a stack, from its offline render: the idle floor and the
 * ceiling at maximum autoscale, line by line, with the prices of scripts/lib/prices.json.
 * Exit 0 on success; 2 with a one-line error for bad config or usage, or a billable item the
 * price table lacks.
 */
import { parseCli, runCli } from "./lib/cli";
import { estimateCost, formatCost, loadPrices } from "./lib/cost";
import { renderStack } from "./lib/render";

runCli(async () => {
    const args = parseCli(process.argv.slice(2), {});
    const prices = loadPrices();
    const render = await renderStack(args.stack, args.overrides);
    process.stdout.write(formatCost(estimateCost(render, prices), prices));
});

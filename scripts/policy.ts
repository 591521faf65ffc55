/**
 * npm run policy -- --stack <name> [--set <key>=<value>]... [--set-secret <key>=<value>]... [--config <file>]
 *
 * Runs every rule of the policy pack (policies/) over the offline render of a stack, with no
 * engine, and prints the violations in the engine's words. Reads policies/policy-config.json, with
 * the --config file applied on top, as `pulumi preview --policy-pack-config` applies it.
 * Exit 0 when no mandatory rule is violated (advisory findings are printed); 1 on a mandatory
 * violation; 2 with a one-line error for bad config or usage.
 */
import { parseCli, runCli } from "./lib/cli";
import { checkRender, formatReport, loadPolicyConfig, overlayPolicyConfig } from "./lib/policyCheck";
import { renderStack } from "./lib/render";

runCli(async () => {
    const args = parseCli(process.argv.slice(2), { config: "string" });
    // Like --policy-pack-config: a given file is applied on top of policies/policy-config.json.
    const config = args.options.config ? overlayPolicyConfig(loadPolicyConfig(), loadPolicyConfig(args.options.config)) : loadPolicyConfig();
    const report = await checkRender(await renderStack(args.stack, args.overrides), { config });
    process.stdout.write(formatReport(report));
    return report.mandatory > 0 ? 1 : 0;
});

/** npm run policy: see USAGE. */
import { CliIo, parseCli, runCli, Script } from "./lib/cli";
import { checkRender, formatReport, loadPolicyConfig, overlayPolicyConfig } from "./lib/policyCheck";
import { renderStack } from "./lib/render";

export const USAGE = `
npm run policy -- --stack <name> [--set <key>=<value>]... [--set-secret <key>=<value>]... [--config <file>]

Runs every rule of the policy pack (policies/) over the offline render of a stack, with no
engine, and prints the violations in the engine's words. Reads policies/policy-config.json, with
the --config file applied on top, as \`pulumi preview --policy-pack-config\` applies it.
Exit 0 when no mandatory rule is violated (advisory findings are printed); 1 on a mandatory
violation; 2 with a one-line error for bad config or usage.
`;

async function main(argv: readonly string[], io: CliIo): Promise<number> {
    const args = parseCli(argv, { config: "string" });
    // Like --policy-pack-config: a given file is applied on top of policies/policy-config.json.
    const config = args.options.config ? overlayPolicyConfig(loadPolicyConfig(), loadPolicyConfig(args.options.config)) : loadPolicyConfig();
    const report = await checkRender(await renderStack(args.stack, args.overrides), { config });
    io.stdout(formatReport(report));
    return report.mandatory > 0 ? 1 : 0;
}

export const script: Script = { usage: USAGE, main };
if (require.main === module) runCli(script);

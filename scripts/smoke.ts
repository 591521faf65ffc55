/** npm run smoke: see USAGE. */
import { CliIo, parseCli, runCli, Script } from "./lib/cli";
import { formatResults, runSmoke, SMOKE_OPTIONS, targetFromCli } from "./lib/smoke";

export const USAGE = `
npm run smoke -- --stack <name> | --url https://<hostname>/ [--client-id <id>]
                 [--expect-issuer trusted|letsencrypt-staging|self-signed] [--http-port <n>] [--ca <pem file>]

Checks that a deployed platform answers as designed (scripts/lib/smoke.ts): TLS, HSTS, the
HTTP->HTTPS redirect, /hub/health, the GitHub login redirect, the websocket path to the hub.
One line per check. Exit 0 when every check passes, 1 when one fails, 2 for bad usage or config.
`;

async function main(argv: readonly string[], io: CliIo): Promise<number> {
    const args = parseCli(argv, SMOKE_OPTIONS, [], { requireStack: false });
    const target = targetFromCli(args);
    io.stdout(`smoke test of ${target.url}\n`);
    const results = await runSmoke(target);
    io.stdout(formatResults(results));
    return results.every((r) => r.ok) ? 0 : 1;
}

export const script: Script = { usage: USAGE, main };
if (require.main === module) runCli(script);

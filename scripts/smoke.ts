/**
 * npm run smoke -- --stack <name> | --url https://<hostname>/ [--client-id <id>]
 *                  [--expect-issuer trusted|letsencrypt-staging|self-signed] [--http-port <n>] [--ca <pem file>]
 *
 * Checks that a deployed platform answers as designed (scripts/lib/smoke.ts): TLS, HSTS, the
 * HTTP->HTTPS redirect, /hub/health, the GitHub login redirect, the websocket path to the hub.
 * One line per check. Exit 0 when every check passes, 1 when one fails, 2 for bad usage or config.
 */
import { parseCli, runCli } from "./lib/cli";
import { formatResults, runSmoke, SMOKE_OPTIONS, targetFromCli } from "./lib/smoke";

runCli(async () => {
    const args = parseCli(process.argv.slice(2), SMOKE_OPTIONS, [], { requireStack: false });
    const target = targetFromCli(args);
    process.stdout.write(`smoke test of ${target.url}\n`);
    const results = await runSmoke(target);
    process.stdout.write(formatResults(results));
    return results.every((r) => r.ok) ? 0 : 1;
});

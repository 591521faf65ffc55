/**
 * node scripts/run-together.js <npm script> [<npm script>...]
 *
 * Runs npm scripts at the same time (the type check and the mocha suites use one core each) and
 * prints each one's output whole, in the order given, as soon as it and those before it are done,
 * so the logs never interleave. Exit 0 when all passed, else the first failure's exit code.
 */
"use strict";
const { spawn } = require("child_process");

const names = process.argv.slice(2);
if (names.length === 0) {
    process.stderr.write("usage: node scripts/run-together.js <npm script> [<npm script>...]\n");
    process.exit(2);
}
const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ["npm"];
const runs = names.map((name) => {
    const chunks = [];
    const child = spawn(npm[0], [...npm.slice(1), "run", "-s", name], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, FORCE_COLOR: "0" } });
    child.stdout.on("data", (c) => chunks.push(c));
    child.stderr.on("data", (c) => chunks.push(c));
    const done = new Promise((resolve) => child.on("close", (code, signal) => resolve(code ?? (signal ? 1 : 0))));
    return { name, chunks, done };
});

(async () => {
    let failed = 0;
    for (const run of runs) {
        const code = await run.done;
        process.stdout.write(Buffer.concat(run.chunks));
        if (code !== 0) {
            process.stdout.write(`npm run ${run.name}: exit code ${code}\n`);
            failed = failed || code;
        }
    }
    process.exit(failed);
})();

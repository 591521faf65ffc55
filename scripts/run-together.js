/**
 * node scripts/run-together.js <npm script> [<npm script>...]
 *
 * Runs package.json scripts at the same time (the type check and the halves of the mocha suites
 * share the cores) and prints each one's output whole, in the order given, as soon as it and those
 * before it are done, so the logs never interleave. Exit 0 when all passed, else the first
 * failure's exit code.
 *
 * Each script runs as `npm run` would run it, through `sh -c` in the package's root with
 * node_modules/.bin first on the PATH, but without starting npm once per script: npm's own
 * start-up costs about a third of a second of CPU each time, on cores the scripts need.
 */
"use strict";
const { spawn } = require("child_process");
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const names = process.argv.slice(2);
const scripts = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts ?? {};
const unknown = names.filter((name) => typeof scripts[name] !== "string");
if (names.length === 0 || unknown.length > 0) {
    const why = unknown.length > 0 ? `package.json has no script ${unknown.join(", ")}\n` : "";
    process.stderr.write(`${why}usage: node scripts/run-together.js <npm script> [<npm script>...]\n`);
    process.exit(2);
}
const env = { ...process.env, PATH: [path.join(ROOT, "node_modules", ".bin"), process.env.PATH].filter(Boolean).join(path.delimiter), FORCE_COLOR: "0" };
const runs = names.map((name) => {
    const chunks = [];
    const child = spawn("sh", ["-c", scripts[name]], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env });
    child.stdout.on("data", (c) => chunks.push(c));
    child.stderr.on("data", (c) => chunks.push(c));
    const done = new Promise((resolve) => {
        child.on("error", (err) => {
            chunks.push(Buffer.from(`${err.message}\n`));
            resolve(1);
        });
        child.on("close", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    });
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

/**
 * The unit suites in two halves, for `npm run test:unit`: it runs them as two mocha processes at
 * once (package.json's mocha:a and mocha:b), beside the type check, so both cores work the whole
 * time instead of one mocha process running alone after the type check is done. `npm run mocha`
 * (or `npx mocha`) still runs every suite in one process.
 *
 * Half a is the list below; half b is every other spec of .mocharc.json, so each spec runs in
 * exactly one half and a new spec lands in b. The list only balances the halves: each holds about
 * the same CPU time (its specs' own work, the renders they are the first to ask for, and their
 * child processes), measured per spec file. Specs that share renders with overrides sit in the
 * same half, since each process renders for itself.
 */
"use strict";
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..", "..");
const base = JSON.parse(fs.readFileSync(path.join(ROOT, ".mocharc.json"), "utf8"));

/**
 * Half a: the specs that render the GKE stacks with overrides, and others for balance; the specs
 * that probe the rendered hub configuration in Python (lab, labAdmission) share one half, since
 * each probe run is memoised per process (probeHubConfig in test/labFixtures.ts).
 */
const SHARD_A = [
    "test/architecture.test.ts",
    "test/cluster.test.ts",
    "test/cost.test.ts",
    "test/diff.test.ts",
    "test/diffBaseCache.test.ts",
    "test/ingress.test.ts",
    "test/lab.test.ts",
    "test/labAdmission.test.ts",
    "test/monitoring.test.ts",
    "test/platformLifecycle.test.ts",
    "test/policies/offline.test.ts",
    "test/render.test.ts",
    "test/secrets.test.ts",
    "test/storage.test.ts",
    "test/updates.test.ts",
];

for (const file of SHARD_A) {
    if (!fs.existsSync(path.join(ROOT, file))) {
        throw new Error(`test/lib/mochaShards.js lists ${file}, which does not exist: update the list`);
    }
}

/** The mocha config of half `name` ("a" or "b"): .mocharc.json with its spec narrowed. */
function shard(name) {
    if (name === "a") return { ...base, spec: SHARD_A };
    if (name === "b") return { ...base, ignore: [...(base.ignore ?? []), ...SHARD_A] };
    throw new Error(`no mocha shard ${name}: a or b`);
}

module.exports = { SHARD_A, shard };

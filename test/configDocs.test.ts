/** The README's config reference is generated from the schema and must be current. */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { RULES_ACROSS_KEYS } from "../components/config";
import { BEGIN_MARKER, configReference, END_MARKER, updateReadme, withConfigReference } from "../scripts/lib/configDocs";
import { REPO_ROOT, UsageError } from "../scripts/lib/stackConfig";

describe("README config reference", () => {
    it("is up to date with the schema (run npm run config-docs)", () => {
        const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
        assert.strictEqual(withConfigReference(readme), readme);
    });

    it("lists every key, with defaults and secret keys marked", () => {
        const table = configReference();
        assert.match(table, /\| `jupyterlabdemo:cluster\.userPool\.maxNodes` \| integer 1\.\.100 \| `3` \|/);
        assert.match(table, /\| `jupyterlabdemo:githubClientSecret` \| secret string \|/);
        assert.match(table, /\| `gcp:zone` \| string \|/);
    });

    it("shows the values the config really accepts where a rule narrows a type: the core pool never scales to zero nor uses Spot", () => {
        const table = configReference();
        assert.match(table, /\| `jupyterlabdemo:cluster\.corePool\.minNodes` \| integer 1\.\. \| `1` \|/);
        assert.match(table, /\| `jupyterlabdemo:cluster\.corePool\.spot` \| `false` only \| `false` \|/);
        assert.match(table, /\| `jupyterlabdemo:cluster\.userPool\.minNodes` \| integer 0\.\. \| `0` \|/);
        assert.match(table, /\| `jupyterlabdemo:cluster\.userPool\.spot` \| boolean \| `false` \|/);
    });

    it("states the rules across keys below the table, one line each", () => {
        const table = configReference();
        assert.ok(RULES_ACROSS_KEYS.length > 0);
        for (const rule of RULES_ACROSS_KEYS) assert.ok(table.includes(`\n- ${rule}`), rule);
        assert.match(table, /Each pool's `minNodes` is at most its `maxNodes`/);
    });

    it("updateReadme checks without writing, writes without --check, and rejects a README without markers", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "jupyterlabdemo-configdocs-"));
        try {
            const file = path.join(dir, "README.md");
            fs.writeFileSync(file, `# x\n${BEGIN_MARKER}\nold\n${END_MARKER}\n`);
            assert.strictEqual(updateReadme(file, { check: true }), "stale");
            assert.match(fs.readFileSync(file, "utf8"), /\nold\n/, "--check writes nothing");
            assert.strictEqual(updateReadme(file), "updated");
            assert.strictEqual(updateReadme(file, { check: true }), "current");
            fs.writeFileSync(file, "# no markers\n");
            assert.throws(() => updateReadme(file), (e: Error) => e instanceof UsageError && !e.message.includes("\n"));
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("names the test command CI runs", () => {
        const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
        const ci = fs.readFileSync(path.join(REPO_ROOT, ".ci", "run"), "utf8");
        assert.match(ci, /^npm ci\b/m);
        assert.match(ci, /^npm test$/m);
        assert.match(readme, /```sh\nnpm ci\nnpm test\n```/);
    });
});

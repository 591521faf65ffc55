/**
 * The render diff's cache of base renders (scripts/lib/gitBase.ts): a miss renders the base in
 * its worktree and keeps its files, a hit reads them instead, and the key changes with everything
 * the base render depends on.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { BASE_CACHE_ENTRIES, baseCacheKey, diffAgainstBase, readCachedBase, storeCachedBase } from "../scripts/lib/gitBase";
import type { RenderedResource } from "../scripts/lib/render";

describe("render diff: the cache of base renders", function () {
    this.timeout(120000);
    let dir: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "diff-base-cache-"));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("a miss renders the base and keeps it (pruned to the most recent entries); a hit reads it back instead of rendering", async () => {
        const cacheDir = path.join(dir, "cache");
        fs.mkdirSync(cacheDir);
        // Older entries than the cache keeps, oldest first.
        const stale = Array.from({ length: BASE_CACHE_ENTRIES + 3 }, (_, i) => i.toString(16).padStart(64, "0"));
        stale.forEach((name, i) => {
            fs.mkdirSync(path.join(cacheDir, name));
            const t = new Date(Date.UTC(2020, 0, 1, 0, i));
            fs.utimesSync(path.join(cacheDir, name), t, t);
        });

        const miss = await diffAgainstBase({ stack: "local", baseRef: "HEAD", cacheDir });
        assert.strictEqual(miss.baseFrom, "rendered");
        const entries = fs.readdirSync(cacheDir);
        const fresh = entries.filter((f) => !stale.includes(f));
        assert.strictEqual(fresh.length, 1, entries.join(" "));
        assert.deepStrictEqual(fs.readdirSync(path.join(cacheDir, fresh[0])).sort(), ["outputs.json", "resources.json"]);
        assert.strictEqual(entries.length, BASE_CACHE_ENTRIES);
        assert.ok(!entries.includes(stale[0]) && entries.includes(stale[stale.length - 1]), "the least recently used entries go");

        const hit = await diffAgainstBase({ stack: "local", baseRef: "HEAD", cacheDir });
        assert.strictEqual(hit.baseFrom, "cache");
        assert.deepStrictEqual(hit.base, miss.base);
        assert.deepStrictEqual(hit.report, miss.report);

        // The hit really reads the entry: a resource written into it shows up as removed.
        const file = path.join(cacheDir, fresh[0], "resources.json");
        const planted: RenderedResource = { ...miss.base.resources[0], name: "only-in-the-cache" };
        fs.writeFileSync(file, JSON.stringify([...miss.base.resources, planted]));
        const plantedDiff = await diffAgainstBase({ stack: "local", baseRef: "HEAD", cacheDir });
        assert.deepStrictEqual(plantedDiff.report.removed.map((r) => r.name), ["only-in-the-cache"]);
    });

    it("the key changes with the base's tree, the installed packages, the stack and the overrides; secret overrides get none", () => {
        fs.writeFileSync(path.join(dir, "package-lock.json"), "{}");
        const base = { root: dir, tree: "a".repeat(40), stack: "sandbox", overrides: [{ key: "hub.image", value: "x", secret: false }] };
        const key = baseCacheKey(base);
        assert.match(key ?? "", /^[0-9a-f]{64}$/);
        assert.strictEqual(baseCacheKey(base), key, "deterministic");
        const keys = [
            baseCacheKey({ ...base, tree: "b".repeat(40) }),
            baseCacheKey({ ...base, stack: "demo" }),
            baseCacheKey({ ...base, overrides: [] }),
            baseCacheKey({ ...base, overrides: [{ key: "hub.image", value: "y", secret: false }] }),
        ];
        fs.writeFileSync(path.join(dir, "package-lock.json"), `{"lockfileVersion": 3}`);
        keys.push(baseCacheKey(base));
        fs.mkdirSync(path.join(dir, "node_modules"));
        fs.writeFileSync(path.join(dir, "node_modules", ".package-lock.json"), "{}");
        keys.push(baseCacheKey(base));
        assert.strictEqual(new Set([key, ...keys]).size, keys.length + 1, "every change gives a new key");
        assert.strictEqual(baseCacheKey({ ...base, overrides: [{ key: "githubClientSecret", value: "s3cret", secret: true }] }), undefined);
    });

    it("an unreadable entry is a miss, and is removed so that the next render replaces it", () => {
        const key = "f".repeat(64);
        fs.mkdirSync(path.join(dir, key));
        fs.writeFileSync(path.join(dir, key, "resources.json"), "[{\"type\": ");
        assert.strictEqual(readCachedBase(dir, key, "local"), undefined);
        assert.ok(!fs.existsSync(path.join(dir, key)));

        const rendered = path.join(dir, "rendered");
        fs.mkdirSync(rendered);
        fs.writeFileSync(path.join(rendered, "resources.json"), JSON.stringify([{ type: "t", name: "n", inputs: {} }]));
        fs.writeFileSync(path.join(rendered, "outputs.json"), JSON.stringify({ a: 1 }));
        fs.writeFileSync(path.join(rendered, "manifests.yaml"), "---\n");
        storeCachedBase(dir, key, rendered);
        assert.deepStrictEqual(readCachedBase(dir, key, "local"), { stack: "local", standIns: [], resources: [{ type: "t", name: "n", inputs: {} }], outputs: { a: 1 } });
        assert.deepStrictEqual(fs.readdirSync(dir).sort(), [key, "rendered"], "no temporary directory is left");
    });
});

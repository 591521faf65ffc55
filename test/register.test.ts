/**
 * scripts/register.js, the TypeScript loader of the tools, mocha and `pulumi up`: it runs the
 * TypeScript, caches the JavaScript by content, and loads the compiler only on a cache miss.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT } from "../scripts/lib/stackConfig";

describe("scripts/register.js: the cached TypeScript loader", () => {
    let dir: string;
    let cache: string;
    const file = (): string => path.join(dir, "probe.ts");
    /** Runs probe.ts through the loader; says whether the TypeScript compiler was loaded. */
    const run = (): { out: string; compilerLoaded: boolean } => {
        const code = `require(${JSON.stringify(file())}); process.stdout.write("|" + Object.keys(require.cache).some((k) => k.endsWith("typescript/lib/typescript.js")));`;
        const r = spawnSync(process.execPath, ["-r", path.join(REPO_ROOT, "scripts", "register.js"), "-e", code], {
            cwd: REPO_ROOT,
            encoding: "utf8",
            env: { ...process.env, JLD_TS_CACHE_DIR: cache },
        });
        assert.strictEqual(r.status, 0, r.stderr);
        const [out, loaded] = r.stdout.split("|");
        return { out, compilerLoaded: loaded === "true" };
    };

    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "register-"));
        cache = path.join(dir, "cache");
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    // One file's life in one test: every step is a Node start-up (a third of a second with the compiler).
    it("runs TypeScript (types, enums, imports) as tsconfig.json's module settings say; transpiles on the first run only, then loads the cached JavaScript without the compiler; transpiles a changed file again, never serving it stale", () => {
        fs.writeFileSync(file(), `import * as p from "path";\nenum E { A = 2 }\nconst n: number = E.A;\nprocess.stdout.write(p.basename("/x/y") + n);\n`);
        assert.deepStrictEqual(run(), { out: "y2", compilerLoaded: true });
        assert.strictEqual(fs.readdirSync(cache).filter((f) => f.endsWith(".js")).length, 1);
        assert.deepStrictEqual(run(), { out: "y2", compilerLoaded: false });

        fs.writeFileSync(file(), `process.stdout.write("after" as string);\n`);
        assert.deepStrictEqual(run(), { out: "after", compilerLoaded: true });
        assert.strictEqual(fs.readdirSync(cache).filter((f) => f.endsWith(".js")).length, 2);
    });

    it("maps stack traces back to the .ts lines when source maps are turned on", () => {
        fs.writeFileSync(file(), `type T = { a: number };\nconst t: T = { a: 1 };\nthrow new Error("line 3 " + t.a);\n`);
        const r = spawnSync(process.execPath, ["--enable-source-maps", "-r", path.join(REPO_ROOT, "scripts", "register.js"), file()], {
            cwd: REPO_ROOT,
            encoding: "utf8",
            env: { ...process.env, JLD_TS_CACHE_DIR: cache },
        });
        assert.notStrictEqual(r.status, 0);
        assert.match(r.stderr, new RegExp(`probe\\.ts:3`));
    });
});

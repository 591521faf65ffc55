/**
 * npm run typecheck skips tsc only when nothing it reads has changed (scripts/typecheck.js): the
 * stamp of a clean pass must change with any project source and with the installed packages.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { stamp } = require("../scripts/typecheck.js") as { stamp(root: string): string };

describe("typecheck: the stamp that lets an unchanged tree skip tsc", () => {
    let root = "";
    const write = (rel: string, text: string) => {
        fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
        fs.writeFileSync(path.join(root, rel), text);
    };
    beforeEach(() => {
        root = fs.mkdtempSync(path.join(os.tmpdir(), "typecheck-stamp-"));
        write("index.ts", "export = 1;\n");
        write("components/a.ts", "export const a = 1;\n");
        write("test/a.test.ts", "import '../components/a';\n");
        write("scripts/lib/prices.json", "{}\n");
        write("tsconfig.json", "{}\n");
        write("package-lock.json", "{}\n");
        write("node_modules/.package-lock.json", '{"packages":{}}\n');
        write("node_modules/@pulumi/gcp/index.d.ts", "export {};\n");
    });
    afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

    it("is the same for the same tree", () => {
        assert.strictEqual(stamp(root), stamp(root));
    });

    it("changes with a project source, a new file, a JSON the code imports, and the config", () => {
        const clean = stamp(root);
        for (const [rel, text] of [
            ["components/a.ts", "export const a = 2;\n"],
            ["components/b.ts", "export const b = 1;\n"],
            ["scripts/lib/prices.json", '{"x":1}\n'],
            ["tsconfig.json", '{"compilerOptions":{}}\n'],
        ]) {
            const before = fs.existsSync(path.join(root, rel)) ? fs.readFileSync(path.join(root, rel), "utf8") : undefined;
            write(rel, text);
            assert.notStrictEqual(stamp(root), clean, rel);
            if (before === undefined) fs.rmSync(path.join(root, rel));
            else write(rel, before);
            assert.strictEqual(stamp(root), clean, `${rel} restored`);
        }
    });

    it("changes when npm installs other packages (node_modules/.package-lock.json), not with other node_modules files", () => {
        const clean = stamp(root);
        write("node_modules/@pulumi/gcp/index.d.ts", "export declare const x: 1;\n");
        assert.strictEqual(stamp(root), clean, "a package file alone: npm rewrites .package-lock.json on every install");
        write("node_modules/.package-lock.json", '{"packages":{"node_modules/@pulumi/gcp":{"version":"9.38.0"}}}\n');
        assert.notStrictEqual(stamp(root), clean);
    });
});

/**
 * The shape of the code: which files may import which, and how long a source file may be.
 *
 * The walker reads every TypeScript file of the program, its tools and its tests, and follows the
 * relative imports between them (`import`, `export ... from`, `require("./...")`). Package
 * imports are not edges: only the project's own files can form a circle.
 *
 * Type-only imports: `import type ...`, `export type ... from` and an import whose every name is
 * marked `type` are erased by the compiler, so they are no edge at run time; a circle through
 * them cannot leave a module half-initialised. The rule here counts them anyway: a circle is a
 * design fault (two modules that each need the other change together) whether or not it costs
 * anything at load time, and "the hub needs the lab's types while the lab needs the hub's names"
 * is exactly the tangle a contract module removes. The walker still tells them apart, and a
 * failure marks each type-only step with "(type)", so the reader sees which circle would also
 * break loading. Every other import counts as a run-time edge, even one whose names happen to be
 * used only as types (the compiler drops it, but nothing at the import says so).
 */
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

const ROOT = path.resolve(__dirname, "..");
const SOURCE_DIRS = ["components", "policies", "scripts", "test"];

/** Every .ts file of the project, relative to the root, with "/" separators, sorted. */
function projectFiles(): string[] {
    const files: string[] = ["index.ts"];
    const walk = (dir: string): void => {
        for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
            const rel = `${dir}/${entry.name}`;
            if (entry.isDirectory()) walk(rel);
            else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) files.push(rel);
        }
    };
    for (const dir of SOURCE_DIRS) walk(dir);
    return files.sort();
}

interface Import {
    /** The module specifier as written. */
    readonly specifier: string;
    /** Erased by the compiler: no edge at run time. */
    readonly typeOnly: boolean;
}

/** What precedes the literal of a `require("...")` or `import("...")` call. */
const CALL_BEFORE = /\b(require|import)\s*\(\s*$/;
/** What precedes `require(` in `import x = require("...")` (and `import type x = ...`). */
const IMPORT_EQUALS_BEFORE = /\bimport\s+(?:type\s+)?[\w$]+\s*=\s*$/;

/** `export * as ns from` (also `export type * as`): the `as ns` part, after the keywords. */
const NAMESPACE_REEXPORT = /(\bexport\s+(?:type\s*)?\*\s*)(as\s+[\w$]+)(?=\s+from\b)/g;

/** A quoted string literal starting exactly at lastIndex (sticky). */
const STRING_LITERAL = /(['"])(?:\\.|(?!\1)[^\\\n])*\1/y;

/** A declaration's import: `import ... from`, `export ... from`, `import x = require(...)`; else undefined. */
function declaredImport(node: ts.Node): Import | undefined {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
        const clause = node.importClause;
        const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : undefined;
        const typeOnly =
            clause !== undefined &&
            (clause.isTypeOnly || (clause.name === undefined && named !== undefined && named.length > 0 && named.every((e) => e.isTypeOnly)));
        return { specifier: node.moduleSpecifier.text, typeOnly };
    }
    if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
        const named = node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause.elements : undefined;
        const typeOnly = node.isTypeOnly || (named !== undefined && named.length > 0 && named.every((e) => e.isTypeOnly));
        return { specifier: node.moduleSpecifier.text, typeOnly };
    }
    if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
        return { specifier: node.moduleReference.expression.text, typeOnly: node.isTypeOnly };
    }
    return undefined;
}

/**
 * The imports of one file's text, in order: static imports, re-exports, `import x = require(...)`,
 * and `require(...)` / `import(...)` calls with a literal. The compiler's import scan
 * (`ts.preProcessFile`: tokens only, so strings and comments are skipped) finds them at a
 * fraction of the cost of parsing every file whole; only each static declaration, from its
 * `import`/`export` keyword to its module name, is parsed, to tell whether it is type-only.
 * Not counted, as before: `x.require(...)` and `typeof import("...")`. Unlike a full parse, a
 * `require` inside a template literal's `${}` is not seen, a `require` of two arguments is, and
 * an import type written
 * `import("./x").T` counts as a run-time edge (the circle check counts it either way).
 */
function importsOf(fileName: string, text: string): Import[] {
    const keywords = [...text.matchAll(/\b(?:import|export)\b/g)].map((m) => m.index);
    const found: Import[] = [];
    // The scan misses `export * as ns from "..."`; blanked to `export * from "..."` (same offsets) it is found.
    const scanned = text.replace(NAMESPACE_REEXPORT, (_, head: string, name: string) => `${head}${" ".repeat(name.length)}`);
    for (const ref of ts.preProcessFile(scanned, true, true).importedFiles) {
        // ref.pos is the literal's opening quote; the literal ends at the same quote unescaped.
        const quote = ref.pos;
        const before = text.slice(0, quote);
        const call = CALL_BEFORE.exec(before);
        let start: number | undefined;
        if (call) {
            const lead = before.slice(0, call.index).trimEnd();
            if (lead.endsWith(".") || (call[1] === "import" && /\btypeof$/.test(lead))) continue;
            const equals = call[1] === "require" ? IMPORT_EQUALS_BEFORE.exec(lead) : null;
            if (!equals) {
                found.push({ specifier: ref.fileName, typeOnly: false });
                continue;
            }
            start = equals.index;
        } else {
            start = keywords.filter((k) => k < quote).pop();
        }
        STRING_LITERAL.lastIndex = quote;
        const literal = STRING_LITERAL.exec(text);
        const declaration = start === undefined || !literal ? "" : `${text.slice(start, STRING_LITERAL.lastIndex)}${call ? ")" : ""};`;
        const statement = ts.createSourceFile(fileName, declaration, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS).statements[0];
        const imp = statement && declaredImport(statement);
        if (imp?.specifier !== ref.fileName) throw new Error(`${fileName}: cannot read the import of "${ref.fileName}" at offset ${ref.pos}`);
        found.push(imp);
    }
    return found;
}

/** The project file a relative specifier names (Node's resolution: x.ts, then x/index.ts), or undefined. */
function resolveRelative(from: string, specifier: string, files: ReadonlySet<string>): string | undefined {
    if (!specifier.startsWith(".")) return undefined;
    const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
    for (const candidate of [base, `${base}.ts`, `${base}/index.ts`]) if (files.has(candidate)) return candidate;
    return undefined;
}

/** file -> the project files it imports; type-only imports included only when asked. */
type Graph = ReadonlyMap<string, readonly string[]>;

function importGraph(files: readonly string[], read: (file: string) => string, withTypeOnly: boolean): Graph {
    const known = new Set(files);
    const graph = new Map<string, string[]>();
    for (const file of files) {
        const targets = new Set<string>();
        for (const imp of importsOf(file, read(file))) {
            if (imp.typeOnly && !withTypeOnly) continue;
            const target = resolveRelative(file, imp.specifier, known);
            if (target !== undefined) targets.add(target);
        }
        graph.set(file, [...targets].sort());
    }
    return graph;
}

/** A circle as one line, each step that exists only through type-only imports marked "(type)". */
function describeCycle(circle: readonly string[], runtime: Graph): string {
    return circle
        .map((file, i) => (i > 0 && !(runtime.get(circle[i - 1]) ?? []).includes(file) ? `(type) ${file}` : file))
        .join(" -> ");
}

/**
 * Every circle of the graph, each once, as a path that starts and ends at the same file (the
 * circle's least file first). One circle per strongly connected component's back edge found by a
 * depth-first walk: enough to name each tangle, and deterministic.
 */
function cycles(graph: Graph): string[][] {
    const found = new Map<string, string[]>();
    const state = new Map<string, "open" | "done">();
    const stack: string[] = [];
    const visit = (file: string): void => {
        state.set(file, "open");
        stack.push(file);
        for (const next of graph.get(file) ?? []) {
            if (state.get(next) === "open") {
                const circle = stack.slice(stack.indexOf(next));
                const start = circle.indexOf([...circle].sort()[0]);
                const rotated = [...circle.slice(start), ...circle.slice(0, start)];
                found.set(rotated.join(" -> "), [...rotated, rotated[0]]);
            } else if (state.get(next) === undefined) {
                visit(next);
            }
        }
        stack.pop();
        state.set(file, "done");
    };
    for (const file of [...graph.keys()].sort()) if (state.get(file) === undefined) visit(file);
    return [...found.keys()].sort().map((k) => found.get(k)!);
}

const read = (file: string): string => fs.readFileSync(path.join(ROOT, file), "utf8");

/** The longest a source file may be: past it, a file holds more than one job. */
const MAX_LINES = 400;

/**
 * The source files that are longer than MAX_LINES today, each with why it still is. The list can
 * only shrink: a file not listed must stay within the limit, and a listed file that drops within
 * it must leave the list.
 */
const LONG_FILES: Readonly<Record<string, string>> = {};

/** Lines of a text, as `wc -l` counts them plus an unterminated last line. */
function lineCount(text: string): number {
    return text === "" ? 0 : text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
}

/** What breaks the length rule: files over `max` not listed, and listed files that are no longer over it or gone. */
function lengthProblems(lines: ReadonlyMap<string, number>, max: number, exceptions: Readonly<Record<string, string>>): string[] {
    const problems: string[] = [];
    for (const [file, n] of [...lines].sort(([a], [b]) => a.localeCompare(b))) {
        if (n > max && !(file in exceptions)) problems.push(`${file}: ${n} lines, over ${max}; split it by job`);
    }
    for (const file of Object.keys(exceptions).sort()) {
        const n = lines.get(file);
        if (n === undefined) problems.push(`${file}: listed as long but no longer exists; remove it from LONG_FILES`);
        else if (n <= max) problems.push(`${file}: ${n} lines, within ${max} now; remove it from LONG_FILES`);
    }
    return problems;
}

/** True for a source file the length rule covers: TypeScript, Python, JavaScript or shell, none of node_modules. */
function isLengthChecked(file: string): boolean {
    return /\.(ts|py|js|sh)$/.test(file) && !file.split("/").includes("node_modules");
}

/**
 * The repository's source files, relative to the root: those git tracks, and new ones it does not
 * ignore (so a long file fails here before it is added).
 */
function repositorySources(): string[] {
    const listed = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], { cwd: ROOT, encoding: "utf8" });
    return [...new Set(listed.split("\0").filter(Boolean))].filter((f) => isLengthChecked(f) && fs.existsSync(path.join(ROOT, f))).sort();
}

describe("architecture", () => {
    describe("the import walker", () => {
        it("finds imports, re-exports and requires, none in comments or strings, and marks the type-only ones", () => {
            const text = [
                'import { a } from "./a";',
                'import type { B } from "./b";',
                'import { type C, type D } from "./c";',
                'import { type E, f } from "./e";',
                'import * as g from "./g";',
                'import type * as h from "./h";',
                'export { i } from "./i";',
                'export type { J } from "./j";',
                'export * from "./k";',
                'const l = require("./l");',
                'import {\n    m,\n    n,\n} from "./m";',
                'import "./o";',
                'export * as p from "./p";',
                'export type * as q from "./q";',
                '// import { r } from "./r";',
                'const s = \'import { s } from "./s"\';',
            ].join("\n");
            assert.deepStrictEqual(importsOf("x.ts", text), [
                { specifier: "./a", typeOnly: false },
                { specifier: "./b", typeOnly: true },
                { specifier: "./c", typeOnly: true },
                { specifier: "./e", typeOnly: false },
                { specifier: "./g", typeOnly: false },
                { specifier: "./h", typeOnly: true },
                { specifier: "./i", typeOnly: false },
                { specifier: "./j", typeOnly: true },
                { specifier: "./k", typeOnly: false },
                { specifier: "./l", typeOnly: false },
                { specifier: "./m", typeOnly: false },
                { specifier: "./o", typeOnly: false },
                { specifier: "./p", typeOnly: false },
                { specifier: "./q", typeOnly: true },
            ]);
        });

        it("reports a circle as its path, and leaves out type-only edges unless asked", () => {
            const sources: Record<string, string> = {
                "c/hub/index.ts": 'import type { LabSettings } from "../lab";\nimport { x } from "../naming";',
                "c/lab.ts": 'import { HUB } from "./hub/index";\nimport { NS } from "./ingress";',
                "c/ingress.ts": 'import { HUB } from "./hub";',
                "c/naming.ts": "export const x = 1;",
            };
            const files = Object.keys(sources);
            assert.deepStrictEqual(cycles(importGraph(files, (f) => sources[f], false)), []);
            assert.deepStrictEqual(cycles(importGraph(files, (f) => sources[f], true)), [
                ["c/hub/index.ts", "c/lab.ts", "c/hub/index.ts"],
                ["c/hub/index.ts", "c/lab.ts", "c/ingress.ts", "c/hub/index.ts"],
            ]);
            const runtime = importGraph(files, (f) => sources[f], false);
            assert.strictEqual(
                describeCycle(["c/hub/index.ts", "c/lab.ts", "c/hub/index.ts"], runtime),
                "c/hub/index.ts -> (type) c/lab.ts -> c/hub/index.ts",
            );
            sources["c/hub/index.ts"] = 'import { buildLabSettings } from "../lab";';
            assert.deepStrictEqual(cycles(importGraph(files, (f) => sources[f], false)), [
                ["c/hub/index.ts", "c/lab.ts", "c/hub/index.ts"],
                ["c/hub/index.ts", "c/lab.ts", "c/ingress.ts", "c/hub/index.ts"],
            ]);
        });
    });

    describe("the length rule", () => {
        it("covers TypeScript, Python, JavaScript and shell sources anywhere but node_modules", () => {
            const files = ["index.ts", "components/hub/hooks.py", "scripts/register.js", "test/hub/setup-venv.sh", "README.md", "stacks/Pulumi.demo.yaml", "node_modules/x/index.js", "policies/node_modules/y.ts", "components/lab.tsx"];
            assert.deepStrictEqual(files.filter(isLengthChecked), ["index.ts", "components/hub/hooks.py", "scripts/register.js", "test/hub/setup-venv.sh"]);
        });

        it("counts lines as wc -l does, plus an unterminated last line", () => {
            assert.deepStrictEqual(["", "a", "a\n", "a\nb", "a\nb\n", "\n\n"].map(lineCount), [0, 1, 1, 2, 2, 2]);
        });

        it("refuses a long file not listed, and a listed file that is short now or gone", () => {
            const lines = new Map([
                ["components/a.ts", 401],
                ["components/b.ts", 400],
                ["components/c.ts", 900],
                ["components/d.ts", 120],
            ]);
            assert.deepStrictEqual(lengthProblems(lines, 400, { "components/c.ts": "why" }), ["components/a.ts: 401 lines, over 400; split it by job"]);
            assert.deepStrictEqual(lengthProblems(lines, 400, { "components/a.ts": "why", "components/c.ts": "why", "components/d.ts": "why", "components/e.ts": "why" }), [
                "components/d.ts: 120 lines, within 400 now; remove it from LONG_FILES",
                "components/e.ts: listed as long but no longer exists; remove it from LONG_FILES",
            ]);
        });
    });

    describe("the project's files", () => {
        const files = projectFiles();

        it("import each other in no circle, type-only imports included", () => {
            const runtime = importGraph(files, read, false);
            const found = cycles(importGraph(files, read, true)).map((c) => describeCycle(c, runtime));
            assert.deepStrictEqual(found, [], `import circles:\n${found.join("\n")}`);
        });

        it(`stay within ${MAX_LINES} lines, every source file (.ts, .py, .js, .sh), but for the listed exceptions`, () => {
            const lines = new Map(repositorySources().map((f) => [f, lineCount(read(f))] as const));
            const problems = lengthProblems(lines, MAX_LINES, LONG_FILES);
            assert.deepStrictEqual(problems, [], problems.join("\n"));
        });

        it("keep the contract module (components/naming.ts) free of imports", () => {
            assert.deepStrictEqual(importsOf("components/naming.ts", read("components/naming.ts")), []);
        });
    });
});

/**
 * Loads the project's TypeScript in Node without ts-node: `node -r ./scripts/register.js file.ts`.
 *
 * Why not ts-node: the offline tools and `pulumi up` run the whole program, and ts-node spends
 * most of their start-up compiling every file again and installing source-map-support, which
 * then maps the stack trace Pulumi captures for each resource. Here each file is transpiled once
 * (TypeScript's own `transpileModule`, the same single-file transform ts-node's transpile-only
 * mode uses) and the JavaScript is kept in a cache keyed by the file's content, the compiler
 * options and the TypeScript version; the TypeScript compiler is loaded only on a cache miss.
 * Type checking is `npm run typecheck`'s job, as before.
 *
 * Stack traces point into the cached JavaScript; each cached file carries an inline source map,
 * so `NODE_OPTIONS=--enable-source-maps` maps them back to the .ts lines when debugging.
 */
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const CACHE_DIR = process.env.JLD_TS_CACHE_DIR || path.join(ROOT, "node_modules", ".cache", "jupyterlabdemo-ts");

// The emit settings of tsconfig.json that change the JavaScript (type-checking settings do not).
const tsconfig = JSON.parse(fs.readFileSync(path.join(ROOT, "tsconfig.json"), "utf8")).compilerOptions;
const EMIT_OPTIONS = {
    target: tsconfig.target,
    module: tsconfig.module,
    esModuleInterop: tsconfig.esModuleInterop,
    resolveJsonModule: tsconfig.resolveJsonModule,
};
const TS_VERSION = require("typescript/package.json").version;
const KEY_PREFIX = JSON.stringify({ EMIT_OPTIONS, TS_VERSION, inlineSourceMap: true });

let ts;
let compilerOptions;
function transpile(source, filename) {
    if (!ts) {
        ts = require("typescript");
        const converted = ts.convertCompilerOptionsFromJson(EMIT_OPTIONS, ROOT);
        if (converted.errors.length) {
            throw new Error(`tsconfig.json: ${ts.flattenDiagnosticMessageText(converted.errors[0].messageText, " ")}`);
        }
        compilerOptions = { ...converted.options, inlineSourceMap: true, inlineSources: false, sourceMap: false };
    }
    // The base name only: the inline source map then names the file relative to itself, which
    // Node resolves against the module's real path, so one cache entry serves every checkout.
    return ts.transpileModule(source, { compilerOptions, fileName: path.basename(filename) }).outputText;
}

/** The JavaScript of a .ts file, from the cache or transpiled now (and cached, written atomically). */
function compiled(filename) {
    const source = fs.readFileSync(filename, "utf8");
    const key = crypto.createHash("sha256").update(KEY_PREFIX).update("\0").update(path.basename(filename)).update("\0").update(source).digest("hex");
    const cached = path.join(CACHE_DIR, `${key}.js`);
    try {
        return fs.readFileSync(cached, "utf8");
    } catch {
        const js = transpile(source, filename);
        try {
            fs.mkdirSync(CACHE_DIR, { recursive: true });
            const tmp = `${cached}.${process.pid}.tmp`;
            fs.writeFileSync(tmp, js);
            fs.renameSync(tmp, cached);
        } catch {
            // A read-only or full disk only costs speed: the file still loads from memory.
        }
        return js;
    }
}

require.extensions[".ts"] = (module, filename) => {
    module._compile(compiled(filename), filename);
};

module.exports = { CACHE_DIR, compiled };

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
 * so `NODE_OPTIONS=--enable-source-maps` maps them back to the .ts lines when debugging the
 * offline tools. Under `pulumi up` the language host installs source-map-support, which replaces
 * Node's stack formatting and looks for maps beside the .ts files (there are none): traces there
 * point into the cache.
 *
 * It also defers what the root of @pulumi/pulumi loads on every start for a feature this project
 * never uses (see DEFERRED_SDK_MODULES below): the one use of the SDK's internals outside
 * scripts/lib/sdkInternals.ts, because it must be in place before any TypeScript, and so before
 * the SDK, loads.
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

/**
 * Modules the root of @pulumi/pulumi loads on every start for features a Pulumi program does not
 * use when it runs: serialising JavaScript functions into a deployment
 * (`pulumi.runtime.serializeFunction`, dynamic providers, `computeCodePaths`), which loads the
 * TypeScript compiler (through the SDK's typescript-shim.js) and npm's dependency-tree reader with
 * its registry client (arborist, pacote, sigstore); and the Automation API (`pulumi.automation`,
 * which drives the CLI from a program of its own). Together they are more than half of what
 * loading the four SDKs costs. This program serialises no function and drives no CLI, and the
 * offline render runs under mocks: each module is loaded on first use instead. Each entry is the
 * SDK file that requires it and the request there; only that file's require changes, anyone else
 * requiring the same module gets it as usual.
 */
const DEFERRED_SDK_MODULES = [
    { from: "@pulumi/pulumi/typescript-shim.js", request: "typescript" },
    { from: "@pulumi/pulumi/runtime/closure/codePaths.js", request: "@npmcli/arborist" },
    { from: "@pulumi/pulumi/runtime/closure/codePaths.js", request: "normalize-package-data" },
    { from: "@pulumi/pulumi/index.js", request: "./automation" },
];

/**
 * A stand-in for a module that `load` loads on first use. It answers `__esModule` itself, so
 * TypeScript's `__importStar`/`__importDefault` (how the SDK's files import) pass it through
 * instead of copying every member (which would load it); its `default` is then the module, as
 * those helpers make it. Every other read, `in`, key listing and write goes to the module.
 */
function lazyModule(load) {
    let real;
    const get = () => (real ??= load());
    return new Proxy(
        {},
        {
            get: (_t, p) => (p === "__esModule" ? true : p === "default" ? get() : Reflect.get(get(), p)),
            has: (_t, p) => Reflect.has(get(), p),
            ownKeys: () => Reflect.ownKeys(get()),
            // A proxy may not report a non-configurable property that its (empty) target lacks.
            getOwnPropertyDescriptor: (_t, p) => {
                const d = Reflect.getOwnPropertyDescriptor(get(), p);
                return d && { ...d, configurable: true };
            },
            set: (_t, p, v) => Reflect.set(get(), p, v),
            defineProperty: (_t, p, d) => Reflect.defineProperty(get(), p, d),
            deleteProperty: (_t, p) => Reflect.deleteProperty(get(), p),
        },
    );
}

if (!process.env.JLD_EAGER_SDK) {
    const Module = require("module");
    const load = Module._load;
    const deferred = DEFERRED_SDK_MODULES.map((d) => ({
        request: d.request,
        from: `${path.sep}node_modules${path.sep}${d.from.split("/").join(path.sep)}`,
    }));
    const requests = new Set(deferred.map((d) => d.request));
    Module._load = function (request, parent, isMain) {
        if (requests.has(request) && parent && parent.filename && deferred.some((d) => d.request === request && parent.filename.endsWith(d.from))) {
            return lazyModule(() => load.call(this, request, parent, isMain));
        }
        return load.call(this, request, parent, isMain);
    };
}

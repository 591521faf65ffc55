/**
 * The render core: runs the real program (index.ts) under Pulumi mocks, fed by the real stack
 * files, and returns every declared resource with its inputs and options, deterministically.
 * Tests, the render script and the other tools all go through `renderStack`.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import { PROJECT, parseSettings } from "../../components/config";
import { LAB_PODS_FILE, labPods, labPodsYaml } from "./labPods";
import type { Render, RenderedResource } from "./renderShape";
import { MockRegistration, recordingMocks, urnName } from "./mocks";
import { recordedStackOutputs, runAsStack, skipEngineBookkeeping, waitForRegistrations } from "./sdkInternals";
import { loadStackConfig, Override, REPO_ROOT, SECRET_TEXT, StackConfig } from "./stackConfig";

// The render's shape lives in its own module so that readers of a render (labPods.ts) need not
// import the core that calls them.
export type { Render, RenderedResource } from "./renderShape";

/** A resource's identity in a render: its type and logical name, as `type::name`. */
export function resourceKey(r: { readonly type: string; readonly name: string }): string {
    return `${r.type}::${r.name}`;
}

const { specialSigKey, specialSecretSig, specialResourceSig, unknownValue } = pulumi.runtime;

/** `obj`'s entries in sorted key order, undefined ones dropped, each value mapped by `f`. */
function sortKeys(obj: object, f: (v: unknown) => unknown): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(obj).sort()) {
        const v = (obj as Record<string, unknown>)[key];
        if (v !== undefined) out[key] = f(v);
    }
    return out;
}

/** A JSON value with object keys sorted at every level, so equal values print equal text. */
export function canonical(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(canonical);
    if (value && typeof value === "object") return sortKeys(value, canonical);
    return value;
}

/**
 * Replaces secrets by `[secret]` (a secret map by its keys, each `[secret]`), resource references
 * by `${name}`, and sorts object keys.
 */
export function redact(value: unknown): unknown {
    if (value === unknownValue) {
        return "${unknown}";
    }
    if (Array.isArray(value)) {
        return value.map(redact);
    }
    if (value && typeof value === "object") {
        const obj = value as Record<string, unknown>;
        if (obj[specialSigKey] === specialSecretSig) {
            // A secret map (a Kubernetes Secret's `data`/`stringData`) keeps its keys, which are
            // not secret, so tests can check what a pod references; every value stays hidden.
            const inner = obj.value;
            if (inner && typeof inner === "object" && !Array.isArray(inner) && (inner as Record<string, unknown>)[specialSigKey] === undefined) {
                return sortKeys(inner, () => SECRET_TEXT);
            }
            return SECRET_TEXT;
        }
        if (obj[specialSigKey] === specialResourceSig) {
            return `\${${urnName(String(obj.urn ?? ""))}}`;
        }
        return sortKeys(obj, redact);
    }
    return value;
}

interface RecordedOptions {
    readonly parent: pulumi.Resource | undefined;
    readonly protect: boolean | undefined;
    readonly retainOnDelete: boolean;
    readonly deleteBeforeReplace: boolean;
    readonly dependsOn: unknown;
    readonly import: string | undefined;
    readonly ignoreChanges: string[] | undefined;
    readonly deletedWith: pulumi.Resource | undefined;
    readonly replaceOnChanges: string[] | undefined;
}

async function dependencyNames(dependsOn: unknown, names: WeakMap<pulumi.Resource, string>): Promise<string[]> {
    const resolved = await new Promise<unknown>((resolve) => {
        const out: pulumi.Output<unknown> = pulumi.output(dependsOn as pulumi.Input<unknown>);
        out.apply((v) => resolve(v));
    });
    const list = Array.isArray(resolved) ? resolved : resolved ? [resolved] : [];
    return list
        .map((r) => names.get(r as pulumi.Resource))
        .filter((n): n is string => !!n)
        .sort();
}

/** A Pulumi program: declares resources, returns the stack outputs. */
export type Program = () => Promise<Record<string, unknown>>;

function loadProgram(): Program {
    // Loaded lazily: the program's modules must see the mocks, which are set per render.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(`${REPO_ROOT}/index`) as Program;
}

let renderQueue: Promise<unknown> = Promise.resolve();

/**
 * Renders `stack` with `overrides` applied. Throws `ConfigError` for bad config, before any
 * resource is declared. Renders are serialised: the Pulumi runtime is global to the process.
 */
export function renderStack(
    stack: string,
    overrides: readonly Override[] = [],
    { secretStandIns = true, program }: { secretStandIns?: boolean; program?: Program } = {},
): Promise<Render> {
    // `program` stands in for index.ts in tests of the render core itself.
    const run = renderQueue.then(() => renderOnce(stack, loadStackConfig(stack, overrides, { secretStandIns }), program));
    renderQueue = run.catch(() => undefined);
    return run;
}

async function renderOnce(stack: string, config: StackConfig, given?: Program): Promise<Render> {
    // Validate first: a config mistake must not reach the engine, and is reported as one line.
    parseSettings(config.values, { project: PROJECT, stack });

    const registrations: MockRegistration[] = [];
    skipEngineBookkeeping();
    // Components' inputs are part of the render (the cost model reads the load balancers the edge
    // records among its inputs); the SDK drops them when this is set, so the render ignores it.
    delete process.env.PULUMI_NODEJS_SKIP_COMPONENT_INPUTS;
    await pulumi.runtime.setMocks(recordingMocks(registrations), PROJECT, stack, false);
    pulumi.runtime.setAllConfig(config.values, config.secretKeys);

    const names = new WeakMap<pulumi.Resource, string>();
    const keys = new WeakMap<pulumi.Resource, string>();
    const options = new Map<string, RecordedOptions>();
    const program = given ?? loadProgram();
    await runAsStack(async () => {
        pulumi.runtime.registerStackTransformation((args) => {
            const key = resourceKey(args);
            if (options.has(key)) {
                throw new Error(`two resources are named ${key}: logical names must be unique`);
            }
            names.set(args.resource, args.name);
            keys.set(args.resource, key);
            options.set(key, {
                parent: args.opts.parent,
                protect: args.opts.protect,
                retainOnDelete: args.opts.retainOnDelete === true,
                deleteBeforeReplace: (args.opts as pulumi.CustomResourceOptions).deleteBeforeReplace === true,
                dependsOn: args.opts.dependsOn,
                import: (args.opts as pulumi.CustomResourceOptions).import,
                ignoreChanges: args.opts.ignoreChanges?.length ? [...args.opts.ignoreChanges].sort() : undefined,
                deletedWith: args.opts.deletedWith,
                replaceOnChanges: args.opts.replaceOnChanges?.length ? [...args.opts.replaceOnChanges].sort() : undefined,
            });
            return undefined;
        });
        return program();
    });
    await waitForRegistrations();

    // Protect is inherited from the parent unless set, as the engine does; resolved by name now
    // that every parent is known.
    const effectiveProtect = (key: string | undefined): boolean => {
        const opts = key ? options.get(key) : undefined;
        if (!opts) return false;
        if (opts.protect !== undefined) return opts.protect;
        return effectiveProtect(opts.parent ? keys.get(opts.parent) : undefined);
    };
    const resources: RenderedResource[] = [];
    for (const reg of registrations) {
        if (reg.type === "pulumi:pulumi:Stack") {
            continue;
        }
        const key = resourceKey(reg);
        const opts = options.get(key);
        if (!opts) {
            throw new Error(`offline render: ${reg.type} ${reg.name} was registered without passing the stack transformation`);
        }
        resources.push({
            type: reg.type,
            name: reg.name,
            parent: opts.parent ? (names.get(opts.parent) ?? null) : null,
            custom: reg.custom,
            provider: reg.provider,
            protect: effectiveProtect(key),
            retainOnDelete: opts.retainOnDelete,
            deleteBeforeReplace: opts.deleteBeforeReplace,
            dependsOn: await dependencyNames(opts.dependsOn, names),
            inputs: redact(reg.inputs) as Record<string, unknown>,
            // Options beyond the contract's fields, after them and only when set.
            ...(opts.import !== undefined ? { import: opts.import } : {}),
            ...(opts.ignoreChanges !== undefined ? { ignoreChanges: opts.ignoreChanges } : {}),
            ...(opts.deletedWith !== undefined ? { deletedWith: names.get(opts.deletedWith) ?? "?" } : {}),
            ...(opts.replaceOnChanges !== undefined ? { replaceOnChanges: opts.replaceOnChanges } : {}),
        });
    }
    resources.sort((a, b) => (a.type === b.type ? cmp(a.name, b.name) : cmp(a.type, b.type)));

    const rawOutputs = recordedStackOutputs();
    return { stack, standIns: config.standIns, resources, outputs: redact(rawOutputs) as Record<string, unknown> };
}

function cmp(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether a resource is a Kubernetes object the program declares directly (not a Helm release). */
export function isManifest(r: RenderedResource): boolean {
    return r.custom && r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:helm.sh/");
}

/** Kubernetes objects the program declares directly (not Helm releases' contents). */
export function manifests(render: Render): Record<string, unknown>[] {
    return render.resources
        .filter(isManifest)
        .map((r) => r.inputs)
        .sort((a, b) => {
            const ka = manifestKey(a);
            const kb = manifestKey(b);
            return cmp(ka, kb);
        });
}

function manifestKey(m: Record<string, unknown>): string {
    const meta = (m.metadata ?? {}) as Record<string, unknown>;
    return `${String(meta.namespace ?? "")}\u0000${String(m.kind ?? "")}\u0000${String(meta.name ?? "")}`;
}

/** The two JSON files of a render, the contract a render is compared through (see `parseRenderJson`). */
export function renderJsonFiles(render: Render): { "resources.json": string; "outputs.json": string } {
    return {
        "resources.json": JSON.stringify(render.resources, null, 2) + "\n",
        "outputs.json": JSON.stringify(render.outputs, null, 2) + "\n",
    };
}

/** The files of a render, by file name, as bytes to write. */
export function renderFiles(render: Render): Record<string, string> {
    const json = renderJsonFiles(render);
    const docs = manifests(render).map((m) => YAML.stringify(m, { lineWidth: 0, sortMapEntries: true }));
    return {
        "resources.json": json["resources.json"],
        "manifests.yaml": docs.map((d) => `---\n${d}`).join(""),
        "outputs.json": json["outputs.json"],
        // The pods KubeSpawner creates at runtime, one per menu choice (see labPods.ts).
        [LAB_PODS_FILE]: labPodsYaml(labPods(render)),
    };
}

/** Writes the files of a render into `dir` (created if missing). */
export function writeRenderDir(dir: string, render: Render): void {
    fs.mkdirSync(dir, { recursive: true });
    for (const [file, text] of Object.entries(renderFiles(render))) {
        fs.writeFileSync(path.join(dir, file), text);
    }
}

/**
 * A render read back from its JSON files' text (`resources.json`, and `outputs.json` where the
 * renderer wrote one): what a render written here or at another ref is compared through. `where`
 * names the source in an error.
 */
export function parseRenderJson(files: { "resources.json": string; "outputs.json"?: string }, stack: string, where: string): Render {
    const resources = JSON.parse(files["resources.json"]) as unknown;
    if (!Array.isArray(resources) || resources.some((r) => !r || typeof r.type !== "string" || typeof r.name !== "string")) {
        throw new Error(`${where}/resources.json is not a render (expected a list of {type, name, inputs})`);
    }
    const outputs = files["outputs.json"] === undefined ? {} : (JSON.parse(files["outputs.json"]) as Record<string, unknown>);
    return { stack, standIns: [], resources: resources as RenderedResource[], outputs };
}

/** Reads a render directory written by `writeRenderDir` (here or at another ref) back into the Render shape. */
export function readRenderDir(dir: string, stack: string): Render {
    const read = (file: string): string => fs.readFileSync(path.join(dir, file), "utf8");
    const outputs = path.join(dir, "outputs.json");
    return parseRenderJson({ "resources.json": read("resources.json"), ...(fs.existsSync(outputs) ? { "outputs.json": read("outputs.json") } : {}) }, stack, dir);
}

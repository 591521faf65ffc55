/**
 * Reads a stack's config the way the Pulumi CLI hands it to the program: `Pulumi.yaml` project
 * defaults, then `stacks/Pulumi.<stack>.yaml`, then command-line overrides. Objects and lists
 * become JSON strings, scalars strings, exactly as `pulumi up` passes them in PULUMI_CONFIG.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { z } from "zod";
import { closest, ConfigError, isSecretKey, plaintextSecretMessage, PROJECT, projectSchema, requiredSecretKeys, SECRET_KEYS } from "../../components/config";

/** What the stand-in for an undecryptable or withheld secret renders as. */
export const SECRET_TEXT = "[secret]";

export interface StackConfig {
    /** `namespace:key` to the string Pulumi would pass. */
    readonly values: Record<string, string>;
    /** Keys whose values are secret. */
    readonly secretKeys: string[];
    /** Required secrets the stack file does not hold, stood in for by `[secret]`. */
    readonly standIns: string[];
}

export interface Override {
    /** A key as in the stack file (`gcp:region`, `jupyterlabdemo:hostname`); the project prefix may be omitted. A dotted key (`cluster.userPool.maxNodes`) sets a path inside an object value. */
    readonly key: string;
    readonly value: string;
    readonly secret?: boolean;
}

/** A mistake in how the render was asked for (unknown stack, malformed override): exit 2. */
export class UsageError extends Error {}

export const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** The top-level keys of a stack file (`ProjectStack` in pulumi/pulumi sdk/go/common/workspace/project.go). */
const STACK_FILE_KEYS = ["config", "environment", "secretsprovider", "encryptedkey", "encryptionsalt"];

function toConfigString(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}

function qualify(key: string): string {
    return key.includes(":") ? key : `${PROJECT}:${key}`;
}

/** The stacks that have a file in stacks/. */
export function listStacks(root = REPO_ROOT): string[] {
    return fs
        .readdirSync(path.join(root, "stacks"))
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => !!s)
        .sort();
}

/** Deeply frozen, so no caller can change what the parse cache hands to the next one. */
function deepFreeze<T>(value: T): T {
    if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
        Object.freeze(value);
        for (const v of Object.values(value)) deepFreeze(v);
    }
    return value;
}

// The tests load the same few stack files hundreds of times; parsing is what costs, reading the
// file is cheap. Keyed by the text, so an edited file is parsed afresh.
const parsedYaml = new Map<string, unknown>();

function readYaml(file: string, root: string): Readonly<Record<string, unknown>> {
    const text = fs.readFileSync(file, "utf8");
    let parsed = parsedYaml.get(text);
    if (parsed === undefined) {
        try {
            parsed = deepFreeze(YAML.parse(text) ?? {});
        } catch (e) {
            throw new UsageError(`${path.relative(root, file)}: not valid YAML: ${(e as Error).message.split("\n")[0].replace(/:$/, "")}`);
        }
        parsedYaml.set(text, parsed);
    }
    if (typeof parsed !== "object" || Array.isArray(parsed)) {
        throw new UsageError(`${path.relative(root, file)}: must be a YAML map (config: ...)`);
    }
    return parsed as Readonly<Record<string, unknown>>;
}

/**
 * Loads `stack`'s config from the repository at `root`, applying `overrides` in order.
 *
 * Secrets are never committed in plaintext, and a fresh checkout has none: with `secretStandIns`
 * (the default), a required secret that neither the stack file nor an override sets is stood in
 * for by `[secret]`, as an undecryptable `secure:` value is, and named in `standIns`. Without it,
 * the program's own "is required" error is what the render reports.
 */
export function loadStackConfig(
    stack: string,
    overrides: readonly Override[] = [],
    { secretStandIns = true, root = REPO_ROOT }: { secretStandIns?: boolean; root?: string } = {},
): StackConfig {
    const stackFile = path.join(root, "stacks", `Pulumi.${stack}.yaml`);
    if (!/^[A-Za-z0-9._-]+$/.test(stack) || !fs.existsSync(stackFile)) {
        throw new UsageError(`--stack ${stack}: unknown stack (stacks: ${listStacks(root).join(", ")})`);
    }
    const values: Record<string, string> = {};
    const secretKeys = new Set<string>();

    // Project-level defaults: `config:` in Pulumi.yaml, `key: {default|value: ...}` or a bare value.
    const project = readYaml(path.join(root, "Pulumi.yaml"), root);
    for (const [key, decl] of Object.entries((project.config ?? {}) as Record<string, unknown>)) {
        const d = decl && typeof decl === "object" && !Array.isArray(decl) ? (decl as Record<string, unknown>) : { value: decl };
        const v = d.value ?? d.default;
        if (v !== undefined) {
            values[qualify(key)] = toConfigString(v);
        }
    }

    const stackYaml = readYaml(stackFile, root);
    const stackFileName = path.relative(root, stackFile);
    for (const key of Object.keys(stackYaml)) {
        if (!STACK_FILE_KEYS.includes(key)) {
            const near = closest(key, STACK_FILE_KEYS);
            throw new UsageError(
                `${stackFileName}: ${key}: unknown top-level key${near ? ` (did you mean ${near}?)` : ""}; a stack file holds ${STACK_FILE_KEYS.join(", ")}`,
            );
        }
    }
    const stackConfig = stackYaml.config ?? {};
    if (typeof stackConfig !== "object" || Array.isArray(stackConfig)) {
        throw new UsageError(`${stackFileName}: config: must be a map of namespace:key to value`);
    }
    for (const [key, value] of Object.entries(stackConfig as Record<string, unknown>)) {
        if (value && typeof value === "object" && !Array.isArray(value) && "secure" in value) {
            // Encrypted with the stack's key: cannot be decrypted offline.
            values[qualify(key)] = SECRET_TEXT;
            secretKeys.add(qualify(key));
        } else {
            values[qualify(key)] = toConfigString(value);
        }
    }
    // The README promises secrets are never plaintext: a committed one is an error, its value unsaid.
    for (const key of SECRET_KEYS.map(qualify)) {
        if (values[key] !== undefined && !secretKeys.has(key)) {
            throw new ConfigError(`${key}: ${plaintextSecretMessage(key)} (in ${stackFileName} or Pulumi.yaml)`);
        }
    }

    for (const o of overrides) {
        applyOverride(values, secretKeys, o);
    }
    const standIns: string[] = [];
    if (secretStandIns) {
        for (const key of requiredSecretKeys(values).map(qualify)) {
            if (values[key] === undefined) {
                values[key] = SECRET_TEXT;
                secretKeys.add(key);
                standIns.push(key);
            }
        }
    }
    return { values, secretKeys: [...secretKeys].sort(), standIns };
}

/** Parses `key=value` from the command line. */
export function parseOverride(text: string, secret: boolean): Override {
    const eq = text.indexOf("=");
    if (eq <= 0) {
        throw new UsageError(`--set${secret ? "-secret" : ""} ${secret ? "<key>=<value>" : text}: expected <key>=<value>`);
    }
    return { key: text.slice(0, eq), value: text.slice(eq + 1), secret };
}

/** A step of a `--set` key path: a property name or a list index. */
export type PathPart = string | number;

/**
 * Splits the name part of a `--set` key into property names and list indices, with the Pulumi
 * CLI's property-path syntax (`ParsePropertyPathStrict` in pulumi/pulumi
 * sdk/go/common/resource/properties_path.go): `a.b`, `a[0].b`, `a["b.c"]`. A bare name runs to the
 * next `.` or `[`; a `.` must be followed by a name.
 */
function parseKeyPath(name: string): PathPart[] {
    const parts: PathPart[] = [];
    let rest = name;
    if (rest === "" || rest.startsWith(".")) throw new Error("expected the key to start with a name");
    while (rest.length > 0) {
        if (rest[0] === ".") {
            rest = rest.slice(1);
            if (rest === "" || rest[0] === "." || rest[0] === "[") throw new Error("expected a name after '.'");
        } else if (rest[0] === "[") {
            if (rest[1] === '"') {
                let key = "";
                let i = 2;
                for (; ; ) {
                    if (i >= rest.length) throw new Error("missing closing quote");
                    if (rest[i] === '"') break;
                    if (rest[i] === "\\" && rest[i + 1] === '"') {
                        key += '"';
                        i += 2;
                    } else {
                        key += rest[i++];
                    }
                }
                if (rest[i + 1] !== "]") throw new Error("missing closing bracket");
                parts.push(key);
                rest = rest.slice(i + 2);
            } else {
                const close = rest.indexOf("]");
                if (close < 0) throw new Error("missing closing bracket");
                const index = rest.slice(1, close);
                if (!/^[0-9]+$/.test(index)) throw new Error(`invalid list index [${index}]`);
                parts.push(Number(index));
                rest = rest.slice(close + 1);
            }
        } else {
            const end = rest.search(/[.[]/);
            parts.push(end < 0 ? rest : rest.slice(0, end));
            rest = end < 0 ? "" : rest.slice(end);
        }
    }
    return parts;
}

/** The JSON-schema type the config schema gives the value at `path` of `namespace:top`; undefined when unknown. */
function schemaTypeAt(namespace: string, path: readonly PathPart[]): string | undefined {
    if (namespace !== PROJECT) return undefined;
    let s: JsonSchemaNode | undefined = projectJsonSchema();
    for (const part of path) {
        // A record (per-user quota overrides) has no named properties: its values' schema applies.
        const record: JsonSchemaNode | undefined = typeof s?.additionalProperties === "object" ? s.additionalProperties : undefined;
        s = typeof part === "number" ? s?.items : (s?.properties?.[part] ?? record);
    }
    return s?.type;
}

interface JsonSchemaNode {
    type?: string;
    properties?: Record<string, JsonSchemaNode>;
    /** A record's value schema; `false` on a strict object. */
    additionalProperties?: JsonSchemaNode | boolean;
    items?: JsonSchemaNode;
}

let cachedProjectJsonSchema: JsonSchemaNode | undefined;
/** The project schema's JSON Schema (input side, unrepresentable parts as any), made once; callers only read it. */
export function projectJsonSchema(): JsonSchemaNode {
    cachedProjectJsonSchema ??= z.toJSONSchema(projectSchema, { io: "input", unrepresentable: "any" }) as JsonSchemaNode;
    return cachedProjectJsonSchema;
}

/**
 * The value a `--set` text becomes at a key path, by the schema's type for that key:
 *
 * - a string key (or one the schema does not know) keeps the text verbatim: `Size #2 (big)`,
 *   `a: b`, `0x40` and a 20-digit client id stay exactly as typed;
 * - a boolean or integer key converts as `pulumi config set --path` converts an untyped value
 *   (`coerce` in pulumi/pulumi sdk/go/common/resource/config/object.go, used by `Map.Set` for a
 *   path longer than one part): exactly `true` and `false` become booleans, and base-10 digits
 *   with an optional sign and no leading zero (`0` alone is fine) that fit 64 bits become
 *   integers; anything else stays a string, which validation then refuses naming the key (the
 *   CLI's own help, pkg/cmd/pulumi/config/config.go: "true" and "false" are booleans, integers
 *   are numbers, all other values strings, top-level entries always strings);
 * - a number key (CPU cores) converts as `pulumi config set --path --type float` does, since an
 *   untyped value never becomes a fraction there; decimal notation only;
 * - a list or object key takes JSON (Pulumi has no such form: it sets one element at a time,
 *   `key[0]`), so a menu entry can be given whole.
 *
 * An integer JavaScript cannot hold exactly is refused rather than rounded.
 */
function convertSetValue(type: string | undefined, text: string): unknown {
    if (type === "boolean" || type === "integer" || type === "number") {
        if (text === "true" || text === "false") return text === "true";
        if (/^0[0-9]+$/.test(text)) {
            throw new Error(`must not have a leading zero (pulumi config set --path keeps ${text} a string), got ${text}`);
        }
        if (/^[+-]?[0-9]+$/.test(text)) {
            const n = BigInt(text);
            if (n >= -(2n ** 63n) && n < 2n ** 64n) {
                if (!Number.isSafeInteger(Number(n))) throw new Error(`${text} is beyond the whole numbers JavaScript holds exactly`);
                return Number(n);
            }
        }
        if (/^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(text)) {
            if (type === "number") return Number(text);
            // Pulumi would store these as strings; say why the key refuses them.
            if (type === "integer") throw new Error(`must be a whole number, got ${text}`);
        }
        return text;
    }
    if (type === "array" || type === "object") {
        try {
            return JSON.parse(text);
        } catch {
            throw new Error(`expected JSON (a ${type === "array" ? "list" : "object"})`);
        }
    }
    return text;
}

/** Sets `value` at `path` inside `node`, creating lists and objects on the way like Pulumi's `object.Set`. */
function setAt(node: unknown, path: readonly PathPart[], value: unknown, where: string): unknown {
    if (path.length === 0) return value;
    const [head, ...tail] = path;
    if (typeof head === "number") {
        const list = Array.isArray(node) ? [...node] : node === undefined ? [] : undefined;
        if (!list) throw new Error(`${where} is not a list`);
        if (head > list.length) throw new Error(`${where}[${head}]: index out of range (the list has ${list.length})`);
        list[head] = setAt(list[head], tail, value, `${where}[${head}]`);
        return list;
    }
    const obj = node && typeof node === "object" && !Array.isArray(node) ? { ...(node as Record<string, unknown>) } : node === undefined ? {} : undefined;
    if (!obj) throw new Error(`${where} is not an object`);
    obj[head] = setAt(obj[head], tail, value, `${where}.${head}`);
    return obj;
}

/** Applies one `--set`/`--set-secret` to `values`: a usage error naming the key on any mistake. */
function applyOverride(values: Record<string, string>, secretKeys: Set<string>, o: Override): void {
    const flag = o.secret ? "--set-secret" : "--set";
    const qualified = qualify(o.key);
    const colon = qualified.indexOf(":");
    const namespace = qualified.slice(0, colon);
    let path: PathPart[];
    try {
        if (!/^[A-Za-z0-9_-]+$/.test(namespace)) throw new Error("expected namespace:key");
        path = parseKeyPath(qualified.slice(colon + 1));
        if (typeof path[0] !== "string" || !/^[A-Za-z0-9_-]+$/.test(path[0])) throw new Error("expected a key name first");
    } catch (e) {
        throw new UsageError(`${flag} ${o.key}: not a config key (namespace:key or key.path): ${(e as Error).message}`);
    }
    const top = `${namespace}:${path[0]}`;
    const name = `${namespace}:${path.slice(1).reduce<string>((acc, p) => (typeof p === "number" ? `${acc}[${p}]` : `${acc}.${p}`), String(path[0]))}`;
    const secretKey = namespace === PROJECT && path.length === 1 && isSecretKey(path[0]);
    if (o.secret && !secretKey) {
        // The value is never echoed: whoever typed --set-secret meant it to stay hidden.
        throw new UsageError(`${flag} ${name}: not a secret key (secret keys: ${SECRET_KEYS.map((k) => `${PROJECT}:${k}`).join(", ")}); use --set`);
    }
    if (!o.secret && namespace === PROJECT && isSecretKey(path[0])) {
        throw new UsageError(`${flag} ${name}: is a secret; use --set-secret (the value is never written in plaintext)`);
    }
    if (path.length === 1) {
        // Top-level values are always strings, as `pulumi config set` stores them.
        values[top] = o.value;
    } else {
        let converted: unknown;
        try {
            converted = convertSetValue(schemaTypeAt(namespace, path), o.value);
        } catch (e) {
            throw new UsageError(`${flag} ${name}: ${(e as Error).message}`);
        }
        // Like Pulumi, a first-level value that is not a list or object is replaced by one.
        let root: unknown;
        try {
            root = values[top] === undefined ? undefined : JSON.parse(values[top]);
        } catch {
            root = undefined;
        }
        if (root === null || typeof root !== "object") root = undefined;
        try {
            values[top] = JSON.stringify(setAt(root, path.slice(1), converted, top));
        } catch (e) {
            throw new UsageError(`${flag} ${name}: ${(e as Error).message}`);
        }
    }
    if (o.secret) {
        secretKeys.add(top);
    }
}

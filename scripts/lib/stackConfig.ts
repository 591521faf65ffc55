/**
 * Reads a stack's config the way the Pulumi CLI hands it to the program: `Pulumi.yaml` project
 * defaults, then `stacks/Pulumi.<stack>.yaml`, then command-line overrides. Objects and lists
 * become JSON strings, scalars strings, exactly as `pulumi up` passes them in PULUMI_CONFIG.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { PROJECT, requiredSecretKeys } from "../../components/config";

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

function readYaml(file: string): Record<string, unknown> {
    try {
        return (YAML.parse(fs.readFileSync(file, "utf8")) ?? {}) as Record<string, unknown>;
    } catch (e) {
        throw new UsageError(`${path.relative(REPO_ROOT, file)}: not valid YAML: ${(e as Error).message.split("\n")[0]}`);
    }
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
        throw new UsageError(`unknown stack "${stack}" (stacks: ${listStacks(root).join(", ")})`);
    }
    const values: Record<string, string> = {};
    const secretKeys = new Set<string>();

    // Project-level defaults: `config:` in Pulumi.yaml, `key: {default|value: ...}` or a bare value.
    const project = readYaml(path.join(root, "Pulumi.yaml"));
    for (const [key, decl] of Object.entries((project.config ?? {}) as Record<string, unknown>)) {
        const d = decl && typeof decl === "object" && !Array.isArray(decl) ? (decl as Record<string, unknown>) : { value: decl };
        const v = d.value ?? d.default;
        if (v !== undefined) {
            values[qualify(key)] = toConfigString(v);
        }
    }

    const stackConfig = (readYaml(stackFile).config ?? {}) as Record<string, unknown>;
    for (const [key, value] of Object.entries(stackConfig)) {
        if (value && typeof value === "object" && !Array.isArray(value) && "secure" in value) {
            // Encrypted with the stack's key: cannot be decrypted offline.
            values[qualify(key)] = SECRET_TEXT;
            secretKeys.add(qualify(key));
        } else {
            values[qualify(key)] = toConfigString(value);
        }
    }

    for (const o of overrides) {
        const [top, ...rest] = qualify(o.key).split(".");
        if (!/^[A-Za-z0-9_-]+:[A-Za-z0-9_-]+$/.test(top) || rest.some((p) => p === "")) {
            throw new UsageError(`--set${o.secret ? "-secret" : ""} ${o.key}: not a config key (namespace:key or key.path)`);
        }
        if (rest.length === 0) {
            values[top] = o.value;
        } else {
            // Like `pulumi config set --path`: set one field inside an object value.
            let root: unknown = {};
            if (values[top] !== undefined) {
                try {
                    root = JSON.parse(values[top]);
                } catch {
                    throw new UsageError(`--set ${o.key}: ${top} is not an object`);
                }
            }
            let node = root as Record<string, unknown>;
            for (const part of rest.slice(0, -1)) {
                if (!node[part] || typeof node[part] !== "object") {
                    node[part] = {};
                }
                node = node[part] as Record<string, unknown>;
            }
            node[rest[rest.length - 1]] = YAML.parse(o.value);
            values[top] = JSON.stringify(root);
        }
        if (o.secret) {
            secretKeys.add(top);
        }
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

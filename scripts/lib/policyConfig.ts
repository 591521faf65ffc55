/**
 * The policy pack's config, read and checked as the engine does before it runs a rule: the pack's
 * policies/policy-config.json, a `--policy-pack-config` file laid over it, every key a policy of
 * the pack, every enforcement level known, every property valid against the rule's configSchema.
 */
import Ajv, { type ValidateFunction } from "ajv";
import * as fs from "fs";
import * as path from "path";
import type { EnforcementLevel, Policies, PolicyPackConfig } from "@pulumi/policy";
import { REPO_ROOT, UsageError } from "./stackConfig";

const POLICY_CONFIG_FILE = path.join(REPO_ROOT, "policies", "policy-config.json");

/** The pack's version, from policies/package.json as the engine reads it. */
export function policyPackVersion(): string {
    return (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "policies", "package.json"), "utf8")) as { version: string }).version;
}

/** A policy config entry after normalisation: enforcement level and properties. */
export interface ResolvedConfig {
    readonly enforcementLevel?: EnforcementLevel;
    readonly properties: Record<string, unknown>;
}

/** Thrown for a policy config the engine would reject; the message is one line (exit 2, like bad usage). */
export class PolicyConfigError extends UsageError {}

const LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

// Compiling a schema (and building Ajv's meta-schema) costs far more than validating against it,
// and the check runs once per render in the tests: one Ajv per process, one validator per schema.
// Keyed by the schema's JSON text, so an equal schema from another object reuses its validator and
// a changed one never does (addUsedSchema off: a schema's $id never clashes with an earlier one).
let ajv: Ajv | undefined;
const validators = new Map<string, ValidateFunction>();

function validatorFor(configSchema: object): ValidateFunction {
    const schema = { type: "object", additionalProperties: false, ...configSchema };
    const key = JSON.stringify(schema);
    let validate = validators.get(key);
    if (!validate) {
        ajv ??= new Ajv({ allErrors: false, strict: false, addUsedSchema: false });
        validate = ajv.compile(schema);
        validators.set(key, validate);
    }
    return validate;
}

/** Reads the policy config file (policies/policy-config.json unless `file` is given). */
export function loadPolicyConfig(file: string = POLICY_CONFIG_FILE): PolicyPackConfig {
    try {
        return JSON.parse(fs.readFileSync(file, "utf8")) as PolicyPackConfig;
    } catch (e) {
        const shown = path.relative(process.cwd(), file);
        throw new PolicyConfigError(`${shown.startsWith("..") ? file : shown}: ${(e as Error).message.split("\n")[0]}`);
    }
}

/**
 * A `--policy-pack-config` file applied on top of the pack's own config, as the engine applies
 * it: per policy, the file's enforcement level and properties win, the pack's others remain.
 */
export function overlayPolicyConfig(base: PolicyPackConfig, overlay: PolicyPackConfig): PolicyPackConfig {
    const asObject = (entry: PolicyPackConfig[string] | undefined): Record<string, unknown> =>
        entry === undefined ? {} : typeof entry === "string" ? { enforcementLevel: entry } : { ...entry };
    const out: PolicyPackConfig = { ...base };
    for (const [name, entry] of Object.entries(overlay)) {
        out[name] = { ...asObject(base[name]), ...asObject(entry) } as PolicyPackConfig[string];
    }
    return out;
}

/**
 * Normalises and validates a policy config as the engine does: every key names a policy of the
 * pack (or `all`), every enforcement level is a known one, and every property validates against
 * the policy's configSchema.
 */
export function resolvePolicyConfig(policies: Policies, config: PolicyPackConfig): Map<string, ResolvedConfig> {
    const byName = new Map(policies.map((p) => [p.name, p]));
    const out = new Map<string, ResolvedConfig>();
    const allLevel = config.all === undefined ? undefined : typeof config.all === "string" ? config.all : config.all.enforcementLevel;
    for (const [name, raw] of Object.entries(config)) {
        if (name === "all") continue;
        const policy = byName.get(name);
        if (!policy) {
            throw new PolicyConfigError(`policy config: "${name}" is not a policy of the pack (have: ${[...byName.keys()].join(", ")})`);
        }
        const { enforcementLevel, ...properties } = typeof raw === "string" ? { enforcementLevel: raw } : raw;
        if (enforcementLevel !== undefined && !LEVELS.includes(enforcementLevel)) {
            throw new PolicyConfigError(`policy config: ${name}.enforcementLevel must be one of ${LEVELS.join(", ")}, got "${String(enforcementLevel)}"`);
        }
        if (Object.keys(properties).length > 0) {
            if (!policy.configSchema) {
                throw new PolicyConfigError(`policy config: ${name} takes no configuration, got ${Object.keys(properties).join(", ")}`);
            }
            const validate = validatorFor(policy.configSchema);
            if (!validate(properties)) {
                const err = validate.errors?.[0];
                throw new PolicyConfigError(`policy config: ${name}${err?.instancePath.replace(/\//g, ".") ?? ""} ${err?.message ?? "is invalid"}`);
            }
        }
        out.set(name, { enforcementLevel, properties });
    }
    if (allLevel !== undefined) {
        for (const p of policies) {
            const own = out.get(p.name);
            out.set(p.name, { enforcementLevel: own?.enforcementLevel ?? allLevel, properties: own?.properties ?? {} });
        }
    }
    return out;
}

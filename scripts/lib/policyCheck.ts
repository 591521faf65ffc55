/**
 * The offline policy check: runs every rule of the policy pack over a render (the program under
 * mocks, see render.ts), with no engine, passing each rule the arguments the engine would pass in
 * `pulumi preview`, and reports violations in the engine's words.
 *
 * What "as the engine would" means here (checked against @pulumi/policy 1.21.0's server.js):
 * - Resource rules get `{type, props, urn, name, opts, provider, stackTags, isType, asType,
 *   getConfig, notApplicable}`; stack rules get `{resources, stackTags, getConfig, notApplicable}`
 *   where each resource has `props, opts, parent, dependencies, propertyDependencies`.
 * - `props` are the resource's inputs behind the engine's own unknown-checking proxy. Values known
 *   only after deployment are the engine's unknown sentinel: in the render they are the
 *   placeholders `${<logical name>.<path>}` and `${unknown}` (anywhere in a string: a string built
 *   from an unknown is unknown) and `[secret]` (a secret the render does not have). A rule that reads
 *   one throws `UnknownValueError`, which becomes the engine's advisory "can't run policy ... during
 *   preview" note, never a failure.
 * - `propertyDependencies` come from those placeholders (an input computed from another
 *   resource's output depends on it); `dependencies` add the explicit `dependsOn`.
 * - `opts` are what the engine's analyzer protocol carries (protect, ignoreChanges, aliases,
 *   customTimeouts, additionalSecretOutputs, parent, deleteBeforeReplace when set), plus
 *   `retainOnDelete`, which the engine cannot pass and the render knows.
 * - Enforcement level: the policy config's, else the rule's, else the pack default (advisory);
 *   `disabled` skips the rule; `remediate` reports as mandatory.
 * - Each violation's message is the rule's description, a newline, and the rule's message.
 */
import Ajv from "ajv";
import * as fs from "fs";
import * as path from "path";
import {
    EnforcementLevel,
    Policies,
    PolicyPackConfig,
    PolicyResource,
    PolicyResourceOptions,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { isUnknownValueError, ResourceClass } from "../../policies/lib/policy";
import { POLICY_PACK_NAME, rules } from "../../policies/rules";
import { PROJECT } from "../../components/config";
import { labPodResources } from "./labPods";
import { placeholderSources, urnName } from "./mocks";
// The engine's unknown sentinel and proxy: the rules see exactly the objects they see under
// `pulumi preview`. Its UnknownValueError is tested by the pack's own isUnknownValueError.
import { UNKNOWN_STRING_VALUE, unknownCheckingProxy } from "./sdkInternals";
import type { Render, RenderedResource } from "./render";
import { REPO_ROOT, SECRET_TEXT, UsageError } from "./stackConfig";


export const POLICY_CONFIG_FILE = path.join(REPO_ROOT, "policies", "policy-config.json");

/** The pack's version, from policies/package.json as the engine reads it. */
export function policyPackVersion(): string {
    return (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "policies", "package.json"), "utf8")) as { version: string }).version;
}

/** One diagnostic, as the engine reports it. */
export interface PolicyViolation {
    readonly policyName: string;
    readonly enforcementLevel: "advisory" | "mandatory";
    /** The rule's description, a newline, and the rule's message. */
    readonly message: string;
    /** The resource in violation; absent for a stack-wide finding. */
    readonly urn?: string;
}

export interface PolicyReport {
    readonly stack: string;
    readonly packName: string;
    readonly packVersion: string;
    readonly violations: PolicyViolation[];
    readonly mandatory: number;
    readonly advisory: number;
}

/** A policy config entry after normalisation: enforcement level and properties. */
interface ResolvedConfig {
    readonly enforcementLevel?: EnforcementLevel;
    readonly properties: Record<string, unknown>;
}

/** Thrown for a policy config the engine would reject; the message is one line (exit 2, like bad usage). */
export class PolicyConfigError extends UsageError {}

const LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

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
    const ajv = new Ajv({ allErrors: false, strict: false });
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
            const validate = ajv.compile({ type: "object", additionalProperties: false, ...policy.configSchema });
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

// ---------------------------------------------------------------------------------------------
// Resources as the engine passes them

/** The logical names a string's placeholders refer to, or undefined when the string is known. */
function unknownSources(s: string, names: ReadonlySet<string>): string[] | undefined {
    if (s === SECRET_TEXT) return [];
    const sources = placeholderSources(s).filter((n) => n === "unknown" || names.has(n));
    return sources.length > 0 ? sources.filter((n) => n !== "unknown") : undefined;
}

/** Inputs with unknown values replaced by the engine's sentinel; records the names they came from. */
function toEngineValue(value: unknown, names: ReadonlySet<string>, deps: Set<string>): unknown {
    if (typeof value === "string") {
        const sources = unknownSources(value, names);
        if (sources === undefined) return value;
        sources.forEach((s) => deps.add(s));
        return UNKNOWN_STRING_VALUE;
    }
    if (Array.isArray(value)) return value.map((v) => toEngineValue(v, names, deps));
    if (value && typeof value === "object") {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) out[k] = toEngineValue(v, names, deps);
        return out;
    }
    return value;
}

/** The engine's isTypeOf: the class's Pulumi type token, else its isInstance. */
function isTypeOf(type: string, cls: ResourceClass): boolean {
    if (typeof cls.__pulumiType === "string" && cls.__pulumiType.length > 0) return type === cls.__pulumiType;
    return typeof cls.isInstance === "function" && cls.isInstance({ __pulumiType: type }) === true;
}

/** The `isType` and `asType` the engine gives a rule for a resource of `type` seen as `props`. */
function typeTests(type: string, props: unknown): Pick<ResourceValidationArgs & PolicyResource, "isType" | "asType"> {
    return {
        isType: (cls: ResourceClass) => isTypeOf(type, cls),
        asType: ((cls: ResourceClass) => (isTypeOf(type, cls) ? props : undefined)) as ResourceValidationArgs["asType"] & PolicyResource["asType"],
    };
}

interface EngineResource {
    readonly rendered: RenderedResource;
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly props: Record<string, unknown>;
    readonly opts: PolicyResourceOptions & { retainOnDelete: boolean };
    readonly parentUrn?: string;
    readonly providerUrn?: string;
    readonly dependencyNames: string[];
    readonly propertyDependencyNames: Record<string, string[]>;
}

/** Builds the engine's view of every resource of a stack's render. */
export function engineResources(stack: string, resources: readonly RenderedResource[]): EngineResource[] {
    const names = new Set(resources.map((r) => r.name));
    const byName = (name: string): RenderedResource | undefined =>
        resources.find((r) => r.name === name && !r.custom) ?? resources.find((r) => r.name === name);
    const urnCache = new Map<RenderedResource, string>();
    const qualifiedType = (r: RenderedResource, seen: Set<RenderedResource> = new Set()): string => {
        const parent = r.parent ? byName(r.parent) : undefined;
        if (!parent || seen.has(parent)) return r.type;
        seen.add(r);
        return `${qualifiedType(parent, seen)}$${r.type}`;
    };
    const urnOf = (r: RenderedResource): string => {
        if (!urnCache.has(r)) urnCache.set(r, `urn:pulumi:${stack}::${PROJECT}::${qualifiedType(r)}::${r.name}`);
        return urnCache.get(r)!;
    };
    return resources.map((r) => {
        const propertyDependencyNames: Record<string, string[]> = {};
        const props: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(r.inputs)) {
            const deps = new Set<string>();
            props[key] = toEngineValue(value, names, deps);
            if (deps.size > 0) propertyDependencyNames[key] = [...deps].sort();
        }
        const parent = r.parent ? byName(r.parent) : undefined;
        const provider = r.provider ? resources.find((p) => p.name === r.provider && p.type.startsWith("pulumi:providers:")) : undefined;
        const opts: PolicyResourceOptions & { retainOnDelete: boolean } = {
            protect: r.protect,
            ignoreChanges: [],
            aliases: [],
            customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
            additionalSecretOutputs: [],
            retainOnDelete: r.retainOnDelete,
            ...(r.deleteBeforeReplace ? { deleteBeforeReplace: true } : {}),
            ...(parent ? { parent: urnOf(parent) } : {}),
        };
        const dependencyNames = [...new Set([...r.dependsOn, ...Object.values(propertyDependencyNames).flat()])].sort();
        return {
            rendered: r,
            type: r.type,
            name: r.name,
            urn: urnOf(r),
            props,
            opts,
            parentUrn: parent ? urnOf(parent) : undefined,
            providerUrn: provider ? urnOf(provider) : undefined,
            dependencyNames,
            propertyDependencyNames,
        };
    });
}

// ---------------------------------------------------------------------------------------------
// Running the rules

const NOT_APPLICABLE = Symbol("not applicable");

function throwNotApplicable(): never {
    throw NOT_APPLICABLE;
}

function levelOf(p: { name: string; enforcementLevel?: EnforcementLevel }, config: Map<string, ResolvedConfig>): EnforcementLevel {
    // The pack sets no default level, so the SDK's default applies: advisory.
    return config.get(p.name)?.enforcementLevel ?? p.enforcementLevel ?? "advisory";
}

function isStackPolicy(p: ResourceValidationPolicy | StackValidationPolicy): p is StackValidationPolicy {
    return typeof (p as StackValidationPolicy).validateStack === "function";
}

export interface CheckOptions {
    /** The rules to run; default: every rule of the pack. */
    readonly policies?: Policies;
    /** The policy config; default: policies/policy-config.json. */
    readonly config?: PolicyPackConfig;
}

/**
 * Runs the rules over a render and its lab pods (the pods KubeSpawner would create, one per menu
 * choice, as `kubernetes:core/v1:Pod` resources: see labPods.ts), so the workload rules judge the
 * pods that run users' code as they judge the Deployments.
 */
export function checkRender(render: Render, options: CheckOptions = {}): Promise<PolicyReport> {
    return checkResources(render.stack, [...render.resources, ...labPodResources(render)], options);
}

/** Runs the rules over a stack's resources (as the render records them). */
export async function checkResources(stack: string, resources: readonly RenderedResource[], options: CheckOptions = {}): Promise<PolicyReport> {
    const policies = options.policies ?? rules;
    const config = resolvePolicyConfig(policies, options.config ?? loadPolicyConfig());
    const packVersion = policyPackVersion();
    const engine = engineResources(stack, resources);
    const byUrn = new Map(engine.map((r) => [r.urn, r]));
    const byName = new Map(engine.map((r) => [r.name, r]));
    const stackTags: ReadonlyMap<string, string> = new Map();
    const violations: PolicyViolation[] = [];

    const getConfigFor = (name: string) => <T extends object>(): T => ({ ...(config.get(name)?.properties ?? {}) }) as T;
    const reporterFor = (p: { name: string; description: string }, level: "advisory" | "mandatory", defaultUrn?: string): ReportViolation =>
        (message: string, urn?: string) => {
            violations.push({
                policyName: p.name,
                enforcementLevel: level,
                message: message ? `${p.description}\n${message}` : p.description,
                urn: defaultUrn ?? urn,
            });
        };
    const cantRun = (p: { name: string }, e: unknown, urn?: string): boolean => {
        if (!isUnknownValueError(e)) return false;
        violations.push({
            policyName: p.name,
            enforcementLevel: "advisory",
            message: `can't run policy '${p.name}' from policy pack '${POLICY_PACK_NAME}@v${packVersion}' during preview: ${(e as Error).message}`,
            urn,
        });
        return true;
    };
    const providerOf = (r: EngineResource) => {
        const p = r.providerUrn ? byUrn.get(r.providerUrn) : undefined;
        return p ? { type: p.type, props: unknownCheckingProxy(p.props), urn: p.urn, name: p.name } : undefined;
    };

    for (const p of policies) {
        let level = levelOf(p, config);
        if (level === "disabled") continue;
        if (level === "remediate") level = "mandatory";
        const reportLevel = level as "advisory" | "mandatory";

        if (isStackPolicy(p)) {
            const policyResources = new Map<string, PolicyResource>();
            for (const r of engine) {
                const props = unknownCheckingProxy(r.props);
                policyResources.set(r.urn, {
                    type: r.type,
                    props,
                    urn: r.urn,
                    name: r.name,
                    opts: r.opts,
                    provider: providerOf(r),
                    dependencies: [],
                    propertyDependencies: {},
                    ...typeTests(r.type, props),
                } as PolicyResource);
            }
            for (const r of engine) {
                const pr = policyResources.get(r.urn)!;
                const resolve = (n: string) => policyResources.get(byName.get(n)?.urn ?? "");
                if (r.parentUrn) pr.parent = policyResources.get(r.parentUrn);
                pr.dependencies = r.dependencyNames.map(resolve).filter((x): x is PolicyResource => !!x);
                for (const [k, ns] of Object.entries(r.propertyDependencyNames)) {
                    pr.propertyDependencies[k] = ns.map(resolve).filter((x): x is PolicyResource => !!x);
                }
            }
            const args: StackValidationArgs = {
                resources: [...policyResources.values()],
                stackTags,
                getConfig: getConfigFor(p.name),
                notApplicable: throwNotApplicable,
            };
            try {
                await p.validateStack(args, reporterFor(p, reportLevel));
            } catch (e) {
                if (e !== NOT_APPLICABLE && !cantRun(p, e)) throw e;
            }
            continue;
        }

        const validations = p.validateResource === undefined ? [] : Array.isArray(p.validateResource) ? p.validateResource : [p.validateResource];
        for (const r of engine) {
            for (const validate of validations) {
                const props = unknownCheckingProxy(r.props);
                const args: ResourceValidationArgs = {
                    type: r.type,
                    props,
                    urn: r.urn,
                    name: r.name,
                    opts: r.opts,
                    stackTags,
                    ...typeTests(r.type, props),
                    getConfig: getConfigFor(p.name),
                    notApplicable: throwNotApplicable,
                };
                const provider = providerOf(r);
                if (provider) args.provider = provider;
                try {
                    await validate(args, reporterFor(p, reportLevel, r.urn));
                } catch (e) {
                    // validateResourceOfType's own type filter throws through our notApplicable.
                    if (e === NOT_APPLICABLE) continue;
                    if (!cantRun(p, e, r.urn)) {
                        throw new Error(`Error validating resource with policy '${p.name}': ${(e as Error).message ?? String(e)}`);
                    }
                }
            }
        }
    }
    return {
        stack,
        packName: POLICY_PACK_NAME,
        packVersion,
        violations,
        mandatory: violations.filter((v) => v.enforcementLevel === "mandatory").length,
        advisory: violations.filter((v) => v.enforcementLevel === "advisory").length,
    };
}

// ---------------------------------------------------------------------------------------------
// Output

/** `name: type` of a URN, as the engine prints a resource. */
export function describeUrn(urn: string | undefined): string {
    if (!urn) return "stack";
    const qualified = urn.split("::")[2] ?? "";
    return `${urnName(urn)}: ${qualified.slice(qualified.lastIndexOf("$") + 1)}`;
}

/**
 * The report in the words of the engine's "Policy Violations" section: per violation, the level,
 * the pack, the rule and the resource, then the description and message lines.
 */
export function formatReport(report: PolicyReport): string {
    const lines: string[] = [];
    const order = (v: PolicyViolation) => (v.enforcementLevel === "mandatory" ? 0 : 1);
    const sorted = [...report.violations].sort((a, b) => order(a) - order(b));
    if (sorted.length > 0) {
        lines.push("Policy Violations:");
        for (const v of sorted) {
            lines.push(`    [${v.enforcementLevel}]  ${report.packName} v${report.packVersion}  ${v.policyName} (${describeUrn(v.urn)})`);
            for (const line of v.message.split("\n")) lines.push(`    ${line}`);
        }
        lines.push("");
    }
    lines.push(
        `policy: stack ${report.stack}: ${report.mandatory} mandatory, ${report.advisory} advisory violation(s)` +
            (report.mandatory > 0 ? " — the engine would block this update" : ""),
    );
    return lines.join("\n") + "\n";
}

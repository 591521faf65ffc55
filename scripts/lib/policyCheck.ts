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
 * - A resource rule whose single validation carries a type token is skipped for resources of other
 *   types, as the engine's fast check skips it (not applicable, nothing reported).
 * - Enforcement level: the policy config's, else the rule's, else the pack default (advisory);
 *   `disabled` skips the rule; `remediate` reports as mandatory.
 * - Each violation's message is the rule's description, a newline, and the rule's message.
 */
import type {
    EnforcementLevel,
    Policies,
    PolicyPackConfig,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { isUnknownValueError } from "../../policies/lib/policy";
import { POLICY_PACK_NAME, rules } from "../../policies/rules";
import { labPodResources } from "./labPods";
import { urnName } from "./mocks";
import { loadPolicyConfig, policyPackVersion, ResolvedConfig, resolvePolicyConfig } from "./policyConfig";
import { EngineResource, engineResources, typeTests } from "./policyResources";
// The engine's unknown-checking proxy: the rules see exactly the objects they see under
// `pulumi preview`. Its UnknownValueError is tested by the pack's own isUnknownValueError.
import { pulumiTypeOf, unknownCheckingProxy } from "./sdkInternals";
import type { Render, RenderedResource } from "./render";

export { loadPolicyConfig, overlayPolicyConfig, PolicyConfigError, resolvePolicyConfig } from "./policyConfig";

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
        // The engine's fast check: a single validation carrying a type token (validateResourceOfType)
        // is not applicable to a resource of another type, and is not called for it.
        const onlyType = Array.isArray(p.validateResource) ? undefined : pulumiTypeOf(p.validateResource);
        for (const r of engine) {
            if (onlyType !== undefined && r.type !== onlyType) continue;
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

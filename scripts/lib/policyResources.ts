/**
 * The resources of a render as the engine passes them to the policy rules (see policyCheck.ts):
 * inputs known only after deployment become the engine's unknown sentinel, each input records the
 * resources it was computed from, and each resource gets its URN, options, parent and provider.
 */
import type { PolicyResource, PolicyResourceOptions, ResourceValidationArgs } from "@pulumi/policy";
import type { ResourceClass } from "../../policies/lib/policy";
import { PROJECT } from "../../components/config";
import { placeholderSources } from "./mocks";
import { isResourceOfType, UNKNOWN_STRING_VALUE } from "./sdkInternals";
import type { RenderedResource } from "./render";
import { SECRET_TEXT } from "./stackConfig";

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

/** The `isType` and `asType` the engine gives a rule for a resource of `type` seen as `props`. */
export function typeTests(type: string, props: unknown): Pick<ResourceValidationArgs & PolicyResource, "isType" | "asType"> {
    return {
        isType: (cls: ResourceClass) => isResourceOfType(type, cls),
        asType: ((cls: ResourceClass) => (isResourceOfType(type, cls) ? props : undefined)) as ResourceValidationArgs["asType"] & PolicyResource["asType"],
    };
}

export interface EngineResource {
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

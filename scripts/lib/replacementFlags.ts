/**
 * The render diff's loud flags: each resource a provider will REPLACE, by its own change (the
 * rules of replacements.ts) or by cascade from a replaced resource whose output it takes or from a
 * replaced provider, with its cost and its order; each resource that loses `protect` or
 * `retainOnDelete`; and each removed disk, cluster, pool or protected resource.
 */
import type { RenderedResource } from "./render";
import { isUserDataDisk } from "../../policies/userDataDiskProtected";
import { placeholderSources } from "./mocks";
import { consequenceOf, pathTouches, pathWithin, replacementOrder, ruleFor, tableRule } from "./replacements";
import { lookup } from "./diffText";
import { ref, type Replacement } from "./diffReport";

/** True when `changed` lies at or under one of the resource's ignoreChanges paths: the engine never applies it. */
function ignored(r: RenderedResource, changed: string): boolean {
    return (r.ignoreChanges ?? []).some((p) => pathWithin(changed, p));
}

/** What a protected resource's replacement does: nothing, the `up` stops (docs/storage.md). */
function blockedConsequence(consequence: string): string {
    return `BLOCKED: the resource is protected, so \`pulumi up\` stops before deleting anything and nothing changes; unprotected, this would be ${consequence}`;
}

function replacement(base: RenderedResource, head: RenderedResource, what: string, reason: string, consequence: string, cause: Replacement["cause"]): Replacement {
    const { order, why } = replacementOrder(base, head);
    return {
        ...ref(head),
        what,
        reason,
        consequence: head.protect ? blockedConsequence(consequence) : consequence,
        cause,
        order,
        orderWhy: why,
        protect: head.protect,
    };
}

/** The flag for a changed resource whose own change forces its replacement, or undefined. */
export function replacementOf(base: RenderedResource, head: RenderedResource, paths: readonly string[]): Replacement | undefined {
    const rule = ruleFor(head.type);
    if (!rule) return undefined;
    const reasons: string[] = [];
    const inputPaths = paths.filter((p) => !p.startsWith("options.") && !ignored(head, p));
    const forcing = inputPaths.filter((p) => rule.fields.some((f) => pathTouches(p, f)));
    if (forcing.length > 0) reasons.push(`${forcing.join(", ")} changed`);
    // The replaceOnChanges option adds its paths to the provider's own.
    const onChanges = inputPaths.filter((p) => !forcing.includes(p) && (head.replaceOnChanges ?? []).some((f) => f === "*" || pathTouches(p, f)));
    if (onChanges.length > 0) reasons.push(`${onChanges.join(", ")} changed (replaceOnChanges)`);
    for (const field of rule.growOnly ?? []) {
        const before = lookup(base.inputs, field);
        const after = lookup(head.inputs, field);
        if (typeof before === "number" && typeof after === "number" && after < before) {
            reasons.push(`${field} shrinks from ${before} to ${after} (it may only grow)`);
        } else if (before !== undefined && after === undefined) {
            reasons.push(`${field} removed`);
        }
    }
    if (reasons.length === 0) return undefined;
    return replacement(base, head, rule.what, reasons.join("; "), consequenceOf(rule, head.inputs), "change");
}

/**
 * Why `head` is replaced because others are (`replaced`, by logical name): its provider is
 * replaced; or a replacement-forcing input takes a replaced resource's output (a new id, email,
 * address); or it is the Kubernetes provider of a replaced GKE cluster without clusterIdentifier.
 */
function cascadeOf(head: RenderedResource, replaced: ReadonlyMap<string, Replacement>): string | undefined {
    if (head.provider && replaced.has(head.provider)) {
        return `its provider ${head.provider} is replaced`;
    }
    if (head.type === "pulumi:providers:kubernetes" && head.inputs.clusterIdentifier === undefined) {
        const cluster = [...replaced.values()].find((r) => r.type === "gcp:container/cluster:Cluster");
        if (cluster) return `its kubeconfig carries the endpoint and CA of ${cluster.name}, which is replaced, and it has no clusterIdentifier`;
    }
    for (const field of ruleFor(head.type)?.fields ?? []) {
        if (ignored(head, field)) continue;
        const value = lookup(head.inputs, field);
        if (value === undefined) continue;
        const sources = placeholderSources(JSON.stringify(value)).filter((n) => replaced.has(n));
        if (sources.length > 0) return `${field} takes an output of ${sources[0]}, which is replaced`;
    }
    return undefined;
}

/** A dropped `protect` or `retainOnDelete`: as loud as a replacement. */
export function lostProtection(base: RenderedResource, head: RenderedResource): Replacement | undefined {
    const lost = [base.protect && !head.protect ? "protect" : "", base.retainOnDelete && !head.retainOnDelete ? "retainOnDelete" : ""].filter(Boolean);
    if (lost.length === 0) return undefined;
    const data = isUserDataDisk(head.inputs.labels as Record<string, string> | undefined) ? "it holds USER DATA, and " : "";
    return {
        ...ref(head),
        what: ruleFor(head.type)?.what ?? head.type,
        reason: `${lost.join(" and ")} dropped`,
        consequence: `${data}nothing stops a destroy or a replacement from deleting it any more${lost.includes("retainOnDelete") ? "; a delete deletes it in the cloud too" : ""}`,
        cause: "protection",
        protect: head.protect,
    };
}

/**
 * Follows the cascade: adds to `replaced` (by logical name) every resource of the head that a
 * replaced output or provider replaces in turn, until nothing more is replaced.
 */
export function addCascade(head: readonly RenderedResource[], baseOf: (r: RenderedResource) => RenderedResource | undefined, replaced: Map<string, Replacement>): void {
    for (let grew = true; grew; ) {
        grew = false;
        for (const h of head) {
            const b = baseOf(h);
            if (!b || replaced.has(h.name)) continue;
            const why = cascadeOf(h, replaced);
            if (!why) continue;
            const rule = ruleFor(h.type);
            replaced.set(h.name, replacement(b, h, rule?.what ?? h.type, why, rule ? consequenceOf(rule, h.inputs) : "the resource is deleted and recreated", "cascade"));
            grew = true;
        }
    }
}

/**
 * A removed disk, cluster, pool or protected resource is as loud as a replacement; removed and
 * added under another logical name of the same type is a rename without an alias, which Pulumi
 * performs as delete-and-create.
 */
export function removalFlags(removed: readonly RenderedResource[], added: readonly RenderedResource[]): Replacement[] {
    const flags: Replacement[] = [];
    for (const r of removed) {
        const rule = tableRule(r.type);
        if (!rule && !r.protect && !r.retainOnDelete) continue;
        const twins = added.filter((a) => a.type === r.type).map((a) => a.name);
        const consequence = rule?.consequence ?? "the resource is deleted";
        flags.push({
            ...ref(r),
            what: rule?.what ?? `protected ${r.type}`,
            reason:
                twins.length > 0
                    ? `logical name changed (now ${twins.join(" or ")}) without an alias: Pulumi deletes ${r.name} and creates the new one`
                    : "removed from the program: Pulumi deletes it",
            consequence: r.protect ? blockedConsequence(consequence) : consequence,
            cause: twins.length > 0 ? "rename" : "removed",
            protect: r.protect,
        });
    }
    return flags;
}

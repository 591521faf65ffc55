/**
 * The review core: compares two renders of one stack (base and head) and reports what a reviewer
 * needs: resources added, removed and changed (by type and logical name), a unified diff of each
 * changed resource (its Kubernetes manifest as YAML, or its inputs as sorted JSON, then its
 * resource options), and loud flags for every resource a provider will REPLACE (see
 * replacements.ts): by its own change, or by cascade from a replaced resource whose output it takes
 * or from a replaced provider, each with its cost and its order (delete-first or create-first), and
 * for every resource that loses `protect` or `retainOnDelete`. Pure: no git, no files; scripts/diff.ts does those.
 * The one exception is the cost section, which reads the pinned price table once, when first needed.
 */
import * as YAML from "yaml";
import { canonical, isManifest, Render, RenderedResource, resourceKey } from "./render";
import { isUserDataDisk } from "../../policies/userDataDiskProtected";
import { placeholderSources } from "./mocks";
import { consequenceOf, pathTouches, REPLACEMENT_RULES, ReplacementOrder, replacementOrder, ruleFor } from "./replacements";
import { costSection, loadPrices, PriceTable } from "./cost";

export interface ResourceRef {
    readonly type: string;
    readonly name: string;
}

export interface ChangedResource extends ResourceRef {
    /** Changed paths: input paths (`spec.replicas`), resource options as `options.<name>`. */
    readonly paths: string[];
    /** Unified diff of the resource's text (manifest or inputs, then options). */
    readonly diff: string;
}

export interface Replacement extends ResourceRef {
    /** What the resource is, from the rule table ("persistent disk"), or its type. */
    readonly what: string;
    /** Why: the changed fields that force replacement, a shrink, a removal, a rename, a cascade, lost protection. */
    readonly reason: string;
    /** What the replacement costs (downtime, a new public IP, data); BLOCKED first when the resource is protected. */
    readonly consequence: string;
    /**
     * `change`: its own replacement-forcing input changed; `cascade`: another replacement forces it;
     * `removed`/`rename`: it leaves the program; `protection`: it loses protect or retainOnDelete.
     */
    readonly cause: "change" | "cascade" | "removed" | "rename" | "protection";
    /** Delete-first or create-first, and why (replacements only). */
    readonly order?: ReplacementOrder;
    readonly orderWhy?: string;
    /** Whether the resource is protected in the head (the engine then refuses the replacement). */
    readonly protect: boolean;
}

export interface DiffReport {
    readonly stack: string;
    /** How the base and head are named in the output (a git ref, "working tree"). */
    readonly baseLabel: string;
    readonly headLabel: string;
    readonly added: ResourceRef[];
    readonly removed: ResourceRef[];
    readonly changed: ChangedResource[];
    /** Replacement-triggering changes to the disk, the cluster and node pools, and removals or renames of protected resources. */
    readonly replacements: Replacement[];
    /** Unified diff of the stack outputs (secrets stay `[secret]`), empty when they are equal. */
    readonly outputsDiff: string;
    /** Number of resources present and identical on both sides. */
    readonly unchanged: number;
}

/** True when the head differs from the base in any resource or output. */
export function hasChanges(report: DiffReport): boolean {
    return report.added.length + report.removed.length + report.changed.length > 0 || report.outputsDiff !== "";
}

function same(a: unknown, b: unknown): boolean {
    return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function isObject(v: unknown): v is Record<string, unknown> {
    return !!v && typeof v === "object" && !Array.isArray(v);
}

/** The paths at which `a` and `b` differ, as deep as both sides have the same shape. */
export function changedPaths(a: unknown, b: unknown, path = ""): string[] {
    if (same(a, b)) return [];
    if (isObject(a) && isObject(b)) {
        const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
        return keys.flatMap((k) => changedPaths(a[k], b[k], path ? `${path}.${k}` : k));
    }
    if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
        return a.flatMap((x, i) => changedPaths(x, b[i], `${path}[${i}]`));
    }
    return [path || "(root)"];
}

function options(r: RenderedResource): Record<string, unknown> {
    return {
        parent: r.parent,
        provider: r.provider,
        protect: r.protect,
        retainOnDelete: r.retainOnDelete,
        deleteBeforeReplace: r.deleteBeforeReplace,
        dependsOn: r.dependsOn,
        // A reviewer must see a field start or stop being ignored, and an adoption being declared.
        ...(r.ignoreChanges !== undefined ? { ignoreChanges: r.ignoreChanges } : {}),
        ...(r.import !== undefined ? { import: r.import } : {}),
        // What dies with what, and what a change replaces: a reviewer must see either one change.
        ...(r.deletedWith !== undefined ? { deletedWith: r.deletedWith } : {}),
        ...(r.replaceOnChanges !== undefined ? { replaceOnChanges: r.replaceOnChanges } : {}),
    };
}

const yamlText = (v: unknown): string => YAML.stringify(canonical(v), { lineWidth: 0 });

/** The text a resource is compared as: its manifest (YAML) or inputs (sorted JSON), then its options. */
export function resourceText(r: RenderedResource): string {
    const body = isManifest(r) ? yamlText(r.inputs) : JSON.stringify(canonical(r.inputs), null, 2) + "\n";
    return `${body}# resource options\n${yamlText(options(r))}`;
}

/** A unified diff (`diff -u` style, `context` lines around each change) of two texts; "" when equal. */
export function unifiedDiff(a: string, b: string, labels: { a: string; b: string }, context = 3): string {
    if (a === b) return "";
    const A = a.split("\n");
    const B = b.split("\n");
    if (A[A.length - 1] === "" && B[B.length - 1] === "") {
        A.pop();
        B.pop();
    }
    type Op = { kind: " " | "-" | "+"; line: string };
    const ops: Op[] = [];
    let pre = 0;
    while (pre < A.length && pre < B.length && A[pre] === B[pre]) pre++;
    let suf = 0;
    while (suf < A.length - pre && suf < B.length - pre && A[A.length - 1 - suf] === B[B.length - 1 - suf]) suf++;
    for (let i = 0; i < pre; i++) ops.push({ kind: " ", line: A[i] });
    const a2 = A.slice(pre, A.length - suf);
    const b2 = B.slice(pre, B.length - suf);
    const n = a2.length;
    const m = b2.length;
    if (n * m > 4_000_000) {
        // Too large for the quadratic table: show the middle as replaced wholesale.
        a2.forEach((line) => ops.push({ kind: "-", line }));
        b2.forEach((line) => ops.push({ kind: "+", line }));
    } else {
        // Longest common subsequence, suffix table: lcs[i][j] for a2[i..], b2[j..].
        const lcs = new Uint32Array((n + 1) * (m + 1));
        const at = (i: number, j: number): number => i * (m + 1) + j;
        for (let i = n - 1; i >= 0; i--) {
            for (let j = m - 1; j >= 0; j--) {
                lcs[at(i, j)] = a2[i] === b2[j] ? lcs[at(i + 1, j + 1)] + 1 : Math.max(lcs[at(i + 1, j)], lcs[at(i, j + 1)]);
            }
        }
        let i = 0;
        let j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && a2[i] === b2[j]) {
                ops.push({ kind: " ", line: a2[i++] });
                j++;
            } else if (j < m && (i === n || lcs[at(i, j + 1)] >= lcs[at(i + 1, j)])) {
                ops.push({ kind: "+", line: b2[j++] });
            } else {
                ops.push({ kind: "-", line: a2[i++] });
            }
        }
        // Within a run of changes, print removals before additions, as diff -u does.
        for (let s = 0; s < ops.length; ) {
            if (ops[s].kind === " ") {
                s++;
                continue;
            }
            let e = s;
            while (e < ops.length && ops[e].kind !== " ") e++;
            const run = ops.slice(s, e);
            ops.splice(s, e - s, ...run.filter((o) => o.kind === "-"), ...run.filter((o) => o.kind === "+"));
            s = e;
        }
    }
    for (let i = A.length - suf; i < A.length; i++) ops.push({ kind: " ", line: A[i] });

    // Line numbers before each op, then hunks of changes less than 2*context apart.
    const aPos: number[] = [];
    const bPos: number[] = [];
    let ai = 0;
    let bi = 0;
    for (const op of ops) {
        aPos.push(ai);
        bPos.push(bi);
        if (op.kind !== "+") ai++;
        if (op.kind !== "-") bi++;
    }
    const changes = ops.map((op, k) => (op.kind === " " ? -1 : k)).filter((k) => k >= 0);
    const out = [`--- ${labels.a}`, `+++ ${labels.b}`];
    let g = 0;
    while (g < changes.length) {
        let last = g;
        while (last + 1 < changes.length && changes[last + 1] - changes[last] <= 2 * context) last++;
        const start = Math.max(0, changes[g] - context);
        const end = Math.min(ops.length, changes[last] + context + 1);
        const hunk = ops.slice(start, end);
        const aCount = hunk.filter((o) => o.kind !== "+").length;
        const bCount = hunk.filter((o) => o.kind !== "-").length;
        const aStart = aCount === 0 ? aPos[start] : aPos[start] + 1;
        const bStart = bCount === 0 ? bPos[start] : bPos[start] + 1;
        const range = (startLine: number, count: number): string => (count === 1 ? `${startLine}` : `${startLine},${count}`);
        out.push(`@@ -${range(aStart, aCount)} +${range(bStart, bCount)} @@`);
        for (const op of hunk) out.push(`${op.kind}${op.line}`);
        g = last + 1;
    }
    return out.join("\n") + "\n";
}

const ref = (r: ResourceRef): ResourceRef => ({ type: r.type, name: r.name });

/** True when `changed` lies at or under one of the resource's ignoreChanges paths: the engine never applies it. */
function ignored(r: RenderedResource, changed: string): boolean {
    return (r.ignoreChanges ?? []).some((p) => changed === p || changed.startsWith(`${p}.`) || changed.startsWith(`${p}[`));
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

function replacementOf(base: RenderedResource, head: RenderedResource, paths: readonly string[]): Replacement | undefined {
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
function lostProtection(base: RenderedResource, head: RenderedResource): Replacement | undefined {
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

function lookup(obj: unknown, dotted: string): unknown {
    return dotted.split(".").reduce<unknown>((o, k) => (isObject(o) ? o[k] : undefined), obj);
}

/** Compares two renders of the same stack. */
export function diffRenders(
    base: Render,
    head: Render,
    labels: { base?: string; head?: string } = {},
): DiffReport {
    const before = new Map(base.resources.map((r) => [resourceKey(r), r]));
    const after = new Map(head.resources.map((r) => [resourceKey(r), r]));
    const added = head.resources.filter((r) => !before.has(resourceKey(r)));
    const removed = base.resources.filter((r) => !after.has(resourceKey(r)));
    const changed: ChangedResource[] = [];
    // Replaced resources by logical name, in the order found; losses of protection beside them.
    const replaced = new Map<string, Replacement>();
    const unprotected: Replacement[] = [];
    let unchanged = 0;
    for (const h of head.resources) {
        const b = before.get(resourceKey(h));
        if (!b) continue;
        // Equal resources give equal texts: the texts (YAML for a manifest) are made only where they may differ.
        if (JSON.stringify(canonical(b)) === JSON.stringify(canonical(h))) {
            unchanged++;
            continue;
        }
        const textA = resourceText(b);
        const textB = resourceText(h);
        if (textA === textB) {
            unchanged++;
            continue;
        }
        const paths = [...changedPaths(b.inputs, h.inputs), ...changedPaths(options(b), options(h)).map((p) => `options.${p}`)];
        changed.push({
            ...ref(h),
            paths,
            diff: unifiedDiff(textA, textB, { a: `${labels.base ?? "base"}/${h.type}/${h.name}`, b: `${labels.head ?? "head"}/${h.type}/${h.name}` }),
        });
        const r = replacementOf(b, h, paths);
        if (r) replaced.set(h.name, r);
        const lost = lostProtection(b, h);
        if (lost) unprotected.push(lost);
    }
    // The cascade: follow replaced outputs and providers until nothing more is replaced.
    for (let grew = true; grew; ) {
        grew = false;
        for (const h of head.resources) {
            const b = before.get(resourceKey(h));
            if (!b || replaced.has(h.name)) continue;
            const why = cascadeOf(h, replaced);
            if (!why) continue;
            const rule = ruleFor(h.type);
            replaced.set(h.name, replacement(b, h, rule?.what ?? h.type, why, rule ? consequenceOf(rule, h.inputs) : "the resource is deleted and recreated", "cascade"));
            grew = true;
        }
    }
    const replacements: Replacement[] = [...replaced.values(), ...unprotected];
    // A removed disk, cluster, pool or protected resource is as loud as a replacement; removed
    // and added under another logical name of the same type is a rename without an alias, which
    // Pulumi performs as delete-and-create.
    for (const r of removed) {
        const rule = REPLACEMENT_RULES.find((x) => x.type === r.type);
        if (!rule && !r.protect && !r.retainOnDelete) continue;
        const twins = added.filter((a) => a.type === r.type).map((a) => a.name);
        const consequence = rule?.consequence ?? "the resource is deleted";
        replacements.push({
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
    const outputsDiff = unifiedDiff(
        JSON.stringify(canonical(base.outputs), null, 2) + "\n",
        JSON.stringify(canonical(head.outputs), null, 2) + "\n",
        { a: `${labels.base ?? "base"}/outputs.json`, b: `${labels.head ?? "head"}/outputs.json` },
    );
    return {
        stack: head.stack,
        baseLabel: labels.base ?? "base",
        headLabel: labels.head ?? "head",
        added: added.map(ref),
        removed: removed.map(ref),
        changed,
        replacements,
        outputsDiff,
        unchanged,
    };
}

/** An extra part of the report (e.g. the cost change), printed before the summary line. */
export interface ReportSection {
    readonly title: string;
    /** Lines of text; in markdown they are printed as they are (they may hold markdown). */
    readonly lines: readonly string[];
}

/**
 * Extra sections computed from the two renders and the report; scripts/diff.ts calls every
 * provider. The cost estimate adds its monthly cost change when anything changes.
 */
export type SectionProvider = (base: Render, head: Render, report: DiffReport) => ReportSection | undefined;
let prices: PriceTable | undefined;
export const SECTION_PROVIDERS: readonly SectionProvider[] = [
    (base, head, report) => (hasChanges(report) ? costSection(base, head, (prices ??= loadPrices())) : undefined),
];

export type ReportFormat = "text" | "markdown";

/** One line: what changes, or that nothing does. */
export function summaryLine(report: DiffReport): string {
    if (!hasChanges(report)) {
        return `${report.stack}: no changes between ${report.baseLabel} and ${report.headLabel} (${report.unchanged} resources)`;
    }
    const parts = [
        `${report.added.length} to add`,
        `${report.removed.length} to remove`,
        `${report.changed.length} to change`,
        `${report.unchanged} unchanged`,
    ];
    if (report.outputsDiff) parts.push("outputs change");
    const n = report.replacements.length;
    const cascaded = report.replacements.filter((r) => r.cause === "cascade").length;
    const flag = n > 0 ? `, ${n} REPLACEMENT${n > 1 ? "S" : ""}${cascaded > 0 ? ` (${cascaded} by cascade)` : ""}` : "";
    return `${report.stack}: ${parts.join(", ")}${flag} (${report.baseLabel} -> ${report.headLabel})`;
}

const name = (r: ResourceRef): string => `${r.type} ${r.name}`;

/** Formats a report for a terminal (`text`) or a job summary / PR comment (`markdown`). */
export function formatReport(
    report: DiffReport,
    { format = "text", sections = [] }: { format?: ReportFormat; sections?: readonly ReportSection[] } = {},
): string {
    const summary = summaryLine(report);
    if (!hasChanges(report) && sections.length === 0) {
        return format === "markdown" ? `**render diff** ${summary}\n` : `${summary}\n`;
    }
    return format === "markdown" ? markdown(report, sections, summary) : text(report, sections, summary);
}

function text(report: DiffReport, sections: readonly ReportSection[], summary: string): string {
    const out: string[] = [`render diff of stack ${report.stack}: ${report.baseLabel} -> ${report.headLabel}`];
    if (report.replacements.length > 0) {
        out.push("", "!!!!!!!! REPLACEMENT !!!!!!!!");
        for (const r of report.replacements) {
            out.push(`!! ${r.what} ${name(r)}: ${r.reason}`, `!!   => ${r.consequence}`);
            if (r.order) out.push(`!!   order: ${r.order} (${r.orderWhy})`);
        }
    }
    const list = (title: string, mark: string, items: readonly ResourceRef[]): void => {
        if (items.length === 0) return;
        out.push("", `${title} (${items.length}):`, ...items.map((r) => `  ${mark} ${name(r)}`));
    };
    list("added", "+", report.added);
    list("removed", "-", report.removed);
    if (report.changed.length > 0) {
        out.push("", `changed (${report.changed.length}):`);
        for (const c of report.changed) out.push(`  ~ ${name(c)}: ${c.paths.join(", ")}`);
        for (const c of report.changed) out.push("", c.diff.trimEnd());
    }
    if (report.outputsDiff) out.push("", "stack outputs:", report.outputsDiff.trimEnd());
    for (const s of sections) out.push("", `${s.title}:`, ...s.lines);
    out.push("", summary);
    return out.join("\n") + "\n";
}

function markdown(report: DiffReport, sections: readonly ReportSection[], summary: string): string {
    const code = (s: string): string => `\`${s.replace(/`/g, "'")}\``;
    const html = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
    const out: string[] = [`### Render diff of stack ${code(report.stack)}: ${code(report.baseLabel)} → ${code(report.headLabel)}`, ""];
    if (report.replacements.length > 0) {
        out.push("> [!CAUTION]", "> **Replacement**: these changes delete and recreate resources, or leave them unprotected.", ">");
        for (const r of report.replacements) {
            out.push(`> - **${r.what}** ${code(r.type)} ${code(r.name)}: ${r.reason} → ${r.consequence}${r.order ? ` (${r.order}: ${r.orderWhy})` : ""}`);
        }
        out.push("");
    }
    const list = (title: string, items: readonly ResourceRef[]): void => {
        if (items.length === 0) return;
        out.push(`**${title} (${items.length})**`, "", ...items.map((r) => `- ${code(r.type)} ${code(r.name)}`), "");
    };
    list("Added", report.added);
    list("Removed", report.removed);
    if (report.changed.length > 0) {
        out.push(`**Changed (${report.changed.length})**`, "");
        for (const c of report.changed) {
            out.push(
                `<details><summary><code>${html(c.type)}</code> <code>${html(c.name)}</code>: ${c.paths.map((p) => `<code>${html(p)}</code>`).join(", ")}</summary>`,
                "",
                "````diff",
                c.diff.trimEnd(),
                "````",
                "</details>",
                "",
            );
        }
    }
    if (report.outputsDiff) out.push("**Stack outputs**", "", "````diff", report.outputsDiff.trimEnd(), "````", "");
    for (const s of sections) out.push(`**${s.title}**`, "", ...s.lines, "");
    out.push(summary);
    return out.join("\n") + "\n";
}

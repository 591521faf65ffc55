/**
 * The review core: compares two renders of one stack (base and head) and reports what a reviewer
 * needs: resources added, removed and changed (by type and logical name), a unified diff of each
 * changed resource (diffText.ts: its Kubernetes manifest as YAML, or its inputs as sorted JSON,
 * then its resource options), and loud flags for every resource a provider will REPLACE, by its
 * own change or by cascade, and for every resource that loses `protect` or `retainOnDelete`
 * (replacementFlags.ts, with the rules of replacements.ts). diffReport.ts holds the report's shape
 * and prints it. Pure: no git, no files; scripts/diff.ts does those. The one exception is the
 * cost section, which reads the pinned price table once, when first needed.
 */
import { canonical, Render, resourceKey } from "./render";
import { costSection, loadPrices, PriceTable } from "./cost";
import { changedPaths, resourceOptions, resourceText, same, unifiedDiff } from "./diffText";
import { ChangedResource, DiffReport, hasChanges, ref, Replacement, ReportSection } from "./diffReport";
import { addCascade, lostProtection, removalFlags, replacementOf } from "./replacementFlags";

export { changedPaths, unifiedDiff } from "./diffText";
export { formatReport, hasChanges, summaryLine } from "./diffReport";
export type { DiffReport, ReportFormat, ReportSection } from "./diffReport";

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
        if (same(b, h)) {
            unchanged++;
            continue;
        }
        const textA = resourceText(b);
        const textB = resourceText(h);
        if (textA === textB) {
            unchanged++;
            continue;
        }
        const paths = [...changedPaths(b.inputs, h.inputs), ...changedPaths(resourceOptions(b), resourceOptions(h)).map((p) => `options.${p}`)];
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
    addCascade(head.resources, (h) => before.get(resourceKey(h)), replaced);
    const replacements: Replacement[] = [...replaced.values(), ...unprotected, ...removalFlags(removed, added)];
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

/**
 * Extra sections computed from the two renders and the report; scripts/diff.ts calls every
 * provider. The cost estimate adds its monthly cost change when anything changes.
 */
export type SectionProvider = (base: Render, head: Render, report: DiffReport) => ReportSection | undefined;
let prices: PriceTable | undefined;
export const SECTION_PROVIDERS: readonly SectionProvider[] = [
    (base, head, report) => (hasChanges(report) ? costSection(base, head, (prices ??= loadPrices())) : undefined),
];


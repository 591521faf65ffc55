/**
 * The texts the render diff compares and shows: the changed paths of two values, a resource as
 * text (its manifest or inputs, then its options), and the unified diff of two texts.
 */
import { structuredPatch } from "diff";
import * as YAML from "yaml";
import { canonical, isManifest, RenderedResource } from "./render";

/** Whether `a` and `b` are equal as canonical (key-sorted) JSON. */
export function same(a: unknown, b: unknown): boolean {
    return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function isObject(v: unknown): v is Record<string, unknown> {
    return !!v && typeof v === "object" && !Array.isArray(v);
}

/** The value at a dotted path of `obj`, or undefined. */
export function lookup(obj: unknown, dotted: string): unknown {
    return dotted.split(".").reduce<unknown>((o, k) => (isObject(o) ? o[k] : undefined), obj);
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

/** The resource options a reviewer must see change, as compared and shown. */
export function resourceOptions(r: RenderedResource): Record<string, unknown> {
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
    return `${body}# resource options\n${yamlText(resourceOptions(r))}`;
}

/**
 * A unified diff (`diff -u` style, `context` lines around each change) of two texts; "" when equal.
 * jsdiff finds the hunks; the hunk headers are written as GNU diff writes them, which leaves out a
 * count of 1 (`@@ -3 +3,2 @@`), where jsdiff's own formatPatch always writes it.
 */
export function unifiedDiff(a: string, b: string, labels: { a: string; b: string }, context = 3): string {
    if (a === b) return "";
    const range = (start: number, count: number): string =>
        count === 1 ? `${start}` : `${count === 0 ? start - 1 : start},${count}`;
    const out = [`--- ${labels.a}`, `+++ ${labels.b}`];
    for (const hunk of structuredPatch(labels.a, labels.b, a, b, undefined, undefined, { context }).hunks) {
        out.push(`@@ -${range(hunk.oldStart, hunk.oldLines)} +${range(hunk.newStart, hunk.newLines)} @@`, ...hunk.lines);
    }
    return out.join("\n") + "\n";
}

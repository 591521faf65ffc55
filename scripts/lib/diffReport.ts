/**
 * The render diff's report: what it holds (resources added, removed and changed, the flagged
 * replacements, the outputs' diff) and how it reads, in a terminal or as markdown for a job
 * summary or a pull request comment.
 */
import type { ReplacementOrder } from "./replacements";

export interface ResourceRef {
    readonly type: string;
    readonly name: string;
}

/** The type and name of a resource, and nothing else. */
export const ref = (r: ResourceRef): ResourceRef => ({ type: r.type, name: r.name });

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

/** An extra part of the report (e.g. the cost change), printed before the summary line. */
export interface ReportSection {
    readonly title: string;
    /** Lines of text; in markdown they are printed as they are (they may hold markdown). */
    readonly lines: readonly string[];
}

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

/**
 * The cost estimate for people: the plain-text table of `npm run cost`, and the table of a pull
 * request's cost change (base and head of one stack) in the diff report.
 */
import type { CostEstimate, PriceTable } from "./costPrices";

/** Dollars with cents, thousands separated; negatives with a minus sign. */
export function usd(n: number): string {
    const r = Math.round(n * 100) / 100;
    const s = Math.abs(r).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    return `${r < 0 ? "-" : ""}$${s}`;
}

function qty(n: number): string {
    return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

function pad(s: string, n: number, right = false): string {
    return right ? s.padStart(n) : s.padEnd(n);
}

/** The estimate as a plain-text table, with the price table's dates and sources. */
export function formatCost(estimate: CostEstimate, prices: PriceTable): string {
    const out: string[] = [];
    out.push(`Estimated monthly cost of stack ${estimate.stack} (${prices.currency})`);
    if (!estimate.applicable) {
        out.push("not applicable: " + estimate.notes.join("; "));
        out.push(`idle: ${usd(0)}   full scale: ${usd(0)}`);
        return out.join("\n") + "\n";
    }
    const w = Math.max(4, ...estimate.lines.map((l) => l.item.length));
    out.push(`${pad("item", w)}  ${pad("idle qty", 9, true)}  ${pad("max qty", 9, true)}  ${pad("unit price/month", 20, true)}  ${pad("idle", 11, true)}  ${pad("ceiling", 11, true)}`);
    for (const l of estimate.lines) {
        out.push(
            `${pad(l.item, w)}  ${pad(qty(l.quantity.idle), 9, true)}  ${pad(qty(l.quantity.ceiling), 9, true)}  ${pad(`${usd(l.unitPrice)}/${l.unit}`, 20, true)}  ${pad(usd(l.idle), 11, true)}  ${pad(usd(l.ceiling), 11, true)}` +
                (l.note ? `  (${l.note})` : ""),
        );
    }
    out.push(`${pad("total", w)}  ${pad("", 9)}  ${pad("", 9)}  ${pad("", 20)}  ${pad(usd(estimate.idleTotal), 11, true)}  ${pad(usd(estimate.ceilingTotal), 11, true)}`);
    out.push("");
    out.push(`idle floor: ${usd(estimate.idleTotal)}/month   full scale: ${usd(estimate.ceilingTotal)}/month`);
    for (const n of estimate.notes) out.push(`note: ${n}`);
    out.push(`prices: scripts/lib/prices.json, ${prices.region}:`);
    for (const [name, g] of Object.entries(prices.groups)) {
        const urls = [...new Set(g.source.match(/https:\/\/[^\s,;)']+[^\s,;)'.:]/g) ?? [])];
        out.push(`  ${name} (${g.date})${g.source.startsWith("ESTIMATE") ? " ESTIMATE" : ""}: ${urls.join(" ")}`);
    }
    return out.join("\n") + "\n";
}

export interface CostDelta {
    readonly base: number;
    readonly head: number;
    readonly delta: number;
}

export interface CostChange {
    readonly idle: CostDelta;
    readonly ceiling: CostDelta;
}

function signed(n: number): string {
    const r = Math.round(n * 100) / 100;
    return r === 0 ? "±$0.00" : r > 0 ? `+${usd(r)}` : usd(r);
}

/** The cost change as a Markdown table (readable as text too). */
export function costChangeTable(change: CostChange): string[] {
    const row = (name: string, c: CostDelta): string => `| ${name} | ${usd(c.base)} | ${usd(c.head)} | ${signed(c.delta)} |`;
    return ["| | base | head | change |", "|---|---:|---:|---:|", row("idle floor", change.idle), row("full scale", change.ceiling)];
}

/** The cost section of the diff report (Markdown). */
export function formatCostChange(stack: string, change: CostChange): string {
    return [`#### Estimated monthly cost: ${stack}`, "", ...costChangeTable(change), ""].join("\n");
}

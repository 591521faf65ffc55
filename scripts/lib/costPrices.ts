/**
 * The cost model's price table and its arithmetic: the pinned table (prices.json) and its types,
 * the price look-up that names what the table lacks, and one line of the estimate.
 */
import * as fs from "fs";
import * as path from "path";
import type { Render, RenderedResource } from "./render";
import { UsageError } from "./stackConfig";

/** One group of the price table: prices of one kind, with the date and source beside them. */
export interface PriceGroup {
    readonly unit: string;
    readonly date: string;
    readonly source: string;
    readonly prices: Readonly<Record<string, number>>;
}

/** The pinned price table (scripts/lib/prices.json). */
export interface PriceTable {
    readonly region: string;
    readonly currency: string;
    readonly hoursPerMonth: number;
    readonly groups: Readonly<Record<PriceGroupName, PriceGroup>>;
}

export type PriceGroupName = "machine" | "machineSpot" | "disk" | "snapshot" | "gke" | "network" | "nat" | "dns" | "monitoring";

/** One line of the estimate. `idle` = `quantity.idle` x `unitPrice`, and likewise `ceiling`. */
export interface CostLine {
    readonly item: string;
    /** What is counted, e.g. "node", "GB", "cluster". */
    readonly unit: string;
    readonly quantity: { readonly idle: number; readonly ceiling: number };
    /** USD per unit per month. */
    readonly unitPrice: number;
    /** USD per month at the idle floor. */
    readonly idle: number;
    /** USD per month at the maximum autoscale. */
    readonly ceiling: number;
    /** How the line was derived, when it is not obvious. */
    readonly note?: string;
}

export interface CostEstimate {
    readonly stack: string;
    /** False when the stack declares no GCP resources (e.g. `local`): nothing is billed by Google. */
    readonly applicable: boolean;
    readonly lines: readonly CostLine[];
    readonly idleTotal: number;
    readonly ceilingTotal: number;
    /** Assumptions and costs deliberately left out, to print under the table. */
    readonly notes: readonly string[];
}

/** A billable item the price table lacks; the message is one line (exit 2, like bad usage). */
export class UnpricedError extends UsageError {}

/** Loads the pinned price table. */
export function loadPrices(file = path.join(__dirname, "prices.json")): PriceTable {
    return JSON.parse(fs.readFileSync(file, "utf8")) as PriceTable;
}

/** The price of `item` in `group`; an `UnpricedError` naming it when the table lacks it. */
export function priceOf(prices: PriceTable, group: PriceGroupName, item: string, what: string): number {
    const value = prices.groups[group]?.prices[item];
    if (typeof value !== "number" || !Number.isFinite(value)) {
        throw new UnpricedError(`no price for ${what} "${item}" in scripts/lib/prices.json (group ${group}, region ${prices.region}): add it with its date and source`);
    }
    return value;
}

export type Inputs = Record<string, unknown>;

/** The render's resources (not stand-ins) of one type, in render order. */
export function resourcesOf(render: Render, type: string): RenderedResource[] {
    return render.resources.filter((r) => r.custom && r.type === type);
}

export function obj(v: unknown): Inputs {
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Inputs) : {};
}

export function num(v: unknown, fallback: number): number {
    return typeof v === "number" && Number.isFinite(v) ? v : fallback;
}

/** One line of the estimate from its quantities and unit price. */
export function line(item: string, unit: string, idleQty: number, ceilingQty: number, unitPrice: number, note?: string): CostLine {
    return {
        item,
        unit,
        quantity: { idle: idleQty, ceiling: ceilingQty },
        unitPrice,
        idle: idleQty * unitPrice,
        ceiling: ceilingQty * unitPrice,
        ...(note ? { note } : {}),
    };
}

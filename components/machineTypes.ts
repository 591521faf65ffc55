/**
 * The GCE machine types the price table (scripts/lib/prices.json) prices, on demand and as Spot.
 * The config refuses a node pool on any other type unless `cluster.allowUnpricedMachineTypes` is
 * set, so the cost estimate never meets a machine it cannot price. Components must not import
 * scripts, so the list lives here; a test keeps it equal to the price table's keys.
 */
export const PRICED_MACHINE_TYPES: readonly string[] = ["e2-standard-2", "e2-standard-4", "n2-standard-8"];

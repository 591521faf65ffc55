/**
 * From a problem to its one line: the full key of a schema issue, what is allowed, the value
 * (never a secret's), and the likely key behind a typo.
 */
import { z } from "zod";
import { ConfigError } from "./common";
import { isSecretKey } from "./schema";

export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
    let v: unknown = root;
    for (const p of path) {
        if (v === null || typeof v !== "object") {
            return undefined;
        }
        v = (v as Record<PropertyKey, unknown>)[p];
    }
    return v;
}

function keyName(namespace: string, path: readonly PropertyKey[]): string {
    const parts: string[] = [];
    for (const p of path) {
        if (typeof p === "number") {
            parts[parts.length - 1] += `[${p}]`;
        } else {
            parts.push(String(p));
        }
    }
    return `${namespace}:${parts.join(".")}`;
}

export function describeIssue(namespace: string, issue: z.core.$ZodIssue, input: unknown): string {
    const secret = isSecretKey(issue.path[0]);
    if (issue.code === "unrecognized_keys") {
        const key = keyName(namespace, [...issue.path, issue.keys[0]]);
        return `${key}: unknown key${issue.path.length === 0 ? ` (see the config reference in README.md)` : ""}`;
    }
    const key = keyName(namespace, issue.path);
    const got = valueAt(input, issue.path);
    if (issue.code === "invalid_type") {
        if (got === undefined) {
            return `${key}: is required (${issue.expected})`;
        }
        if (issue.expected === "string" && typeof got === "number") {
            // An unquoted digit string in YAML is a number; past 2^53 JavaScript holds it rounded,
            // so never print that rounding as if it were the value.
            return `${key}: must be a string (quote it in the stack file, or pulumi config set --path --type string), got ${Number.isSafeInteger(got) || !Number.isInteger(got) ? got : "a number too long to read exactly"}`;
        }
        const expected = { array: "a list", int: "a whole number", object: "an object" }[issue.expected as string] ?? `a ${issue.expected}`;
        return `${key}: must be ${expected}, got ${
            secret ? "a value" : JSON.stringify(got)
        }`;
    }
    if (issue.code === "invalid_value" && !issue.message.startsWith("Invalid")) {
        return `${key}: ${issue.message}`;
    }
    if (issue.code === "invalid_value") {
        return `${key}: must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}, got ${
            secret ? "a value" : JSON.stringify(got)
        }`;
    }
    const message = issue.message.replace(/^Invalid input: /, "");
    const gotText = got === undefined || secret || typeof got === "object" ? "" : `, got ${JSON.stringify(got)}`;
    return `${key}: ${message}${gotText}`;
}

/** The candidate within edit distance 2 of `word` (a typo's likely intent), or undefined. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
    let best: string | undefined;
    let bestDistance = 3;
    for (const c of candidates) {
        const d = editDistance(word.toLowerCase(), c.toLowerCase());
        if (d < bestDistance) {
            best = c;
            bestDistance = d;
        }
    }
    return best;
}

/** Levenshtein distance, with adjacent transpositions counted as one edit (`regoin` is one from `region`). */
function editDistance(a: string, b: string): number {
    const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) d[0][j] = j;
    for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) {
            const cost = a[i - 1] === b[j - 1] ? 0 : 1;
            d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
                d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
            }
        }
    }
    return d[a.length][b.length];
}

/** The one line for a secret key whose value is stored in plaintext; the value is never echoed. */
export function plaintextSecretMessage(fullKey: string): string {
    return `is stored in plaintext; a secret must be encrypted (pulumi config set --secret ${fullKey} <value>)`;
}

export function fail(key: string, message: string): never {
    throw new ConfigError(`${key}: ${message}`);
}

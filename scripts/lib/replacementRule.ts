/** One row of the replacement table (replacements.ts): what forces a type's replacement, and its cost. */
export interface ReplacementRule {
    /** Pulumi type token the rule applies to. */
    readonly type: string;
    /** What a reviewer should read, e.g. "persistent disk". */
    readonly what: string;
    /** Input paths whose change forces replacement. */
    readonly fields: readonly string[];
    /** Numeric input paths that may only grow: a decrease forces replacement. */
    readonly growOnly?: readonly string[];
    /** The input holding the resource's explicit cloud name (the bridge replaces such a resource delete-first). */
    readonly nameField?: string;
    /** What replacement costs (downtime of which component, a new public IP, data), printed beside the flag. */
    readonly consequence: string;
    /** The cost for these inputs, where it depends on them (a claim's volume: pre-created or provisioned). */
    readonly consequenceOf?: (inputs: Record<string, unknown>) => string;
}

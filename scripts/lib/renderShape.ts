/**
 * The shape of a render (resources.json and the outputs), without the code that makes one: the
 * render core (render.ts) builds it and its readers (labPods.ts) read it, and neither has to
 * import the other for the types.
 */

/** One resource of the render: the contract of resources.json. */
export interface RenderedResource {
    readonly type: string;
    readonly name: string;
    readonly parent: string | null;
    readonly custom: boolean;
    readonly provider: string | null;
    readonly protect: boolean;
    readonly retainOnDelete: boolean;
    readonly deleteBeforeReplace: boolean;
    readonly dependsOn: string[];
    /** The `import` option (the id of an existing cloud resource to adopt); present only when set. */
    readonly import?: string;
    /** The `ignoreChanges` option (input paths whose drift is never applied); present only when set. */
    readonly ignoreChanges?: string[];
    /**
     * The `deletedWith` option: the logical name of the resource whose deletion takes this one with
     * it, so the engine skips this one's delete; present only when set.
     */
    readonly deletedWith?: string;
    /** The `replaceOnChanges` option (input paths whose change replaces the resource); present only when set. */
    readonly replaceOnChanges?: string[];
    readonly inputs: Record<string, unknown>;
}

export interface Render {
    readonly stack: string;
    /** Required secrets the stack file lacks, rendered as `[secret]`. */
    readonly standIns: string[];
    /** Every registered resource, sorted by type then name. */
    readonly resources: RenderedResource[];
    /** Stack outputs, secrets redacted. */
    readonly outputs: Record<string, unknown>;
}

/**
 * The one test harness: every spec renders through the shared render core, which owns the only
 * `setMocks` of the process (a second `setMocks` in a spec would silently replace it).
 * Renders are shared: the program is deterministic, so one render per stack and overrides serves
 * every spec that asks for it (test/lib/renders.ts).
 */
import * as assert from "assert";
import { manifests, Render, RenderedResource } from "../scripts/lib/render";
import { Override } from "../scripts/lib/stackConfig";

export type { Render, RenderedResource };

/** Renders `stack` with `overrides` applied, once per process; the render is shared and frozen (test/lib/renders.ts). */
export { render } from "./lib/renders";

/** `--set key=value` overrides, as on the command line. */
export function set(values: Record<string, string>, secret = false): Override[] {
    return Object.entries(values).map(([key, value]) => ({ key, value, secret }));
}

/** The resource of `type` named `name`; fails the test when it is missing. */
export function resource(r: Render, type: string, name: string): RenderedResource {
    const found = r.resources.find((x) => x.type === type && x.name === name);
    assert.ok(found, `${r.stack}: no ${type} named ${name} (have: ${r.resources.filter((x) => x.type === type).map((x) => x.name).join(", ") || "none"})`);
    return found;
}

/** Every resource of `type`. */
export function resourcesOf(r: Render, type: string): RenderedResource[] {
    return r.resources.filter((x) => x.type === type);
}

export type Manifest = {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    [key: string]: any;
};

/** The Kubernetes object of `kind` named `name`; fails the test when it is missing. */
export function k8s(r: Render, kind: string, name: string): Manifest {
    const found = (manifests(r) as Manifest[]).find((m) => m.kind === kind && m.metadata?.name === name);
    assert.ok(found, `${r.stack}: no ${kind} named ${name}`);
    return found;
}

/** Every Kubernetes object of `kind`. */
export function k8sOf(r: Render, kind: string): Manifest[] {
    return (manifests(r) as Manifest[]).filter((m) => m.kind === kind);
}

/** The placeholder the render writes for an output known only after deployment. */
export { placeholder } from "../scripts/lib/mocks";

/** A resource as the render records it, built by hand for a test; options default to a plain custom resource. */
export function fixtureResource(
    type: string,
    name: string,
    inputs: Record<string, unknown>,
    extra: Partial<RenderedResource> = {},
): RenderedResource {
    return {
        type,
        name,
        parent: null,
        custom: true,
        provider: null,
        protect: false,
        retainOnDelete: false,
        deleteBeforeReplace: false,
        dependsOn: [],
        inputs,
        ...extra,
    };
}

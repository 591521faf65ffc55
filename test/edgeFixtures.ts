/**
 * Helpers the edge's tests share: a release's values, the hub's Ingress, each stack's hostname.
 */
import { k8s, Manifest, Render, resource } from "./mocks";

export const RELEASE = "kubernetes:helm.sh/v3:Release";

export type Values = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function values(r: Render, name: string): Values {
    return resource(r, RELEASE, name).inputs.values as Values;
}

export function hubIngress(r: Render): Manifest {
    return k8s(r, "Ingress", "hub");
}

export function hostname(r: Render): string {
    const stackHost: Record<string, string> = {
        sandbox: "sandbox.jupyterlabdemo.org",
        demo: "demo.jupyterlabdemo.org",
        local: "jupyter.localtest.me",
    };
    return stackHost[r.stack];
}

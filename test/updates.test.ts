/**
 * The update simulation: for each routine change in test/updateCases.ts, render the stack before and
 * after (the real program under mocks, fed by the real stack files plus the row's overrides), diff
 * the two renders as `npm run diff` does, and check the row and the invariants every update must
 * keep.
 */
import * as assert from "assert";
import { isUserDataDisk } from "../policies/userDataDiskProtected";
import { DiffReport, diffRenders, formatReport } from "../scripts/lib/diff";
import { render, Render, RenderedResource, set } from "./mocks";
import { UPDATE_CASES, UpdateCheck } from "./updateCases";

const NODE_POOL = "gcp:container/nodePool:NodePool";

/**
 * Whether a resource holds user data: a GCP resource labelled `data-class=user-data`, a resource
 * both protected and retained on delete (the homes disk, its schedule and attachment), or a claim
 * whose volume is provisioned for it (reclaim Delete: the claim's deletion deletes the data).
 */
function holdsUserData(r: RenderedResource): boolean {
    if (isUserDataDisk(r.inputs.labels as Record<string, string> | undefined)) return true;
    if (r.protect && r.retainOnDelete) return true;
    if (r.type === "kubernetes:core/v1:PersistentVolumeClaim") {
        const spec = (r.inputs.spec ?? {}) as { volumeName?: unknown; storageClassName?: unknown };
        return spec.volumeName === undefined && spec.storageClassName !== "";
    }
    return false;
}

/** The invariants every routine update keeps; each returns its violations ([] when it holds). */
const INVARIANTS: Readonly<Record<string, (base: Render, report: DiffReport) => string[]>> = {
    "the Kubernetes provider is never replaced": (_base, report) =>
        report.replacements.filter((r) => r.type === "pulumi:providers:kubernetes" && r.cause !== "protection").map((r) => `${r.name}: ${r.reason}`),
    "no user-data resource is replaced, removed or loses protection": (base, report) => {
        const userData = new Set(base.resources.filter(holdsUserData).map((r) => `${r.type}::${r.name}`));
        return report.replacements.filter((r) => userData.has(`${r.type}::${r.name}`)).map((r) => `${r.name}: ${r.reason}`);
    },
    "node pools are replaced create-first": (_base, report) =>
        report.replacements.filter((r) => r.type === NODE_POOL && r.order !== undefined && r.order !== "create-first").map((r) => `${r.name}: ${r.order} (${r.orderWhy})`),
};

/** The extra checks a row may ask for: undefined when it holds, else why not. */
const CHECKS: Readonly<Record<UpdateCheck, (head: Render) => string | undefined>> = {
    pvsWithoutClaimRef: (head) => {
        const bound = head.resources.filter((r) => r.type === "kubernetes:core/v1:PersistentVolume" && (r.inputs.spec as { claimRef?: unknown } | undefined)?.claimRef !== undefined);
        return bound.length > 0 ? `PersistentVolumes with spec.claimRef: ${bound.map((r) => r.name).join(", ")}` : undefined;
    },
    ingressPatchForce: (head) => {
        const ingresses = head.resources.filter((r) => r.type === "kubernetes:networking.k8s.io/v1:Ingress");
        const without = ingresses.filter((r) => ((r.inputs.metadata as { annotations?: Record<string, string> } | undefined)?.annotations ?? {})["pulumi.com/patchForce"] !== "true");
        return without.length > 0 ? `Ingresses without pulumi.com/patchForce: ${without.map((r) => r.name).join(", ")}` : undefined;
    },
};

describe("update simulation (test/updateCases.ts)", () => {
    for (const c of UPDATE_CASES) {
        describe(c.title, () => {
            let base: Render;
            let head: Render;
            let report: DiffReport;
            before(async () => {
                base = await render(c.stack);
                head = await render(c.stack, set({ ...c.set }));
                report = diffRenders(base, head);
            });

            for (const [name, invariant] of Object.entries(INVARIANTS)) {
                it(name, () => assert.deepStrictEqual(invariant(base, report), [], formatReport(report)));
            }

            it(`changes ${c.changes.join(", ")}; replaces ${c.replaces.length > 0 ? c.replaces.join(", ") : "nothing"}`, () => {
                const changed = report.changed.map((x) => x.name);
                for (const name of c.changes) assert.ok(changed.includes(name), `${name} is not changed (changed: ${changed.join(", ")})`);
                if (c.exactly) assert.deepStrictEqual([...changed].sort(), [...c.changes].sort(), "nothing else changes");
                assert.deepStrictEqual(report.added.concat(report.removed).map((x) => x.name), [], "a routine change adds or removes nothing");
                assert.deepStrictEqual(report.replacements.map((r) => r.name).sort(), [...c.replaces].sort(), formatReport(report));
            });

            for (const check of c.checks ?? []) {
                it(check, () => {
                    assert.strictEqual(CHECKS[check](head), undefined);
                });
            }
        });
    }
});

describe("the update invariants can fail", () => {
    it("flag a replaced Kubernetes provider, a replaced user-data disk and a delete-first node pool", async () => {
        const base = await render("sandbox");
        const renamed = diffRenders(base, await render("sandbox", set({ "cluster.name": "jupyterlab-renamed" })));
        // A new cluster name is a new clusterIdentifier: not a routine change.
        assert.deepStrictEqual(INVARIANTS["the Kubernetes provider is never replaced"](base, renamed), ["gke-k8s: clusterIdentifier changed"]);
        const disk = diffRenders(base, await render("sandbox", set({ "storage.diskType": "pd-ssd" })));
        assert.ok(INVARIANTS["no user-data resource is replaced, removed or loses protection"](base, disk).some((v) => v.startsWith("storage-disk:")));

        const fixed = (r: Render): Render => ({
            ...r,
            resources: r.resources.map((x) => (x.type === NODE_POOL ? { ...x, inputs: { ...x.inputs, name: "user-pool" } } : x)),
        });
        const spot = diffRenders(fixed(base), fixed(await render("sandbox", set({ "cluster.userPool.spot": "false" }))));
        assert.deepStrictEqual(INVARIANTS["node pools are replaced create-first"](base, spot), ["gke-user-pool: delete-first (explicit name: the bridge deletes a named resource before creating it again)"]);
    });
});

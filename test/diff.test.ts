import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
    changedPaths,
    diffRenders,
    formatReport,
    hasChanges,
    ReportSection,
    SECTION_PROVIDERS,
    summaryLine,
    unifiedDiff,
} from "../scripts/lib/diff";
import { GCP_API_OF_RESOURCE_TYPE } from "../components/gcpApis";
import { diffAgainstBase } from "../scripts/lib/gitBase";
import { REPLACEMENT_RULES, replacementOrder, ruleFor } from "../scripts/lib/replacements";
import { REPO_ROOT, UsageError } from "../scripts/lib/stackConfig";
import { fixtureResource, render, Render, RenderedResource, set } from "./mocks";

/** A render with `extra` fixture resources declared beside the real ones. */
function withResources(r: Render, ...extra: RenderedResource[]): Render {
    return { ...r, resources: [...r.resources, ...extra] };
}

const resourceOf = fixtureResource;

function deployment(image: string): RenderedResource {
    return resourceOf("kubernetes:apps/v1:Deployment", "fixture-deployment", {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "hub", namespace: "jupyterhub" },
        spec: { replicas: 1, template: { spec: { containers: [{ name: "hub", image }] } } },
    });
}

function homesDisk(inputs: Record<string, unknown>, name = "fixture-homes-disk"): RenderedResource {
    return resourceOf(
        "gcp:compute/disk:Disk",
        name,
        { name: "sandbox-homes", project: "jupyterlabdemo-sandbox", zone: "us-central1-a", type: "pd-balanced", size: 50, ...inputs },
        { protect: true, retainOnDelete: true },
    );
}

const refs = (items: readonly { type: string; name: string }[]): string[] => items.map((r) => `${r.type} ${r.name}`);

describe("render diff (scripts/lib/diff.ts)", () => {
    it("reports nothing for identical renders: one summary line, exit 0", async () => {
        const sandbox = await render("sandbox");
        const report = diffRenders(sandbox, sandbox);
        assert.strictEqual(hasChanges(report), false);
        assert.deepStrictEqual([report.added, report.removed, report.changed, report.replacements], [[], [], [], []]);
        assert.strictEqual(report.unchanged, sandbox.resources.length);
        const text = formatReport(report);
        assert.strictEqual(text, `${summaryLine(report)}\n`);
        assert.match(text, /^sandbox: no changes between base and head \(\d+ resources\)\n$/);
        assert.strictEqual(formatReport(report, { format: "markdown" }).trim().split("\n").length, 1);
    });

    it("reports a changed container image with a unified diff of the manifest", async () => {
        const sandbox = await render("sandbox");
        const base = withResources(sandbox, deployment("quay.io/jupyterhub/k8s-hub:4.4.0"));
        const head = withResources(sandbox, deployment("quay.io/jupyterhub/k8s-hub:4.4.1"));
        const report = diffRenders(base, head);
        assert.ok(hasChanges(report));
        assert.deepStrictEqual(refs(report.changed), ["kubernetes:apps/v1:Deployment fixture-deployment"]);
        assert.deepStrictEqual(report.changed[0].paths, ["spec.template.spec.containers[0].image"]);
        const lines = report.changed[0].diff.split("\n");
        assert.ok(lines.includes("-        - image: quay.io/jupyterhub/k8s-hub:4.4.0"), report.changed[0].diff);
        assert.ok(lines.includes("+        - image: quay.io/jupyterhub/k8s-hub:4.4.1"), report.changed[0].diff);
        assert.deepStrictEqual(report.replacements, [], "an image change replaces nothing");
        const text = formatReport(report);
        assert.match(text, /changed \(1\):\n {2}~ kubernetes:apps\/v1:Deployment fixture-deployment: spec\.template\.spec\.containers\[0\]\.image/);
        assert.match(text, /\nsandbox: 0 to add, 0 to remove, 1 to change, \d+ unchanged \(base -> head\)\n$/);
    });

    it("reports a changed hub image in the real render (once the hub component is merged)", async function () {
        const base = await render("sandbox");
        if (!JSON.stringify(base.resources).includes("quay.io/jupyterhub/k8s-hub:4.4.0")) {
            this.skip(); // No resource carries the hub image yet on this branch.
        }
        const head = await render("sandbox", set({ "hub.image": "quay.io/jupyterhub/k8s-hub:4.4.1" }));
        const report = diffRenders(base, head);
        assert.ok(report.changed.length > 0);
        assert.ok(report.changed.some((c) => /^\+.*k8s-hub:4\.4\.1/m.test(c.diff) && /^-.*k8s-hub:4\.4\.0/m.test(c.diff)));
        assert.deepStrictEqual(report.replacements, []);
    });

    it("reports removed and added resources: private nodes off removes the router and NAT, and replaces the cluster", async () => {
        const privateNodes = await render("sandbox");
        const publicNodes = await render("sandbox", set({ "cluster.privateNodes": "false" }));
        const off = diffRenders(privateNodes, publicNodes);
        assert.deepStrictEqual(refs(off.removed), ["gcp:compute/router:Router gke-router", "gcp:compute/routerNat:RouterNat gke-nat"]);
        assert.deepStrictEqual(off.added, []);
        assert.match(formatReport(off), /removed \(2\):\n {2}- gcp:compute\/router:Router gke-router\n {2}- gcp:compute\/routerNat:RouterNat gke-nat\n/);
        // The control plane range goes with privateClusterConfig: ForceNew in the provider.
        const cluster = off.replacements.find((r) => r.type === "gcp:container/cluster:Cluster");
        assert.ok(cluster, JSON.stringify(off.replacements));
        assert.match(cluster.reason, /privateClusterConfig/);

        const on = diffRenders(publicNodes, privateNodes);
        assert.deepStrictEqual(refs(on.added), ["gcp:compute/router:Router gke-router", "gcp:compute/routerNat:RouterNat gke-nat"]);
        assert.deepStrictEqual(on.removed, []);
        assert.match(formatReport(on), /added \(2\):\n {2}\+ gcp:compute\/router:Router gke-router\n/);
    });

    it("flags a node pool change that recreates its nodes, and not one that updates in place", async () => {
        const base = await render("sandbox");
        const spot = diffRenders(base, await render("sandbox", set({ "cluster.userPool.spot": "false" })));
        assert.deepStrictEqual(refs(spot.replacements), ["gcp:container/nodePool:NodePool gke-user-pool"]);
        assert.match(spot.replacements[0].reason, /nodeConfig\.spot changed/);
        assert.match(formatReport(spot), /REPLACEMENT[\s\S]*GKE node pool gcp:container\/nodePool:NodePool gke-user-pool: nodeConfig\.spot changed/);

        const bigger = diffRenders(base, await render("sandbox", set({ "cluster.userPool.maxNodes": "5" })));
        assert.deepStrictEqual(refs(bigger.changed), ["gcp:container/nodePool:NodePool gke-user-pool"]);
        assert.deepStrictEqual(bigger.replacements, [], "autoscaling limits update in place");
    });

    it("flags a change that would replace the homes disk: its type, a shrink, a rename; not a growth", async () => {
        const sandbox = await render("sandbox");
        const base = withResources(sandbox, homesDisk({}));

        const type = diffRenders(base, withResources(sandbox, homesDisk({ type: "pd-ssd" })));
        assert.deepStrictEqual(refs(type.replacements), ["gcp:compute/disk:Disk fixture-homes-disk"]);
        assert.match(type.replacements[0].reason, /^type changed$/);
        // docs/storage.md: a protected disk is never replaced; the `up` fails and nothing changes.
        assert.match(type.replacements[0].consequence, /^BLOCKED: the resource is protected, so `pulumi up` stops before deleting anything and nothing changes; unprotected, this would be a new, EMPTY disk/);
        assert.deepStrictEqual([type.replacements[0].order, type.replacements[0].cause], ["delete-first", "change"]);
        const text = formatReport(type);
        assert.match(text, /!!!!!!!! REPLACEMENT !!!!!!!!\n!! persistent disk gcp:compute\/disk:Disk fixture-homes-disk: type changed\n!! {3}=> BLOCKED[^\n]*\n!! {3}order: delete-first \(explicit name: /);
        assert.match(text, /1 REPLACEMENT \(base -> head\)\n$/);
        assert.match(formatReport(type, { format: "markdown" }), /> \[!CAUTION\][\s\S]*\*\*persistent disk\*\* `gcp:compute\/disk:Disk` `fixture-homes-disk`: type changed → BLOCKED.*a new, EMPTY disk/);
        const unprotected = diffRenders(withResources(sandbox, { ...homesDisk({}), protect: false }), withResources(sandbox, { ...homesDisk({ type: "pd-ssd" }), protect: false }));
        assert.match(unprotected.replacements[0].consequence, /^a new, EMPTY disk: every home directory on it is lost/);

        const shrink = diffRenders(base, withResources(sandbox, homesDisk({ size: 40 })));
        assert.match(shrink.replacements[0]?.reason ?? "", /size shrinks from 50 to 40/);

        const grow = diffRenders(base, withResources(sandbox, homesDisk({ size: 100 })));
        assert.deepStrictEqual(refs(grow.changed), ["gcp:compute/disk:Disk fixture-homes-disk"]);
        assert.deepStrictEqual(grow.replacements, [], "a disk may grow in place");

        const renamed = diffRenders(base, withResources(sandbox, homesDisk({}, "fixture-disk")));
        assert.deepStrictEqual(refs(renamed.replacements), ["gcp:compute/disk:Disk fixture-homes-disk"]);
        assert.match(renamed.replacements[0].reason, /logical name changed \(now fixture-disk\) without an alias/);

        const removed = diffRenders(base, sandbox);
        assert.match(removed.replacements[0]?.reason ?? "", /removed from the program/);
    });

    it("flags storage.diskType in the real render (once the storage component is merged)", async function () {
        const base = await render("sandbox");
        if (!base.resources.some((r) => r.type === "gcp:compute/disk:Disk")) {
            this.skip(); // No homes disk on this branch yet.
        }
        const head = await render("sandbox", set({ "storage.diskType": "pd-ssd" }));
        const report = diffRenders(base, head);
        const disk = report.replacements.find((r) => r.type === "gcp:compute/disk:Disk");
        assert.ok(disk, JSON.stringify(report.replacements));
        // The REPLACEMENT text and docs/storage.md agree: a protected disk is not replaced, the `up` fails.
        const row = fs.readFileSync(`${REPO_ROOT}/docs/storage.md`, "utf8").split("\n").find((l) => l.startsWith("|") && l.includes("`storage.diskType`"));
        assert.match(row ?? "", /the `up` fails: the disks? (is|are) protected[^|]*\|\s*nothing changes/);
        assert.match(disk.consequence, /^BLOCKED: the resource is protected, so `pulumi up` stops before deleting anything and nothing changes/);
    });

    it("reports resource option changes, and flags a dropped protect as loudly as a replacement", async () => {
        const sandbox = await render("sandbox");
        const userData = { labels: { "data-class": "user-data" } };
        const report = diffRenders(withResources(sandbox, homesDisk(userData)), withResources(sandbox, { ...homesDisk(userData), protect: false }));
        assert.deepStrictEqual(report.changed[0].paths, ["options.protect"]);
        assert.match(report.changed[0].diff, /^-protect: true\n\+protect: false$/m);
        assert.deepStrictEqual(report.replacements.map((r) => [r.name, r.cause, r.reason]), [["fixture-homes-disk", "protection", "protect dropped"]]);
        assert.match(report.replacements[0].consequence, /USER DATA/);
        assert.match(formatReport(report), /!!!!!!!! REPLACEMENT !!!!!!!!\n!! persistent disk gcp:compute\/disk:Disk fixture-homes-disk: protect dropped\n!! {3}=> it holds USER DATA, and nothing stops a destroy/);
        assert.match(summaryLine(report), /1 REPLACEMENT/);

        const notRetained = diffRenders(withResources(sandbox, homesDisk(userData)), withResources(sandbox, { ...homesDisk(userData), retainOnDelete: false }));
        assert.deepStrictEqual(notRetained.replacements.map((r) => r.reason), ["retainOnDelete dropped"]);
        assert.match(notRetained.replacements[0].consequence, /a delete deletes it in the cloud too/);
    });

    it("renaming the cluster replaces, by name or by cascade, the static IP, VPC, subnetwork, router, NAT, node SA, pools and the Kubernetes provider", async () => {
        const base = await render("sandbox");
        const report = diffRenders(base, await render("sandbox", set({ "cluster.name": "jupyterlab-renamed" })));
        const byName = new Map(report.replacements.map((r) => [r.name, r]));
        for (const name of ["gke-ingress-ip", "gke-network", "gke-subnetwork", "gke-router", "gke-nat", "gke-nodes", "gke-cluster"]) {
            assert.ok(byName.has(name), `${name} is not flagged: ${[...byName.keys()].join(", ")}`);
            assert.strictEqual(byName.get(name)!.cause, "change", name);
        }
        assert.match(byName.get("gke-ingress-ip")!.consequence, /NEW public IP.*A record.*certificate/);
        assert.strictEqual(byName.get("gke-network")!.order, "delete-first");
        // Cascade: the IAM grant takes the new account's member.
        assert.deepStrictEqual([byName.get("gke-nodes-role")!.cause, byName.get("gke-nodes-role")!.reason], ["cascade", "member takes an output of gke-nodes, which is replaced"]);
        for (const pool of ["gke-core-pool", "gke-user-pool"]) assert.ok(byName.has(pool), pool);
        // The homes disk and its schedule are not touched (docs/storage.md).
        assert.ok(!report.replacements.some((r) => r.name.startsWith("storage-snapshot") || r.type === "gcp:compute/disk:Disk"));
        // A new cluster name is a new clusterIdentifier: the provider and every object go with it.
        const provider = base.resources.find((r) => r.type === "pulumi:providers:kubernetes")!;
        assert.match(byName.get(provider.name)?.reason ?? "", /^clusterIdentifier changed$/);
        assert.ok(report.replacements.filter((r) => r.reason === `its provider ${provider.name} is replaced`).length > 10, "every Kubernetes object goes with the provider");
        assert.match(formatReport(report), /REPLACEMENTS \(\d+ by cascade\)/);
    });

    it("a cluster replaced under the same identity keeps a provider with clusterIdentifier, and replaces one without", async () => {
        const sandbox = await render("sandbox");
        const withDatapath = (r: Render, datapathProvider: string, keepIdentifier = true): Render => ({
            ...r,
            resources: r.resources.map((x) => {
                if (x.type === "gcp:container/cluster:Cluster") return { ...x, inputs: { ...x.inputs, datapathProvider } };
                if (x.type === "pulumi:providers:kubernetes" && !keepIdentifier) return { ...x, inputs: { ...x.inputs, clusterIdentifier: undefined } };
                return x;
            }),
        });
        const stable = diffRenders(withDatapath(sandbox, "ADVANCED_DATAPATH"), withDatapath(sandbox, "LEGACY_DATAPATH"));
        assert.deepStrictEqual(stable.replacements.filter((r) => r.type.startsWith("pulumi:providers:") || r.type.startsWith("kubernetes:")), []);
        assert.ok(stable.replacements.some((r) => r.type === "gcp:container/cluster:Cluster"));
        const bare = diffRenders(withDatapath(sandbox, "ADVANCED_DATAPATH", false), withDatapath(sandbox, "LEGACY_DATAPATH", false));
        const provider = bare.replacements.find((r) => r.type === "pulumi:providers:kubernetes");
        assert.match(provider?.reason ?? "", /kubeconfig carries the endpoint and CA of gke-cluster, which is replaced, and it has no clusterIdentifier/);
        assert.ok(bare.replacements.some((r) => r.reason === `its provider ${provider!.name} is replaced`));
    });

    it("orders replacements as the providers do", () => {
        const r = (type: string, inputs: Record<string, unknown>, extra: Partial<RenderedResource> = {}) => resourceOf(type, "x", inputs, extra);
        const cases: [string, RenderedResource, RenderedResource, string][] = [
            ["named GCP resource: the bridge deletes first", r("gcp:compute/network:Network", { name: "a" }), r("gcp:compute/network:Network", { name: "b" }), "delete-first"],
            ["auto-named node pool: created first", r("gcp:container/nodePool:NodePool", { initialNodeCount: 1 }), r("gcp:container/nodePool:NodePool", { initialNodeCount: 1 }), "create-first"],
            ["node pool with a fixed name: deleted first", r("gcp:container/nodePool:NodePool", { name: "core-pool" }), r("gcp:container/nodePool:NodePool", { name: "core-pool" }), "delete-first"],
            ["deleteBeforeReplace option", r("gcp:serviceaccount/account:Account", {}), r("gcp:serviceaccount/account:Account", {}, { deleteBeforeReplace: true }), "delete-first"],
            ["service account (accountId is not an auto-name)", r("gcp:serviceaccount/account:Account", { accountId: "a" }), r("gcp:serviceaccount/account:Account", { accountId: "b" }), "create-first"],
            ["Kubernetes object keeping its name", r("kubernetes:core/v1:Service", { metadata: { name: "s", namespace: "n" } }), r("kubernetes:core/v1:Service", { metadata: { name: "s", namespace: "n" } }), "delete-first"],
            ["Kubernetes object renamed", r("kubernetes:core/v1:Service", { metadata: { name: "s", namespace: "n" } }), r("kubernetes:core/v1:Service", { metadata: { name: "t", namespace: "n" } }), "create-first"],
        ];
        for (const [title, base, head, order] of cases) assert.strictEqual(replacementOrder(base, head).order, order, title);
    });

    it("flags Kubernetes immutable fields and the replaceOnChanges option, and ignores ignoreChanges paths", async () => {
        const sandbox = await render("sandbox");
        const svc = (clusterIP: string) => resourceOf("kubernetes:core/v1:Service", "fixture-svc", { metadata: { name: "nfs", namespace: "jupyterhub" }, spec: { clusterIP } });
        const ip = diffRenders(withResources(sandbox, svc("10.0.0.1")), withResources(sandbox, svc("10.0.0.2")));
        assert.deepStrictEqual(ip.replacements.map((r) => [r.name, r.reason, r.order]), [["fixture-svc", "spec.clusterIP changed", "delete-first"]]);
        const pvc = (volumeName: string, size: string) => resourceOf("kubernetes:core/v1:PersistentVolumeClaim", "fixture-pvc", { metadata: { name: "homes" }, spec: { volumeName, storageClassName: "", resources: { requests: { storage: size } } } });
        assert.deepStrictEqual(diffRenders(withResources(sandbox, pvc("a", "1Gi")), withResources(sandbox, pvc("a", "2Gi"))).replacements, [], "a claim's request may change");
        assert.match(diffRenders(withResources(sandbox, pvc("a", "1Gi")), withResources(sandbox, pvc("b", "1Gi"))).replacements[0].consequence, /pre-created volume, whose data is not deleted/);
        const dep = (selector: string, image: string, extra: Partial<RenderedResource> = {}) => resourceOf("kubernetes:apps/v1:Deployment", "fixture-dep", { metadata: { name: "d" }, spec: { selector: { matchLabels: { a: selector } }, template: { spec: { containers: [{ image }] } } } }, extra);
        assert.match(diffRenders(withResources(sandbox, dep("x", "i:1")), withResources(sandbox, dep("y", "i:1"))).replacements[0].reason, /spec\.selector\.matchLabels\.a changed/);
        assert.deepStrictEqual(diffRenders(withResources(sandbox, dep("x", "i:1")), withResources(sandbox, dep("x", "i:2"))).replacements, []);
        const onChanges = { replaceOnChanges: ["spec.template"] };
        assert.match(diffRenders(withResources(sandbox, dep("x", "i:1", onChanges)), withResources(sandbox, dep("x", "i:2", onChanges))).replacements[0].reason, /\(replaceOnChanges\)$/);
        const pool = (n: number, extra: Partial<RenderedResource> = {}) => resourceOf("gcp:container/nodePool:NodePool", "fixture-pool", { initialNodeCount: n }, extra);
        assert.strictEqual(diffRenders(withResources(sandbox, pool(1)), withResources(sandbox, pool(2))).replacements.length, 1);
        assert.deepStrictEqual(diffRenders(withResources(sandbox, pool(1, { ignoreChanges: ["initialNodeCount"] })), withResources(sandbox, pool(2, { ignoreChanges: ["initialNodeCount"] }))).replacements, []);
    });

    it("reports a resource option that starts ignoring a field, and an adoption", async () => {
        const base = await render("sandbox");
        const adopt = diffRenders(base, await render("sandbox", set({ "storage.adoptExistingDisk": "true" })));
        const disk = adopt.changed.find((c) => c.type === "gcp:compute/disk:Disk")!;
        assert.ok(disk, "the adopted disk shows as changed");
        assert.deepStrictEqual(disk.paths.filter((p) => p.startsWith("options.")).sort(), ["options.ignoreChanges", "options.import"]);
        assert.deepStrictEqual(adopt.replacements.filter((x) => x.type === "gcp:compute/disk:Disk"), [], "adopting replaces nothing");
    });

    it("keeps secrets as [secret]", async () => {
        const base = await render("sandbox");
        const head = await render("sandbox", set({ githubClientSecret: "plaintext-must-not-leak" }, true));
        const report = diffRenders(base, head);
        for (const format of ["text", "markdown"] as const) {
            assert.ok(!formatReport(report, { format }).includes("plaintext-must-not-leak"));
        }
    });

    it("prints extra sections (the cost extension point) before the summary line", async () => {
        const sandbox = await render("sandbox");
        const report = diffRenders(sandbox, withResources(sandbox, homesDisk({})));
        const text = formatReport(report, { sections: [{ title: "monthly cost", lines: ["+ $2.50"] }] });
        assert.match(text, /\nmonthly cost:\n\+ \$2\.50\n\nsandbox: 1 to add/);
    });

    it("shows the monthly cost change, idle and at full scale, when something changes", async () => {
        const base = await render("sandbox");
        const head = await render("sandbox", set({ "cluster.userPool.minNodes": "1" }));
        const report = diffRenders(base, head);
        const sections = SECTION_PROVIDERS.map((p) => p(base, head, report)).filter((x) => x !== undefined);
        assert.strictEqual(sections.length, 1);
        const table = sections[0]!.lines.join("\n");
        assert.match(table, /\| idle floor \| \$[0-9.,]+ \| \$[0-9.,]+ \| \+\$[0-9.,]+ \|/, "one more idle node costs more");
        assert.match(table, /\| full scale \| .* \| ±\$0\.00 \|/, "the maximum is unchanged");
        assert.match(formatReport(report, { sections: sections as ReportSection[] }), /Estimated monthly cost[\s\S]*idle floor[\s\S]*\nsandbox: 0 to add/);

        const same = diffRenders(base, base);
        assert.deepStrictEqual(SECTION_PROVIDERS.map((p) => p(base, base, same)).filter((x) => x !== undefined), [], "no change: only the summary line");
        const local = await render("local");
        const localChange = diffRenders(local, await render("local", set({ "lab.cullIdleSeconds": "7200" })));
        assert.deepStrictEqual(SECTION_PROVIDERS.map((p) => p(local, local, localChange)).filter((x) => x !== undefined), [], "local costs nothing");
    });
});

describe("unifiedDiff and changedPaths", () => {
    it("prints the hunks diff -u prints (three lines of context, nearby changes merged)", () => {
        // Expected texts are GNU diffutils' `diff -u` output for the same inputs.
        const a = "abcdefghijklm".split("").join("\n") + "\n";
        const b = "abcdEfghijklmn".split("").join("\n") + "\n";
        assert.strictEqual(
            unifiedDiff(a, b, { a: "old", b: "new" }),
            ["--- old", "+++ new", "@@ -2,7 +2,7 @@", " b", " c", " d", "-e", "+E", " f", " g", " h", "@@ -11,3 +11,4 @@", " k", " l", " m", "+n", ""].join("\n"),
        );
        assert.strictEqual(unifiedDiff(a, a, { a: "x", b: "y" }), "");
        assert.strictEqual(unifiedDiff("x\n", "x\ny\n", { a: "a", b: "b" }), ["--- a", "+++ b", "@@ -1 +1,2 @@", " x", "+y", ""].join("\n"));
        assert.strictEqual(unifiedDiff("", "y\n", { a: "a", b: "b" }).split("\n")[2], "@@ -0,0 +1 @@");
        // Changes five unchanged lines apart share one hunk.
        const c = "abcdEfghiJk".split("").join("\n") + "\n";
        assert.strictEqual(unifiedDiff(a, c, { a: "a", b: "b" }).match(/^@@/gm)?.length, 1);
    });

    it("names the deepest changed paths", () => {
        assert.deepStrictEqual(
            changedPaths({ a: { b: [1, 2], c: "x" }, d: 1 }, { a: { b: [1, 3], c: "x" }, e: 1 }),
            ["a.b[1]", "d", "e"],
        );
        assert.deepStrictEqual(changedPaths({ l: [1] }, { l: [1, 2] }), ["l"]);
    });

    it("keeps a documented, well-formed replacement table", () => {
        for (const rule of REPLACEMENT_RULES) {
            assert.ok(rule.consequence && rule.what, rule.type);
            assert.ok(rule.fields.length > 0 || rule.type.startsWith("kubernetes:"), `${rule.type}: no field`);
            assert.strictEqual(new Set(rule.fields).size, rule.fields.length, `${rule.type}: duplicate fields`);
        }
        assert.strictEqual(new Set(REPLACEMENT_RULES.map((r) => r.type)).size, REPLACEMENT_RULES.length, "one rule per type");
    });

    it("has a replacement rule for every GCP type the API table knows", () => {
        for (const type of Object.keys(GCP_API_OF_RESOURCE_TYPE)) assert.ok(ruleFor(type), `${type} has no replacement rule in scripts/lib/replacements.ts`);
    });

    it("has a replacement rule for every GCP type and provider of every stack, and one for every Kubernetes object", async () => {
        for (const stack of ["sandbox", "demo", "local"]) {
            for (const r of (await render(stack)).resources.filter((x) => x.custom)) {
                assert.ok(ruleFor(r.type), `${stack}: ${r.type} has no replacement rule in scripts/lib/replacements.ts`);
            }
        }
    });
});

describe("npm run diff (scripts/lib/gitBase.ts, end to end)", () => {
    it("against --base HEAD of a clean checkout: no change, exit 0, only the summary line; the worktree is removed", async function () {
        const relevant = ["index.ts", "components", "scripts", "stacks", "Pulumi.yaml", "package.json"];
        const dirty = execFileSync("git", ["status", "--porcelain", "--", ...relevant], { cwd: REPO_ROOT, encoding: "utf8" }).trim();
        if (dirty) {
            this.skip(); // The working tree differs from HEAD: a diff is expected, not an error.
        }
        this.timeout(60000);
        // A temporary directory of this test's own: other checkouts of the repository (worktrees
        // share its worktree list) may run a diff at the same time, in the shared /tmp.
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "diff-e2e-"));
        const tmpdir = process.env.TMPDIR;
        process.env.TMPDIR = tmp;
        try {
            const { report, notes } = await diffAgainstBase({ stack: "local", baseRef: "HEAD" });
            assert.deepStrictEqual(notes, []);
            assert.strictEqual(hasChanges(report), false, formatReport(report));
            assert.match(formatReport(report), /^local: no changes between HEAD \([0-9a-f]{7,}\) and working tree \(\d+ resources\)\n$/);
            assert.strictEqual(formatReport(report).split("\n").length, 2);
            const worktrees = execFileSync("git", ["worktree", "list", "--porcelain"], { cwd: REPO_ROOT, encoding: "utf8" });
            assert.ok(!worktrees.includes(fs.realpathSync(tmp)) && !worktrees.includes(tmp), worktrees);
            assert.deepStrictEqual(fs.readdirSync(tmp), [], "the diff's temporary directory is gone");
        } finally {
            if (tmpdir === undefined) delete process.env.TMPDIR;
            else process.env.TMPDIR = tmpdir;
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    });

    it("rejects a base that is not a commit, as a usage error (exit 2)", async () => {
        await assert.rejects(diffAgainstBase({ stack: "local", baseRef: "no-such-ref-xyz" }), (e: unknown) => e instanceof UsageError && /--base no-such-ref-xyz: not a commit/.test((e as Error).message));
    });
});

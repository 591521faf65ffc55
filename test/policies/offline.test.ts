/**
 * The offline policy check over the real renders: every stack passes with no mandatory violation,
 * and a render mutated in memory fails, naming the resource.
 */
import * as assert from "assert";
import type { ReportViolation, ResourceValidation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { packConfig, rules } from "../../policies/rules";
import {
    checkRender,
    checkResources,
    describeUrn,
    formatReport,
    loadPolicyConfig,
    overlayPolicyConfig,
    PolicyConfigError,
    PolicyReport,
    resolvePolicyConfig,
} from "../../scripts/lib/policyCheck";
import { render, Render, RenderedResource } from "../mocks";
import { res } from "./harness";

/** A deep copy of a render, so mutations never touch the cached one. */
function clone(r: Render): { -readonly [K in keyof Render]: Render[K] } {
    return JSON.parse(JSON.stringify(r)) as Render;
}

function mandatory(report: PolicyReport): string[] {
    return report.violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => `${v.policyName} ${describeUrn(v.urn)}`);
}

describe("offline policy check", () => {
    for (const stack of ["sandbox", "demo", "local"]) {
        it(`${stack}: no mandatory violation`, async () => {
            const report = await checkRender(await render(stack));
            assert.deepStrictEqual(mandatory(report), [], formatReport(report));
        });
    }

    it("policy-config.json is valid for the pack", () => {
        assert.doesNotThrow(() => resolvePolicyConfig(rules, loadPolicyConfig()));
    });

    it("a mutated sandbox render fails, naming each offending resource", async () => {
        const r = clone(await render("sandbox"));
        const k8sProvider = r.resources.find((x) => x.type === "pulumi:providers:kubernetes")!.name;
        // A node pool loses auto-repair (edit in place).
        const pool = r.resources.find((x) => x.type === "gcp:container/nodePool:NodePool")!;
        (pool.inputs.management as Record<string, unknown>).autoRepair = false;
        // A container without limits: the first declared Deployment's, or a new one.
        let workload = r.resources.find((x) => x.type === "kubernetes:apps/v1:Deployment");
        if (!workload) {
            workload = res("kubernetes:apps/v1:Deployment", "mutant-app", {
                metadata: { name: "mutant-app", namespace: "jupyterhub" },
                spec: { template: { metadata: { labels: { app: "mutant" } }, spec: { containers: [{ name: "app", image: "nginx:1.27.0", resources: {} }] } } },
            }, { provider: k8sProvider });
            r.resources.push(workload);
        } else {
            const containers = ((workload.inputs.spec as { template: { spec: { containers: { resources?: unknown }[] } } }).template.spec.containers);
            containers[0].resources = { requests: { cpu: "1", memory: "1Gi" } };
        }
        // A user-data disk without protect, and a LoadBalancer Service.
        const disk: RenderedResource = res("gcp:compute/disk:Disk", "mutant-disk", { name: "homes", labels: { "data-class": "user-data" }, zone: "us-central1-a" });
        const lb = res("kubernetes:core/v1:Service", "mutant-lb", { metadata: { name: "open", namespace: "jupyterhub" }, spec: { type: "LoadBalancer" } }, { provider: k8sProvider });
        r.resources.push(disk, lb);

        const report = await checkRender(r);
        const found = mandatory(report);
        for (const expected of [
            `gke-node-pool-hardened ${pool.name}: gcp:container/nodePool:NodePool`,
            `k8s-container-resources ${workload.name}: kubernetes:apps/v1:Deployment`,
            "user-data-disk-protected mutant-disk: gcp:compute/disk:Disk",
            "user-data-disk-snapshotted mutant-disk: gcp:compute/disk:Disk",
            "k8s-no-direct-load-balancer mutant-lb: kubernetes:core/v1:Service",
        ]) {
            assert.ok(found.includes(expected), `expected "${expected}" in:\n${found.join("\n")}`);
        }
        const text = formatReport(report);
        assert.match(text, /^Policy Violations:\n {4}\[mandatory\] {2}jupyterlabdemo v0\.1\.0 {2}/);
        assert.match(text, /\[mandatory\] {2}jupyterlabdemo v0\.1\.0 {2}k8s-no-direct-load-balancer \(mutant-lb: kubernetes:core\/v1:Service\)\n {4}No Service of type LoadBalancer.*\n {4}Service jupyterhub\/open is of type LoadBalancer/);
        assert.match(text, /the engine would block this update\n$/);
    });

    it("URNs carry the parent chain, as the engine's do", async () => {
        const r = clone(await render("sandbox"));
        r.resources.push(res("gcp:compute/disk:Disk", "mutant-disk", { labels: { "data-class": "user-data" } }, { parent: "gke" }));
        const v = (await checkRender(r)).violations.find((x) => x.policyName === "user-data-disk-protected")!;
        assert.strictEqual(v.urn, "urn:pulumi:sandbox::jupyterlabdemo::jupyterlabdemo:components:GkeCluster$gcp:compute/disk:Disk::mutant-disk");
    });

    it("a per-rule enforcement override in the policy config changes the level, or disables the rule", async () => {
        const r = clone(await render("sandbox"));
        r.resources.push(res("kubernetes:core/v1:Service", "mutant-lb", { metadata: { name: "open", namespace: "jupyterhub" }, spec: { type: "LoadBalancer" } }));
        const config = loadPolicyConfig();
        // The render's own advisories (e.g. image digests still to set) stay as they are.
        const before = (await checkRender(clone(await render("sandbox")))).advisory;
        const advisory = await checkRender(r, { config: { ...config, "k8s-no-direct-load-balancer": { ...(config["k8s-no-direct-load-balancer"] as object), enforcementLevel: "advisory" } } });
        assert.deepStrictEqual([advisory.mandatory, advisory.advisory], [0, before + 1]);
        const disabled = await checkRender(r, { config: { ...config, "k8s-no-direct-load-balancer": "disabled" } });
        assert.deepStrictEqual([disabled.mandatory, disabled.advisory], [0, before]);
    });

    it("skips a single type-tagged validation for other types, as the engine's fast check does; calls each one of a list", async () => {
        const resources = [res("kubernetes:core/v1:Service", "svc", {}), res("kubernetes:core/v1:Namespace", "ns", {})];
        // Tagged like validateResourceOfType's wrappers, but reporting whatever it is called for.
        const tagged = (type: string): ResourceValidation =>
            Object.assign((args: ResourceValidationArgs, report: ReportViolation) => report(`called for ${args.type}`), { __pulumiType: type });
        const single: ResourceValidationPolicy = { name: "single", description: "d", validateResource: tagged("kubernetes:core/v1:Service") };
        const list: ResourceValidationPolicy = { name: "list", description: "d", validateResource: [tagged("kubernetes:core/v1:Service")] };
        const report = await checkResources("sandbox", resources, { policies: [single, list], config: {} });
        assert.deepStrictEqual(
            report.violations.map((v) => `${v.policyName}: ${v.message.split("\n")[1]}`),
            ["single: called for kubernetes:core/v1:Service", "list: called for kubernetes:core/v1:Service", "list: called for kubernetes:core/v1:Namespace"],
        );
    });

    it("rejects a policy config the engine would reject, in one line", () => {
        assert.throws(() => resolvePolicyConfig(rules, { "no-such-rule": "advisory" }), (e: Error) => e instanceof PolicyConfigError && /"no-such-rule" is not a policy of the pack/.test(e.message));
        assert.throws(() => resolvePolicyConfig(rules, { "k8s-ingress-tls": { enforcementLevel: "loud" as never } }), /enforcementLevel must be one of/);
        assert.throws(() => resolvePolicyConfig(rules, { "k8s-privileged-allow-list": { allowed: "Deployment/nfs-server" } }), /k8s-privileged-allow-list\.allowed must be array/);
        assert.throws(() => resolvePolicyConfig(rules, { "k8s-privileged-allow-list": { alowed: [] } }), /must NOT have additional properties/);
    });
});

describe("a --policy-pack-config file over the pack's config", () => {
    it("wins per rule for what it sets, and keeps the pack's other settings", () => {
        const merged = overlayPolicyConfig(
            { "k8s-privileged-allow-list": { allowed: ["Deployment/nfs-server"] }, "k8s-ingress-tls": "mandatory" },
            { "k8s-privileged-allow-list": "advisory", "helm-chart-pinned": "disabled" },
        );
        assert.deepStrictEqual(merged, {
            "k8s-privileged-allow-list": { allowed: ["Deployment/nfs-server"], enforcementLevel: "advisory" },
            "k8s-ingress-tls": "mandatory",
            "helm-chart-pinned": { enforcementLevel: "disabled" },
        });
    });
});

describe("policy pack initial config", () => {
    it("gives every entry an explicit enforcement level (the rule's unless overridden)", () => {
        const cfg = packConfig({ "k8s-privileged-allow-list": { allowed: ["Deployment/nfs-server"] }, "k8s-ingress-tls": "advisory", "hub-access-restricted-local": {} });
        assert.deepStrictEqual(cfg, {
            "k8s-privileged-allow-list": { allowed: ["Deployment/nfs-server"], enforcementLevel: "mandatory" },
            "k8s-ingress-tls": { enforcementLevel: "advisory" },
            "hub-access-restricted-local": { enforcementLevel: "advisory" },
        });
        // An `all` level overrides the rules' own levels for entries that give none.
        const all = packConfig({ all: "advisory", "k8s-privileged-allow-list": { allowed: [] }, "k8s-ingress-tls": "mandatory" });
        assert.strictEqual((all["k8s-privileged-allow-list"] as { enforcementLevel: string }).enforcementLevel, "advisory");
        assert.strictEqual((all["k8s-ingress-tls"] as { enforcementLevel: string }).enforcementLevel, "mandatory");
    });
});

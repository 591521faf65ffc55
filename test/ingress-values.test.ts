/**
 * The values each Helm release receives, checked as Helm would check them at install time: the
 * chart's defaults coalesced with the values, validated against the chart's own values schema
 * (copies in test/fixtures/charts), plus a check that every path set is one the chart knows
 * (the nginx-ingress schema accepts unknown keys; cert-manager's `global` is open).
 */
import * as assert from "assert";
import { certManagerChart, ChartCheck, helmMerge, k8sDefinitionsStandIn, nginxIngressChart, undeclaredPaths } from "./helmValues";
import { values } from "./edgeFixtures";
import { render, set } from "./mocks";

type Values = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const RELEASES: [string, () => ChartCheck][] = [
    ["edge-nginx-ingress", nginxIngressChart],
    ["edge-cert-manager", certManagerChart],
];

async function releaseValues(stack: string, name: string, overrides = set({})): Promise<Values> {
    return values(await render(stack, overrides), name);
}

function clone<T>(v: T): T {
    return JSON.parse(JSON.stringify(v)) as T;
}

describe("edge: release values against the charts' own schemas", () => {
    it("the charts' own defaults pass (the stand-ins for nginx's remote refs do not reject them)", () => {
        for (const chart of [nginxIngressChart(), certManagerChart()]) {
            assert.deepStrictEqual(chart.validate({}), [], chart.chart);
        }
    });

    for (const stack of ["sandbox", "demo", "local"]) {
        for (const [name, chart] of RELEASES) {
            it(`${stack}: ${name} values merged with the chart defaults validate, and every path exists in the chart`, async () => {
                const v = await releaseValues(stack, name);
                assert.deepStrictEqual(chart().validate(v), [], `${name} on ${stack}`);
                assert.deepStrictEqual(undeclaredPaths(chart(), v), [], `${name} on ${stack}: paths the chart does not know`);
            });
        }
    }

    it("local with a LoadBalancer Service validates too", async () => {
        const v = await releaseValues("local", "edge-nginx-ingress", set({ "ingress.localServiceType": "LoadBalancer" }));
        assert.deepStrictEqual(nginxIngressChart().validate(v), []);
    });
});

describe("edge: the values check catches mistakes (it cannot pass silently)", () => {
    it("nginx: wrong types under the chart's and Kubernetes' own properties fail", async () => {
        const good = await releaseValues("demo", "edge-nginx-ingress");
        const cases: [string, (v: Values) => void, RegExp][] = [
            ["replicaCount as a string", (v) => (v.controller.replicaCount = "2"), /\/controller\/replicaCount: must be integer/],
            ["a misspelled Service type", (v) => (v.controller.service.type = "Loadbalancer"), /\/controller\/service\/type/],
            ["a misspelled traffic policy", (v) => (v.controller.service.externalTrafficPolicy = "local"), /externalTrafficPolicy/],
            ["PDB enabled as a string", (v) => (v.controller.podDisruptionBudget.enabled = "true"), /podDisruptionBudget\/enabled: must be boolean/],
            ["a toleration effect in GCP spelling", (v) => (v.controller.tolerations = [{ key: "k", operator: "Exists", effect: "NO_SCHEDULE" }]), /tolerations\/0\/effect/],
            ["a resources typo", (v) => (v.controller.resources = { request: { cpu: "1" } }), /\/controller\/resources/],
            ["telemetry as a string", (v) => (v.controller.telemetryReporting.enable = "false"), /telemetryReporting\/enable: must be boolean/],
        ];
        for (const [what, mutate, expected] of cases) {
            const bad = clone(good);
            mutate(bad);
            const errors = nginxIngressChart().validate(bad);
            assert.ok(errors.some((e) => expected.test(e)), `${what}: expected ${expected}, got ${JSON.stringify(errors)}`);
        }
    });

    it("nginx: a misplaced key passes the schema but not the path check", async () => {
        const bad = clone(await releaseValues("demo", "edge-nginx-ingress"));
        bad.controller.pdb = bad.controller.podDisruptionBudget;
        bad.controller.service.loadBalancerIp = bad.controller.service.loadBalancerIP;
        assert.deepStrictEqual(nginxIngressChart().validate(bad), [], "the nginx schema accepts unknown keys");
        assert.deepStrictEqual(undeclaredPaths(nginxIngressChart(), bad), ["controller.pdb", "controller.service.loadBalancerIp"]);
    });

    it("cert-manager: a misplaced or mistyped key fails the schema", async () => {
        const good = await releaseValues("sandbox", "edge-cert-manager");
        const cases: [string, (v: Values) => void, RegExp][] = [
            ["tolerations under a pod template", (v) => (v.webhook.podTemplate = { tolerations: v.webhook.tolerations }), /\/webhook: must NOT have additional properties.*podTemplate/],
            ["the old installCRDs spelled wrong", (v) => (v.installCRD = true), /additionalProperty":"installCRD"/],
            ["crds.enabled as a string", (v) => (v.crds.enabled = "true"), /\/crds\/enabled: must be boolean/],
            ["tolerations as a map", (v) => (v.cainjector.tolerations = { key: "x" }), /\/cainjector\/tolerations: must be array/],
        ];
        for (const [what, mutate, expected] of cases) {
            const bad = clone(good);
            mutate(bad);
            const errors = certManagerChart().validate(bad);
            assert.ok(errors.some((e) => expected.test(e)), `${what}: expected ${expected}, got ${JSON.stringify(errors)}`);
        }
    });

    it("cert-manager: `global.tolerations` (there is none) passes the open `global` schema but not the path check", async () => {
        const bad = clone(await releaseValues("sandbox", "edge-cert-manager"));
        bad.global.tolerations = bad.tolerations;
        assert.deepStrictEqual(certManagerChart().validate(bad), []);
        assert.deepStrictEqual(undeclaredPaths(certManagerChart(), bad), ["global.tolerations"]);
    });
});

describe("edge: the values check helpers", () => {
    it("helmMerge coalesces like Helm: maps merge, lists and scalars replace, null deletes", () => {
        const defaults = { a: { b: 1, c: [1, 2], d: { e: "x" } }, f: "keep", g: "drop" };
        assert.deepStrictEqual(helmMerge(defaults, { a: { b: 2, c: [3], d: { h: true } }, g: null }), {
            a: { b: 2, c: [3], d: { e: "x", h: true } },
            f: "keep",
        });
        assert.deepStrictEqual(defaults.a.c, [1, 2], "the defaults are not modified");
    });

    it("the merged nginx values keep the chart defaults the program does not set", async () => {
        const merged = helmMerge(nginxIngressChart().defaults, await releaseValues("sandbox", "edge-nginx-ingress")) as Values;
        assert.strictEqual(merged.controller.service.httpPort.port, 80);
        assert.strictEqual(merged.controller.service.loadBalancerIP, "${gke-ingress-ip.address}");
        assert.strictEqual(merged.controller.kind, "deployment");
    });

    it("the stand-in for nginx's remote Kubernetes definitions covers every reference the schema makes", () => {
        const schema = nginxIngressChart().schema;
        const standIn = k8sDefinitionsStandIn(schema) as { definitions: Record<string, unknown> };
        const refs = JSON.stringify(schema).match(/_definitions\.json#\/definitions\/[^"]+/g) ?? [];
        assert.strictEqual(refs.length, 64, "the schema README counts 64 remote $refs");
        for (const ref of refs) {
            const parts = ref.replace("_definitions.json#/definitions/", "").split("/");
            let node: unknown = standIn.definitions;
            for (const p of parts) node = (node as Record<string, unknown>)[p];
            assert.ok(node !== undefined, ref);
        }
    });
});

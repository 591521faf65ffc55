/**
 * The table of GCP APIs by resource type, which the program and the policy pack both read.
 */
import * as assert from "assert";
import { GCP_API_OF_RESOURCE_TYPE, GCP_SERVICE_TYPE, gcpApiOf, requiredGcpApis, RUNTIME_GCP_APIS } from "../components/gcpApis";
import { pulumiTypeOf } from "../scripts/lib/sdkInternals";
import { render, Render, resourcesOf, set } from "./mocks";

/** The declared API Services of a render, by API, with their logical names and inputs. */
function services(r: Render): Map<string, { name: string; inputs: Record<string, unknown> }> {
    return new Map(resourcesOf(r, GCP_SERVICE_TYPE).map((s) => [String(s.inputs.service), { name: s.name, inputs: s.inputs }]));
}

describe("GCP APIs by resource type", () => {
    it("maps each type to one googleapis.com service", () => {
        for (const [type, api] of Object.entries(GCP_API_OF_RESOURCE_TYPE)) {
            assert.match(type, /^gcp:[a-z]+\/[a-zA-Z]+:[A-Z][A-Za-z]+$/, type);
            assert.match(api, /^[a-z]+\.googleapis\.com$/, type);
        }
        assert.strictEqual(gcpApiOf("gcp:container/cluster:Cluster"), "container.googleapis.com");
        assert.strictEqual(gcpApiOf("gcp:projects/iAMMember:IAMMember"), "cloudresourcemanager.googleapis.com");
        assert.strictEqual(gcpApiOf("toString"), undefined, "no inherited keys");
    });

    it("names only type tokens that exist in the pinned @pulumi/gcp", () => {
        // Module by module, as components/sdk/gcp.ts loads them: the package root would load all 150-odd.
        const moduleOf = (name: string): Record<string, unknown> | undefined => {
            try {
                // eslint-disable-next-line @typescript-eslint/no-require-imports
                return require(`@pulumi/gcp/${name}`) as Record<string, unknown>;
            } catch {
                return undefined;
            }
        };
        for (const type of Object.keys(GCP_API_OF_RESOURCE_TYPE)) {
            const [, module, cls] = /^gcp:([a-z]+)\/[^:]+:(\w+)$/.exec(type)!;
            assert.strictEqual(pulumiTypeOf(moduleOf(module)?.[cls]), type, `${type}: no such resource in @pulumi/gcp`);
        }
    });

    it("lists the APIs of a stack's resource types, with the run-time ones, sorted", () => {
        assert.deepStrictEqual(
            requiredGcpApis(["gcp:compute/disk:Disk", "gcp:container/nodePool:NodePool", "kubernetes:core/v1:Pod", GCP_SERVICE_TYPE, "gcp:compute/address:Address"]),
            ["compute.googleapis.com", "container.googleapis.com", ...Object.keys(RUNTIME_GCP_APIS)].sort(),
        );
        assert.deepStrictEqual(requiredGcpApis(["kubernetes:core/v1:Pod", "pulumi:providers:gcp"]), [], "no GCP resource, no API");
    });

    it("names a GCP type that is missing from the table", () => {
        assert.throws(() => requiredGcpApis(["gcp:sql/databaseInstance:DatabaseInstance"]), /gcp:sql\/databaseInstance:DatabaseInstance: add it to GCP_API_OF_RESOURCE_TYPE/);
    });

    it("enables, in the program, every API the stack's GCP resources need, and each resource waits for its API", async () => {
        for (const stack of ["sandbox", "demo"]) {
            const r = await render(stack);
            const declared = services(r);
            const gcpResources = r.resources.filter((x) => x.type.startsWith("gcp:") && x.type !== GCP_SERVICE_TYPE);
            for (const x of gcpResources) {
                const api = gcpApiOf(x.type);
                assert.ok(api, `${stack}: ${x.type} is missing from GCP_API_OF_RESOURCE_TYPE`);
                const service = declared.get(api);
                assert.ok(service, `${stack}: ${x.name} needs ${api}, which is not declared`);
                assert.ok(x.dependsOn.includes(service.name), `${stack}: ${x.name} must depend on ${service.name}`);
            }
            // Exactly what the resources need, the run-time APIs, and Resource Manager (kept on).
            assert.deepStrictEqual(
                [...declared.keys()].sort(),
                [...new Set([...requiredGcpApis(gcpResources.map((x) => x.type)), "cloudresourcemanager.googleapis.com"])].sort(),
                stack,
            );
            for (const [api, s] of declared) {
                assert.strictEqual(s.inputs.project, `jupyterlabdemo-${stack}`, api);
                assert.strictEqual(s.inputs.disableOnDestroy, false, `${api}: never turned off by a destroy`);
                assert.strictEqual(s.inputs.disableDependentServices, false, api);
            }
            for (const api of ["compute", "container", "iam", "iamcredentials", "cloudresourcemanager", "dns", "logging", "monitoring"]) {
                assert.ok(declared.has(`${api}.googleapis.com`), `${stack}: ${api}`);
            }
        }
    });

    it("leaves the APIs of another project alone (a shared DNS zone) and declares none on local", async () => {
        const shared = await render("sandbox", set({ ingress: '{"acmeEmail":"a@b.org","dnsZone":"shared","dnsProject":"jupyterlabdemo-demo"}' }));
        assert.ok(!services(shared).has("dns.googleapis.com"), "the zone's project is not the stack's");
        const record = shared.resources.find((x) => x.type === "gcp:dns/recordSet:RecordSet")!;
        assert.deepStrictEqual(record.dependsOn, []);
        assert.strictEqual(services(await render("local")).size, 0);
    });
});

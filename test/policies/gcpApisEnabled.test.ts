import * as assert from "assert";
import { gcpApisEnabled } from "../../policies/gcpApisEnabled";
import { GCP_API_OF_RESOURCE_TYPE, RUNTIME_GCP_APIS } from "../../components/gcpApis";
import { render } from "../mocks";
import { deployment, messages, res, run } from "./harness";

const service = (api: string, project = "p") => res("gcp:projects/service:Service", `api-${api.split(".")[0]}`, { service: api, project, disableOnDestroy: false });
const runtime = Object.keys(RUNTIME_GCP_APIS).map((api) => service(api));

describe("policy gcp-apis-enabled", () => {
    it("passes when each resource's API and GKE's run-time APIs are declared", async () => {
        const resources = [
            res("gcp:container/cluster:Cluster", "gke-cluster", { name: "c", project: "p" }),
            res("gcp:compute/network:Network", "gke-network", { name: "n", project: "p" }),
            service("container.googleapis.com"),
            service("compute.googleapis.com"),
            ...runtime,
        ];
        assert.deepStrictEqual(messages(await run(gcpApisEnabled, resources)), []);
    });

    it("fails with one line naming the resource type and the missing API", async () => {
        const resources = [
            res("gcp:container/cluster:Cluster", "gke-cluster", { name: "c", project: "p" }),
            res("gcp:projects/iAMMember:IAMMember", "gke-nodes-role", { project: "p", role: "roles/x", member: "${gke-nodes.member}" }),
            res("gcp:projects/iAMMember:IAMMember", "other-role", { project: "p", role: "roles/y", member: "m" }),
            service("container.googleapis.com"),
            ...runtime,
        ];
        const vs = await run(gcpApisEnabled, resources);
        assert.deepStrictEqual(messages(vs), [
            "cloudresourcemanager.googleapis.com (project p) is needed by gcp:projects/iAMMember:IAMMember, but no gcp:projects/service:Service of the stack enables it: declare a gcp.projects.Service for it (disableOnDestroy: false).",
        ]);
        assert.ok(vs[0].urn?.endsWith("::gke-nodes-role"));
    });

    it("does not count an API enabled in another project", async () => {
        const ms = messages(await run(gcpApisEnabled, [res("gcp:dns/recordSet:RecordSet", "r", { project: "dns-home" }), service("dns.googleapis.com", "p"), ...runtime]));
        assert.strictEqual(ms.length, 1);
        assert.match(ms[0], /^dns\.googleapis\.com \(project dns-home\) is needed by gcp:dns\/recordSet:RecordSet/);
    });

    it("names every type that needs a missing API in its one line", async () => {
        const ms = messages(await run(gcpApisEnabled, [res("gcp:compute/network:Network", "n", { project: "p" }), res("gcp:compute/address:Address", "a", { project: "p" }), ...runtime]));
        assert.deepStrictEqual(ms, [
            "compute.googleapis.com (project p) is needed by gcp:compute/network:Network, gcp:compute/address:Address, but no gcp:projects/service:Service of the stack enables it: declare a gcp.projects.Service for it (disableOnDestroy: false).",
        ]);
    });

    it("fails a GCP type missing from the table, and a missing run-time API", async () => {
        const ms = messages(await run(gcpApisEnabled, [res("gcp:pubsub/topic:Topic", "t", { project: "p" })]));
        assert.match(ms[0], /GCP resource type gcp:pubsub\/topic:Topic has no API in GCP_API_OF_RESOURCE_TYPE/);
        assert.deepStrictEqual(ms.slice(1).map((m) => /^GKE needs (\S+) at run time/.exec(m)?.[1]), Object.keys(RUNTIME_GCP_APIS));
    });

    it("maps every GCP type of every stack's render", async () => {
        for (const stack of ["sandbox", "demo"]) {
            const types = new Set((await render(stack)).resources.map((r) => r.type).filter((t) => t.startsWith("gcp:") && t !== "gcp:projects/service:Service"));
            for (const t of types) assert.ok(GCP_API_OF_RESOURCE_TYPE[t], `${stack}: ${t} has no API in the table`);
        }
    });

    it("is not applicable without GCP resources (local)", async () => {
        assert.deepStrictEqual(await run(gcpApisEnabled, [deployment("hub")], { stack: "local" }), []);
    });
});

describe("gcp-apis-enabled in the pack, over the real renders", () => {
    it("every GKE stack passes; a render with one API's Service removed fails the whole pack with one line naming it", async () => {
        const { checkRender, formatReport } = await import("../../scripts/lib/policyCheck");
        for (const stack of ["sandbox", "demo"]) {
            const report = await checkRender(await render(stack));
            assert.deepStrictEqual(report.violations.filter((v) => v.policyName === "gcp-apis-enabled"), [], formatReport(report));
        }
        const sandbox = await render("sandbox");
        const r = { ...sandbox, resources: sandbox.resources.filter((x) => !(x.type === "gcp:projects/service:Service" && x.inputs.service === "iam.googleapis.com")) };
        assert.strictEqual(r.resources.length, sandbox.resources.length - 1, "the sandbox declares iam.googleapis.com once");
        const report = await checkRender(r);
        const mandatory = report.violations.filter((v) => v.enforcementLevel === "mandatory");
        assert.deepStrictEqual(mandatory.map((v) => v.policyName), ["gcp-apis-enabled"], formatReport(report));
        assert.match(mandatory[0].message.split("\n")[1], /^iam\.googleapis\.com \(project jupyterlabdemo-sandbox\) is needed by gcp:serviceaccount\/account:Account, but no gcp:projects\/service:Service/);
    });
});

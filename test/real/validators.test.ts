/**
 * Independent checks, by tools the project did not write (scripts/lib/validators):
 * - every rendered Kubernetes object of every stack (manifests and, when rendered, lab pods)
 *   against Kubernetes' own schemas, strict, at each minor the stack's cluster can run;
 * - Checkov's Kubernetes checks, with no failure left and every skip justified next to its object;
 * - actionlint, with shellcheck, over .github/workflows.
 * Each is also shown failing on a defect it guards. A tool that is not installed skips its checks
 * with one line saying why (scripts/install-tools.sh installs them; .ci/run sets REQUIRE_TOOLS=1,
 * which turns a missing tool into a failure).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { GKE_CHANNEL_MINORS, KIND_MINORS, minorsFor } from "../../scripts/lib/validators/kubernetesVersions";
import { CheckovFinding, CheckovReport, findTool, runActionlint, runCheckov, schemaMinors, ToolName, validateSchemas, writeManifests } from "../../scripts/lib/validators";
import { listStacks } from "../../scripts/lib/stackConfig";
import { k8s, render, Render } from "../mocks";

/** Skips the suite, in one printed line, when a tool is missing (fails instead under REQUIRE_TOOLS=1). */
function needs(ctx: Mocha.Context, ...tools: ToolName[]): void {
    for (const tool of tools) {
        const found = findTool(tool);
        if (found.ok) continue;
        if (process.env.REQUIRE_TOOLS === "1") throw new Error(`REQUIRE_TOOLS=1: ${found.why}`);
        console.log(`      skipped: ${found.why}`);
        ctx.skip();
    }
}

function tmpDir(name: string): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), `jld-${name}-`));
}

/** The rendered Deployment `name` of `r`, as a plain object to mutate. */
function deployment(r: Render, name: string): Record<string, any> {
    return structuredClone(k8s(r, "Deployment", name));
}

describe("independent checks", function () {
    this.timeout(300_000);

    describe("Kubernetes versions of the stacks", () => {
        it("validate each GKE stack at every minor its release channel offers, and local at kind's", async () => {
            assert.deepStrictEqual(minorsFor((await render("sandbox")).resources), GKE_CHANNEL_MINORS.REGULAR.available);
            assert.deepStrictEqual(minorsFor((await render("demo")).resources), GKE_CHANNEL_MINORS.STABLE.available);
            assert.deepStrictEqual(minorsFor((await render("local")).resources), KIND_MINORS);
            for (const c of Object.values(GKE_CHANNEL_MINORS)) assert.ok(c.available.includes(c.default));
        });

        it("refuse a release channel the table does not know, rather than guess", () => {
            const cluster = { type: "gcp:container/cluster:Cluster", inputs: { releaseChannel: { channel: "EXTENDED" } } };
            assert.throws(() => minorsFor([cluster]), /release channel is "EXTENDED": the schema validation knows RAPID, REGULAR, STABLE/);
        });
    });

    describe("Kubernetes schemas (kubernetes-validate, strict)", function () {
        before(function () {
            needs(this, "kubernetes-validate");
        });

        it("accept every rendered object of every stack at each of its minors; custom resources are counted as not validated", async () => {
            const dir = tmpDir("schemas");
            const lines: string[] = [];
            for (const stack of listStacks()) {
                const r = await render(stack);
                const files = writeManifests(dir, r);
                const report = validateSchemas(files, schemaMinors(r));
                assert.deepStrictEqual(report.invalid, [], `${stack}:\n${report.output}`);
                const notValidated = Object.values(report.notValidated).reduce((a, b) => a + b, 0);
                for (const minor of report.minors) assert.strictEqual(report.valid[minor] + notValidated, report.objects, `${stack} at ${minor}`);
                lines.push(`${stack}: ${report.objects - notValidated} of ${report.objects} objects valid at Kubernetes ${report.minors.join(", ")} (${files.map((f) => path.basename(f)).join(", ")}); ` +
                    `not validated (custom resources, no schema offline): ${notValidated}${notValidated ? ` (${Object.entries(report.notValidated).map(([k, n]) => `${k} x${n}`).join(", ")})` : ""}`);
            }
            console.log(lines.map((l) => `      ${l}`).join("\n"));
        });

        it("reject an unknown field, a wrong type and a missing required field, naming the object and the path", async () => {
            const hub = deployment(await render("sandbox"), "hub");
            hub.spec.template.spec.containers[0].securityContxt = { privileged: false };
            const proxy = deployment(await render("sandbox"), "proxy");
            proxy.spec.replicas = "one";
            const svc = { apiVersion: "v1", kind: "Service", metadata: { name: "x" }, spec: { ports: [{ name: "http" }] } };
            const file = path.join(tmpDir("schemas-bad"), "bad.yaml");
            fs.writeFileSync(file, [hub, proxy, svc].map((d) => `---\n${YAML.stringify(d)}`).join(""));
            const report = validateSchemas([file], ["1.35"]);
            assert.strictEqual(report.invalid.length, 3, report.output);
            assert.match(report.invalid[0], /Deployment jupyterhub\/hub: at spec\.template\.spec\.containers\.0: Additional properties are not allowed \('securityContxt' was unexpected\) \(Kubernetes 1\.35, strict\)/);
            assert.match(report.invalid[1], /Deployment jupyterhub\/proxy: at spec\.replicas: 'one' is not of type 'integer'/);
            assert.match(report.invalid[2], /Service x: at spec\.ports\.0: 'port' is a required property/);
        });

        it("refuse a minor whose schemas the validator does not ship, instead of falling back to an older one", () => {
            const file = path.join(tmpDir("schemas-minor"), "empty.yaml");
            fs.writeFileSync(file, "");
            assert.throws(() => validateSchemas([file], ["1.99"]), /ships no schemas for Kubernetes 1\.99/);
        });
    });

    describe("Checkov (Kubernetes checks)", function () {
        let report: CheckovReport;
        const written: string[] = [];
        const MUTANT = "mutant";
        const inMutant = (f: { file: string }) => f.file.startsWith(`${MUTANT}/`);
        /** A skip counts only with its reason written next to the object. */
        const justified = (s: CheckovFinding) => s.reason !== undefined && s.reason !== "No comment provided" && s.reason.trim().length >= 20;

        before(async function () {
            needs(this, "checkov");
            // One run over every stack and a deliberately broken copy of the hub (Checkov starts slowly).
            const dir = tmpDir("checkov");
            for (const stack of listStacks()) written.push(...writeManifests(dir, await render(stack)).map((f) => path.relative(dir, f)));
            const hub = deployment(await render("sandbox"), "hub");
            hub.metadata.name = "hub-privileged";
            hub.metadata.annotations["checkov.io/skip8"] = "CKV_K8S_21";
            hub.spec.template.spec.containers[0].securityContext = { privileged: true, allowPrivilegeEscalation: true };
            hub.spec.template.spec.hostPID = true;
            fs.mkdirSync(path.join(dir, MUTANT));
            fs.writeFileSync(path.join(dir, MUTANT, "manifests.yaml"), `---\n${YAML.stringify(hub)}`);
            report = runCheckov(dir);
        });

        it("finds nothing in any stack: every check passes or is skipped with a reason next to its object", () => {
            const failed = report.failed.filter((f) => !inMutant(f));
            assert.deepStrictEqual(failed.map((f) => `${f.file} ${f.resource}: ${f.id} ${f.name}`), []);
            assert.strictEqual(report.parsingErrors, 0);
            const skipped = report.skipped.filter((f) => !inMutant(f));
            for (const s of skipped) assert.ok(justified(s), `${s.file} ${s.resource}: ${s.id} skipped without a reason`);
            const passed = report.passed.filter((f) => !inMutant(f));
            for (const file of written) assert.ok(passed.some((p) => p.file === file), `checkov checked nothing in ${file}`);
            console.log(`      checkov ${report.version} over ${written.join(", ")}: ${passed.length} checks passed, ${skipped.length} skipped with reasons, 0 failed`);
        });

        it("fails a privileged hub with the host's PID namespace, and sees a skip without a reason (the mutant)", () => {
            const ids = new Set(report.failed.filter(inMutant).map((f) => f.id));
            for (const id of ["CKV_K8S_16", "CKV_K8S_17", "CKV_K8S_20"]) assert.ok(ids.has(id), `${id} (have ${[...ids].join(", ")})`);
            const bare = report.skipped.filter(inMutant).filter((s) => !justified(s));
            assert.deepStrictEqual(bare.map((s) => s.id), ["CKV_K8S_21"]);
        });
    });

    describe("actionlint and shellcheck over .github/workflows", function () {
        before(function () {
            needs(this, "actionlint", "shellcheck");
        });

        it("find nothing in the workflows", () => {
            const result = runActionlint();
            assert.ok(result.ok, result.output);
        });

        it("fail an unknown expression context and an unquoted variable in a run: block", () => {
            const file = path.join(tmpDir("actionlint"), "bad.yml");
            fs.writeFileSync(file, [
                "name: bad",
                "on: push",
                "permissions: {}",
                "jobs:",
                "  a:",
                "    runs-on: ubuntu-24.04",
                "    steps:",
                "      - run: echo ${{ github.no_such_field }}",
                "      - run: cp $SRC /tmp",
                "",
            ].join("\n"));
            const result = runActionlint([file]);
            assert.ok(!result.ok);
            assert.match(result.output, /property "no_such_field" is not defined/);
            assert.match(result.output, /SC2086/);
        });
    });
});

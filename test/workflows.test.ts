/**
 * The GitHub Actions workflows, parsed: triggers, permissions, concurrency, and the commands each
 * job runs. A workflow that does not parse, or that runs `npm run <x>` for a script package.json
 * lacks, fails here rather than on GitHub.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { listStacks, REPO_ROOT } from "../scripts/lib/stackConfig";

const DIR = path.join(REPO_ROOT, ".github", "workflows");

interface Step {
    name?: string;
    uses?: string;
    run?: string;
    if?: string;
    with?: Record<string, unknown>;
    env?: Record<string, string>;
}
interface Job {
    "runs-on": string;
    if?: string;
    needs?: string | string[];
    environment?: string | { name: string };
    permissions?: Record<string, string> | string;
    "timeout-minutes"?: number;
    outputs?: Record<string, string>;
    steps: Step[];
}
interface Workflow {
    name: string;
    on: Record<string, unknown> | string | string[];
    permissions?: Record<string, string> | string;
    concurrency?: { group: string; "cancel-in-progress": boolean | string };
    jobs: Record<string, Job>;
}

function load(file: string): Workflow {
    const text = fs.readFileSync(path.join(DIR, file), "utf8");
    const doc = YAML.parseDocument(text, { uniqueKeys: true });
    assert.deepStrictEqual(doc.errors.map((e) => e.message), [], `${file} does not parse`);
    const wf = doc.toJS() as Workflow;
    assert.ok(wf && typeof wf === "object" && wf.on && wf.jobs, `${file}: not a workflow (needs on: and jobs:)`);
    return wf;
}

const files = fs.readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f)).sort();
const workflows = Object.fromEntries(files.map((f) => [f, load(f)])) as Record<string, Workflow>;
const scripts = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;

const triggers = (wf: Workflow): string[] =>
    (typeof wf.on === "string" ? [wf.on] : Array.isArray(wf.on) ? wf.on : Object.keys(wf.on)).sort();
const runs = (job: Job): string => job.steps.map((s) => s.run ?? "").join("\n");
const uses = (job: Job, action: string): Step[] => job.steps.filter((s) => s.uses?.split("@")[0] === action);
const one = (job: Job, action: string): Step => {
    const found = uses(job, action);
    assert.strictEqual(found.length, 1, `expected one ${action} step`);
    return found[0];
};
/** Effective permissions of a job: its own, else the workflow's. */
const permissionsOf = (wf: Workflow, job: Job): Record<string, string> => {
    const p = job.permissions ?? wf.permissions;
    assert.ok(p !== undefined && typeof p === "object", "permissions must be an explicit map (never write-all/read-all or the default)");
    return p;
};
const stacks = listStacks();
/** A stack name qualified with the Pulumi organization, which the workflows take from a repository variable. */
const qualified = (stack: string): string => `\${{ vars.PULUMI_ORG }}/${stack}`;
/** The bare stack name of a pulumi/actions step (its stack-name without the organization). */
const stackOf = (step: Step): string => String(step.with?.["stack-name"]).split("/").pop()!;
/**
 * The current major of every action the workflows use (Node 24 runtimes): actions/checkout v6,
 * actions/setup-node v6 and actions/upload-artifact v7 (the first majors declaring node24),
 * pulumi/actions v7 (v6.x ran on Node 20), google-github-actions/auth and setup-gcloud v3.
 */
const ACTION_MAJORS: Record<string, string> = {
    "actions/checkout": "v6",
    "actions/setup-node": "v6",
    "actions/upload-artifact": "v7",
    "pulumi/actions": "v7",
    "google-github-actions/auth": "v3",
    "google-github-actions/setup-gcloud": "v3",
};

describe("GitHub Actions workflows", () => {
    it("exist and parse: ci, preview, deploy-sandbox, deploy-demo", () => {
        assert.deepStrictEqual(files, ["ci.yml", "deploy-demo.yml", "deploy-sandbox.yml", "preview.yml"]);
    });

    it("never use pull_request_target, key files or unpinned actions", () => {
        for (const [file, wf] of Object.entries(workflows)) {
            assert.ok(!triggers(wf).includes("pull_request_target"), `${file}: pull_request_target`);
            const text = fs.readFileSync(path.join(DIR, file), "utf8");
            assert.ok(!/credentials_json|GOOGLE_APPLICATION_CREDENTIALS|service_account_key/.test(text), `${file}: key file credentials`);
            for (const job of Object.values(wf.jobs)) {
                for (const step of job.steps) {
                    if (step.uses) {
                        assert.match(step.uses, /^[\w.-]+\/[\w./-]+@(v\d+(\.\d+)*|[0-9a-f]{40})$/, `${file}: ${step.uses} must be pinned to a major version or a commit`);
                    }
                }
            }
        }
    });

    it("run on Node 24 with the current major of every action", () => {
        for (const [file, wf] of Object.entries(workflows)) {
            for (const [id, job] of Object.entries(wf.jobs)) {
                for (const step of job.steps) {
                    if (!step.uses) continue;
                    const [action, ref] = step.uses.split("@");
                    assert.ok(action in ACTION_MAJORS, `${file} ${id}: ${action} is not in the table of current majors`);
                    if (!/^[0-9a-f]{40}$/.test(ref)) assert.strictEqual(ref, ACTION_MAJORS[action], `${file} ${id}: ${action}`);
                    if (action === "actions/setup-node") assert.strictEqual(step.with?.["node-version"], 24, `${file} ${id}: node-version`);
                }
            }
        }
    });

    it("name stacks by the Pulumi organization of the repository variable PULUMI_ORG", () => {
        for (const [file, wf] of Object.entries(workflows)) {
            for (const [id, job] of Object.entries(wf.jobs)) {
                for (const step of uses(job, "pulumi/actions")) {
                    assert.ok(stacks.includes(stackOf(step)), `${file} ${id}: ${String(step.with?.["stack-name"])} names no stack of stacks/`);
                    assert.strictEqual(step.with?.["stack-name"], qualified(stackOf(step)), `${file} ${id}: stack-name must be qualified, ORG/stack`);
                }
            }
        }
    });

    it("install the check tools, required, before every npm test, so none of the independent checks is skipped", () => {
        for (const [file, wf] of Object.entries(workflows)) {
            for (const [id, job] of Object.entries(wf.jobs)) {
                const test = job.steps.findIndex((s) => s.run === "npm test");
                if (test < 0) continue;
                const install = job.steps.findIndex((s) => s.run === "scripts/install-tools.sh");
                assert.ok(install >= 0 && install < test, `${file} ${id}: scripts/install-tools.sh before npm test`);
                assert.strictEqual(job.steps[install].env?.REQUIRE_TOOLS, "1", `${file} ${id}: install with REQUIRE_TOOLS=1`);
                assert.strictEqual(job.steps[test].env?.REQUIRE_TOOLS, "1", `${file} ${id}: npm test with REQUIRE_TOOLS=1`);
            }
        }
        assert.match(fs.readFileSync(path.join(REPO_ROOT, ".ci", "run"), "utf8"), /^export REQUIRE_TOOLS=1\nscripts\/install-tools\.sh\nnpm test$/m);
    });

    it("name only scripts that package.json has (npm run <script>)", () => {
        for (const [file, wf] of Object.entries(workflows)) {
            for (const job of Object.values(wf.jobs)) {
                for (const m of runs(job).matchAll(/\bnpm run(?:\s+(?:--silent|-s))?\s+([\w:-]+)/g)) {
                    assert.ok(m[1] in scripts, `${file}: npm run ${m[1]}: package.json has no script "${m[1]}" (has: ${Object.keys(scripts).join(", ")})`);
                }
            }
        }
    });

    it("grant least privilege: explicit permissions; id-token only with WIF, pull-requests only for the preview comment, nothing else writes", () => {
        for (const [file, wf] of Object.entries(workflows)) {
            assert.ok(wf.permissions !== undefined, `${file}: top-level permissions must be explicit`);
            for (const [id, job] of Object.entries(wf.jobs)) {
                const p = permissionsOf(wf, job);
                const where = `${file} ${id}`;
                const auth = uses(job, "google-github-actions/auth").length > 0;
                const comments = uses(job, "pulumi/actions").some((s) => String(s.with?.["comment-on-pr"]) === "true");
                assert.strictEqual(p["id-token"] === "write", auth, `${where}: id-token: write exactly when WIF is used`);
                assert.strictEqual(p["pull-requests"] === "write", comments, `${where}: pull-requests: write exactly when commenting`);
                const writes = Object.entries(p).filter(([, v]) => v === "write").map(([k]) => k);
                assert.deepStrictEqual(writes.filter((k) => k !== "id-token" && k !== "pull-requests"), [], `${where}: unexpected write permissions`);
                if (job.steps.some((s) => s.uses?.startsWith("actions/checkout@"))) {
                    assert.strictEqual(p.contents, "read", `${where}: contents: read`);
                }
            }
        }
    });

    it("authenticate to GCP only by Workload Identity Federation, with gcloud and gke-gcloud-auth-plugin", () => {
        for (const [file, wf] of Object.entries(workflows)) {
            for (const [id, job] of Object.entries(wf.jobs)) {
                if (uses(job, "pulumi/actions").length === 0) continue;
                const where = `${file} ${id}`;
                const auth = one(job, "google-github-actions/auth");
                assert.match(String(auth.with?.workload_identity_provider), /^\$\{\{ vars\.GCP_WORKLOAD_IDENTITY_PROVIDER \}\}$/, where);
                assert.match(String(auth.with?.service_account), /^\$\{\{ vars\.[A-Z_]+_SERVICE_ACCOUNT \}\}$/, where);
                const gcloud = one(job, "google-github-actions/setup-gcloud");
                assert.match(String(gcloud.with?.install_components), /\bgke-gcloud-auth-plugin\b/, where);
                const steps = job.steps.map((s) => s.uses?.split("@")[0]);
                assert.ok(steps.indexOf("google-github-actions/auth") < steps.indexOf("pulumi/actions"), `${where}: auth before pulumi`);
                assert.ok(steps.indexOf("google-github-actions/setup-gcloud") < steps.indexOf("pulumi/actions"), `${where}: gcloud before pulumi`);
                assert.match(runs(job), /^npm ci\b/m, `${where}: npm ci before pulumi`);
                assert.strictEqual(one(job, "pulumi/actions").env?.PULUMI_ACCESS_TOKEN, "${{ secrets.PULUMI_ACCESS_TOKEN }}", where);
            }
        }
    });

    describe("ci.yml", () => {
        const wf = workflows["ci.yml"];
        const job = Object.values(wf.jobs)[0];

        it("runs on every pull request and push, with read-only contents and no secrets", () => {
            assert.deepStrictEqual(triggers(wf), ["pull_request", "push"]);
            assert.deepStrictEqual(wf.on, { pull_request: null, push: null }, "no branch or path filters");
            assert.deepStrictEqual(wf.permissions, { contents: "read" });
            assert.strictEqual(Object.keys(wf.jobs).length, 1);
            assert.deepStrictEqual(job.permissions, undefined);
            assert.ok(!JSON.stringify(wf).includes("secrets."), "ci.yml must work for forks: no secrets");
            assert.ok(wf.concurrency?.group.includes("github.ref"));
        });

        it("installs with npm ci and runs the README's test command", () => {
            const text = runs(job);
            assert.match(text, /^npm ci\b/m);
            assert.match(text, /^npm test$/m);
            // The README's test command is what .ci/run runs.
            const readme = fs.readFileSync(path.join(REPO_ROOT, ".ci", "run"), "utf8");
            assert.match(readme, /^npm test$/m);
            assert.ok(text.indexOf("npm ci") < text.indexOf("npm test"));
        });

        it("renders and policy-checks every stack offline", () => {
            for (const stack of stacks) {
                assert.match(runs(job), new RegExp(`^npm run render -- --stack ${stack}$`, "m"), `render ${stack}`);
                assert.match(runs(job), new RegExp(`^npm run policy -- --stack ${stack}$`, "m"), `policy ${stack}`);
            }
        });

        it("posts the render diff of every stack against the base in the job summary, tolerating exit 1 only", () => {
            const checkout = one(job, "actions/checkout");
            assert.strictEqual(checkout.with?.["fetch-depth"], 0, "the diff needs the base commit");
            for (const stack of stacks) {
                assert.match(
                    runs(job),
                    new RegExp(`^npm run --silent diff -- --stack ${stack} --base "\\$base" --format markdown >> "\\$GITHUB_STEP_SUMMARY" \\|\\| \\[ \\$\\? -eq 1 \\]$`, "m"),
                    `diff ${stack}`,
                );
            }
            assert.match(runs(job), /git merge-base HEAD "origin\/\$BASE_REF"/);
        });
    });

    it("take the Pulumi token from an environment, never from the repository: deploy tokens only in sandbox and demo", () => {
        for (const [file, wf] of Object.entries(workflows)) {
            for (const [id, job] of Object.entries(wf.jobs)) {
                const usesToken = JSON.stringify(job.steps ?? []).includes("secrets.PULUMI_ACCESS_TOKEN");
                if (!usesToken) continue;
                const env = typeof job.environment === "string" ? job.environment : job.environment?.name;
                const command = uses(job, "pulumi/actions").map((s) => s.with?.command);
                assert.ok(env, `${file} ${id}: PULUMI_ACCESS_TOKEN outside an environment`);
                assert.strictEqual(env, command.includes("up") ? stackOf(one(job, "pulumi/actions")) : "preview", `${file} ${id}`);
            }
        }
    });

    describe("preview.yml", () => {
        const wf = workflows["preview.yml"];

        it("runs on pull requests only, for branches of this repository only", () => {
            assert.deepStrictEqual(triggers(wf), ["pull_request"]);
            assert.deepStrictEqual(wf.permissions, {});
            for (const [id, job] of Object.entries(wf.jobs)) {
                assert.match(String(job.if), /github\.event\.pull_request\.head\.repo\.full_name == github\.repository/, id);
                // Dependabot's branches are in the repository but get no secrets.
                assert.match(String(job.if), /github\.actor != 'dependabot\[bot\]'/, id);
            }
        });

        it("previews sandbox with --diff and the policy pack, commented on the pull request", () => {
            const pulumi = one(wf.jobs["preview-sandbox"], "pulumi/actions");
            assert.deepStrictEqual(
                { command: pulumi.with?.command, stack: pulumi.with?.["stack-name"], diff: pulumi.with?.diff, policy: pulumi.with?.policyPacks, comment: pulumi.with?.["comment-on-pr"] },
                { command: "preview", stack: qualified("sandbox"), diff: true, policy: "./policies", comment: true },
            );
        });

        it("previews demo only when its stack file or shared code changes", () => {
            const demo = wf.jobs["preview-demo"];
            const pulumi = one(demo, "pulumi/actions");
            assert.deepStrictEqual([pulumi.with?.command, pulumi.with?.["stack-name"], pulumi.with?.diff, pulumi.with?.policyPacks, pulumi.with?.["comment-on-pr"]], ["preview", qualified("demo"), true, "./policies", true]);
            assert.strictEqual(demo.needs, "changes");
            assert.match(String(demo.if), /needs\.changes\.outputs\.demo == 'true'/);
            const filter = runs(wf.jobs.changes);
            for (const p of ["stacks/Pulumi.demo.yaml", "index.ts", "components", "Pulumi.yaml", "package-lock.json", "policies"]) {
                assert.ok(filter.includes(` ${p}`), `changes job watches ${p}`);
            }
            assert.strictEqual(wf.jobs.changes.outputs?.demo, "${{ steps.demo.outputs.changed }}");
        });

        it("cancels superseded previews of the same pull request", () => {
            assert.deepStrictEqual(wf.concurrency, { group: "preview-${{ github.event.pull_request.number }}", "cancel-in-progress": true });
        });
    });

    describe("deploy-sandbox.yml", () => {
        const wf = workflows["deploy-sandbox.yml"];
        const job = Object.values(wf.jobs)[0];

        it("runs pulumi up of sandbox on push to main only", () => {
            assert.deepStrictEqual(wf.on, { push: { branches: ["main"] } });
            const pulumi = one(job, "pulumi/actions");
            assert.deepStrictEqual([pulumi.with?.command, pulumi.with?.["stack-name"], pulumi.with?.policyPacks], ["up", qualified("sandbox"), "./policies"]);
            assert.match(runs(job), /^npm test$/m, "never deploys a commit whose tests fail");
            assert.strictEqual(job.environment, "sandbox");
        });

        it("runs the smoke test of sandbox after pulumi up, failing the job when it fails", () => {
            const names = job.steps.map((st) => st.uses?.split("@")[0] ?? st.run ?? "");
            const smoke = job.steps.findIndex((st) => /npm run smoke -- --stack sandbox/.test(st.run ?? ""));
            assert.ok(smoke > names.indexOf("pulumi/actions"), "after pulumi up");
            assert.match(job.steps[smoke].run ?? "", /&& exit 0[\s\S]*exit 1\s*$/, "exits 1 when every try fails");
            assert.ok(!("continue-on-error" in job.steps[smoke]), "a failure fails the job");
        });

        it("never runs two deploys at once, and never cancels one in progress", () => {
            assert.deepStrictEqual(wf.concurrency, { group: "deploy-sandbox", "cancel-in-progress": false });
        });
    });

    describe("deploy-demo.yml", () => {
        const wf = workflows["deploy-demo.yml"];

        it("is started by hand only, from main, behind the protected environment demo", () => {
            assert.deepStrictEqual(triggers(wf), ["workflow_dispatch"]);
            const up = Object.values(wf.jobs).filter((j) => uses(j, "pulumi/actions").some((s) => s.with?.command === "up"));
            assert.strictEqual(up.length, 1);
            assert.strictEqual(up[0].environment, "demo");
            assert.deepStrictEqual([one(up[0], "pulumi/actions").with?.["stack-name"], one(up[0], "pulumi/actions").with?.policyPacks], [qualified("demo"), "./policies"]);
            assert.strictEqual(up[0].needs, "preview", "the reviewer approves after the preview");
            assert.match(String(wf.jobs.preview.if), /github\.ref == 'refs\/heads\/main'/);
            assert.strictEqual(wf.jobs.preview.environment, "preview", "the preview needs no approval, and only the preview token");
        });

        it("runs the smoke test of demo after pulumi up, failing the job when it fails", () => {
            const up = Object.values(wf.jobs).find((j) => uses(j, "pulumi/actions").some((st) => st.with?.command === "up"))!;
            const names = up.steps.map((st) => st.uses?.split("@")[0] ?? st.run ?? "");
            const smoke = up.steps.findIndex((st) => /npm run smoke -- --stack demo/.test(st.run ?? ""));
            assert.ok(smoke > names.indexOf("pulumi/actions"), "after pulumi up");
            assert.match(up.steps[smoke].run ?? "", /&& exit 0[\s\S]*exit 1\s*$/, "exits 1 when every try fails");
            assert.ok(!("continue-on-error" in up.steps[smoke]), "a failure fails the job");
        });

        it("never runs two demo deploys at once", () => {
            assert.deepStrictEqual(wf.concurrency, { group: "deploy-demo", "cancel-in-progress": false });
        });
    });
});

/**
 * The offline render's contract: the fields of resources.json, placeholders for deploy-time
 * outputs, secrets as [secret] wherever they flow, byte-identical output for the same input, and
 * the CLI's one-line error with exit code 2 and nothing written, and the tests' shared renders.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as random from "@pulumi/random";
import { renderFiles, renderStack } from "../scripts/lib/render";
import { listStacks } from "../scripts/lib/stackConfig";
import { script as renderScript } from "../scripts/render";
import { runInProcess } from "./lib/cli";
import { renderKey } from "./lib/renders";
import { render, set } from "./mocks";

const SECRET = "s3cr3t-VALUE-that-must-not-leak";

describe("offline render", () => {
    it("renders every stack in stacks/", async () => {
        assert.deepStrictEqual(listStacks(), ["demo", "local", "sandbox"]);
        for (const stack of listStacks()) {
            const r = await render(stack);
            assert.ok(r.resources.length > 0, stack);
        }
    });

    it("writes each resource with exactly the contract's fields, sorted by type and name", async () => {
        const r = await render("sandbox");
        const contract = ["type", "name", "parent", "custom", "provider", "protect", "retainOnDelete", "deleteBeforeReplace", "dependsOn", "inputs"];
        for (const res of r.resources) {
            const keys = Object.keys(res);
            assert.deepStrictEqual(keys.slice(0, contract.length), contract);
            // Only documented optional options follow, and only when set.
            for (const extra of keys.slice(contract.length)) assert.ok(["import", "ignoreChanges", "deletedWith", "replaceOnChanges"].includes(extra), extra);
        }
        const pool = r.resources.find((x) => x.name === "gke-user-pool")!;
        assert.deepStrictEqual(pool.ignoreChanges, ["initialNodeCount"], "an autoscaled node count is not drift");
        const keys = r.resources.map((x) => `${x.type}\u0000${x.name}`);
        assert.deepStrictEqual(keys, [...keys].sort());
        const names = new Set(r.resources.map((x) => x.name));
        for (const res of r.resources) {
            if (res.parent !== null) assert.ok(names.has(res.parent), `${res.name}: parent ${res.parent} is a rendered resource`);
            for (const dep of res.dependsOn) assert.ok(names.has(dep), `${res.name}: dependsOn ${dep} is a rendered resource`);
        }
    });

    it("records deletedWith by logical name: on GKE stacks Kubernetes objects die with the cluster, except load-balancer owners", async () => {
        const r = await render("sandbox");
        const cluster = r.resources.find((x) => x.type === "gcp:container/cluster:Cluster")!;
        const objects = r.resources.filter((x) => x.custom && x.type.startsWith("kubernetes:"));
        // The ingress controller's release owns a cloud load balancer, which only its own delete releases.
        assert.deepStrictEqual(objects.filter((x) => x.deletedWith === undefined).map((x) => x.name), ["edge-nginx-ingress"]);
        for (const res of objects.filter((x) => x.name !== "edge-nginx-ingress")) {
            assert.strictEqual(res.deletedWith, cluster.name, `${res.type} ${res.name}`);
        }
        for (const res of (await render("local")).resources) assert.strictEqual(res.deletedWith, undefined, `local: ${res.name}`);
    });

    it("records deletedWith (by logical name) and replaceOnChanges (sorted) only where set", async () => {
        const r = await renderStack("local", [], {
            program: async () => {
                const owner = new random.RandomId("owner", { byteLength: 4 });
                new random.RandomId("dies-with-owner", { byteLength: 4 }, { deletedWith: owner, replaceOnChanges: ["keepers", "byteLength"] });
                return {};
            },
        });
        const byName = new Map(r.resources.map((x) => [x.name, x]));
        assert.strictEqual(byName.get("dies-with-owner")!.deletedWith, "owner");
        assert.deepStrictEqual(byName.get("dies-with-owner")!.replaceOnChanges, ["byteLength", "keepers"]);
        assert.deepStrictEqual(Object.keys(byName.get("owner")!).filter((k) => k === "deletedWith" || k === "replaceOnChanges"), []);
    });

    it("names the Kubernetes provider of every Kubernetes object", async () => {
        for (const stack of ["sandbox", "local"]) {
            const r = await render(stack);
            const providers = r.resources.filter((x) => x.type === "pulumi:providers:kubernetes").map((x) => x.name);
            assert.strictEqual(providers.length, 1, `${stack}: one Kubernetes provider`);
            for (const res of r.resources.filter((x) => x.custom && x.type.startsWith("kubernetes:"))) {
                assert.strictEqual(res.provider, providers[0], `${stack}: ${res.type} ${res.name}`);
            }
        }
    });

    it("writes manifests of Kubernetes objects sorted by namespace, kind and name", async () => {
        const files = renderFiles(await render("sandbox"));
        const docs = files["manifests.yaml"].split(/^---\n/m).filter(Boolean);
        assert.ok(docs.length > 0);
        const keys = docs.map((d) => {
            const ns = /^ {2}namespace: (.*)$/m.exec(d)?.[1] ?? "";
            const kind = /^kind: (.*)$/m.exec(d)![1];
            const name = /^ {2}name: (.*)$/m.exec(d)![1];
            return `${ns}\u0000${kind}\u0000${name}`;
        });
        assert.deepStrictEqual(keys, [...keys].sort());
    });

    it("is deterministic: two renders give byte-identical files", async () => {
        for (const stack of listStacks()) {
            // The shared render ran earlier in this process, among renders with other overrides;
            // a fresh one must give the same bytes.
            const first = renderFiles(await render(stack));
            const second = renderFiles(await renderStack(stack));
            assert.deepStrictEqual(first, second, stack);
        }
    });

    it("never writes a --set-secret value, wherever it flows", async () => {
        const r = await renderStack("sandbox", [{ key: "githubClientSecret", value: SECRET, secret: true }]);
        const files = renderFiles(r);
        for (const [file, text] of Object.entries(files)) {
            assert.ok(!text.includes(SECRET), `${file} holds the secret`);
        }
        const local = renderFiles(await renderStack("local", [{ key: "dummyPassword", value: SECRET, secret: true }]));
        for (const [file, text] of Object.entries(local)) {
            assert.ok(!text.includes(SECRET), `local ${file} holds the secret`);
        }
    });

    it("renders the kubeconfig as [secret] in the provider and the outputs", async () => {
        const r = await render("sandbox");
        const provider = r.resources.find((x) => x.type === "pulumi:providers:kubernetes")!;
        assert.strictEqual(provider.inputs.kubeconfig, "[secret]");
        assert.strictEqual(r.outputs.kubeconfig, "[secret]");
    });

    it("writes deploy-time outputs as placeholders naming their source", async () => {
        const r = await render("sandbox");
        assert.strictEqual(r.outputs.ingressIp, "${gke-ingress-ip.address}");
    });

    it("stands in [secret] for a required secret the stack file lacks, and says so", async () => {
        const r = await render("sandbox");
        assert.deepStrictEqual(r.standIns, ["jupyterlabdemo:githubClientSecret"]);
        await assert.rejects(renderStack("sandbox", [], { secretStandIns: false }), /githubClientSecret: is required/);
    });

    // The CLI runs in-process through the script's body; test/badInputs.test.ts runs it end to end.
    it("the CLI reports bad config in one line on stderr, exits 2 and writes nothing", async () => {
        const out = fs.mkdtempSync(path.join(os.tmpdir(), "render-"));
        fs.rmSync(out, { recursive: true });
        const result = await runInProcess(renderScript, [
            "--stack", "sandbox", "--out", out,
            "--set", "jupyterlabdemo:cluster.userPool.maxNodes=1", "--set", "cluster.userPool.minNodes=2",
        ]);
        assert.strictEqual(result.code, 2);
        assert.strictEqual(result.stderr, "error: jupyterlabdemo:cluster.userPool.maxNodes: must be >= minNodes (2), got 1\n");
        assert.strictEqual(result.stdout, "");
        assert.ok(!fs.existsSync(out), "nothing written");
    });

    it("the CLI rejects an unknown stack and a malformed override as usage errors", async () => {
        for (const args of [["--stack", "prod"], ["--stack", "sandbox", "--set", "novalue"], []]) {
            const result = await runInProcess(renderScript, args);
            assert.strictEqual(result.code, 2, args.join(" "));
            assert.match(result.stderr, /^error: .+\n$/);
            assert.strictEqual(result.stdout, "");
        }
    });
});

describe("the tests' shared renders (test/lib/renders.ts)", () => {
    it("serve the same request from one render, and a different one from another", async () => {
        const spot = set({ "cluster.userPool.spot": "false" });
        assert.strictEqual(await render("sandbox", spot), await render("sandbox", set({ "cluster.userPool.spot": "false" })));
        assert.strictEqual(await render("sandbox", []), await render("sandbox"));
        assert.notStrictEqual(await render("sandbox", spot), await render("sandbox"));
        assert.notStrictEqual(await render("demo"), await render("sandbox"));
        // Overrides apply in order (the last --set wins), and a secret one is another request.
        const a = { key: "hostname", value: "a.example.org" };
        const b = { key: "hostname", value: "b.example.org" };
        assert.notStrictEqual(renderKey("sandbox", [a, b]), renderKey("sandbox", [b, a]));
        assert.notStrictEqual(renderKey("sandbox", [a]), renderKey("sandbox", [{ ...a, secret: true }]));
        assert.strictEqual(renderKey("sandbox", [a]), renderKey("sandbox", [{ ...a, secret: false }]));
    });

    it("are frozen: a spec cannot change what the next one reads", async () => {
        const r = await render("sandbox");
        const hub = r.resources.find((x) => x.type === "kubernetes:apps/v1:Deployment")!;
        assert.throws(() => {
            (hub.inputs as { metadata: { name: string } }).metadata.name = "changed";
        }, TypeError);
        assert.throws(() => (r.resources as unknown[]).push({}), TypeError);
        assert.throws(() => (r.resources as unknown[]).sort(), TypeError);
        assert.notStrictEqual((hub.inputs as { metadata: { name: string } }).metadata.name, "changed");
        // A copy is the spec's own.
        const copy = structuredClone(r);
        copy.resources.pop();
        assert.strictEqual(copy.resources.length, r.resources.length - 1);
    });

    it("give a refused config the same one-line error each time", async () => {
        const bad = set({ "cluster.userPool.minNodes": "9" });
        for (let i = 0; i < 2; i++) await assert.rejects(render("sandbox", bad), /jupyterlabdemo:cluster\.userPool\.maxNodes: must be >= minNodes \(9\)/);
    });
});

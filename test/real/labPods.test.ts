/**
 * The lab pods of the render (scripts/lib/labPods.ts): what the real KubeSpawner would create for
 * each menu choice, written to lab-pods.yaml and judged by the policy rules. Each careless change
 * to the hub's configuration below must fail `npm run policy` on the lab pods.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { choiceText, LAB_CHOICE_ANNOTATION, LAB_PODS_FILE, labPods, LabPodsError, labPodsYaml } from "../../scripts/lib/labPods";
import { checkRender, describeUrn, PolicyReport } from "../../scripts/lib/policyCheck";
import { writeRenderDir } from "../../scripts/lib/render";
import { k8s, render, Render } from "../mocks";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

function clone(r: Render): Render {
    return JSON.parse(JSON.stringify(r)) as Render;
}

/** The render with one file of the hub-config ConfigMap edited, as a careless change would. */
function withHubFile(r: Render, file: string, edit: (text: string) => string): Render {
    const out = clone(r);
    const data = k8s(out, "ConfigMap", "hub-config").data as Record<string, string>;
    const edited = edit(data[file]);
    assert.notStrictEqual(edited, data[file], `the mutation of ${file} changed nothing`);
    data[file] = edited;
    return out;
}

function labViolations(report: PolicyReport): string[] {
    return report.violations
        .filter((v) => v.enforcementLevel === "mandatory" && (v.urn ?? "").includes("::lab-pod-"))
        .map((v) => `${v.policyName} ${describeUrn(v.urn)}`);
}

describe("lab pods in the render", function () {
    this.timeout(120_000);

    for (const stack of ["sandbox", "demo", "local"]) {
        it(`${stack}: one Pod per image x size, annotated with its choice, in the hub namespace`, async () => {
            const r = await render(stack);
            const settings = JSON.parse(k8s(r, "ConfigMap", "hub-config").data["settings.json"]);
            const pods = labPods(r);
            const menu = settings.lab.profileList[0].profile_options;
            const expected = Object.keys(menu.image.choices).flatMap((image) => Object.keys(menu.size.choices).map((size) => choiceText({ image, size })));
            assert.deepStrictEqual(pods.map((p) => (p.pod as Any).metadata.annotations[LAB_CHOICE_ANNOTATION]), expected);
            const images = new Map(Object.entries(menu.image.choices).map(([name, c]: [string, Any]) => [name, c.kubespawner_override.image]));
            for (const p of pods) {
                const pod = p.pod as Any;
                assert.strictEqual(pod.kind, "Pod");
                assert.strictEqual(pod.metadata.namespace, "jupyterhub");
                assert.strictEqual(pod.spec.containers[0].image, images.get(p.choice.image));
                assert.strictEqual(pod.spec.automountServiceAccountToken, false);
                assert.ok(!JSON.stringify(pod).includes("test-"), "no secret value");
            }
        });
    }

    for (const stack of ["sandbox", "demo", "local"]) {
        it(`${stack}: the default image is a Jupyter docker-stacks build started by jupyterhub-singleuser; an image with its own command gets it`, async () => {
            const r = await render(stack);
            const settings = JSON.parse(k8s(r, "ConfigMap", "hub-config").data["settings.json"]);
            const choices = settings.lab.profileList[0].profile_options.image.choices as Record<string, Any>;
            const defaultImage = Object.values(choices).find((c) => c.default).kubespawner_override;
            assert.match(defaultImage.image, /^quay\.io\/jupyter\/[a-z]+-notebook:\d{4}-\d{2}-\d{2}$/);
            assert.strictEqual(defaultImage.cmd, undefined);
            for (const p of labPods(r)) {
                const own = choices[p.choice.image].kubespawner_override.cmd;
                assert.deepStrictEqual((p.pod as Any).spec.containers[0].args, own ?? ["jupyterhub-singleuser"], choiceText(p.choice));
            }
        });
    }

    it("writes lab-pods.yaml beside the manifests, byte-identical twice, with no secret", async () => {
        const r = await render("sandbox");
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "labpods-"));
        try {
            writeRenderDir(dir, r);
            const text = fs.readFileSync(path.join(dir, LAB_PODS_FILE), "utf8");
            assert.strictEqual(text, labPodsYaml(labPods(r)));
            const docs = YAML.parseAllDocuments(text).map((d) => d.toJSON());
            assert.strictEqual(docs.length, labPods(r).length);
            for (const doc of docs) {
                for (const e of doc.spec.containers[0].env) {
                    if (/TOKEN/.test(e.name)) assert.strictEqual(e.value, "[secret]", e.name);
                }
            }
            writeRenderDir(dir, r);
            assert.strictEqual(fs.readFileSync(path.join(dir, LAB_PODS_FILE), "utf8"), text);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("without the venv and a cached answer, fails with one line naming the set-up command", async () => {
        const r = withHubFile(await render("sandbox"), "hooks.py", (t) => t + "\n# a change no cache has seen\n");
        assert.throws(() => labPods(r, { python: "/nonexistent/.venv/bin/python" }), (e: Error) => {
            assert.ok(e instanceof LabPodsError);
            assert.match(e.message, /^lab pods: .*npm run setup:hub/);
            assert.ok(!e.message.includes("\n"));
            return true;
        });
    });

    describe("careless changes to the hub's configuration fail the policy check on every lab pod", () => {
        const mutations: [string, string, (t: string) => string, string][] = [
            ["every lab container privileged", "lab_pod.py", (t) => t.split('"privileged": False,').join('"privileged": True,'), "k8s-privileged-allow-list"],
            ["the lab runs as uid 0", "lab_pod.py", (t) => t.split('"runAsUser": identity.uid,').join('"runAsUser": 0,'), "k8s-lab-pods-hardened"],
            [
                "the service-account token mounted",
                "jupyterhub_config.py",
                (t) => t.replace("c.KubeSpawner.automount_service_account_token = False", "c.KubeSpawner.automount_service_account_token = True"),
                "k8s-lab-pods-hardened",
            ],
            [
                "the node's / mounted by hostPath",
                "lab_pod.py",
                (t) =>
                    t
                        .replace(
                            '{"name": ETC_VOLUME, "emptyDir": {"medium": "Memory", "sizeLimit": "1Mi"}},',
                            '{"name": ETC_VOLUME, "emptyDir": {"medium": "Memory", "sizeLimit": "1Mi"}},\n            {"name": "node", "hostPath": {"path": "/"}},',
                        )
                        .replace(
                            '{"name": HOME_VOLUME, "mountPath": identity.home, "subPath": identity.login},',
                            '{"name": HOME_VOLUME, "mountPath": identity.home, "subPath": identity.login},\n            {"name": "node", "mountPath": "/node"},',
                        ),
                "k8s-no-host-access",
            ],
        ];
        for (const [what, file, edit, rule] of mutations) {
            it(`${what}: ${rule}`, async () => {
                const base = await render("sandbox");
                assert.deepStrictEqual(labViolations(await checkRender(base)), [], "the unmutated lab pods pass");
                const r = withHubFile(base, file, edit);
                const found = labViolations(await checkRender(r));
                const pods = labPods(r);
                assert.ok(pods.length >= 2);
                for (const p of pods) {
                    const name = `lab-pod-${p.choice.image}-${p.choice.size}`;
                    assert.ok(found.includes(`${rule} ${name}: kubernetes:core/v1:Pod`), `expected ${rule} on ${name} in:\n${found.join("\n")}`);
                }
            });
        }
    });
});

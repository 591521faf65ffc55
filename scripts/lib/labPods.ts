/**
 * The lab pods of a render: the Pod the real KubeSpawner would create for each image x size of the
 * menu, for a sample user, written to `lab-pods.yaml` beside the manifests and checked by the
 * policy rules like every declared workload.
 *
 * KubeSpawner builds these at runtime, so they exist in no Pulumi resource: `lab_pods.py` (beside
 * this file) loads the rendered hub-config ConfigMap into the real KubeSpawner of the hub image's
 * Python stack (`.venv`, from test/hub/requirements.txt; `npm run setup:hub`) and returns each
 * pod. Python stays off the hot path: the answer is cached in `render/.cache/lab-pods/`, keyed by
 * the sha256 of everything it depends on (the ConfigMap data, the hub environment, the sample user,
 * lab_pods.py and the requirements), so only a change to the hub's configuration runs Python again.
 * Without the venv and without a cached answer, the render fails with one line naming the set-up
 * command: the lab pods are never silently left out.
 */
import { spawnSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import type { Render, RenderedResource } from "./renderShape";
import { REPO_ROOT, SECRET_TEXT, UsageError } from "./stackConfig";

/** The file the render writes the lab pods to (multi-document YAML, one Pod per menu choice). */
export const LAB_PODS_FILE = "lab-pods.yaml";
/** The annotation naming a lab pod's menu choice, `image=<name>,size=<name>`. */
export const LAB_CHOICE_ANNOTATION = "jupyterlabdemo.io/lab-choice";
/** The Pulumi type the policy check sees a lab pod as. */
export const POD_TYPE = "kubernetes:core/v1:Pod";

const HUB_CONFIG_MAP = "hub-config";
const HUB_DEPLOYMENT = "hub";
const GENERATOR = path.join(__dirname, "lab_pods.py");
const REQUIREMENTS = path.join(REPO_ROOT, "test", "hub", "requirements.txt");

// The venv and the cache of the checkout whose process loads this module first, handed down to
// child processes through the environment: a render of a base ref runs in a temporary worktree
// (gitBase.ts) that has neither, and uses this checkout's.
const VENV_ENV = "JUPYTERLABDEMO_HUB_VENV";
const CACHE_ENV = "JUPYTERLABDEMO_LAB_PODS_CACHE";
process.env[VENV_ENV] ??= path.join(REPO_ROOT, ".venv");
process.env[CACHE_ENV] ??= path.join(REPO_ROOT, "render", ".cache", "lab-pods");
const VENV_PYTHON = path.join(process.env[VENV_ENV]!, "bin", "python");
const CACHE_DIR = process.env[CACHE_ENV]!;

/**
 * The sample user the pods are built for: a GitHub login with a GitHub-sized id, member of every
 * allowed organization (the org ids are placeholders: GitHub assigns the real ones). On stacks
 * with the dummy login the ids come from the login itself.
 */
export const LAB_POD_USER = { login: "jane-doe", id: 58374121, firstOrgId: 9000001 } as const;

export interface LabPod {
    readonly choice: { readonly image: string; readonly size: string };
    readonly pod: Record<string, unknown>;
}

/** Thrown when the lab pods cannot be built; the message is one line. */
export class LabPodsError extends UsageError {}

type Obj = Record<string, unknown>;

/** The render's Kubernetes object of `type` named `name` (metadata.name). */
function objectOf(render: Render, type: string, name: string): RenderedResource | undefined {
    return render.resources.find((r) => r.type === type && (r.inputs.metadata as Obj | undefined)?.name === name);
}

/** The generator's input for a render, or undefined when the render declares no hub. */
export function labPodsRequest(render: Render): Obj | undefined {
    const configMap = objectOf(render, "kubernetes:core/v1:ConfigMap", HUB_CONFIG_MAP)?.inputs;
    const hub = objectOf(render, "kubernetes:apps/v1:Deployment", HUB_DEPLOYMENT)?.inputs;
    if (!configMap || !hub) return undefined;
    const data = configMap.data as Record<string, string>;
    const container = ((hub.spec as Obj).template as { spec: { containers: { env?: Obj[] }[] } }).spec.containers[0];
    const env: Record<string, string> = {};
    for (const e of container.env ?? []) {
        const from = e.valueFrom as { fieldRef?: { fieldPath: string } } | undefined;
        // The pod's namespace is the Deployment's; secrets stay "[secret]": the lab pods carry none.
        env[e.name as string] =
            e.value !== undefined ? String(e.value) : from?.fieldRef?.fieldPath === "metadata.namespace" ? String((hub.metadata as Obj).namespace) : SECRET_TEXT;
    }
    const settings = JSON.parse(data["settings.json"]) as { hub: { github?: { allowedOrganizations?: string[] } } };
    const orgs = (settings.hub.github?.allowedOrganizations ?? []).map((login, i) => ({ login, id: LAB_POD_USER.firstOrgId + i }));
    return { files: data, env, user: { login: LAB_POD_USER.login, id: LAB_POD_USER.id, orgs } };
}

// The generator and the hub's requirements, read once per process on first use: every render's
// labPods() call keys its cache by them.
let generatorFiles: readonly [Buffer, Buffer] | undefined;

function cacheKey(request: Obj): string {
    generatorFiles ??= [fs.readFileSync(GENERATOR), fs.readFileSync(REQUIREMENTS)];
    const h = createHash("sha256");
    h.update(JSON.stringify(request));
    h.update("\0");
    h.update(generatorFiles[0]);
    h.update("\0");
    h.update(generatorFiles[1]);
    return h.digest("hex");
}

function runGenerator(request: Obj, python: string): LabPod[] {
    if (!fs.existsSync(python)) {
        throw new LabPodsError("lab pods: the hub's Python stack is not installed (.venv): run `npm run setup:hub` once");
    }
    const out = spawnSync(python, [GENERATOR], { input: JSON.stringify(request), encoding: "utf8", timeout: 120_000 });
    if (out.error || out.status !== 0) {
        const last = (out.stderr ?? "").trim().split("\n").pop() ?? String(out.error);
        throw new LabPodsError(`lab pods: the real KubeSpawner could not build them: ${last}`);
    }
    return JSON.parse(out.stdout) as LabPod[];
}

/**
 * The lab pods of a render, in menu order (none when the render declares no hub). `python` is the
 * venv's interpreter, used only when the cache has no answer.
 */
export function labPods(render: Render, { python = VENV_PYTHON }: { python?: string } = {}): LabPod[] {
    const request = labPodsRequest(render);
    if (!request) return [];
    const file = path.join(CACHE_DIR, `${cacheKey(request)}.json`);
    if (fs.existsSync(file)) {
        return JSON.parse(fs.readFileSync(file, "utf8")) as LabPod[];
    }
    const pods = runGenerator(request, python).map(annotated);
    fs.mkdirSync(CACHE_DIR, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(pods));
    fs.renameSync(tmp, file);
    return pods;
}

function annotated(p: LabPod): LabPod {
    const pod = p.pod as { metadata: { annotations?: Record<string, string> } };
    pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), [LAB_CHOICE_ANNOTATION]: choiceText(p.choice) };
    return p;
}

export function choiceText(choice: LabPod["choice"]): string {
    return `image=${choice.image},size=${choice.size}`;
}

/** The text of lab-pods.yaml: one YAML document per pod, keys sorted, as manifests.yaml. */
export function labPodsYaml(pods: readonly LabPod[]): string {
    return pods.map((p) => `---\n${YAML.stringify(p.pod, { lineWidth: 0, sortMapEntries: true })}`).join("");
}

/**
 * The lab pods as resources of the render, for the policy check: type `kubernetes:core/v1:Pod`,
 * named `lab-pod-<image>-<size>`, on the hub's Kubernetes provider.
 */
export function labPodResources(render: Render): RenderedResource[] {
    const pods = labPods(render);
    if (pods.length === 0) return [];
    const hub = objectOf(render, "kubernetes:apps/v1:Deployment", HUB_DEPLOYMENT);
    return pods.map((p) => ({
        type: POD_TYPE,
        name: `lab-pod-${p.choice.image}-${p.choice.size}`,
        parent: null,
        custom: true,
        provider: hub?.provider ?? null,
        protect: false,
        retainOnDelete: false,
        deleteBeforeReplace: false,
        dependsOn: [],
        inputs: p.pod,
    }));
}

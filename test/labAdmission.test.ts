/**
 * The lab admission policy (components/labAdmission.ts): its CEL evaluated against lab pods, the
 * real ones KubeSpawner builds from each stack's menu and broken variants of them.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { HOME_INIT_CAPABILITIES, HOME_INIT_CONTAINER, LAB_MIN_UID, labAdmissionPolicyName } from "../components/labAdmission";
import { selectorLabels } from "../components/naming";
import { labPods } from "../scripts/lib/labPods";
import { probeHubConfig, stackSettings } from "./labFixtures";
import { k8s, Manifest, render, set } from "./mocks";

const NS = "jupyterhub";

describe("lab: admission policy (its CEL evaluated against lab pods)", function () {
    this.timeout(60000);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Environment } = require("@marcbachmann/cel-js") as typeof import("@marcbachmann/cel-js");
    // Kubernetes evaluates with optional types on (`a.?b.orValue(x)`); undeclared variables are dyn.
    const env = new Environment({ unlistedVariablesAreDyn: true, enableOptionalTypes: true, homogeneousAggregateLiterals: false });

    /** JSON integers as CEL ints (Kubernetes' int64 fields), so `runAsUser >= 1000` compares ints. */
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const celValue = (v: any): any =>
        Array.isArray(v) ? v.map(celValue)
        : v !== null && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, celValue(x)]))
        : typeof v === "number" && Number.isInteger(v) ? BigInt(v)
        : v;

    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    type Pod = any;
    interface Admission {
        matched: boolean;
        /** Messages of the validations that fail, in policy order. */
        denied: string[];
    }

    /** Admission of `pod` by the rendered policy, as the API server runs it: match, variables, validations. */
    function admit(policy: Manifest, pod: Pod, { username = "system:serviceaccount:jupyterhub:hub", oldPod = null }: { username?: string; oldPod?: Pod } = {}): Admission {
        const ctx: Record<string, unknown> = { object: celValue(pod), oldObject: celValue(oldPod), request: { userInfo: { username } } };
        const matched = policy.spec.matchConditions.every((m: { expression: string }) => env.evaluate(m.expression, ctx) === true);
        const variables: Record<string, unknown> = {};
        for (const v of policy.spec.variables) {
            variables[v.name] = env.evaluate(v.expression, { ...ctx, variables });
        }
        const denied = policy.spec.validations
            .filter((v: { expression: string }) => env.evaluate(v.expression, { ...ctx, variables }) !== true)
            .map((v: { message: string }) => v.message);
        return { matched, denied };
    }

    let policy: Manifest;
    let binding: Manifest;
    let good: Pod;
    let menu: string[];
    before(async () => {
        const r = await render("sandbox");
        policy = k8s(r, "ValidatingAdmissionPolicy", labAdmissionPolicyName("sandbox"));
        binding = k8s(r, "ValidatingAdmissionPolicyBinding", labAdmissionPolicyName("sandbox"));
        menu = stackSettings("sandbox").lab.images.map((i) => i.image);
        // The good pod for the mutations: KubeSpawner 7's pod assembled from the spawn the rendered
        // hub configuration computes for the fixture user (labels, security contexts, volumes, init
        // containers with the lab image, as set_init_images does). The pods the real KubeSpawner
        // builds (the render's lab-pods.yaml) are judged in their own test below.
        const probe = probeHubConfig(k8s(r, "ConfigMap", "hub-config"));
        const ks = probe.config.KubeSpawner;
        const s = probe.spawn;
        good = {
            apiVersion: "v1",
            kind: "Pod",
            metadata: {
                name: "jupyter-jane-doe",
                namespace: NS,
                labels: { ...ks.common_labels, ...ks.extra_labels, "app.kubernetes.io/component": ks.component_label, component: ks.component_label, "hub.jupyter.org/username": "jane-doe", "hub.jupyter.org/servername": "" },
            },
            spec: {
                automountServiceAccountToken: ks.automount_service_account_token,
                securityContext: s.pod_security_context,
                nodeSelector: ks.node_selector,
                tolerations: ks.tolerations,
                initContainers: s.init_containers.map((c: Record<string, unknown>) => ({ ...c, image: ks.image })),
                containers: [
                    {
                        name: "notebook",
                        image: ks.image,
                        args: ks.cmd,
                        ports: [{ name: "notebook-port", containerPort: ks.port }],
                        securityContext: s.container_security_context,
                        volumeMounts: s.volume_mounts,
                        workingDir: s.working_dir,
                        env: Object.entries(s.environment).map(([name, value]) => ({ name, value })),
                    },
                ],
                volumes: s.volumes,
                restartPolicy: "OnFailure",
            },
        };
    });

    /** A deep copy of the good pod with `change` applied to it. */
    const mutate = (change: (p: Pod) => void): Pod => {
        const p = JSON.parse(JSON.stringify(good));
        change(p);
        return p;
    };
    const notebook = (p: Pod) => p.spec.containers[0];
    const init = (p: Pod, name: string) => p.spec.initContainers.find((c: { name: string }) => c.name === name);

    it("is bound in the hub namespace with Deny, to CREATE and UPDATE of pods, failing closed", () => {
        assert.strictEqual(policy.apiVersion, "admissionregistration.k8s.io/v1");
        assert.strictEqual(policy.spec.failurePolicy, "Fail");
        assert.deepStrictEqual(policy.spec.matchConstraints.resourceRules, [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["pods"] }]);
        assert.deepStrictEqual(binding.spec, {
            policyName: policy.metadata.name,
            validationActions: ["Deny"],
            matchResources: { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": NS } } },
        });
    });

    it("admits every pod the real KubeSpawner builds for each menu choice (the render's lab-pods.yaml), on every stack", async () => {
        for (const stack of ["sandbox", "demo", "local"]) {
            const r = await render(stack);
            const stackPolicy = k8s(r, "ValidatingAdmissionPolicy", labAdmissionPolicyName(stack));
            const pods = labPods(r);
            assert.ok(pods.length > 0, `${stack}: no lab pods`);
            const namespace = (k8s(r, "Deployment", "hub").metadata.namespace ?? "default") as string;
            for (const { choice, pod } of pods) {
                const result = admit(stackPolicy, pod, { username: `system:serviceaccount:${namespace}:hub` });
                assert.deepStrictEqual(result, { matched: true, denied: [] }, `${stack} ${choice.image}/${choice.size}`);
                // The same pod submitted by someone else is still judged: it carries the lab's labels.
                assert.strictEqual(admit(stackPolicy, pod, { username: "jane@example.org" }).matched, true);
            }
            // And a real pod with one flaw is refused.
            const rooted = JSON.parse(JSON.stringify(pods[0].pod));
            rooted.spec.containers[0].securityContext.runAsUser = 0;
            assert.notDeepStrictEqual(admit(stackPolicy, rooted).denied, [], `${stack}: a real lab pod running as root`);
        }
    });

    it("refuses below the uid floor the hub's Python refuses below, so no spawn ends in a rejected pod", () => {
        const identity = fs.readFileSync(path.join(__dirname, "..", "components", "hub", "lab_identity.py"), "utf8");
        assert.strictEqual(Number(/^MIN_LAB_UID = (\d+)$/m.exec(identity)?.[1]), LAB_MIN_UID);
    });

    it("exempts exactly the home init container lab_pod.py builds, with exactly its capability", () => {
        const home = init(good, HOME_INIT_CONTAINER);
        assert.ok(home, `lab_pod.py builds no init container named ${HOME_INIT_CONTAINER}`);
        assert.deepStrictEqual(home.securityContext.capabilities.add, [...HOME_INIT_CAPABILITIES]);
        assert.strictEqual(home.securityContext.runAsUser, 0);
    });

    it("admits the lab pod KubeSpawner builds from the hub configuration", () => {
        assert.deepStrictEqual(admit(policy, good), { matched: true, denied: [] });
        // Every menu image is accepted, on every container.
        for (const image of menu) {
            const p = mutate((p) => {
                for (const c of [...p.spec.containers, ...p.spec.initContainers]) c.image = image;
            });
            assert.deepStrictEqual(admit(policy, p).denied, [], image);
        }
    });

    it("denies each bad lab pod with the rule it breaks", () => {
        const rule = (start: string) => {
            const found = policy.spec.validations.map((v: { message: string }) => v.message).find((m: string) => m.startsWith(start));
            assert.ok(found, start);
            return found as string;
        };
        const podUid = rule("a lab pod sets spec.securityContext.runAsNonRoot");
        const uid = rule("every container of a lab pod runs as non-root");
        const escalation = rule("every container of a lab pod sets allowPrivilegeEscalation");
        const drop = rule("every container of a lab pod drops ALL");
        const add = rule("no container of a lab pod adds a capability");
        const hostNs = rule("a lab pod shares no host namespace");
        const hostPath = rule("a lab pod mounts no hostPath");
        const hostPort = rule("no container of a lab pod opens a hostPort");
        const token = rule("a lab pod gets no service-account token");
        const image = rule("every container of a lab pod runs an image from the lab menu");
        const labels = rule("a lab pod carries the labels");
        const cases: [string, (p: Pod) => void, string[]][] = [
            ["pod uid below 1000", (p) => (p.spec.securityContext.runAsUser = 999), [podUid]],
            ["pod runAsNonRoot off", (p) => (p.spec.securityContext.runAsNonRoot = false), [podUid]],
            ["pod security context removed", (p) => delete p.spec.securityContext, [podUid]],
            ["lab container as root", (p) => (notebook(p).securityContext.runAsUser = 0), [uid]],
            ["lab container runAsNonRoot false", (p) => (notebook(p).securityContext.runAsNonRoot = false), [uid]],
            ["passwd init container as root", (p) => (init(p, "lab-passwd").securityContext.runAsUser = 0), [uid]],
            ["a main container posing as the home init container, as root", (p) => p.spec.containers.push({ ...init(p, HOME_INIT_CONTAINER) }), [uid, add]],
            ["privilege escalation allowed", (p) => (notebook(p).securityContext.allowPrivilegeEscalation = true), [escalation]],
            ["privilege escalation unset", (p) => delete notebook(p).securityContext.allowPrivilegeEscalation, [escalation]],
            ["privileged", (p) => (notebook(p).securityContext.privileged = true), [escalation]],
            ["capabilities not dropped", (p) => delete notebook(p).securityContext.capabilities, [drop]],
            ["home init keeps its capabilities", (p) => (init(p, HOME_INIT_CONTAINER).securityContext.capabilities = { add: ["CHOWN"] }), [drop]],
            ["lab container adds NET_RAW", (p) => (notebook(p).securityContext.capabilities.add = ["NET_RAW"]), [add]],
            ["home init adds SYS_ADMIN", (p) => init(p, HOME_INIT_CONTAINER).securityContext.capabilities.add.push("SYS_ADMIN"), [add]],
            ["passwd init adds CHOWN", (p) => (init(p, "lab-passwd").securityContext.capabilities.add = ["CHOWN"]), [add]],
            ["hostNetwork", (p) => (p.spec.hostNetwork = true), [hostNs]],
            ["hostPID", (p) => (p.spec.hostPID = true), [hostNs]],
            ["hostIPC", (p) => (p.spec.hostIPC = true), [hostNs]],
            ["hostPath volume", (p) => p.spec.volumes.push({ name: "node", hostPath: { path: "/" } }), [hostPath]],
            ["hostPort", (p) => (notebook(p).ports[0].hostPort = 8888), [hostPort]],
            ["service-account token automounted", (p) => (p.spec.automountServiceAccountToken = true), [token]],
            ["automount left to the default", (p) => delete p.spec.automountServiceAccountToken, [token]],
            [
                "projected service-account token volume",
                (p) => p.spec.volumes.push({ name: "t", projected: { sources: [{ serviceAccountToken: { path: "token", audience: "x" } }] } }),
                [token],
            ],
            ["image off the menu", (p) => (notebook(p).image = "docker.io/library/ubuntu:24.04"), [image]],
            ["init image off the menu", (p) => (init(p, HOME_INIT_CONTAINER).image = "docker.io/library/busybox:1.37"), [image]],
            ["NetworkPolicy label dropped", (p) => delete p.metadata.labels["app.kubernetes.io/instance"], [labels]],
            ["NetworkPolicy label changed", (p) => (p.metadata.labels["app.kubernetes.io/name"] = "other"), [labels]],
        ];
        for (const [what, change, expected] of cases) {
            const result = admit(policy, mutate(change));
            assert.deepStrictEqual(result, { matched: true, denied: expected }, what);
        }
    });

    it("catches a pod posing as a lab, or one the hub submits without labels; leaves other pods alone", () => {
        const noLabels = mutate((p) => delete p.metadata.labels);
        // Submitted by the hub: matched, and denied for the missing labels.
        const byHub = admit(policy, noLabels);
        assert.strictEqual(byHub.matched, true);
        assert.ok(byHub.denied.some((m) => m.startsWith("a lab pod carries the labels")));
        // Submitted by anyone else with a lab's labels or KubeSpawner's username label: matched.
        assert.strictEqual(admit(policy, mutate((p) => (notebook(p).image = "x:1")), { username: "jane@example.org" }).matched, true);
        const onlyUsername = mutate((p) => (p.metadata.labels = { "hub.jupyter.org/username": "jane-doe" }));
        assert.strictEqual(admit(policy, onlyUsername, { username: "jane@example.org" }).matched, true);
        // An UPDATE that strips the labels is judged by the old ones.
        assert.deepStrictEqual(admit(policy, noLabels, { username: "jane@example.org", oldPod: good }).matched, true);
        // Another pod of the namespace (the hub, the image puller) is not a lab.
        const hubPod = mutate((p) => (p.metadata.labels = selectorLabels("sandbox", "hub")));
        assert.strictEqual(admit(policy, hubPod, { username: "system:serviceaccount:kube-system:replicaset-controller" }).matched, false);
    });

    it("lists exactly the stack's menu images, following the config", async () => {
        const imagesExpr = policy.spec.validations.find((v: { message: string }) => v.message.includes("from the lab menu")).expression as string;
        assert.strictEqual(imagesExpr, `variables.containers.all(c, c.image in [${menu.map((i) => JSON.stringify(i)).join(", ")}])`);
        const other = k8s(await render("sandbox", set({ "lab.images": JSON.stringify([{ name: "one", displayName: "One", image: "quay.io/jupyter/base-notebook:2025-11-24", default: true }]) })), "ValidatingAdmissionPolicy", labAdmissionPolicyName("sandbox"));
        assert.deepStrictEqual(admit(other, good).denied, ["every container of a lab pod runs an image from the lab menu"]);
    });
});

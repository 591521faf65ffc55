import * as assert from "assert";
import { labAdmissionBindingSpec, labAdmissionPolicySpec } from "../../components/lab";
import { labAdmissionPolicy } from "../../policies/labAdmissionPolicy";
import { deployment, messages, res, run } from "./harness";

const NAME = "jupyterlabdemo-sandbox-lab-pods";
const spec = () =>
    labAdmissionPolicySpec({ namespace: "jupyterhub", hubServiceAccount: "hub", podLabels: { "app.kubernetes.io/component": "lab" }, images: ["quay.io/jupyter/minimal-notebook:2025-11-24"] });
const policy = (s: Record<string, unknown> = spec()) =>
    res("kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy", "lab-admission-policy", { metadata: { name: NAME }, spec: s });
const binding = (s: Record<string, unknown> = labAdmissionBindingSpec(NAME, "jupyterhub")) =>
    res("kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding", "lab-admission-binding", { metadata: { name: NAME }, spec: s });
const hub = deployment("hub");

describe("policy k8s-lab-admission-policy", () => {
    it("passes the lab admission policy and binding the program builds", async () => {
        assert.deepStrictEqual(await run(labAdmissionPolicy, [hub, policy(), binding()]), []);
    });

    it("fails a stack with a hub and no pod admission policy, or one that would let pods through", async () => {
        const missing = messages(await run(labAdmissionPolicy, [hub, binding()]));
        assert.strictEqual(missing.length, 1);
        assert.match(missing[0], /^no ValidatingAdmissionPolicy judges pod creation/);
        for (const s of [{ ...spec(), failurePolicy: "Ignore" }, { ...spec(), validations: [] }, { ...spec(), matchConstraints: { resourceRules: [{ operations: ["CREATE"], resources: ["services"] }] } }]) {
            assert.match(messages(await run(labAdmissionPolicy, [hub, policy(s), binding()]))[0], /^no ValidatingAdmissionPolicy judges pod creation/);
        }
    });

    it("fails a policy left unbound, bound for warnings only, to another policy or in another namespace", async () => {
        const warnOnly = { ...labAdmissionBindingSpec(NAME, "jupyterhub"), validationActions: ["Warn", "Audit"] };
        for (const resources of [[hub, policy()], [hub, policy(), binding(warnOnly)], [hub, policy(), binding(labAdmissionBindingSpec("other", "jupyterhub"))], [hub, policy(), binding(labAdmissionBindingSpec(NAME, "default"))]]) {
            const ms = messages(await run(labAdmissionPolicy, resources));
            assert.deepStrictEqual(ms, ["no ValidatingAdmissionPolicyBinding binds the pod admission policy with validationActions Deny in the hub's namespace jupyterhub: declare the binding (components/labAdmission.ts)."]);
        }
    });

    it("has nothing to say about a stack without a hub", async () => {
        assert.deepStrictEqual(await run(labAdmissionPolicy, [deployment("proxy")]), []);
    });
});

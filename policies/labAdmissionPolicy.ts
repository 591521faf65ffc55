/**
 * k8s-lab-admission-policy (stack): the lab pods KubeSpawner creates at runtime never pass through
 * a preview, so the cluster must judge them. The stack declares a ValidatingAdmissionPolicy over
 * pod creation, failing closed, with validations, and a binding that names it, denies, and selects
 * the namespace the hub spawns labs in.
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { peek, UNKNOWN } from "./lib/policy";

const POLICY_TYPE = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy";
const BINDING_TYPE = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding";
const DEPLOYMENT_TYPE = "kubernetes:apps/v1:Deployment";
/** The hub Deployment's name: its namespace is where labs are spawned. */
const HUB_DEPLOYMENT = "hub";

interface Rule {
    operations?: string[];
    resources?: string[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Props = any;

/** True when the policy's spec judges pod creation, fails closed and has validations. */
function judgesPodCreation(spec: Props): boolean {
    const rules: Rule[] = spec?.matchConstraints?.resourceRules ?? [];
    const coversPods = rules.some(
        (r) => (r.resources ?? []).some((x) => x === "pods" || x === "*") && (r.operations ?? []).some((o) => o === "CREATE" || o === "*"),
    );
    return coversPods && spec?.failurePolicy !== "Ignore" && (spec?.validations ?? []).length > 0;
}

export const labAdmissionPolicy: StackValidationPolicy = {
    name: "k8s-lab-admission-policy",
    description:
        "A ValidatingAdmissionPolicy judges pod creation (failing closed) and is bound with Deny in the hub's namespace, so lab pods created at runtime are held to the lab rules.",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const hub = args.resources.find((r) => r.type === DEPLOYMENT_TYPE && peek(() => r.props.metadata?.name) === HUB_DEPLOYMENT);
        if (!hub) return; // no hub, no labs
        const hubNamespace = peek(() => hub.props.metadata?.namespace as string | undefined);
        const policies = args.resources.filter((r) => r.type === POLICY_TYPE);
        const pods = policies.filter((p) => peek(() => judgesPodCreation(p.props.spec)) !== false);
        if (pods.length === 0) {
            reportViolation(
                "no ValidatingAdmissionPolicy judges pod creation (resourceRules over pods with CREATE, failurePolicy Fail, at least one validation): declare the lab admission policy (components/labAdmission.ts).",
                policies[0]?.urn ?? hub.urn,
            );
            return;
        }
        const names = new Set(pods.map((p) => peek(() => p.props.metadata?.name)));
        const bound = args.resources.some((b) => {
            if (b.type !== BINDING_TYPE) return false;
            const spec = peek(() => b.props.spec) as Props;
            if (spec === UNKNOWN) return true;
            const namesPolicy = names.has(UNKNOWN) || names.has(spec?.policyName) || spec?.policyName === UNKNOWN;
            const denies = (spec?.validationActions ?? []).includes("Deny");
            const selected = spec?.matchResources?.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"];
            const inHubNamespace = hubNamespace === UNKNOWN || selected === UNKNOWN || selected === (hubNamespace ?? "default");
            return namesPolicy && denies && inHubNamespace;
        });
        if (!bound) {
            reportViolation(
                `no ValidatingAdmissionPolicyBinding binds the pod admission policy with validationActions Deny in the hub's namespace ${hubNamespace === UNKNOWN ? "" : (hubNamespace ?? "default")}: declare the binding (components/labAdmission.ts).`,
                pods[0].urn,
            );
        }
    },
};

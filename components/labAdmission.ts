/**
 * The lab admission policy: what the cluster refuses, whoever creates the pod. KubeSpawner
 * creates labs at runtime, outside any preview and the policy pack; a ValidatingAdmissionPolicy
 * (CEL) and its binding hold them (and any pod posing as one) to the lab rules at admission.
 */
import * as k8s from "./sdk/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { commonLabels, COMPONENTS, HUB_NAMES, namespaceSelector, selectorLabels } from "./naming";

/**
 * The home init container of a lab pod (HOME_INIT in components/hub/lab_pod.py) and the only
 * capability it adds (HOME_INIT_CAPABILITIES there): it runs as root to hand a new home to the
 * user's uid. The admission policy exempts exactly this init container from runAsNonRoot and lets
 * it add exactly these capabilities; test/labAdmission.test.ts checks both against lab_pod.py.
 */
export const HOME_INIT_CONTAINER = "lab-home";
export const HOME_INIT_CAPABILITIES: readonly string[] = ["CHOWN"];

/** The lowest uid a lab may run as: below it are system accounts and the image's own users. */
export const LAB_MIN_UID = 1000;

/** KubeSpawner's own label on every user pod it creates (the escaped user name). */
const KUBESPAWNER_USERNAME_LABEL = "hub.jupyter.org/username";

export interface LabAdmissionInput {
    /** Namespace of the hub and the labs. */
    readonly namespace: string;
    /** The ServiceAccount the hub (KubeSpawner) creates pods with. */
    readonly hubServiceAccount: string;
    /** The labels the labs' NetworkPolicy selects (every lab pod must carry them). */
    readonly podLabels: Record<string, string>;
    /** The menu's images: the only images a lab pod's containers may run. */
    readonly images: readonly string[];
}

/** One CEL validation of the admission policy. */
export interface CelValidation {
    readonly expression: string;
    readonly message: string;
}

/** A CEL string literal (JSON's escaping is valid CEL for these values). */
const celString = (s: string) => JSON.stringify(s);

/**
 * The ValidatingAdmissionPolicy `spec` for lab pods, CEL only (Kubernetes >= 1.30; optional field
 * selection `a.?b.orValue(x)` reads fields that may be absent). Pure: the CEL test evaluates these
 * exact expressions against lab pods.
 *
 * Which pods: CREATE and UPDATE of pods (the binding limits it to the hub namespace) that either
 * the hub's ServiceAccount submits, or that carry (or carried, on UPDATE) the lab component label
 * or KubeSpawner's username label. A pod that drops the lab labels is still caught: then by the
 * user that created it, or by its old labels.
 */
export function labAdmissionPolicySpec(input: LabAdmissionInput): Record<string, unknown> {
    const sa = `system:serviceaccount:${input.namespace}:${input.hubServiceAccount}`;
    const component = "app.kubernetes.io/component";
    const looksLikeLab = (o: string) =>
        `(${o} != null && has(${o}.metadata.labels) && ((${celString(component)} in ${o}.metadata.labels && ${o}.metadata.labels[${celString(component)}] == ${celString(input.podLabels[component] ?? "")}) || ${celString(KUBESPAWNER_USERNAME_LABEL)} in ${o}.metadata.labels))`;
    const labelChecks = Object.entries(input.podLabels)
        .map(([k, v]) => `(${celString(k)} in object.metadata.labels && object.metadata.labels[${celString(k)}] == ${celString(v)})`)
        .join(" && ");
    const images = `[${[...new Set(input.images)].map(celString).join(", ")}]`;
    const home = celString(HOME_INIT_CONTAINER);
    const homeCaps = `[${HOME_INIT_CAPABILITIES.map(celString).join(", ")}]`;
    const validations: CelValidation[] = [
        {
            expression: `object.spec.?securityContext.?runAsNonRoot.orValue(false) == true && object.spec.?securityContext.?runAsUser.orValue(0) >= ${LAB_MIN_UID}`,
            message: `a lab pod sets spec.securityContext.runAsNonRoot: true and runAsUser >= ${LAB_MIN_UID}`,
        },
        {
            expression: `variables.userContainers.all(c, c.?securityContext.?runAsNonRoot.orValue(true) == true && c.?securityContext.?runAsUser.orValue(${LAB_MIN_UID}) >= ${LAB_MIN_UID})`,
            message: `every container of a lab pod runs as non-root with a uid >= ${LAB_MIN_UID} (only the init container ${HOME_INIT_CONTAINER} runs as root)`,
        },
        {
            expression: "variables.containers.all(c, c.?securityContext.?allowPrivilegeEscalation.orValue(true) == false && c.?securityContext.?privileged.orValue(false) == false)",
            message: "every container of a lab pod sets allowPrivilegeEscalation: false and is not privileged",
        },
        {
            expression: "variables.containers.all(c, c.?securityContext.?capabilities.?drop.orValue([]).exists(d, d == 'ALL'))",
            message: "every container of a lab pod drops ALL capabilities",
        },
        {
            expression: `variables.userContainers.all(c, c.?securityContext.?capabilities.?add.orValue([]).size() == 0) && variables.homeInit.all(c, c.?securityContext.?capabilities.?add.orValue([]).all(a, a in ${homeCaps}))`,
            message: `no container of a lab pod adds a capability, except ${HOME_INIT_CAPABILITIES.join(", ")} on the init container ${HOME_INIT_CONTAINER}`,
        },
        {
            expression: "object.spec.?hostNetwork.orValue(false) == false && object.spec.?hostPID.orValue(false) == false && object.spec.?hostIPC.orValue(false) == false",
            message: "a lab pod shares no host namespace (hostNetwork, hostPID, hostIPC)",
        },
        {
            expression: "object.spec.?volumes.orValue([]).all(v, !has(v.hostPath))",
            message: "a lab pod mounts no hostPath volume",
        },
        {
            expression: "variables.containers.all(c, c.?ports.orValue([]).all(p, p.?hostPort.orValue(0) == 0))",
            message: "no container of a lab pod opens a hostPort",
        },
        {
            expression:
                "object.spec.?automountServiceAccountToken.orValue(true) == false && object.spec.?volumes.orValue([]).all(v, !v.?projected.?sources.orValue([]).exists(s, has(s.serviceAccountToken)))",
            message: "a lab pod gets no service-account token (automountServiceAccountToken: false, no projected token volume)",
        },
        {
            expression: `variables.containers.all(c, c.image in ${images})`,
            message: "every container of a lab pod runs an image from the lab menu",
        },
        {
            expression: `has(object.metadata.labels) && ${labelChecks}`,
            message: `a lab pod carries the labels its NetworkPolicy selects (${Object.entries(input.podLabels).map(([k, v]) => `${k}=${v}`).join(", ")})`,
        },
    ];
    return {
        failurePolicy: "Fail",
        matchConstraints: {
            resourceRules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["pods"] }],
        },
        matchConditions: [
            {
                name: "lab-pods",
                expression: `request.userInfo.username == ${celString(sa)} || ${looksLikeLab("object")} || ${looksLikeLab("oldObject")}`,
            },
        ],
        variables: [
            { name: "containers", expression: "object.spec.containers + object.spec.?initContainers.orValue([])" },
            {
                name: "userContainers",
                expression: `object.spec.containers + object.spec.?initContainers.orValue([]).filter(c, c.name != ${home})`,
            },
            { name: "homeInit", expression: `object.spec.?initContainers.orValue([]).filter(c, c.name == ${home})` },
        ],
        validations: validations.map((v) => ({ ...v })),
    };
}

/** Name of the (cluster-scoped) policy and of its binding: one per stack. */
export function labAdmissionPolicyName(stack: string): string {
    return `jupyterlabdemo-${stack}-lab-pods`;
}

/** The binding's `spec`: the policy, in the hub namespace only, denying what fails it. */
export function labAdmissionBindingSpec(
    policyName: string,
    namespace: string,
): { policyName: string; validationActions: string[]; matchResources: Record<string, unknown> } {
    return {
        policyName,
        validationActions: ["Deny"],
        matchResources: { namespaceSelector: namespaceSelector(namespace) },
    };
}

/**
 * Declares the policy and its binding for the lab pods of `namespace`; the pods the hub's
 * ServiceAccount (HUB_NAMES.serviceAccount) submits are held to the lab rules.
 */
export function declareLabAdmission(
    parent: pulumi.Resource,
    name: string,
    a: { readonly stack: string; readonly namespace: pulumi.Input<string>; readonly images: readonly { readonly image: string }[] },
): void {
    const ns = a.namespace;
    const child = { parent };
    // KubeSpawner creates labs at runtime, outside any preview and the policy pack; this
    // policy holds them (and any pod posing as one) to the rules at admission.
    const admissionLabels = commonLabels(a.stack, COMPONENTS.lab);
    const admissionPolicy = new k8s.admissionregistration.v1.ValidatingAdmissionPolicy(
        `${name}-admission-policy`,
        {
            metadata: { name: labAdmissionPolicyName(a.stack), labels: admissionLabels },
            spec: pulumi.output(ns).apply((namespace) =>
                labAdmissionPolicySpec({
                    namespace,
                    hubServiceAccount: HUB_NAMES.serviceAccount,
                    podLabels: selectorLabels(a.stack, COMPONENTS.lab),
                    images: a.images.map((i) => i.image),
                }),
            ),
        },
        child,
    );
    new k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding(
        `${name}-admission-binding`,
        {
            metadata: { name: labAdmissionPolicyName(a.stack), labels: admissionLabels },
            spec: pulumi
                .all([admissionPolicy.metadata.name, pulumi.output(ns)])
                .apply(([policyName, namespace]) => labAdmissionBindingSpec(policyName, namespace)),
        },
        child,
    );
}

/**
 * The lab pods' Kubernetes side: the image pre-puller and every NetworkPolicy of the platform.
 * The lab pods themselves are created by KubeSpawner from the "lab" settings of the hub's
 * settings.json (`buildLabSettings` in components/hub/settingsContract.ts).
 *
 * Network isolation (the cluster enforces it: Dataplane V2 on GKE):
 *
 * | pods        | ingress allowed                                   | egress allowed                                  |
 * |-------------|---------------------------------------------------|-------------------------------------------------|
 * | lab         | proxy and hub pods, on 8888                       | DNS (kube-dns), hub pods on 8081, public internet |
 * | hub         | proxy and lab pods, on 8081                       | (unrestricted: Kubernetes API, GitHub)          |
 * | proxy       | hub pods on 8001; on 8000 pods of the ingress namespace carrying NETWORK_ACCESS_LABELS.proxy | (unrestricted) |
 * | image-puller| nothing                                           | nothing                                         |
 *
 * "Public internet" is 0.0.0.0/0 except every private, link-local (the metadata server
 * 169.254.169.254) and shared range, and the cluster's own ranges: a lab reaches no other lab,
 * no NFS server, no metadata server, no node. The NFS server's own policy (nodes only, on the
 * NFS port) is the storage component's, in its namespace.
 */
import * as k8s from "./sdk/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { LabImage } from "./config";
import { CLUSTER_DNS, commonLabels, COMPONENTS, HUB_NAMES, HUB_SERVICES, INGRESS_NAMESPACE, namespaceSelector, NETWORK_ACCESS_LABELS, Placement, RESTRICTED_CONTAINER_SECURITY, selectorLabels } from "./naming";
import { cidrContains, isIpv4Cidr } from "./cidr";
import { LAB_PORT } from "./hub/settingsContract";

/** Image of the pre-puller's long-running container. registry.k8s.io/pause 3.10: the version z2jh 4.x uses. */
export const PAUSE_IMAGE = "registry.k8s.io/pause:3.10";


/** Cluster DNS pods: defined beside the other names, since the edge's policies reach them too. */
export { CLUSTER_DNS } from "./naming";

/**
 * Ranges a lab never reaches: RFC 1918, shared address space (RFC 6598), link-local (the cloud
 * metadata server 169.254.169.254 and node-local DNS caches), loopback, "this network".
 */
export const NON_PUBLIC_RANGES: readonly string[] = [
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.168.0.0/16",
];

/**
 * `local` stacks: the node range is not known, so the NFS server admits the address pools where
 * Docker-based clusters put their nodes (kind, k3d and minikube networks in 172.16.0.0/12; Docker
 * Desktop and minikube's docker driver in 192.168.0.0/16). Their pod ranges (10.244.0.0/16,
 * 10.42.0.0/16, 10.1.0.0/16) lie outside, so labs still cannot reach the NFS server.
 */
export const LOCAL_NODE_CIDRS: readonly string[] = ["172.16.0.0/12", "192.168.0.0/16"];


/**
 * Kubernetes names of the lab component's objects. Each NetworkPolicy is named after the
 * component whose pods it selects (`COMPONENTS` in naming.ts).
 */
export const LAB_NAMES = {
    imagePuller: "image-puller",
} as const;

// ---------------------------------------------------------------------------------------------
// The lab admission policy: what the cluster refuses, whoever creates the pod
// ---------------------------------------------------------------------------------------------

/**
 * The home init container of a lab pod (hooks.HOME_INIT) and the only capability it adds
 * (hooks.HOME_INIT_CAPABILITIES): it runs as root to hand a new home to the user's uid. The
 * admission policy exempts exactly this init container from runAsNonRoot and lets it add exactly
 * these capabilities; test/lab.test.ts checks both against hooks.py.
 */
export const HOME_INIT_CONTAINER = "lab-home";
export const HOME_INIT_CAPABILITIES: readonly string[] = ["CHOWN"];

/** The lowest uid a lab may run as: below it are system accounts and the image's own users. */
export const LAB_MIN_UID = 1000;

/** KubeSpawner's own label on every user pod it creates (the escaped user name). */
export const KUBESPAWNER_USERNAME_LABEL = "hub.jupyter.org/username";

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

// ---------------------------------------------------------------------------------------------
// The component
// ---------------------------------------------------------------------------------------------

export interface LabArgs {
    /** Stack name, for labels and selectors. */
    readonly stack: string;
    /** Namespace of hub, proxy, NFS server and labs (created by the caller). */
    readonly namespace: pulumi.Input<string>;
    /** The image menu: every image is pre-pulled when `prePull` is on. */
    readonly images: readonly LabImage[];
    /** Run the pre-puller DaemonSet. @default true */
    readonly prePull?: boolean;
    /** Where labs run; the pre-puller runs there too. Empty on `local`. */
    readonly userPlacement: Placement;
    /**
     * Ranges, besides NON_PUBLIC_RANGES, that labs must not reach (the cluster's pod and Service
     * ranges if they are not private addresses). @default []
     */
    readonly clusterCidrs?: readonly string[];
    /**
     * The ServiceAccount the hub creates lab pods with: the admission policy holds every pod it
     * submits in the namespace to the lab rules. @default HUB_NAMES.serviceAccount ("hub")
     */
    readonly hubServiceAccount?: string;
}

/** The `except` list of the labs' internet rule: non-public ranges plus cluster ranges outside them. */
export function internetExcept(clusterCidrs: readonly string[]): string[] {
    const extra = clusterCidrs.filter((c) => !NON_PUBLIC_RANGES.some((r) => cidrContains(r, c)));
    return [...NON_PUBLIC_RANGES, ...[...new Set(extra)].sort()];
}

/** Init container name of a pre-pulled image: `pull-<menu name>`, at most 63 characters. */
export function pullContainerName(imageName: string): string {
    return `pull-${imageName}`.slice(0, 63).replace(/-+$/, "");
}


/** Tiny resources: the puller's containers do nothing but exist. */
const PULLER_RESOURCES = { requests: { cpu: "1m", memory: "8Mi" }, limits: { memory: "32Mi" } };

export class Lab extends pulumi.ComponentResource {
    /** The pre-puller DaemonSet (absent when `prePull` is off). */
    public readonly imagePuller?: k8s.apps.v1.DaemonSet;
    /** Names of the NetworkPolicies, by the pods they select. */
    public readonly networkPolicyNames: pulumi.Output<string>[];

    constructor(name: string, args: LabArgs, opts?: pulumi.ComponentResourceOptions) {
        super("jupyterlabdemo:components:Lab", name, {}, opts);

        // Validate, then resolve defaults once.
        if (args.images.length === 0) {
            throw new pulumi.ResourceError("Lab: images must list at least one image", this);
        }
        for (const cidr of args.clusterCidrs ?? []) {
            if (!isIpv4Cidr(cidr)) {
                throw new pulumi.ResourceError(`Lab: ${JSON.stringify(cidr)} is not an IPv4 CIDR`, this);
            }
        }
        const pullNames = args.images.map((i) => pullContainerName(i.name));
        const clash = pullNames.find((n, i) => pullNames.indexOf(n) !== i);
        if (clash) {
            throw new pulumi.ResourceError(`Lab: two images give the pre-puller container name ${clash}`, this);
        }
        const a = {
            ...args,
            prePull: args.prePull ?? true,
            clusterCidrs: args.clusterCidrs ?? [],
            hubServiceAccount: args.hubServiceAccount ?? HUB_NAMES.serviceAccount,
        };
        const ns = a.namespace;
        const child = { parent: this };

        // --- Pre-puller: one init container per menu image, then pause -----------------------
        if (a.prePull) {
            const labels = commonLabels(a.stack, COMPONENTS.imagePuller);
            // One init container per distinct image, in menu order.
            const seen = new Set<string>();
            const images = a.images.filter((i) => !seen.has(i.image) && seen.add(i.image));
            this.imagePuller = new k8s.apps.v1.DaemonSet(
                `${name}-image-puller`,
                {
                    metadata: {
                        name: LAB_NAMES.imagePuller,
                        namespace: ns,
                        labels,
                        // Pulling multi-gigabyte images can outlast Pulumi's rollout wait; the
                        // pre-pull is best effort, so `pulumi up` does not wait for it.
                        annotations: {
                            "pulumi.com/skipAwait": "true",
                            // Checkov findings accepted here, each with its reason (test/real/validators.test.ts).
                            "checkov.io/skip1": "CKV_K8S_8=pause and exit-0 containers serve nothing a liveness probe could check",
                            "checkov.io/skip2": "CKV_K8S_9=pause and exit-0 containers serve nothing a readiness probe could check",
                            "checkov.io/skip3": "CKV_K8S_11=pause and exit-0 containers use no CPU; the 1m request is their share",
                            "checkov.io/skip4": "CKV_K8S_15=IfNotPresent is the point: the puller fills the node's image cache once",
                            "checkov.io/skip5": "CKV_K8S_43=menu images are pinned by exact version tags (lab.images), as the k8s-image-pinned policy requires",
                        },
                    },
                    spec: {
                        selector: { matchLabels: selectorLabels(a.stack, COMPONENTS.imagePuller) },
                        // Replace every puller pod at once when the menu changes: they hold nothing.
                        updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "100%" } },
                        template: {
                            metadata: { labels },
                            spec: {
                                automountServiceAccountToken: false,
                                enableServiceLinks: false,
                                terminationGracePeriodSeconds: 0,
                                nodeSelector: a.userPlacement.nodeSelector,
                                tolerations: a.userPlacement.tolerations,
                                securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
                                initContainers: images.map((i) => ({
                                    name: pullContainerName(i.name),
                                    image: i.image,
                                    imagePullPolicy: "IfNotPresent",
                                    // Pulling is the point; the container exits at once.
                                    command: ["/bin/sh", "-c", "exit 0"],
                                    resources: PULLER_RESOURCES,
                                    securityContext: RESTRICTED_CONTAINER_SECURITY,
                                })),
                                containers: [
                                    {
                                        name: "pause",
                                        image: PAUSE_IMAGE,
                                        imagePullPolicy: "IfNotPresent",
                                        resources: PULLER_RESOURCES,
                                        securityContext: RESTRICTED_CONTAINER_SECURITY,
                                    },
                                ],
                            },
                        },
                    },
                },
                child,
            );
        }

        // --- NetworkPolicies ----------------------------------------------------------------
        const pods = (component: string) => ({ podSelector: { matchLabels: selectorLabels(a.stack, component) } });
        const tcp = (port: number) => ({ port, protocol: "TCP" });
        // One policy per component, named after it, selecting its pods.
        const policy = (component: string, spec: Record<string, unknown>) =>
            new k8s.networking.v1.NetworkPolicy(
                `${name}-netpol-${component}`,
                {
                    metadata: { name: component, namespace: ns, labels: commonLabels(a.stack, COMPONENTS.networkPolicy) },
                    spec: { ...pods(component), ...spec },
                },
                child,
            );

        const hubPort = HUB_SERVICES.hub.containerPort;
        const policies = [
            policy(COMPONENTS.lab, {
                policyTypes: ["Ingress", "Egress"],
                ingress: [{ from: [pods(COMPONENTS.proxy), pods(COMPONENTS.hub)], ports: [tcp(LAB_PORT)] }],
                egress: [
                    {
                        to: [
                            {
                                namespaceSelector: namespaceSelector(CLUSTER_DNS.namespace),
                                podSelector: { matchLabels: { ...CLUSTER_DNS.podLabels } },
                            },
                        ],
                        ports: [
                            { port: 53, protocol: "UDP" },
                            { port: 53, protocol: "TCP" },
                        ],
                    },
                    { to: [pods(COMPONENTS.hub)], ports: [tcp(hubPort)] },
                    { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: internetExcept(a.clusterCidrs) } }] },
                ],
            }),
            policy(COMPONENTS.hub, {
                policyTypes: ["Ingress"],
                ingress: [{ from: [pods(COMPONENTS.proxy), pods(COMPONENTS.lab)], ports: [tcp(hubPort)] }],
            }),
            policy(COMPONENTS.proxy, {
                policyTypes: ["Ingress"],
                ingress: [
                    { from: [pods(COMPONENTS.hub)], ports: [tcp(HUB_SERVICES.proxyApi.containerPort)] },
                    {
                        from: [
                            {
                                // The edge labels its controller's pods with the access label; the
                                // proxy needs to know nothing else about them.
                                namespaceSelector: namespaceSelector(INGRESS_NAMESPACE),
                                podSelector: { matchLabels: { [NETWORK_ACCESS_LABELS.proxy]: "true" } },
                            },
                        ],
                        ports: [tcp(HUB_SERVICES.proxyPublic.containerPort)],
                    },
                ],
            }),
            policy(COMPONENTS.imagePuller, {
                policyTypes: ["Ingress", "Egress"],
            }),
        ];
        this.networkPolicyNames = policies.map((p) => p.metadata.name);

        // --- Admission: the cluster refuses a lab pod that breaks the lab rules ------------------
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
                        hubServiceAccount: a.hubServiceAccount,
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

        this.registerOutputs({ imagePuller: this.imagePuller, networkPolicyNames: this.networkPolicyNames });
    }
}

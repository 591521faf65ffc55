/**
 * The lab pods' Kubernetes side: the image pre-puller and every NetworkPolicy of the platform,
 * plus `buildLabSettings`, the "lab" settings the hub's jupyterhub_config.py reads (the lab pods
 * themselves are created by KubeSpawner from those settings; see components/hub/hooks.py).
 *
 * Network isolation (the cluster enforces it: Dataplane V2 on GKE):
 *
 * | pods        | ingress allowed                                   | egress allowed                                  |
 * |-------------|---------------------------------------------------|-------------------------------------------------|
 * | lab         | proxy and hub pods, on 8888                       | DNS (kube-dns), hub pods on 8081, public internet |
 * | hub         | proxy and lab pods, on 8081                       | (unrestricted: Kubernetes API, GitHub)          |
 * | proxy       | hub pods on 8001; ingress controller pods on 8000 | (unrestricted)                                  |
 * | nfs-server  | the node range, on the NFS ports                  | (unrestricted)                                  |
 * | image-puller| nothing                                           | nothing                                         |
 *
 * "Public internet" is 0.0.0.0/0 except every private, link-local (the metadata server
 * 169.254.169.254) and shared range, and the cluster's own ranges: a lab reaches no other lab,
 * no NFS server, no metadata server, no node.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { LabImage, LabSize, quantityBytes } from "./config";
import { HUB_SERVICES } from "./hub/index";
import { INGRESS_CONTROLLER_POD_LABELS, INGRESS_NAMESPACE } from "./ingress";
import { commonLabels, COMPONENTS, namespaceSelector, Placement, selectorLabels } from "./naming";
import { cidrContains, isIpv4Cidr } from "./cidr";
import { NFS_PORT } from "./storage";

/** Port of the single-user server in a lab pod (KubeSpawner's default). */
export const LAB_PORT = 8888;

/** Image of the pre-puller's long-running container. registry.k8s.io/pause 3.10: the version z2jh 4.x uses. */
export const PAUSE_IMAGE = "registry.k8s.io/pause:3.10";


/** Cluster DNS pods (kube-dns on GKE, CoreDNS on kind/k3d/minikube carry the same label). */
export const CLUSTER_DNS = {
    namespace: "kube-system",
    podLabels: { "k8s-app": "kube-dns" },
} as const;

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
 * NFS server ports the policy opens: exactly what the server serves (NFSv4 only, one TCP port,
 * no rpcbind or mountd; see components/storage.ts).
 */
export const NFS_PORTS: ReadonlyArray<{ port: number; protocol: "TCP" | "UDP" }> = [{ port: NFS_PORT, protocol: "TCP" }];

/**
 * Kubernetes names of the lab component's objects. Each NetworkPolicy is named after the
 * component whose pods it selects (`COMPONENTS` in naming.ts).
 */
export const LAB_NAMES = {
    imagePuller: "image-puller",
} as const;

// ---------------------------------------------------------------------------------------------
// The "lab" settings of the hub configuration
// ---------------------------------------------------------------------------------------------

/** What jupyterhub_config.py's lab section reads from settings.json "lab" (see hooks.py). */
export interface LabSettings {
    /** "github": uid = GitHub user id, gids = org ids. "local": uid derived from the login (dummy login). */
    readonly identity: "github" | "local";
    /** Claim holding every home; each lab mounts the subPath `<login>`. */
    readonly homesClaimName: string;
    /** Labels of lab pods (KubeSpawner extra_labels); NetworkPolicies select on them. */
    readonly podLabels: Record<string, string>;
    /** Labels KubeSpawner puts on everything it creates (its common_labels). */
    readonly commonLabels: Record<string, string>;
    /** KubeSpawner component_label: also the value of `app.kubernetes.io/component`. */
    readonly componentLabel: string;
    /** Node selector and tolerations of lab pods (the user pool). */
    readonly nodeSelector: Record<string, string>;
    readonly tolerations: ReadonlyArray<Record<string, string>>;
    /** The image menu, in menu order. */
    readonly images: ReadonlyArray<{ name: string; displayName: string; image: string; default: boolean; command?: readonly string[] }>;
    /** The size menu, in menu order; memory in bytes. */
    readonly sizes: ReadonlyArray<{
        name: string;
        displayName: string;
        cpuGuarantee: number;
        cpuLimit: number;
        memoryGuaranteeBytes: number;
        memoryLimitBytes: number;
        default: boolean;
    }>;
    readonly startTimeoutSeconds: number;
    readonly httpTimeoutSeconds: number;
    readonly culler: { timeoutSeconds: number; everySeconds: number; maxAgeSeconds: number; concurrency: number };
    /** KubeSpawner 7 slug scheme and pod name template, pinned (see docs/lab.md). */
    readonly slugScheme: "safe";
    readonly podNameTemplate: string;
    /** The single-user server: command and port. */
    readonly cmd: readonly string[];
    readonly port: number;
}

export interface LabSettingsInput {
    readonly stack: string;
    readonly lab: {
        readonly images: readonly LabImage[];
        readonly sizes: readonly LabSize[];
        readonly startTimeoutSeconds: number;
        readonly httpTimeoutSeconds: number;
        readonly cullIdleSeconds: number;
        readonly cullEverySeconds: number;
        readonly cullMaxAgeSeconds: number;
    };
    /** The hub's authenticator: "github" gives GitHub identities, "dummy" local ones. */
    readonly authenticator: "github" | "dummy";
    /** @default "homes" (the storage component's claim) */
    readonly homesClaimName?: string;
    /** Where labs run (the user pool); empty on `local`. */
    readonly userPlacement: Placement;
}

/** The "lab" settings for the hub, from typed settings. Pure and deterministic. */
export function buildLabSettings(input: LabSettingsInput): LabSettings {
    const { lab } = input;
    const labels = selectorLabels(input.stack, COMPONENTS.lab);
    const { ["app.kubernetes.io/component"]: component, ...rest } = labels;
    return {
        identity: input.authenticator === "github" ? "github" : "local",
        homesClaimName: input.homesClaimName ?? "homes",
        podLabels: labels,
        commonLabels: { ...rest, "app.kubernetes.io/managed-by": "kubespawner" },
        componentLabel: component,
        nodeSelector: { ...(input.userPlacement.nodeSelector ?? {}) },
        tolerations: (input.userPlacement.tolerations ?? []).map((t) => ({ ...t })),
        images: lab.images.map((i) => ({ name: i.name, displayName: i.displayName, image: i.image, default: i.default, ...(i.command ? { command: [...i.command] } : {}) })),
        sizes: lab.sizes.map((s) => ({
            name: s.name,
            displayName: s.displayName,
            cpuGuarantee: s.cpuGuarantee,
            cpuLimit: s.cpuLimit,
            memoryGuaranteeBytes: Math.round(quantityBytes(s.memoryGuarantee)),
            memoryLimitBytes: Math.round(quantityBytes(s.memoryLimit)),
            default: s.default,
        })),
        startTimeoutSeconds: lab.startTimeoutSeconds,
        httpTimeoutSeconds: lab.httpTimeoutSeconds,
        culler: {
            timeoutSeconds: lab.cullIdleSeconds,
            everySeconds: lab.cullEverySeconds,
            maxAgeSeconds: lab.cullMaxAgeSeconds,
            concurrency: 10,
        },
        slugScheme: "safe",
        podNameTemplate: "jupyter-{user_server}",
        cmd: ["jupyterhub-singleuser"],
        port: LAB_PORT,
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
     * Node address ranges: the only sources the NFS server admits (the kubelet mounts NFS from
     * the node). GKE: the cluster's node range; `local`: LOCAL_NODE_CIDRS. Must not be empty.
     */
    readonly nodeCidrs: readonly string[];
    /**
     * Ranges, besides NON_PUBLIC_RANGES, that labs must not reach (the cluster's pod and Service
     * ranges if they are not private addresses). @default []
     */
    readonly clusterCidrs?: readonly string[];
    /**
     * Also admit the kubelet's NFS mounts by Cilium entity (`host`, `remote-node`) with a
     * CiliumClusterwideNetworkPolicy. GKE Dataplane V2 (Cilium) gives traffic from nodes a node
     * identity that an ipBlock of the node range may not match; the cluster must have Cilium
     * cluster-wide policies enabled. Policies add up: the NetworkPolicy's node range still holds.
     * @default false
     */
    readonly admitNodesByCiliumEntity?: boolean;
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

const RESTRICTED_CONTAINER = {
    runAsNonRoot: true,
    runAsUser: 65534,
    runAsGroup: 65534,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
};

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
        if (args.nodeCidrs.length === 0) {
            throw new pulumi.ResourceError("Lab: nodeCidrs must not be empty (the NFS server would admit nobody)", this);
        }
        for (const cidr of [...args.nodeCidrs, ...(args.clusterCidrs ?? [])]) {
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
                                    securityContext: RESTRICTED_CONTAINER,
                                })),
                                containers: [
                                    {
                                        name: "pause",
                                        image: PAUSE_IMAGE,
                                        imagePullPolicy: "IfNotPresent",
                                        resources: PULLER_RESOURCES,
                                        securityContext: RESTRICTED_CONTAINER,
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
                                namespaceSelector: namespaceSelector(INGRESS_NAMESPACE),
                                podSelector: { matchLabels: { ...INGRESS_CONTROLLER_POD_LABELS } },
                            },
                        ],
                        ports: [tcp(HUB_SERVICES.proxyPublic.containerPort)],
                    },
                ],
            }),
            policy(COMPONENTS.nfsServer, {
                policyTypes: ["Ingress"],
                ingress: [
                    {
                        from: [...new Set(a.nodeCidrs)].sort().map((cidr) => ({ ipBlock: { cidr } })),
                        ports: NFS_PORTS.map((p) => ({ ...p })),
                    },
                ],
            }),
            policy(COMPONENTS.imagePuller, {
                policyTypes: ["Ingress", "Egress"],
            }),
        ];
        if (a.admitNodesByCiliumEntity) {
            new k8s.apiextensions.CustomResource(
                `${name}-cilium-nfs-server-nodes`,
                {
                    apiVersion: "cilium.io/v2",
                    kind: "CiliumClusterwideNetworkPolicy",
                    metadata: { name: `jupyterlabdemo-${a.stack}-nfs-server-nodes`, labels: commonLabels(a.stack, COMPONENTS.networkPolicy) },
                    spec: {
                        description: "The kubelet mounts users' homes over NFS from the nodes: admit node traffic to the NFS server's port.",
                        endpointSelector: {
                            matchLabels: { "k8s:io.kubernetes.pod.namespace": a.namespace, ...selectorLabels(a.stack, COMPONENTS.nfsServer) },
                        },
                        ingress: [
                            {
                                fromEntities: ["host", "remote-node"],
                                toPorts: [{ ports: NFS_PORTS.map((p) => ({ port: String(p.port), protocol: p.protocol })) }],
                            },
                        ],
                    },
                },
                child,
            );
        }
        this.networkPolicyNames = policies.map((p) => p.metadata.name);

        this.registerOutputs({ imagePuller: this.imagePuller, networkPolicyNames: this.networkPolicyNames });
    }
}

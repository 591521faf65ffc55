/**
 * The lab pods' Kubernetes side: the image pre-puller and the NetworkPolicies of the labs and the
 * pre-puller (the hub's and the proxy's are the hub component's, the NFS server's the storage's).
 * The lab pods themselves are created by KubeSpawner from the "lab" settings of the hub's
 * settings.json (`buildLabSettings` in components/hub/settingsContract.ts).
 *
 * Network isolation (the cluster enforces it: Dataplane V2 on GKE):
 *
 * | pods        | ingress allowed                                   | egress allowed                                  |
 * |-------------|---------------------------------------------------|-------------------------------------------------|
 * | lab         | proxy and hub pods, on 8888                       | DNS (kube-dns), hub pods on 8081, public internet |
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
import { clusterDnsEgress, commonLabels, COMPONENTS, HUB_SERVICES, Placement, RESTRICTED_CONTAINER_SECURITY, selectorLabels } from "./naming";
import { cidrContains } from "./cidr";
import { LAB_PORT } from "./hub/settingsContract";
import { declareLabAdmission } from "./labAdmission";

/** Image of the pre-puller's long-running container. registry.k8s.io/pause 3.10: the version z2jh 4.x uses. */
const PAUSE_IMAGE = "registry.k8s.io/pause:3.10";

// The admission policy's builders, for the policy pack's tests.
export { labAdmissionBindingSpec, labAdmissionPolicySpec } from "./labAdmission";

/**
 * Ranges a lab never reaches: RFC 1918, shared address space (RFC 6598), link-local (the cloud
 * metadata server 169.254.169.254 and node-local DNS caches), loopback, "this network".
 */
const NON_PUBLIC_RANGES: readonly string[] = [
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.168.0.0/16",
];

/**
 * Kubernetes names of the lab component's objects. Each NetworkPolicy is named after the
 * component whose pods it selects (`COMPONENTS` in naming.ts).
 */
const LAB_NAMES = {
    imagePuller: "image-puller",
} as const;

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

        // The image list and the cluster's ranges are config's to check (lab.images, the cluster's
        // CIDRs); what config cannot see is two image names that give one container name.
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
                    clusterDnsEgress(),
                    { to: [pods(COMPONENTS.hub)], ports: [tcp(hubPort)] },
                    { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: internetExcept(a.clusterCidrs) } }] },
                ],
            }),
            policy(COMPONENTS.imagePuller, {
                policyTypes: ["Ingress", "Egress"],
            }),
        ];
        this.networkPolicyNames = policies.map((p) => p.metadata.name);

        // Admission: the cluster refuses a lab pod that breaks the lab rules (labAdmission.ts).
        declareLabAdmission(this, name, a);

        this.registerOutputs({ imagePuller: this.imagePuller, networkPolicyNames: this.networkPolicyNames });
    }
}

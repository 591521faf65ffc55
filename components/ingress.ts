/**
 * The edge: how a browser reaches the hub.
 *
 *   browser ─► static IP ─► LoadBalancer Service ─► NGINX Ingress Controller (TLS, websockets)
 *           ─► the hub's Service (proxy-public, an argument) ─► configurable-http-proxy ─► hub / a lab
 *
 * - F5's NGINX Ingress Controller (Helm chart `nginx-ingress`; the community ingress-nginx is
 *   retired), on the core pool, its LoadBalancer on the platform's static IP with
 *   `externalTrafficPolicy: Local` so the client address survives.
 * - cert-manager (its chart installs the CRDs) and one ClusterIssuer: Let's Encrypt over HTTP-01
 *   through the `nginx` class, or self-signed on `local`.
 * - The hub's Ingress: HTTPS only, HSTS, websockets, hour-long timeouts, large uploads, no
 *   buffering; its certificate comes from the ClusterIssuer.
 * - The DNS A record, when a Cloud DNS managed zone is configured.
 */
import * as gcp from "./sdk/gcp";
import * as k8s from "./sdk/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
    CLUSTER_DNS,
    commonLabels,
    COMPONENTS,
    INGRESS_NAMESPACE,
    namespaceSelector,
    NETWORK_ACCESS_LABELS,
    Placement,
    podSecurityLabels,
    publicUrl,
} from "./naming";

// ---------------------------------------------------------------------------------------------
// Fixed names and pinned versions (contracts other components rely on)
// ---------------------------------------------------------------------------------------------

/**
 * F5 NGINX Ingress Controller chart 2.6.4 (controller 5.5.4), the newest release in November 2026.
 * Pulled from F5's OCI registry (its release workflow pushes there); `helm.v3.Release` has
 * supported `oci://` charts since pulumi-kubernetes#1892. The controller image is the chart's
 * appVersion (`nginx/nginx-ingress:5.5.4`), so this pin also pins the image.
 */
export const NGINX_INGRESS_CHART = { chart: "oci://ghcr.io/nginx/charts/nginx-ingress", version: "2.6.4" } as const;

/**
 * cert-manager v1.21.1, the newest release in November 2026 (CRDs through `crds.enabled`). The
 * OCI chart at quay.io is the one cert-manager's install docs lead with; like the nginx chart it
 * needs no repository index (`repositoryOpts`), and the same form for both charts keeps one way of
 * pinning. Images default to the chart's appVersion (v1.21.1).
 */
export const CERT_MANAGER_CHART = { chart: "oci://quay.io/jetstack/charts/cert-manager", version: "v1.21.1" } as const;

// The controller's namespace is a fact the hub side's NetworkPolicies admit: it lives in the
// import-free contract module, re-exported here beside the edge's other names.
export { INGRESS_NAMESPACE } from "./naming";
/** Helm release name of the ingress controller (its pods: `app.kubernetes.io/instance`). */
export const INGRESS_RELEASE = "nginx-ingress";
/**
 * The labels of the controller's pods: the chart's selector labels (chart name + release name).
 * The edge's own policies select them; the proxy admits the controller by its access label
 * (NETWORK_ACCESS_LABELS.proxyHttp, added to these), not by these.
 */
export const INGRESS_CONTROLLER_POD_LABELS: Readonly<Record<string, string>> = {
    "app.kubernetes.io/name": "nginx-ingress",
    "app.kubernetes.io/instance": INGRESS_RELEASE,
};
/**
 * The controller's ports: http and https (the chart's `controller.containerPort`) and the
 * readiness probe (`controller.readyStatus.port`), all chart defaults.
 */
export const INGRESS_CONTROLLER_PORTS = { http: 80, https: 443, readiness: 8081 } as const;
/** Namespace of cert-manager (also where ACME account keys live) and its Helm release name. */
export const CERT_MANAGER_NAMESPACE = "cert-manager";
export const CERT_MANAGER_RELEASE = "cert-manager";
/**
 * cert-manager's pods as its chart labels them (`app.kubernetes.io/component`, with
 * `app.kubernetes.io/instance` = the release), and the ports its NetworkPolicies open: the
 * webhook's HTTPS port (`webhook.securePort`), the controller's liveness port (`http-healthz`)
 * and the webhook's health port (`webhook.healthzPort`), chart defaults.
 */
export const CERT_MANAGER_COMPONENTS = { controller: "controller", webhook: "webhook" } as const;
export const CERT_MANAGER_PORTS = { webhook: 10250, controllerHealthz: 9403, webhookHealthz: 6080 } as const;
/** The IngressClass the chart creates (`spec.controller: nginx.org/ingress-controller`). */
export const INGRESS_CLASS = "nginx";
/** The hub's Ingress and the Secret its certificate is written to (both in the hub namespace). */
export const HUB_INGRESS_NAME = "hub";
export const HUB_TLS_SECRET = "hub-tls";

/** Let's Encrypt ACME directories. */
export const ACME_DIRECTORIES = {
    production: "https://acme-v02.api.letsencrypt.org/directory",
    staging: "https://acme-staging-v02.api.letsencrypt.org/directory",
} as const;

/**
 * The HTTP-01 solver pods cert-manager starts (in the hub namespace, because of edit-in-place)
 * carry this label and listen on this port; the ingress controller must reach them there.
 */
export const ACME_SOLVER_POD_LABELS = { "acme.cert-manager.io/http01-solver": "true" } as const;
export const ACME_SOLVER_PORT = 8089;

/** Fixed node ports of the controller's NodePort Service on `local` (kind maps host 80/443 to them). */
export const LOCAL_NODE_PORTS = { http: 30080, https: 30443 } as const;

/**
 * The API server's ports as pods reach it (after the `kubernetes` Service's translation): GKE 443;
 * on `local`, kind, k3d and Docker Desktop use 6443, minikube 8443.
 */
export const API_SERVER_PORTS = { gke: [443], local: [6443, 8443] } as const;

/** pulumi-kubernetes' per-object switch: force server-side apply over other field managers. */
export const PATCH_FORCE = "pulumi.com/patchForce";

/** Idle kernels and terminals keep a websocket open for a long time: one hour before nginx cuts it. */
export const PROXY_TIMEOUT = "3600s";
/** HSTS max-age: one year. Browsers ignore the header over a connection with certificate errors. */
export const HSTS_MAX_AGE_SECONDS = 31536000;

export { oauthCallbackUrl, publicUrl } from "./naming";

/**
 * Which certificate authority signs the hub's certificate. Each choice is also the name of its
 * ClusterIssuer: named after the server, so switching re-issues.
 */
export type CertificateIssuer = "letsencrypt-production" | "letsencrypt-staging" | "self-signed";

// ---------------------------------------------------------------------------------------------
// Args
// ---------------------------------------------------------------------------------------------

/** The Service the hub's Ingress routes to, and the container port behind it. */
export interface EdgeBackend {
    readonly service: k8s.core.v1.Service;
    readonly containerPort: number;
}

/** The backend as the pure policy builder needs it: namespace, the Service's pod selector, the container port. */
export interface BackendPods {
    readonly namespace: string;
    readonly podLabels: Record<string, string>;
    readonly port: number;
}

export interface EdgeArgs {
    /** Stack name, for labels. */
    readonly stack: string;
    /** Public hostname of the hub (no trailing dot). The TLS host, the rule host and the DNS name. */
    readonly hostname: string;
    /**
     * Where the hub's Ingress routes: the Service the hub component declares (its `proxy-public`),
     * and the port of the container behind it. The Ingress goes in the Service's namespace and
     * routes to its name and first port; the controller's egress policy opens the container port
     * towards the pods the Service selects.
     */
    readonly backend: EdgeBackend;
    /** Where the controllers run (the core pool: node selector and tolerations); `{}` on `local`. */
    readonly placement: Placement;
    /** Certificate authority of the hub's certificate. */
    readonly issuer: CertificateIssuer;
    /** Let's Encrypt account contact. Required with the `letsencrypt-*` issuers. */
    readonly acmeEmail?: string;
    /** Largest request body the ingress accepts, nginx size syntax (`512m`, `1g`). */
    readonly maxBodySize: string;
    /**
     * Ingress controller replicas; 2 or more also declares a PodDisruptionBudget (minAvailable 1)
     * and prefers spreading the replicas over nodes.
     */
    readonly replicas: number;
    /** Type of the controller's Service: `LoadBalancer` (GKE, or a local cluster with one) or `NodePort`. */
    readonly serviceType: "LoadBalancer" | "NodePort";
    /**
     * The reserved static IP of the LoadBalancer. Requires `serviceType: LoadBalancer`.
     * @default none: the cloud picks an ephemeral address
     */
    readonly loadBalancerIP?: pulumi.Input<string>;
    /**
     * `Local` keeps client source addresses (only nodes running a controller answer the LB);
     * `Cluster` answers on every node but hides the client address.
     */
    readonly externalTrafficPolicy: "Local" | "Cluster";
    /**
     * Fixed node ports (http, https) for `serviceType: NodePort`, so a kind port mapping can name them.
     * @default assigned by Kubernetes
     */
    readonly nodePorts?: { readonly http: number; readonly https: number };
    /**
     * The Cloud DNS managed zone that holds `hostname`; when set, an A record for it points at
     * `loadBalancerIP` (required then).
     * @default none: the record is created by hand (see docs/edge.md)
     */
    readonly dns?: { readonly project: string; readonly managedZone: string };
    /**
     * Node address ranges: the only sources admitted to the controllers' health ports (kubelet
     * probes come from the node). GKE: the cluster's node range; `local`: the Docker networks.
     */
    readonly nodeCidrs: readonly string[];
    /**
     * TCP ports the API server answers on, as the pods' traffic reaches it after the `kubernetes`
     * Service is translated (GKE: 443; kind, k3d, Docker Desktop: 6443; minikube: 8443). Its
     * address is not known to the program, so these ports are opened towards any address.
     */
    readonly apiServerPorts: readonly number[];
}

/** Defaults resolved and cross-field rules checked: what the builders below work from. */
interface Resolved extends EdgeArgs {
    readonly acme: boolean;
}

function resolve(args: EdgeArgs, parent: pulumi.Resource): Resolved {
    const acme = args.issuer !== "self-signed";
    if (acme && !args.acmeEmail) {
        throw new pulumi.ResourceError(`issuer ${args.issuer} needs acmeEmail (the Let's Encrypt account contact)`, parent);
    }
    if (args.loadBalancerIP !== undefined && args.serviceType !== "LoadBalancer") {
        throw new pulumi.ResourceError(`loadBalancerIP needs serviceType LoadBalancer, got ${args.serviceType}`, parent);
    }
    if (args.nodePorts && args.serviceType !== "NodePort") {
        throw new pulumi.ResourceError(`nodePorts needs serviceType NodePort, got ${args.serviceType}`, parent);
    }
    if (args.dns && args.loadBalancerIP === undefined) {
        throw new pulumi.ResourceError("dns needs loadBalancerIP (the A record points at it)", parent);
    }
    if (args.nodeCidrs.length === 0) {
        throw new pulumi.ResourceError("nodeCidrs must not be empty (the controllers' health probes come from the nodes)", parent);
    }
    if (args.apiServerPorts.length === 0) {
        throw new pulumi.ResourceError("apiServerPorts must not be empty (the controllers watch the API server)", parent);
    }
    if (!Number.isInteger(args.replicas) || args.replicas < 1) {
        throw new pulumi.ResourceError(`replicas must be a whole number >= 1, got ${args.replicas}`, parent);
    }
    return { ...args, acme };
}

// ---------------------------------------------------------------------------------------------
// Values and specs (plain functions: the tests validate their results against the charts' schemas)
// ---------------------------------------------------------------------------------------------

/** Node selector and tolerations as chart values; nothing at all when the placement is empty. */
function placementValues(p: Placement): Record<string, unknown> {
    return {
        ...(p.nodeSelector ? { nodeSelector: { ...p.nodeSelector } } : {}),
        ...(p.tolerations ? { tolerations: p.tolerations.map((t) => ({ ...t })) } : {}),
    };
}

/** Values of the nginx-ingress release. */
export function nginxIngressValues(
    a: Pick<EdgeArgs, "placement" | "replicas" | "serviceType" | "loadBalancerIP" | "externalTrafficPolicy" | "nodePorts">,
): Record<string, unknown> {
    const ha = a.replicas >= 2;
    // The chart's pod selector labels (nginx-ingress.selectorLabels): chart name + release name.
    const podLabels = INGRESS_CONTROLLER_POD_LABELS;
    return {
        controller: {
            replicaCount: a.replicas,
            // Requests sized for a small platform; memory limit for safety. No CPU limit: throttling
            // a proxy adds latency to every request and websocket frame.
            resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "512Mi" } },
            ...placementValues(a.placement),
            ...(ha
                ? {
                      podDisruptionBudget: { enabled: true, minAvailable: 1 },
                      affinity: {
                          podAntiAffinity: {
                              preferredDuringSchedulingIgnoredDuringExecution: [
                                  {
                                      weight: 100,
                                      podAffinityTerm: {
                                          topologyKey: "kubernetes.io/hostname",
                                          labelSelector: { matchLabels: podLabels },
                                      },
                                  },
                              ],
                          },
                      },
                  }
                : { podDisruptionBudget: { enabled: false } }),
            // The access label the proxy's NetworkPolicy admits (added to the chart's pod labels).
            pod: { extraLabels: { [NETWORK_ACCESS_LABELS.proxyHttp]: "true" } },
            ingressClass: { name: INGRESS_CLASS, create: true, setAsDefaultIngress: false },
            // Plain Ingress resources only: no VirtualServer & co., so no CRDs (skipCrds too).
            enableCustomResources: false,
            enableSnippets: false,
            telemetryReporting: { enable: false },
            // Global nginx settings; the hub Ingress's nginx.org/* annotations override per host.
            config: { entries: { "server-tokens": "false" } },
            service: {
                create: true,
                type: a.serviceType,
                externalTrafficPolicy: a.externalTrafficPolicy,
                ...(a.loadBalancerIP !== undefined ? { loadBalancerIP: a.loadBalancerIP } : {}),
                ...(a.nodePorts
                    ? { httpPort: { nodePort: a.nodePorts.http }, httpsPort: { nodePort: a.nodePorts.https } }
                    : {}),
            },
        },
        // Metrics for Managed Service for Prometheus (PodMonitoring nginx-ingress, port 9113); a
        // NetworkPolicy admits only the collector to the port (components/monitoring).
        prometheus: { create: true, port: 9113, scheme: "http" },
    };
}

/** Values of the cert-manager release: CRDs from the chart, every pod on the given placement. */
export function certManagerValues(placement: Placement): Record<string, unknown> {
    const on = placementValues(placement);
    return {
        crds: { enabled: true, keep: true },
        // Controller metrics on 9402 for Managed Service for Prometheus (PodMonitoring cert-manager);
        // no ServiceMonitor or PodMonitor of the Prometheus Operator (no such CRDs here).
        prometheus: { enabled: true, servicemonitor: { enabled: false }, podmonitor: { enabled: false } },
        // Leader-election leases in cert-manager's own namespace, not kube-system.
        global: { leaderElection: { namespace: CERT_MANAGER_NAMESPACE } },
        resources: { requests: { cpu: "10m", memory: "64Mi" }, limits: { memory: "256Mi" } },
        ...on,
        webhook: { resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "128Mi" } }, ...on },
        cainjector: { resources: { requests: { cpu: "10m", memory: "64Mi" }, limits: { memory: "256Mi" } }, ...on },
        startupapicheck: { resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "64Mi" } }, ...on },
    };
}

/** `spec` of the ClusterIssuer. */
export function clusterIssuerSpec(r: Pick<Resolved, "issuer" | "acmeEmail" | "placement">): Record<string, unknown> {
    if (r.issuer === "self-signed") {
        return { selfSigned: {} };
    }
    const server = r.issuer === "letsencrypt-production" ? ACME_DIRECTORIES.production : ACME_DIRECTORIES.staging;
    const onCore = placementValues(r.placement);
    return {
        acme: {
            server,
            email: r.acmeEmail,
            // The ACME account key, kept in cert-manager's namespace (the cluster resource namespace).
            privateKeySecretRef: { name: `${r.issuer}-account-key` },
            solvers: [
                {
                    http01: {
                        ingress: {
                            ingressClassName: INGRESS_CLASS,
                            serviceType: "ClusterIP",
                            // Every GKE node is tainted: without the core pool's toleration the
                            // solver pod would not schedule anywhere.
                            ...(Object.keys(onCore).length > 0 ? { podTemplate: { spec: onCore } } : {}),
                        },
                    },
                },
            ],
        },
    };
}

/** Annotations of the hub's Ingress. Values are strings: NIC rejects an Ingress with a bad one. */
export function hubIngressAnnotations(r: Pick<Resolved, "issuer" | "acme" | "maxBodySize" | "serviceType">, backendService: string): Record<string, string> {
    return {
        "cert-manager.io/cluster-issuer": r.issuer,
        // F5 NIC gives a host to its oldest Ingress, so cert-manager's own solver Ingress would be
        // ignored (404). Edit-in-place adds the challenge path to this Ingress instead, and issues
        // a temporary certificate so HTTPS answers during validation (see docs/edge.md).
        ...(r.acme ? { "acme.cert-manager.io/http01-edit-in-place": "true" } : {}),
        // Edit-in-place makes cert-manager a second writer of `spec.rules`: it adds the challenge
        // path with an Update, which takes the atomic list from Pulumi's field manager, so the next
        // server-side apply (a hostname change, or any update during a challenge) would fail with a
        // conflict. Forcing lets Pulumi's apply win; if that drops a pending challenge's path,
        // cert-manager puts it back: it re-runs Present (ensureIngress) before every self-check.
        // Only this Ingress, and only with ACME: every other object still stops on a conflict.
        ...(r.acme ? { [PATCH_FORCE]: "true" } : {}),
        "nginx.org/websocket-services": backendService,
        "nginx.org/proxy-read-timeout": PROXY_TIMEOUT,
        "nginx.org/proxy-send-timeout": PROXY_TIMEOUT,
        "nginx.org/client-max-body-size": r.maxBodySize,
        // Kernel messages, terminal output and event streams must not wait in a buffer.
        "nginx.org/proxy-buffering": "false",
        "nginx.org/ssl-redirect": "true",
        "nginx.org/hsts": "true",
        "nginx.org/hsts-max-age": String(HSTS_MAX_AGE_SECONDS),
        // A NodePort controller reports no address, so Pulumi's wait for the Ingress's
        // status.loadBalancer would time out after 10 minutes.
        ...(r.serviceType === "NodePort" ? { "pulumi.com/skipAwait": "true" } : {}),
    };
}

/** A NetworkPolicy of the edge: its name, namespace and spec. */
export interface EdgeNetworkPolicy {
    readonly name: string;
    readonly namespace: string;
    readonly spec: { podSelector: Record<string, unknown>; [field: string]: unknown };
}

/**
 * The NetworkPolicies of the ingress controller's and cert-manager's namespaces: each namespace
 * denies everything by default, then each pod gets exactly what it needs.
 *
 * | pods                    | ingress allowed                                   | egress allowed                                        |
 * |-------------------------|---------------------------------------------------|-------------------------------------------------------|
 * | nginx-ingress controller| anyone on 80/443; the nodes on its readiness port | the backend's pods (its container port), ACME solver pods, DNS, API server ports |
 * | cert-manager (all pods) | nothing, except:                                  | DNS, API server                                       |
 * | cert-manager controller | the nodes on its liveness port                    | with ACME: any address on 80 (HTTP-01 self-check) and 443 (ACME API) |
 * | cert-manager webhook    | any address on its HTTPS port (the API server: its source depends on the platform); the nodes on its health port | |
 *
 * "Any address" excludes link-local (the metadata server). The API server's address is not known
 * to the program, so its ports are open towards any address: on GKE that is 443, which lets every
 * cert-manager pod and the controller open HTTPS connections outwards too.
 *
 * Pure: the tests evaluate these against the connections each component makes.
 */
export function edgeNetworkPolicies(
    r: Pick<Resolved, "stack" | "acme" | "nodeCidrs" | "apiServerPorts">,
    backend: BackendPods,
): EdgeNetworkPolicy[] {
    const tcp = (port: number) => ({ protocol: "TCP", port });
    const nodes = [...new Set(r.nodeCidrs)].sort().map((cidr) => ({ ipBlock: { cidr } }));
    // Any address but link-local: the cloud metadata server (169.254.169.254) stays out of reach.
    const anywhere = [{ ipBlock: { cidr: "0.0.0.0/0", except: ["169.254.0.0/16"] } }];
    const dns = {
        to: [{ namespaceSelector: namespaceSelector(CLUSTER_DNS.namespace), podSelector: { matchLabels: { ...CLUSTER_DNS.podLabels } } }],
        ports: [
            { protocol: "UDP", port: 53 },
            { protocol: "TCP", port: 53 },
        ],
    };
    const apiServer = { to: anywhere, ports: [...new Set(r.apiServerPorts)].sort((a, b) => a - b).map(tcp) };
    const defaultDeny = (namespace: string): EdgeNetworkPolicy => ({
        name: "default-deny",
        namespace,
        spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
    });
    const certManagerPods = (component: string) => ({
        matchLabels: { "app.kubernetes.io/instance": CERT_MANAGER_RELEASE, "app.kubernetes.io/component": component },
    });
    return [
        defaultDeny(INGRESS_NAMESPACE),
        {
            name: "nginx-ingress-controller",
            namespace: INGRESS_NAMESPACE,
            spec: {
                podSelector: { matchLabels: { ...INGRESS_CONTROLLER_POD_LABELS } },
                policyTypes: ["Ingress", "Egress"],
                ingress: [
                    // Browsers (and Let's Encrypt's HTTP-01 validation) from anywhere, through the LB.
                    { ports: [tcp(INGRESS_CONTROLLER_PORTS.http), tcp(INGRESS_CONTROLLER_PORTS.https)] },
                    { from: nodes, ports: [tcp(INGRESS_CONTROLLER_PORTS.readiness)] },
                ],
                egress: [
                    {
                        to: [{ namespaceSelector: namespaceSelector(backend.namespace), podSelector: { matchLabels: { ...backend.podLabels } } }],
                        ports: [tcp(backend.port)],
                    },
                    ...(r.acme
                        ? [
                              {
                                  to: [{ namespaceSelector: namespaceSelector(backend.namespace), podSelector: { matchLabels: { ...ACME_SOLVER_POD_LABELS } } }],
                                  ports: [tcp(ACME_SOLVER_PORT)],
                              },
                          ]
                        : []),
                    dns,
                    apiServer,
                ],
            },
        },
        defaultDeny(CERT_MANAGER_NAMESPACE),
        {
            name: "cert-manager",
            namespace: CERT_MANAGER_NAMESPACE,
            spec: { podSelector: {}, policyTypes: ["Egress"], egress: [dns, apiServer] },
        },
        {
            name: "cert-manager-controller",
            namespace: CERT_MANAGER_NAMESPACE,
            spec: {
                podSelector: certManagerPods(CERT_MANAGER_COMPONENTS.controller),
                policyTypes: r.acme ? ["Ingress", "Egress"] : ["Ingress"],
                ingress: [{ from: nodes, ports: [tcp(CERT_MANAGER_PORTS.controllerHealthz)] }],
                // The ACME API over 443, and the HTTP-01 self-check: a GET of the challenge URL on
                // the hostname's public address, port 80, before asking Let's Encrypt to validate.
                ...(r.acme ? { egress: [{ to: anywhere, ports: [tcp(80), tcp(443)] }] } : {}),
            },
        },
        {
            name: "cert-manager-webhook",
            namespace: CERT_MANAGER_NAMESPACE,
            spec: {
                podSelector: certManagerPods(CERT_MANAGER_COMPONENTS.webhook),
                policyTypes: ["Ingress"],
                ingress: [
                    { ports: [tcp(CERT_MANAGER_PORTS.webhook)] },
                    { from: nodes, ports: [tcp(CERT_MANAGER_PORTS.webhookHealthz)] },
                ],
            },
        },
    ];
}

// ---------------------------------------------------------------------------------------------
// The component
// ---------------------------------------------------------------------------------------------

export class Edge extends pulumi.ComponentResource {
    /** The hub's public URL, `https://<hostname>/`. */
    public readonly url: string;
    /** The public IP of the ingress (the static IP), when known. */
    public readonly ingressIp?: pulumi.Output<string>;
    /** The ClusterIssuer name the hub's certificate comes from. */
    public readonly issuerName: string;
    /** The Helm releases, so dependants can wait for them. */
    public readonly ingressController: k8s.helm.v3.Release;
    public readonly certManager: k8s.helm.v3.Release;
    /** The hub's Ingress. */
    public readonly ingress: k8s.networking.v1.Ingress;

    constructor(name: string, args: EdgeArgs, opts?: pulumi.ComponentResourceOptions) {
        super("jupyterlabdemo:components:Edge", name, {}, opts);
        const r = resolve(args, this);
        const child = { parent: this };

        // Namespaces declared here (not createNamespace) so policies and tests see them.
        const ingressNs = new k8s.core.v1.Namespace(
            `${name}-nginx-namespace`,
            {
                metadata: {
                    name: INGRESS_NAMESPACE,
                    labels: {
                        ...commonLabels(r.stack, COMPONENTS.ingressController),
                        // Restricted: with the values below the chart's controller pod runs as uid
                        // 101, non-root, no privilege escalation, every capability dropped but
                        // NET_BIND_SERVICE (the one restricted allows), seccomp RuntimeDefault, no
                        // host namespaces or ports.
                        ...podSecurityLabels("restricted"),
                    },
                },
            },
            child,
        );
        const certManagerNs = new k8s.core.v1.Namespace(
            `${name}-cert-manager-namespace`,
            {
                metadata: {
                    name: CERT_MANAGER_NAMESPACE,
                    labels: {
                        ...commonLabels(r.stack, COMPONENTS.certManager),
                        // The chart's pods (controller, webhook, cainjector, startupapicheck) run
                        // non-root, seccomp RuntimeDefault, no privilege escalation, all capabilities dropped.
                        ...podSecurityLabels("restricted"),
                    },
                },
            },
            child,
        );

        // The backend as the hub declared it: its namespace (the Ingress's and the ACME solver
        // pods'), name, first port and pod selector.
        const service = r.backend.service;
        const hubNamespace = service.metadata.namespace;
        const backendPods = pulumi
            .all([hubNamespace, service.spec.selector])
            .apply(([namespace, podLabels]): BackendPods => ({ namespace, podLabels: podLabels ?? {}, port: r.backend.containerPort }));

        // Default deny in both namespaces, then what each pod needs (edgeNetworkPolicies).
        const placeholderPods: BackendPods = { namespace: "", podLabels: {}, port: r.backend.containerPort };
        edgeNetworkPolicies(r, placeholderPods).forEach((p, i) => {
            new k8s.networking.v1.NetworkPolicy(
                `${name}-netpol-${p.namespace}-${p.name}`,
                {
                    metadata: {
                        name: p.name,
                        namespace: p.namespace === INGRESS_NAMESPACE ? ingressNs.metadata.name : certManagerNs.metadata.name,
                        labels: commonLabels(r.stack, COMPONENTS.networkPolicy),
                    },
                    spec: backendPods.apply((b) => edgeNetworkPolicies(r, b)[i].spec),
                },
                child,
            );
        });

        this.ingressController = new k8s.helm.v3.Release(
            `${name}-nginx-ingress`,
            {
                name: INGRESS_RELEASE,
                namespace: ingressNs.metadata.name,
                chart: NGINX_INGRESS_CHART.chart,
                version: NGINX_INGRESS_CHART.version,
                skipCrds: true,
                values: nginxIngressValues(r),
            },
            child,
        );

        this.certManager = new k8s.helm.v3.Release(
            `${name}-cert-manager`,
            {
                name: CERT_MANAGER_RELEASE,
                namespace: certManagerNs.metadata.name,
                chart: CERT_MANAGER_CHART.chart,
                version: CERT_MANAGER_CHART.version,
                // Helm waits for the post-install startupapicheck Job, which succeeds only once the
                // webhook answers: the ClusterIssuer below is then admitted on the first try.
                waitForJobs: true,
                values: certManagerValues(r.placement),
            },
            child,
        );

        // The ClusterIssuer's kind exists only once the chart has installed the CRDs.
        const issuer = new k8s.apiextensions.CustomResource(
            `${name}-cluster-issuer`,
            {
                apiVersion: "cert-manager.io/v1",
                kind: "ClusterIssuer",
                metadata: { name: r.issuer, labels: commonLabels(r.stack, COMPONENTS.certManager) },
                spec: clusterIssuerSpec(r),
            },
            { parent: this, dependsOn: [this.certManager] },
        );

        // With edit-in-place the solver pod runs in the hub namespace; admit the controller to it,
        // so a default-deny policy there does not break issuance and renewals.
        if (r.acme) {
            new k8s.networking.v1.NetworkPolicy(
                `${name}-acme-solver-netpol`,
                {
                    metadata: {
                        name: "acme-http01-solver",
                        namespace: hubNamespace,
                        labels: commonLabels(r.stack, COMPONENTS.certManager),
                    },
                    spec: {
                        podSelector: { matchLabels: { ...ACME_SOLVER_POD_LABELS } },
                        policyTypes: ["Ingress"],
                        ingress: [
                            {
                                from: [
                                    { namespaceSelector: namespaceSelector(INGRESS_NAMESPACE) },
                                ],
                                ports: [{ protocol: "TCP", port: ACME_SOLVER_PORT }],
                            },
                        ],
                    },
                },
                child,
            );
        }

        // Depends on the controller (its IngressClass exists and it reports the address Pulumi
        // waits for) and on the issuer (the first issuance finds it; destroy removes the Ingress
        // first). The backend Service is the hub component's, passed in: its name and port here
        // are the ones it declares.
        const backendName = service.metadata.name;
        const backendPort = service.spec.ports.apply((ports) => ports[0].name);
        this.ingress = new k8s.networking.v1.Ingress(
            `${name}-hub-ingress`,
            {
                metadata: {
                    name: HUB_INGRESS_NAME,
                    namespace: hubNamespace,
                    labels: commonLabels(r.stack, COMPONENTS.ingress),
                    annotations: backendName.apply((n) => hubIngressAnnotations(r, n)),
                },
                spec: {
                    ingressClassName: INGRESS_CLASS,
                    tls: [{ hosts: [r.hostname], secretName: HUB_TLS_SECRET }],
                    rules: [
                        {
                            host: r.hostname,
                            http: {
                                paths: [
                                    {
                                        path: "/",
                                        pathType: "Prefix",
                                        backend: {
                                            service: { name: backendName, port: { name: backendPort } },
                                        },
                                    },
                                ],
                            },
                        },
                    ],
                },
            },
            { parent: this, dependsOn: [this.ingressController, issuer] },
        );

        if (r.dns) {
            new gcp.dns.RecordSet(
                `${name}-dns-record`,
                {
                    project: r.dns.project,
                    managedZone: r.dns.managedZone,
                    name: `${r.hostname}.`,
                    type: "A",
                    ttl: 300,
                    rrdatas: [r.loadBalancerIP!],
                },
                child,
            );
        }

        this.url = publicUrl(r.hostname);
        this.issuerName = r.issuer;
        this.ingressIp = r.loadBalancerIP !== undefined ? pulumi.output(r.loadBalancerIP) : undefined;
        this.registerOutputs({ url: this.url, ingressIp: this.ingressIp, issuerName: this.issuerName });
    }
}

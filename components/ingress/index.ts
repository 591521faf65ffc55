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
 * - z2jh's access label `hub.jupyter.org/network-access-proxy-http: "true"` on the controller's
 *   pods: the proxy's own NetworkPolicy (the hub component's) admits the pods carrying it, so
 *   another controller needs this component and that label, nothing on the hub's side.
 * - The controller's LoadBalancer Service, recorded among the component's inputs
 *   (`chartLoadBalancers`) for what reads the program (the cost model).
 */
import * as gcp from "../sdk/gcp";
import * as k8s from "../sdk/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CHART_LOAD_BALANCERS_KEY, commonLabels, COMPONENTS, namespaceSelector, podSecurityLabels, publicUrl } from "../naming";
import { BackendPods, EdgeArgs, resolve } from "./args";
import { edgeNetworkPolicies } from "./netpol";
import {
    ACME_SOLVER_POD_LABELS,
    ACME_SOLVER_PORT,
    CERT_MANAGER_CHART,
    CERT_MANAGER_NAMESPACE,
    CERT_MANAGER_RELEASE,
    HUB_INGRESS_NAME,
    HUB_TLS_SECRET,
    INGRESS_CLASS,
    INGRESS_NAMESPACE,
    INGRESS_RELEASE,
    NGINX_INGRESS_CHART,
} from "./names";
import { certManagerValues, clusterIssuerSpec, edgeLoadBalancers, hubIngressAnnotations, nginxIngressValues } from "./values";

export {
    ACME_DIRECTORIES,
    ACME_SOLVER_PORT,
    API_SERVER_PORTS,
    CERT_MANAGER_CHART,
    CERT_MANAGER_COMPONENTS,
    CERT_MANAGER_NAMESPACE,
    CERT_MANAGER_PORTS,
    CERT_MANAGER_RELEASE,
    HUB_TLS_SECRET,
    INGRESS_CONTROLLER_POD_LABELS,
    INGRESS_CONTROLLER_PORTS,
    INGRESS_NAMESPACE,
    INGRESS_RELEASE,
    LOCAL_NODE_PORTS,
    NGINX_INGRESS_CHART,
} from "./names";
export type { CertificateIssuer } from "./names";
export type { BackendPods, EdgeArgs, EdgeBackend } from "./args";
export { nginxIngressValues } from "./values";
export type { EdgeNetworkPolicy } from "./netpol";
export { oauthCallbackUrl } from "../naming";

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
        // The LoadBalancer Service the chart creates is recorded with the component, so that what
        // reads the program (the cost model) finds it without knowing the chart.
        super("jupyterlabdemo:components:Edge", name, { [CHART_LOAD_BALANCERS_KEY]: edgeLoadBalancers(args) }, opts);
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

        // Default deny in both namespaces, then what each pod needs (edgeNetworkPolicies). The
        // specs are built once for the backend; names and namespaces do not depend on it.
        const specs = backendPods.apply((b) => edgeNetworkPolicies(r, b).map((p) => p.spec));
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
                    spec: specs.apply((s) => s[i]),
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

/**
 * The NetworkPolicies of the edge's namespaces (the ingress controller's and cert-manager's).
 * Pure: the tests evaluate them against the connections each component makes.
 */
import { clusterDnsEgress, namespaceSelector } from "../naming";
import type { BackendPods, Resolved } from "./args";
import {
    ACME_SOLVER_POD_LABELS,
    ACME_SOLVER_PORT,
    CERT_MANAGER_COMPONENTS,
    CERT_MANAGER_NAMESPACE,
    CERT_MANAGER_PORTS,
    CERT_MANAGER_RELEASE,
    INGRESS_CONTROLLER_POD_LABELS,
    INGRESS_CONTROLLER_PORTS,
    INGRESS_NAMESPACE,
} from "./names";

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
    const dns = clusterDnsEgress();
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

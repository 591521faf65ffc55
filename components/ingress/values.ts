/**
 * The edge's values and specs: the Helm releases' values, the ClusterIssuer's spec and the hub
 * Ingress's annotations. Plain functions: the tests validate their results against the charts'
 * schemas.
 */
import type { ChartLoadBalancer, Placement } from "../naming";
import { INGRESS_NAMESPACE, NETWORK_ACCESS_LABELS } from "../naming";
import type { EdgeArgs, Resolved } from "./args";
import {
    ACME_DIRECTORIES,
    CERT_MANAGER_NAMESPACE,
    HSTS_MAX_AGE_SECONDS,
    INGRESS_CLASS,
    INGRESS_CONTROLLER_POD_LABELS,
    INGRESS_CONTROLLER_PORTS,
    INGRESS_CONTROLLER_SERVICE,
    PATCH_FORCE,
    PROXY_TIMEOUT,
} from "./names";

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
            pod: { extraLabels: { [NETWORK_ACCESS_LABELS.proxyHttp]: "true", [NETWORK_ACCESS_LABELS.proxyHttpPrevious]: "true" } },
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
        // Metrics for Managed Service for Prometheus (PodMonitoring nginx-ingress); a
        // NetworkPolicy admits only the collector to the port (components/monitoring).
        prometheus: { create: true, port: INGRESS_CONTROLLER_PORTS.metrics, scheme: "http" },
    };
}

/**
 * The load balancers the edge has its charts create: the controller's Service when
 * `nginxIngressValues` asks for type LoadBalancer (`controller.service`), none otherwise. The
 * Edge registers them under CHART_LOAD_BALANCERS_KEY.
 */
export function edgeLoadBalancers(a: Pick<EdgeArgs, "serviceType">): ChartLoadBalancer[] {
    return a.serviceType === "LoadBalancer" ? [{ namespace: INGRESS_NAMESPACE, name: INGRESS_CONTROLLER_SERVICE }] : [];
}

/** Values of the cert-manager release: CRDs from the chart, every pod on the given placement. */
export function certManagerValues(placement: Placement): Record<string, unknown> {
    const on = placementValues(placement);
    return {
        crds: { enabled: true, keep: true },
        // Controller metrics (CERT_MANAGER_PORTS.controllerMetrics) for Managed Service for Prometheus (PodMonitoring cert-manager);
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

/**
 * The proxy: Deployment `proxy` (configurable-http-proxy, one replica, `Recreate`), Services
 * `proxy-api` (8001, for the hub) and `proxy-public` (80 "http" -> 8000, ClusterIP: the edge's
 * Ingress routes to it), and NetworkPolicy `proxy`. Pure: the arguments of the objects.
 */
import * as k8s from "../sdk/kubernetes";
import { ANNOTATIONS, COMPONENTS, HUB_NAMES, HUB_SERVICES, NETWORK_ACCESS_LABELS, selectorLabels } from "../naming";
import { HUB_SECRET_KEYS } from "../secrets";
import { singletonDeployment } from "../workload";
import type { ResolvedHubArgs } from "./args";
import { clusterIpServiceArgs, CONTAINER_SECURITY, resourcesOf, secretEnv } from "./deployment";

/** The arguments of Deployment `proxy`. */
export function proxyDeploymentArgs(a: ResolvedHubArgs, proxyLabels: Record<string, string>): k8s.apps.v1.DeploymentArgs {
    const hubTarget = `http://${HUB_SERVICES.hub.name}:${HUB_SERVICES.hub.port}`;
    const chpProbe = { httpGet: { path: "/_chp_healthz", port: "http" } };
    // The hub keeps the routing table of exactly one proxy: never two at once.
    return singletonDeployment({
        name: HUB_NAMES.proxyDeployment,
        namespace: a.namespace,
        labels: proxyLabels,
        selector: selectorLabels(a.stack, COMPONENTS.proxy),
        // Checkov findings accepted here, each with its reason (test/real/validators.test.ts).
        annotations: {
            "checkov.io/skip1": "CKV_K8S_11=no CPU limit: CFS throttling would delay every proxied request; the request reserves its share",
            "checkov.io/skip2": "CKV_K8S_15=the image is pinned by an exact version tag; IfNotPresent keeps restarts independent of the registry",
            "checkov.io/skip3": "CKV_K8S_43=the image is pinned by an exact version tag (hub.proxyImage), as the k8s-image-pinned policy requires",
            "checkov.io/skip4": "CKV_K8S_35=configurable-http-proxy reads its API token only from CONFIGPROXY_AUTH_TOKEN",
        },
        podAnnotations: { [ANNOTATIONS.secretsRotation]: a.secretsRotation },
        podSpec: {
            automountServiceAccountToken: false,
            ...a.placement,
            terminationGracePeriodSeconds: 60,
            securityContext: {
                runAsNonRoot: true,
                runAsUser: 65534,
                runAsGroup: 65534,
                seccompProfile: { type: "RuntimeDefault" },
            },
            containers: [
                {
                    name: "chp",
                    image: a.proxyImage,
                    // IPv4 listeners: the clusters of this project are single-stack IPv4.
                    command: [
                        "configurable-http-proxy",
                        "--ip=0.0.0.0",
                        `--port=${HUB_SERVICES.proxyPublic.containerPort}`,
                        "--api-ip=0.0.0.0",
                        `--api-port=${HUB_SERVICES.proxyApi.containerPort}`,
                        `--default-target=${hubTarget}`,
                        `--error-target=${hubTarget}/hub/error`,
                    ],
                    ports: [
                        { name: "http", containerPort: HUB_SERVICES.proxyPublic.containerPort },
                        { name: "api", containerPort: HUB_SERVICES.proxyApi.containerPort },
                    ],
                    env: [secretEnv("CONFIGPROXY_AUTH_TOKEN", a.secretName, HUB_SECRET_KEYS.proxyToken)],
                    resources: resourcesOf(a.proxyResources),
                    securityContext: { ...CONTAINER_SECURITY, readOnlyRootFilesystem: true },
                    livenessProbe: { ...chpProbe, initialDelaySeconds: 10, periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 3 },
                    readinessProbe: { ...chpProbe, periodSeconds: 2, failureThreshold: 3, timeoutSeconds: 1 },
                },
            ],
        },
    });
}

/** Service `proxy-api`: the hub's way to the proxy's REST API. */
export function proxyApiServiceArgs(a: ResolvedHubArgs, proxyLabels: Record<string, string>): k8s.core.v1.ServiceArgs {
    return clusterIpServiceArgs(a, COMPONENTS.proxy, proxyLabels, HUB_SERVICES.proxyApi);
}

/** Service `proxy-public`: the proxy's public port, which the edge's Ingress routes to. */
export function proxyPublicServiceArgs(a: ResolvedHubArgs, proxyLabels: Record<string, string>): k8s.core.v1.ServiceArgs {
    return clusterIpServiceArgs(a, COMPONENTS.proxy, proxyLabels, HUB_SERVICES.proxyPublic);
}

/**
 * The proxy's NetworkPolicy `spec`: its API port only from the hub's pods; its public port only
 * from pods carrying NETWORK_ACCESS_LABELS.proxyHttp, in any namespace (z2jh's access-label
 * pattern: the proxy knows nothing of the ingress controller). Egress is unrestricted.
 */
export function proxyNetworkPolicySpec(stack: string): k8s.types.input.networking.v1.NetworkPolicySpec {
    const tcp = (port: number) => ({ port, protocol: "TCP" });
    return {
        podSelector: { matchLabels: selectorLabels(stack, COMPONENTS.proxy) },
        policyTypes: ["Ingress"],
        ingress: [
            { from: [{ podSelector: { matchLabels: selectorLabels(stack, COMPONENTS.hub) } }], ports: [tcp(HUB_SERVICES.proxyApi.containerPort)] },
            {
                from: [NETWORK_ACCESS_LABELS.proxyHttp, NETWORK_ACCESS_LABELS.proxyHttpPrevious].map((label) => ({
                    namespaceSelector: {},
                    podSelector: { matchLabels: { [label]: "true" } },
                })),
                ports: [tcp(HUB_SERVICES.proxyPublic.containerPort)],
            },
        ],
    };
}

/**
 * The hub's Deployment `hub` (one replica, `Recreate`: sqlite on a ReadWriteOnce claim) and its
 * Service `hub` (8081), plus the container helpers hub and proxy share. Pure: the arguments of
 * the objects, which the component declares.
 */
import * as k8s from "../sdk/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { hubAuthEnv } from "../authenticators";
import { ANNOTATIONS, COMPONENTS, HUB_METRICS_TOKEN, HUB_NAMES, HUB_SERVICES, selectorLabels } from "../naming";
import { HUB_SECRET_KEYS } from "../secrets";
import { singletonDeployment } from "../workload";
import type { ContainerResources, ResolvedHubArgs } from "./args";
import { HUB_CONFIG_DIR, HUB_DATA_DIR } from "./config";

export const secretEnv = (envName: string, secretName: pulumi.Input<string>, key: string): k8s.types.input.core.v1.EnvVar => ({
    name: envName,
    valueFrom: { secretKeyRef: { name: secretName, key } },
});

export const resourcesOf = (r: ContainerResources): k8s.types.input.core.v1.ResourceRequirements => ({
    requests: { cpu: r.cpuRequest, memory: r.memoryRequest },
    limits: { memory: r.memoryLimit, ...(r.cpuLimit ? { cpu: r.cpuLimit } : {}) },
});

/** Container hardening shared by hub and proxy. */
export const CONTAINER_SECURITY = {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"] },
};

/** What the hub pod refers to: objects declared by the other builders. */
export interface HubPodRefs {
    readonly serviceAccountName: pulumi.Input<string>;
    readonly configMapName: pulumi.Input<string>;
    readonly configChecksum: pulumi.Input<string>;
    readonly databaseClaimName: pulumi.Input<string>;
}

/** The arguments of Deployment `hub`. */
export function hubDeploymentArgs(a: ResolvedHubArgs, hubLabels: Record<string, string>, refs: HubPodRefs): k8s.apps.v1.DeploymentArgs {
    const authEnv = hubAuthEnv(a.authenticator.kind).map((e) => secretEnv(e.env, a.secretName, e.hubSecretKey));
    const healthProbe = { httpGet: { path: "/hub/health", port: "http" } };
    // sqlite on a ReadWriteOnce claim: one hub, and the old pod gone before the new one starts.
    return singletonDeployment({
        name: HUB_NAMES.hubDeployment,
        namespace: a.namespace,
        labels: hubLabels,
        selector: selectorLabels(a.stack, COMPONENTS.hub),
        // Checkov findings accepted here, each with its reason (test/real/validators.test.ts).
        annotations: {
            "checkov.io/skip1": "CKV_K8S_11=no CPU limit: CFS throttling would stall the hub's event loop; the request reserves its share",
            "checkov.io/skip2": "CKV_K8S_15=the image is pinned by an exact version tag; IfNotPresent keeps restarts independent of the registry",
            "checkov.io/skip3": "CKV_K8S_43=the image is pinned by an exact version tag (hub.image), as the k8s-image-pinned policy requires",
            "checkov.io/skip4": "CKV_K8S_22=the hub image is not built for a read-only root (Z2JH runs it writable); its state is on the data volume",
            "checkov.io/skip5": "CKV_K8S_35=JupyterHub reads its cookie secret, proxy token and crypt key from these environment variables",
            "checkov.io/skip6": "CKV_K8S_38=KubeSpawner calls the Kubernetes API with this token to start and stop labs",
            "checkov.io/skip7": "CKV_K8S_40=uid 1000 is the image's own user, owner of its files (as in Z2JH)",
        },
        podAnnotations: {
            // One hub: the autoscaler must not move it to shrink the core pool.
            [ANNOTATIONS.safeToEvict]: "false",
            [ANNOTATIONS.configChecksum]: refs.configChecksum,
            [ANNOTATIONS.secretsRotation]: a.secretsRotation,
        },
        podSpec: {
            serviceAccountName: refs.serviceAccountName,
            // KubeSpawner talks to the API server with the ServiceAccount's token.
            automountServiceAccountToken: true,
            ...a.placement,
            securityContext: {
                runAsNonRoot: true,
                runAsUser: 1000,
                runAsGroup: 1000,
                fsGroup: 1000,
                seccompProfile: { type: "RuntimeDefault" },
            },
            containers: [
                {
                    name: "hub",
                    image: a.image,
                    args: ["jupyterhub", "--config", `${HUB_CONFIG_DIR}/jupyterhub_config.py`, "--upgrade-db"],
                    ports: [{ name: "http", containerPort: HUB_SERVICES.hub.containerPort }],
                    env: [
                        { name: "PYTHONUNBUFFERED", value: "1" },
                        { name: "POD_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
                        secretEnv("JPY_COOKIE_SECRET", a.secretName, HUB_SECRET_KEYS.cookieSecret),
                        secretEnv("CONFIGPROXY_AUTH_TOKEN", a.secretName, HUB_SECRET_KEYS.proxyToken),
                        secretEnv("JUPYTERHUB_CRYPT_KEY", a.secretName, HUB_SECRET_KEYS.cryptKey),
                        // The metrics collector's token (GKE stacks' monitoring declares the
                        // Secret); optional, so a stack without monitoring starts the hub too.
                        {
                            name: HUB_METRICS_TOKEN.env,
                            valueFrom: { secretKeyRef: { name: HUB_METRICS_TOKEN.secretName, key: HUB_METRICS_TOKEN.key, optional: true } },
                        },
                        ...authEnv,
                    ],
                    volumeMounts: [
                        { name: "config", mountPath: HUB_CONFIG_DIR, readOnly: true },
                        { name: "data", mountPath: HUB_DATA_DIR },
                    ],
                    resources: resourcesOf(a.hubResources),
                    securityContext: CONTAINER_SECURITY,
                    // A database upgrade may take a while: the startup probe allows 5 minutes.
                    startupProbe: { ...healthProbe, periodSeconds: 5, failureThreshold: 60, timeoutSeconds: 3 },
                    livenessProbe: { ...healthProbe, periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 3 },
                    // The only hub: a slow answer or two under load must not take it out of its Service.
                    readinessProbe: { ...healthProbe, periodSeconds: 5, failureThreshold: 3, timeoutSeconds: 5 },
                },
            ],
            volumes: [
                { name: "config", configMap: { name: refs.configMapName, defaultMode: 0o444 } },
                { name: "data", persistentVolumeClaim: { claimName: refs.databaseClaimName } },
            ],
        },
    });
}

/**
 * The hub's NetworkPolicy `spec`: its port only from the proxy's and the labs' pods (both in its
 * namespace). Egress is unrestricted (the Kubernetes API, GitHub).
 */
export function hubNetworkPolicySpec(stack: string): k8s.types.input.networking.v1.NetworkPolicySpec {
    const pods = (component: string) => ({ podSelector: { matchLabels: selectorLabels(stack, component) } });
    return {
        ...pods(COMPONENTS.hub),
        policyTypes: ["Ingress"],
        ingress: [{ from: [pods(COMPONENTS.proxy), pods(COMPONENTS.lab)], ports: [{ port: HUB_SERVICES.hub.containerPort, protocol: "TCP" }] }],
    };
}

/** A ClusterIP Service of one port, selecting one component's pods; the port is named as the container port it targets. */
export function clusterIpServiceArgs(
    a: Pick<ResolvedHubArgs, "stack" | "namespace">,
    component: string,
    labels: Record<string, string>,
    service: { readonly name: string; readonly port: number; readonly targetPort: string },
): k8s.core.v1.ServiceArgs {
    return {
        metadata: { name: service.name, namespace: a.namespace, labels },
        spec: {
            type: "ClusterIP",
            selector: selectorLabels(a.stack, component),
            ports: [{ name: service.targetPort, port: service.port, targetPort: service.targetPort, protocol: "TCP" }],
        },
    };
}

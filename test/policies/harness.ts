/**
 * Per-rule test harness: builds resources as the render records them and runs one rule over them
 * through the offline check core, so each rule sees exactly the arguments the engine would pass
 * (URN, options, unknown-checking proxy, its config from policies/policy-config.json).
 */
import { PolicyPackConfig, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { checkResources, loadPolicyConfig, PolicyViolation } from "../../scripts/lib/policyCheck";
import type { RenderedResource } from "../../scripts/lib/render";

import { fixtureResource } from "../mocks";

/** A resource as the render records it; options default to a plain custom resource. */
export const res = fixtureResource;

/** Runs `rule` alone over `resources` of `stack`, with its entry of the real policy config (or `config`). */
export async function run(
    rule: ResourceValidationPolicy | StackValidationPolicy,
    resources: RenderedResource[],
    { stack = "sandbox", config }: { stack?: string; config?: PolicyPackConfig } = {},
): Promise<PolicyViolation[]> {
    const all = config ?? loadPolicyConfig();
    const own: PolicyPackConfig = all[rule.name] !== undefined ? { [rule.name]: all[rule.name] } : {};
    return (await checkResources(stack, resources, { policies: [rule], config: own })).violations;
}

/** The violation messages (the rule's own line, without the description). */
export function messages(vs: PolicyViolation[]): string[] {
    return vs.map((v) => v.message.split("\n").slice(1).join("\n") || v.message);
}

/** A Deployment with one container; `pod` and `container` are merged into the template. */
export function deployment(name: string, { pod = {}, container = {}, namespace = "jupyterhub", labels }: {
    pod?: Record<string, unknown>;
    container?: Record<string, unknown>;
    namespace?: string;
    labels?: Record<string, string>;
} = {}): RenderedResource {
    const podLabels = labels ?? { "app.kubernetes.io/name": "jupyterlabdemo", "app.kubernetes.io/component": name };
    return res("kubernetes:apps/v1:Deployment", `x-${name}`, {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name, namespace },
        spec: {
            selector: { matchLabels: podLabels },
            template: {
                metadata: { labels: podLabels },
                spec: {
                    securityContext: { runAsNonRoot: true, runAsUser: 1000 },
                    containers: [
                        {
                            name,
                            image: "quay.io/jupyterhub/k8s-hub:4.4.0",
                            resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "512Mi" } },
                            ...container,
                        },
                    ],
                    ...pod,
                },
            },
        },
    });
}

/** A cluster with every setting gke-cluster-hardened asks for. */
export const hardenedCluster = {
    name: "c",
    location: "us-central1-a",
    network: "${gke-network.id}",
    removeDefaultNodePool: true,
    deletionProtection: false,
    datapathProvider: "ADVANCED_DATAPATH",
    enableLegacyAbac: false,
    enableShieldedNodes: true,
    masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
    releaseChannel: { channel: "REGULAR" },
    workloadIdentityConfig: { workloadPool: "p.svc.id.goog" },
};

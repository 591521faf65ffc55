/**
 * How later updates and a destroy treat the Kubernetes layer of a GKE stack: the Kubernetes
 * provider is never replaced because the cluster's endpoint or CA changed, and every Kubernetes
 * object is deleted with the cluster instead of one by one.
 *
 * The render records each resource's `deletedWith` (by logical name) and its inputs with secrets
 * redacted, so the shared renders answer most questions here. What the cluster reports, and the
 * kubeconfig built from it, needs a render of its own: mocks wrapped around the render's
 * (observingRuntime in scripts/lib/sdkInternals.ts) change the cluster's outputs, as a credential
 * rotation would, and see the inputs unredacted.
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { renderStack } from "../scripts/lib/render";
import { observingRuntime } from "../scripts/lib/sdkInternals";
import { Override } from "../scripts/lib/stackConfig";
import { render, Render, set } from "./mocks";

/** The cluster's outputs a rotation or endpoint change alters. */
interface ClusterReport {
    readonly endpoint: string;
    readonly ca: string;
    readonly dnsEndpoint: string;
}

interface Observed {
    readonly render: Render;
    /** The inputs each resource reached the mocks with, secrets unwrapped (not redacted). */
    readonly rawInputs: Map<string, Record<string, unknown>>;
}

function unwrapSecrets(v: unknown): unknown {
    if (Array.isArray(v)) return v.map(unwrapSecrets);
    if (v && typeof v === "object") {
        const o = v as Record<string, unknown>;
        if (o[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig) return unwrapSecrets(o.value);
        return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, unwrapSecrets(x)]));
    }
    return v;
}

/** Renders `stack` with the cluster reporting `report`; records the inputs each resource reached the mocks with. */
async function renderObserved(stack: string, overrides: readonly Override[], report: ClusterReport): Promise<Observed> {
    const rawInputs = new Map<string, Record<string, unknown>>();
    const render = await observingRuntime(
        {
            wrapMocks: (mocks) => ({
                newResource(args) {
                    rawInputs.set(`${args.type}::${args.name}`, unwrapSecrets(args.inputs) as Record<string, unknown>);
                    const result = mocks.newResource(args) as { id: string; state: Record<string, any> };
                    if (args.type === "gcp:container/cluster:Cluster") {
                        result.state.endpoint = report.endpoint;
                        result.state.masterAuth = { ...result.state.masterAuth, clusterCaCertificate: report.ca };
                        result.state.controlPlaneEndpointsConfig = {
                            ...result.state.controlPlaneEndpointsConfig,
                            dnsEndpointConfig: { ...result.state.controlPlaneEndpointsConfig?.dnsEndpointConfig, endpoint: report.dnsEndpoint },
                        };
                    }
                    return result;
                },
                call: (args) => mocks.call(args),
            }),
        },
        () => renderStack(stack, overrides),
    );
    return { render, rawInputs };
}

/**
 * pulumi-kubernetes' rule for replacing its provider (provider `DiffConfig`, documented on
 * `clusterIdentifier` in @pulumi/kubernetes provider.d.ts): with a `clusterIdentifier`, only a
 * change of it replaces the provider; without one, a different active cluster in the kubeconfig
 * (server or CA) or another context does.
 */
function kubernetesProviderReplaced(before: Record<string, unknown>, after: Record<string, unknown>): boolean {
    if (before.clusterIdentifier !== undefined || after.clusterIdentifier !== undefined) {
        return before.clusterIdentifier !== after.clusterIdentifier;
    }
    const activeCluster = (inputs: Record<string, unknown>): string => {
        const kc = JSON.parse(String(inputs.kubeconfig ?? "{}"));
        const context = kc.contexts?.find((c: { name: string }) => c.name === (inputs.context ?? kc["current-context"]));
        return JSON.stringify(kc.clusters?.find((c: { name: string }) => c.name === context?.context?.cluster)?.cluster ?? null);
    };
    return activeCluster(before) !== activeCluster(after) || before.context !== after.context;
}

const PROVIDER = "pulumi:providers:kubernetes::gke-k8s";

describe("GKE stack lifecycle", () => {
    it("keeps the Kubernetes provider, and every object's provider, when the cluster's endpoint or CA changes", async () => {
        const before = await renderObserved("sandbox", [], { endpoint: "34.1.1.1", ca: "Q0EtMQ==", dnsEndpoint: "gke-1111.us-central1-a.gke.goog" });
        const after = await renderObserved("sandbox", [], { endpoint: "34.2.2.2", ca: "Q0EtMg==", dnsEndpoint: "gke-1111.us-central1-a.gke.goog" });
        const p1 = before.rawInputs.get(PROVIDER)!;
        const p2 = after.rawInputs.get(PROVIDER)!;
        assert.ok(p1 && p2, "the GKE stack declares its Kubernetes provider");
        assert.strictEqual(kubernetesProviderReplaced(p1, p2), false, "credential rotation must not replace the provider");
        assert.strictEqual(p1.clusterIdentifier, "projects/jupyterlabdemo-sandbox/locations/us-central1-a/clusters/jupyterlab-sandbox");
        // The kubeconfig talks to the DNS endpoint the cluster reports, with no CA of its own.
        const kc = JSON.parse(String(p2.kubeconfig));
        assert.deepStrictEqual(kc.clusters[0].cluster, { server: "https://gke-1111.us-central1-a.gke.goog" });
        assert.deepStrictEqual(kc.users[0].user.exec.args, ["--use_application_default_credentials"]);
        // Every Kubernetes object keeps the same provider (name and inputs alike).
        for (const r of after.render.resources.filter((x) => x.type.startsWith("kubernetes:"))) {
            assert.strictEqual(r.provider, "gke-k8s", `${r.type} ${r.name}`);
        }
        // Even the DNS endpoint moving (it does not, for a cluster's life) is an update.
        const moved = await renderObserved("sandbox", [], { endpoint: "34.2.2.2", ca: "Q0EtMg==", dnsEndpoint: "gke-2222.us-central1-a.gke.goog" });
        assert.strictEqual(kubernetesProviderReplaced(p1, moved.rawInputs.get(PROVIDER)!), false);
    });

    it("replaces the Kubernetes provider exactly when the cluster itself is replaced (a renamed or moved cluster is empty)", async () => {
        // The shared renders suffice: with a clusterIdentifier the rule reads nothing else, and the
        // redacted inputs keep it (only the kubeconfig is secret).
        const providerOf = async (change: Record<string, string>) =>
            (await render("sandbox", set(change))).resources.find((r) => `${r.type}::${r.name}` === PROVIDER)!.inputs;
        const base = await providerOf({});
        assert.strictEqual(base.clusterIdentifier, "projects/jupyterlabdemo-sandbox/locations/us-central1-a/clusters/jupyterlab-sandbox");
        for (const [what, change] of [
            ["cluster.name", { "cluster.name": "jupyterlab-sandbox2" }],
            ["cluster.regional", { "cluster.regional": "true" }],
        ] as const) {
            assert.strictEqual(kubernetesProviderReplaced(base, await providerOf(change)), true, what);
        }
        for (const [what, change] of [
            ["cluster.releaseChannel", { "cluster.releaseChannel": "STABLE" }],
            ["cluster.masterAuthorizedNetworks", { "cluster.masterAuthorizedNetworks": '["203.0.113.0/24"]' }],
            ["cluster.userPool.spot", { "cluster.userPool.spot": "false" }],
            ["cluster.corePool.machineType", { "cluster.corePool.machineType": "e2-standard-4" }],
        ] as const) {
            assert.strictEqual(kubernetesProviderReplaced(base, await providerOf(change)), false, what);
        }
    });

    it("deletes every Kubernetes object with the cluster, except the one that owns the cloud load balancer", async () => {
        const sandbox = await render("sandbox");
        const objects = sandbox.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:"));
        assert.ok(objects.length > 20, "the sandbox declares its Kubernetes layer");
        for (const r of objects) {
            if (r.name === "edge-nginx-ingress") {
                // Its LoadBalancer Service holds a forwarding rule on the static IP: uninstalled
                // for real, so GCP removes the load balancer before the cluster and the IP go.
                assert.strictEqual(r.deletedWith, undefined, r.name);
            } else {
                assert.strictEqual(r.deletedWith, "gke-cluster", `${r.type} ${r.name}`);
            }
        }
        // No GCP resource is skipped on delete.
        for (const r of sandbox.resources.filter((x) => x.type.startsWith("gcp:"))) {
            assert.strictEqual(r.deletedWith, undefined, r.name);
        }
    });

    it("leaves deletes alone on local, where there is no cluster to go with", async () => {
        const local = await render("local");
        assert.ok(local.resources.length > 0);
        for (const r of local.resources) assert.strictEqual(r.deletedWith, undefined, r.name);
    });
});

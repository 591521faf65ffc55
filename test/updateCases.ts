/**
 * Routine later updates, one row each: what an operator or CI changes, and what the render diff
 * must show for it. test/updates.test.ts renders the stack before and after each change and checks
 * the row, plus what must hold for EVERY row (see INVARIANTS there):
 *   - the Kubernetes provider is never replaced (it would take every Kubernetes object with it);
 *   - no user-data resource (the homes disk, its snapshot schedule and attachment, a claim whose
 *     volume is provisioned for it) is replaced, removed or loses protect/retainOnDelete;
 *   - a node pool that is replaced is replaced create-first.
 *
 * `changes`: logical names that must be among the changed resources (all of them, with `exactly`).
 * `replaces`: exactly the resources replaced (their replacement is the accepted cost of the change).
 * `checks`: extra named checks on the head render (defined in test/updates.test.ts).
 */

/** Extra checks a row may ask for, by name. */
export type UpdateCheck = "pvsWithoutClaimRef" | "ingressPatchForce";

export interface UpdateCase {
    readonly title: string;
    readonly stack: string;
    /** `--set` overrides, as on the command line (values are YAML: lists as JSON). */
    readonly set: Readonly<Record<string, string>>;
    readonly changes: readonly string[];
    readonly exactly?: boolean;
    readonly replaces: readonly string[];
    readonly checks?: readonly UpdateCheck[];
}

/** The lab image menu of the sandbox with the SciPy image bumped and the Rubin image dropped. */
const NEW_LAB_IMAGES = JSON.stringify([
    { name: "minimal", displayName: "Jupyter minimal (Python, small)", image: "quay.io/jupyter/minimal-notebook:2025-11-24", default: true },
    { name: "scipy", displayName: "Jupyter SciPy stack", image: "quay.io/jupyter/scipy-notebook:2026-01-31" },
]);

export const UPDATE_CASES: readonly UpdateCase[] = [
    {
        title: "grow the homes disk",
        stack: "sandbox",
        set: { "storage.diskSizeGb": "100" },
        // The disk grows in place. The volumes' capacities are a constant, so no Kubernetes object
        // changes, and with no claimRef on the volumes nothing can conflict with the PV binder.
        changes: ["storage-disk"],
        exactly: true,
        replaces: [],
        checks: ["pvsWithoutClaimRef"],
    },
    {
        title: "raise the user pool's maximum",
        stack: "sandbox",
        set: { "cluster.userPool.maxNodes": "6" },
        changes: ["gke-user-pool"],
        replaces: [],
    },
    {
        title: "flip the user pool to on-demand VMs (Spot off)",
        stack: "sandbox",
        set: { "cluster.userPool.spot": "false" },
        // nodeConfig.spot is ForceNew: the pool is replaced, create-first (auto-named).
        changes: ["gke-user-pool"],
        replaces: ["gke-user-pool"],
    },
    {
        title: "change the hub image",
        stack: "sandbox",
        set: { "hub.image": "quay.io/jupyterhub/k8s-hub:4.4.1" },
        changes: ["hub-deployment"],
        replaces: [],
    },
    {
        title: "add a GitHub organization",
        stack: "sandbox",
        set: { "github.allowedOrganizations": '["jupyterlabdemo", "lsst-sqre"]' },
        // ConfigMap data is replace-on-change in pulumi-kubernetes v4; the hub restarts on its checksum.
        changes: ["hub-config", "hub-deployment"],
        replaces: ["hub-config"],
    },
    {
        title: "change the hostname",
        stack: "sandbox",
        set: { hostname: "lab.jupyterlabdemo.org" },
        // A new record name is a new DNS record (the hostname resolves once it exists); the hub's
        // settings carry the public URL; the uptime check probes the new host (a new check).
        changes: ["edge-dns-record", "edge-hub-ingress", "hub-config", "hub-deployment", "monitoring-uptime-hub-health"],
        replaces: ["edge-dns-record", "hub-config", "monitoring-uptime-hub-health"],
        checks: ["ingressPatchForce"],
    },
    {
        title: "rotate the generated secrets",
        stack: "sandbox",
        set: { "secrets.rotation": "2026-12" },
        // New random values (everyone is logged out: documented on secrets.rotation); the metrics
        // collector's token rotates with them.
        changes: ["secrets-secret", "hub-deployment", "hub-proxy-deployment", "monitoring-hub-metrics-token"],
        replaces: ["secrets-cookie-secret", "secrets-crypt-key", "secrets-proxy-token", "monitoring-hub-metrics-token"],
    },
    {
        title: "change the lab image list",
        stack: "sandbox",
        set: { "lab.images": NEW_LAB_IMAGES },
        changes: ["hub-config", "lab-image-puller"],
        replaces: ["hub-config"],
    },
    {
        title: "resize the core pool's machine type",
        stack: "sandbox",
        set: { "cluster.corePool.machineType": "e2-standard-4" },
        // machineType updates in place (GKE rolls the nodes, surge 1); no replacement.
        changes: ["gke-core-pool"],
        replaces: [],
    },
];

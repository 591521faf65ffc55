/**
 * Which input changes make a provider delete and recreate a resource instead of updating it in
 * place, for every resource type the program declares, what each replacement costs, and in which
 * order the engine performs it. replacementFlags.ts applies this table to two renders and follows
 * the cascade: a replaced resource's outputs (its id, email, endpoint) are new, so a resource
 * whose replacement-forcing input takes one of them is replaced too.
 *
 * Sources:
 * - GCP: gcpReplacementRules.ts, from terraform-provider-google's `ForceNew` fields.
 * - Random values: pulumi/pulumi-random marks every input of RandomBytes/RandomPassword/RandomId
 *   replace-on-change (a new value is a new resource).
 * - Kubernetes: pulumi-kubernetes v4 (provider/pkg/provider/forcenew.go): `metadata.name` and
 *   `metadata.namespace` of every kind, plus per kind; ConfigMap `data` and Secret `data`/
 *   `stringData`/`type` because the provider is not configured with enableConfigMapMutable /
 *   enableSecretMutable (the v4 defaults).
 * - Order: pulumi-terraform-bridge's `nameRequiresDeleteBeforeReplace` (pkg/tfbridge/schema.go):
 *   a resource whose auto-named `name` the program sets explicitly is replaced delete-first (the
 *   same name cannot exist twice); left unset, `name` is auto-named afresh for the replacement, so
 *   the new one is created first. pulumi-kubernetes (provider Diff) replaces delete-first an object whose explicit
 *   `metadata.name` and namespace stay the same. The `deleteBeforeReplace` option forces delete-first.
 * - The Kubernetes provider (@pulumi/kubernetes provider.d.ts, `clusterIdentifier`): without a
 *   clusterIdentifier it is replaced when its kubeconfig's cluster (endpoint, CA) changes, which a
 *   replaced GKE cluster always does; every object it manages is then replaced with it.
 * Paths are the program's input names (camelCase), dotted; a change at, above or below a path
 * counts. When a provider is upgraded, re-check this table against its schema.
 */
import { GCP_REPLACEMENT_RULES } from "./gcpReplacementRules";
import type { ReplacementRule } from "./replacementRule";

export const REPLACEMENT_RULES: readonly ReplacementRule[] = [
    ...GCP_REPLACEMENT_RULES,

    // ----- Random values (pulumi/pulumi-random: every input of these resources forces a new value)
    {
        type: "random:index/randomBytes:RandomBytes",
        what: "generated secret",
        fields: ["length", "keepers"],
        consequence: "a NEW random value: the hub secret made from it rotates (cookie secret: every user is logged out; crypt key: stored auth state is unreadable; proxy token: hub and proxy restart)",
    },
    {
        type: "random:index/randomPassword:RandomPassword",
        what: "generated password",
        fields: ["length", "keepers", "lower", "upper", "numeric", "special", "minLower", "minUpper", "minNumeric", "minSpecial", "overrideSpecial"],
        consequence: "a NEW password: whatever uses it must be given the new one",
    },
    {
        type: "random:index/randomId:RandomId",
        what: "generated id",
        fields: ["byteLength", "keepers", "prefix"],
        consequence: "a NEW id: names built from it change, and those resources are replaced too",
    },

    // ----- Kubernetes (metadata.name and metadata.namespace are added for every kind below)
    {
        type: "pulumi:providers:kubernetes",
        what: "Kubernetes provider",
        fields: ["clusterIdentifier", "context", "cluster"],
        consequence: "EVERY Kubernetes object of the stack is deleted and recreated with it: Helm releases, PVs, PVCs, Deployments (the hub, the proxy, the NFS server, the ingress controller are down, users' labs stop)",
    },
    {
        // A Helm release is identified by its name and namespace; Helm cannot move or rename one.
        type: "kubernetes:helm.sh/v3:Release",
        what: "Helm release",
        fields: ["name", "namespace"],
        consequence: "the chart is uninstalled and installed again: its pods are down meanwhile (ingress controller: the hub is unreachable; cert-manager: no issuance)",
    },
    { type: "kubernetes:core/v1:Namespace", what: "namespace", fields: [], consequence: "every object in the namespace, running labs included, is deleted with it" },
    {
        type: "kubernetes:core/v1:PersistentVolume",
        what: "PersistentVolume",
        fields: [
            "spec.awsElasticBlockStore", "spec.azureDisk", "spec.azureFile", "spec.cephfs", "spec.cinder", "spec.csi", "spec.fc", "spec.flexVolume",
            "spec.flocker", "spec.gcePersistentDisk", "spec.glusterfs", "spec.hostPath", "spec.iscsi", "spec.local", "spec.nfs",
            "spec.photonPersistentDisk", "spec.portworxVolume", "spec.quobyte", "spec.rbd", "spec.scaleIO", "spec.storageos", "spec.vsphereVolume",
        ],
        consequence: "the volume object is recreated (reclaim Retain: the data underneath is not deleted); pods mounting it must restart, and the delete waits while running labs use it",
    },
    {
        type: "kubernetes:core/v1:PersistentVolumeClaim",
        what: "PersistentVolumeClaim",
        fields: ["spec.accessModes", "spec.selector", "spec.storageClassName", "spec.volumeName"],
        consequence: "the claim is recreated: the delete waits on pvc-protection while running pods mount it",
        consequenceOf: (inputs) => {
            const spec = (inputs.spec ?? {}) as { volumeName?: unknown; storageClassName?: unknown };
            const wait = "the claim is recreated: the delete waits on pvc-protection while running pods mount it";
            return spec.volumeName !== undefined || spec.storageClassName === ""
                ? `${wait}; it is bound to a pre-created volume, whose data is not deleted`
                : `${wait}; its dynamically provisioned volume (reclaim Delete) is DELETED WITH ITS DATA`;
        },
    },
    { type: "kubernetes:core/v1:Service", what: "Service", fields: ["spec.clusterIP"], consequence: "a new ClusterIP: clients that pinned the old address (NFS mounts by IP) break until they restart" },
    { type: "kubernetes:core/v1:ConfigMap", what: "ConfigMap", fields: ["data", "binaryData"], consequence: "recreated: pods reading it restart; no data at risk" },
    { type: "kubernetes:core/v1:Secret", what: "Secret", fields: ["type", "data", "stringData"], consequence: "recreated: pods reading it restart; no data at risk" },
    { type: "kubernetes:apps/v1:Deployment", what: "Deployment", fields: ["spec.selector"], consequence: "its pods are deleted before the new ones start: the component is down meanwhile" },
    { type: "kubernetes:apps/v1:DaemonSet", what: "DaemonSet", fields: ["spec.selector"], consequence: "its pods are deleted before the new ones start" },
    {
        type: "kubernetes:apps/v1:StatefulSet",
        what: "StatefulSet",
        fields: ["spec.podManagementPolicy", "spec.revisionHistoryLimit", "spec.selector", "spec.serviceName", "spec.volumeClaimTemplates"],
        consequence: "its pods are deleted before the new ones start: the component is down meanwhile",
    },
    { type: "kubernetes:batch/v1:Job", what: "Job", fields: ["spec.completions", "spec.parallelism", "spec.selector", "spec.template"], consequence: "the Job runs again" },
    { type: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", what: "RoleBinding", fields: ["roleRef"], consequence: "the subject briefly lacks the role (the hub cannot spawn labs meanwhile)" },
    { type: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", what: "ClusterRoleBinding", fields: ["roleRef"], consequence: "the subject briefly lacks the role" },
    { type: "kubernetes:storage.k8s.io/v1:StorageClass", what: "StorageClass", fields: ["parameters", "provisioner"], consequence: "recreated; existing volumes keep their class's old parameters" },
    { type: "kubernetes:policy/v1:PodDisruptionBudget", what: "PodDisruptionBudget", fields: [], consequence: "recreated; no downtime" },
];

/** The table by resource type (one rule per type, as test/diff.test.ts checks), built once. */
const RULE_BY_TYPE: ReadonlyMap<string, ReplacementRule> = new Map(REPLACEMENT_RULES.map((r) => [r.type, r]));

/** The table's own rule for a type, without ruleFor's Kubernetes identity fields, or undefined. */
export function tableRule(type: string): ReplacementRule | undefined {
    return RULE_BY_TYPE.get(type);
}

/** Kubernetes object identity: every kind is replaced when it changes. */
const KUBERNETES_METADATA_FORCE_NEW = ["metadata.name", "metadata.namespace"];

/** True for a Kubernetes object (not the provider, not a Helm release). */
function isKubernetesObject(type: string): boolean {
    return type.startsWith("kubernetes:") && !type.startsWith("kubernetes:helm.sh/");
}

/** What replacing `inputs` under `rule` costs. */
export function consequenceOf(rule: ReplacementRule, inputs: Record<string, unknown>): string {
    return rule.consequenceOf?.(inputs) ?? rule.consequence;
}

/** The rule for a type: the table's entry, with Kubernetes' identity fields; any Kubernetes object has one. */
export function ruleFor(type: string): ReplacementRule | undefined {
    const rule = tableRule(type);
    if (!isKubernetesObject(type)) return rule;
    const kind = type.slice(type.lastIndexOf(":") + 1);
    return {
        ...rule,
        type,
        what: rule?.what ?? kind,
        fields: [...KUBERNETES_METADATA_FORCE_NEW, ...(rule?.fields ?? [])],
        consequence: rule?.consequence ?? "the object is deleted and recreated",
    };
}

/** True when the path `inner` is `outer` or lies inside it (segment-wise). */
export function pathWithin(inner: string, outer: string): boolean {
    return inner === outer || inner.startsWith(`${outer}.`) || inner.startsWith(`${outer}[`);
}

/** True when `changed` is `field`, inside it, or encloses it (segment-wise). */
export function pathTouches(changed: string, field: string): boolean {
    return pathWithin(changed, field) || pathWithin(field, changed);
}

export type ReplacementOrder = "delete-first" | "create-first";

/** The order of a replacement and why, from the resource's inputs and options (see the header). */
export function replacementOrder(
    base: { readonly type: string; readonly inputs: Record<string, unknown> },
    head: { readonly type: string; readonly inputs: Record<string, unknown>; readonly deleteBeforeReplace: boolean },
): { order: ReplacementOrder; why: string } {
    if (head.deleteBeforeReplace) return { order: "delete-first", why: "the deleteBeforeReplace option" };
    if (isKubernetesObject(head.type)) {
        const meta = (i: Record<string, unknown>) => (i.metadata ?? {}) as { name?: unknown; namespace?: unknown };
        const [b, h] = [meta(base.inputs), meta(head.inputs)];
        if (typeof h.name === "string" && b.name === h.name && b.namespace === h.namespace) {
            return { order: "delete-first", why: `explicit metadata.name "${h.name}": one object of that name can exist` };
        }
        return { order: "create-first", why: "a new object name" };
    }
    const rule = tableRule(head.type);
    if (rule?.nameField && head.inputs[rule.nameField] !== undefined) {
        return { order: "delete-first", why: `explicit ${rule.nameField}: the bridge deletes a named resource before creating it again` };
    }
    if (rule?.nameField) return { order: "create-first", why: `auto-named ${rule.nameField}: the replacement gets a new name` };
    return { order: "create-first", why: "the engine's default" };
}

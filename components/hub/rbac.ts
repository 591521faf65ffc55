/**
 * The hub's rights: ServiceAccount `hub`, and a Role and RoleBinding `hub` granting what
 * KubeSpawner needs in the hub namespace (`KUBESPAWNER_RULES`), nothing cluster-wide.
 */
import * as k8s from "../sdk/kubernetes";
import { HUB_NAMES } from "../naming";
import type { HubScope } from "./args";

/**
 * What KubeSpawner does in the namespace: create, watch and delete lab pods; read events to
 * report spawn progress. No persistentvolumeclaims: homes are subPaths of the shared `homes`
 * claim and `storage_pvc_ensure`/`delete_pvc` are off, so a compromised hub cannot delete the
 * homes claim or its own database claim. No services or secrets: `services_enabled` and
 * `internal_ssl` stay off.
 */
export const KUBESPAWNER_RULES: ReadonlyArray<{ apiGroups: string[]; resources: string[]; verbs: string[] }> = [
    { apiGroups: [""], resources: ["pods"], verbs: ["get", "watch", "list", "create", "delete"] },
    { apiGroups: [""], resources: ["events"], verbs: ["get", "watch", "list"] },
];

/** Declares ServiceAccount, Role and RoleBinding `hub`; returns the ServiceAccount the hub pod runs as. */
export function declareHubRbac(scope: HubScope): k8s.core.v1.ServiceAccount {
    const { name, hubLabels } = scope;
    const ns = scope.namespace;
    const child = { parent: scope.parent };
    const serviceAccount = new k8s.core.v1.ServiceAccount(
        `${name}-service-account`,
        { metadata: { name: HUB_NAMES.serviceAccount, namespace: ns, labels: hubLabels } },
        child,
    );
    const role = new k8s.rbac.v1.Role(
        `${name}-role`,
        {
            metadata: { name: HUB_NAMES.role, namespace: ns, labels: hubLabels },
            rules: KUBESPAWNER_RULES.map((r) => ({ ...r })),
        },
        child,
    );
    new k8s.rbac.v1.RoleBinding(
        `${name}-role-binding`,
        {
            metadata: { name: HUB_NAMES.role, namespace: ns, labels: hubLabels },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
            subjects: [{ kind: "ServiceAccount", name: serviceAccount.metadata.name, namespace: ns }],
        },
        child,
    );

    return serviceAccount;
}

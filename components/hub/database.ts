/**
 * The hub's database claim: PersistentVolumeClaim `hub-db`, ReadWriteOnce, for the sqlite
 * database (never on NFS); none when the caller brings its own claim (GKE: the storage
 * component's, on a protected, snapshotted disk).
 */
import * as k8s from "../sdk/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { HUB_NAMES } from "../naming";
import type { HubScope, ResolvedHubArgs } from "./args";

/** The name of the claim the hub mounts: the caller's, or the `hub-db` claim declared here. */
export function declareDatabaseClaim(
    scope: HubScope,
    a: Pick<ResolvedHubArgs, "databaseClaimName" | "databaseSize" | "databaseStorageClass">,
): pulumi.Input<string> {
    const { name, hubLabels } = scope;
    const ns = scope.namespace;
    const child = { parent: scope.parent };
    const dbClaimName = a.databaseClaimName ?? new k8s.core.v1.PersistentVolumeClaim(
        `${name}-db`,
        {
            metadata: { name: HUB_NAMES.databaseClaim, namespace: ns, labels: hubLabels },
            spec: {
                accessModes: ["ReadWriteOnce"],
                resources: { requests: { storage: a.databaseSize } },
                ...(a.databaseStorageClass ? { storageClassName: a.databaseStorageClass } : {}),
            },
        },
        child,
    ).metadata.name;
    return dbClaimName;
}

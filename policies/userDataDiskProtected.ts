/**
 * user-data-disk-protected (stack): a disk that holds user data survives a mistaken
 * `pulumi destroy` or a replacement: Pulumi `protect`, and retained on delete.
 *
 * A disk holds user data when a PersistentVolume mounts it (its `csi.volumeHandle` or
 * `gcePersistentDisk.pdName` is the disk, by dependency or by name): the homes disk behind the
 * NFS server, the hub database's disk. That is what the disk is, so no edit of the disk itself
 * (dropping its USER_DATA_LABEL together with `protect`) can hide it. A disk labelled
 * USER_DATA_LABEL (components/naming.ts) counts too, mounted or not.
 */
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { USER_DATA_LABEL } from "../components/naming";
import { peek, UNKNOWN } from "./lib/policy";

/** GCP-side deletion policies that also keep the disk when Pulumi deletes it. */
const KEEPING_DELETION_POLICIES = ["ABANDON", "PREVENT"];
const DISK_TYPES = ["gcp:compute/disk:Disk", "gcp:compute/regionDisk:RegionDisk"];
const PERSISTENT_VOLUME_TYPE = "kubernetes:core/v1:PersistentVolume";

/** True when a disk's labels mark it as user data. */
export function isUserDataDisk(labels: Record<string, string> | undefined): boolean {
    return labels?.[USER_DATA_LABEL.key] === USER_DATA_LABEL.value;
}

/** The disk a PersistentVolume's spec names, as written (an id, a self link or a bare name). */
function volumeDiskRef(pv: PolicyResource): string | undefined {
    const spec = peek(() => pv.props.spec as { csi?: { volumeHandle?: unknown }; gcePersistentDisk?: { pdName?: unknown } } | undefined);
    if (spec === UNKNOWN || !spec) return undefined;
    const ref = peek(() => spec.csi?.volumeHandle ?? spec.gcePersistentDisk?.pdName);
    return typeof ref === "string" ? ref : undefined;
}

/** True when `pv` mounts `disk`: its spec depends on the disk, or names it. */
function mountsDisk(pv: PolicyResource, disk: PolicyResource): boolean {
    if ((pv.propertyDependencies.spec ?? []).includes(disk)) return true;
    const ref = volumeDiskRef(pv);
    if (!ref) return false;
    const name = peek(() => disk.props.name as unknown);
    const ids = [peek(() => disk.props.id as unknown), peek(() => disk.props.selfLink as unknown)];
    if (typeof name === "string" && name !== "" && (ref === name || ref.endsWith(`/disks/${name}`))) return true;
    return ids.some((id) => typeof id === "string" && id !== "" && (ref === id || ref.endsWith(id)));
}

/** Every disk of the stack that holds user data: mounted by a PersistentVolume, or labelled so. */
export function userDataDisks(resources: readonly PolicyResource[]): PolicyResource[] {
    const volumes = resources.filter((r) => r.type === PERSISTENT_VOLUME_TYPE);
    return resources.filter((r) => {
        if (!DISK_TYPES.includes(r.type)) return false;
        const labels = peek(() => r.props.labels as Record<string, string> | undefined);
        return (labels !== UNKNOWN && isUserDataDisk(labels)) || volumes.some((pv) => mountsDisk(pv, r));
    });
}

export const userDataDiskProtected: StackValidationPolicy = {
    name: "user-data-disk-protected",
    description:
        "A disk that holds user data (one a PersistentVolume mounts, or labelled as user data) is protected and retained on delete, so users' homes and the hub database outlive any destroy, replacement or rename.",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const disks = userDataDisks(args.resources);
        if (disks.length === 0) {
            args.notApplicable(`no disk mounted by a PersistentVolume or labelled ${USER_DATA_LABEL.key}=${USER_DATA_LABEL.value}`);
        }
        for (const disk of disks) {
            const what = `disk "${disk.name}" holds user data`;
            if (disk.opts.protect !== true) {
                reportViolation(`${what} but is not protected: set the \`protect\` resource option so no preview or destroy can delete it.`, disk.urn);
            }
            // Retained on delete, in two forms. Pulumi's `retainOnDelete` option never reaches the
            // engine's policies (the analyzer protocol has no field for it), so the provider's
            // deletionPolicy ABANDON, which keeps the disk when Pulumi deletes it, is required as
            // the form both the engine and the offline check can see; where the host does pass
            // `retainOnDelete` (the offline check), it must be true as well.
            const retainOnDelete = (disk.opts as { retainOnDelete?: boolean }).retainOnDelete;
            if (retainOnDelete === false) {
                reportViolation(`${what} but is not retained on delete: set the \`retainOnDelete\` resource option.`, disk.urn);
            }
            const deletionPolicy = peek(() => disk.props.deletionPolicy as unknown);
            if (deletionPolicy !== UNKNOWN && !KEEPING_DELETION_POLICIES.includes(String(deletionPolicy ?? "").toUpperCase())) {
                reportViolation(
                    `${what} but deletionPolicy is ${deletionPolicy ? `"${String(deletionPolicy)}"` : "not set"}: set deletionPolicy "ABANDON" (with retainOnDelete) so deleting the resource never deletes the disk.`,
                    disk.urn,
                );
            }
        }
    },
};

/**
 * user-data-disk-snapshotted (stack): every disk that holds user data (one a PersistentVolume
 * mounts, or labelled as user data: `userDataDisks` in userDataDiskProtected.ts) has a snapshot
 * schedule attached, through a DiskResourcePolicyAttachment naming a ResourcePolicy with a
 * snapshotSchedulePolicy, or through the disk's own `resourcePolicies`.
 */
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { USER_DATA_LABEL } from "../components/naming";
import { peek, UNKNOWN } from "./lib/policy";
import { userDataDisks } from "./userDataDiskProtected";

const POLICY_TYPE = "gcp:compute/resourcePolicy:ResourcePolicy";
const ATTACHMENT_TYPES = [
    "gcp:compute/diskResourcePolicyAttachment:DiskResourcePolicyAttachment",
    "gcp:compute/regionDiskResourcePolicyAttachment:RegionDiskResourcePolicyAttachment",
];

/** True when `from` refers to `to`: by dependency on `key`, or by `to`'s name, id or self link. */
function refersTo(from: PolicyResource, key: string, to: PolicyResource): boolean {
    if ((from.propertyDependencies[key] ?? []).includes(to) || from.dependencies.includes(to)) {
        return true;
    }
    const value = peek(() => from.props[key] as unknown);
    if (value === UNKNOWN || typeof value !== "string") return false;
    const names = [peek(() => to.props.name as unknown), peek(() => to.props.selfLink as unknown), peek(() => to.props.id as unknown)];
    return names.some((n) => typeof n === "string" && n !== "" && (value === n || value.endsWith(`/${n}`)));
}

function hasSnapshotSchedule(policy: PolicyResource): boolean {
    const schedule = peek(() => (policy.props.snapshotSchedulePolicy as { schedule?: unknown } | undefined)?.schedule);
    return schedule === UNKNOWN || !!schedule;
}

export const userDataDiskSnapshotted: StackValidationPolicy = {
    name: "user-data-disk-snapshotted",
    description:
        "A disk that holds user data (one a PersistentVolume mounts, or labelled as user data) has a snapshot schedule attached, so a deleted file or a corrupted disk can be restored.",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const disks = userDataDisks(args.resources);
        if (disks.length === 0) {
            args.notApplicable(`no disk mounted by a PersistentVolume or labelled ${USER_DATA_LABEL.key}=${USER_DATA_LABEL.value}`);
        }
        const schedules = args.resources.filter((r) => r.type === POLICY_TYPE && hasSnapshotSchedule(r));
        const attachments = args.resources.filter((r) => ATTACHMENT_TYPES.includes(r.type));
        for (const disk of disks) {
            const own = peek(() => disk.props.resourcePolicies as unknown[] | undefined);
            const ownSchedule = own === UNKNOWN || (Array.isArray(own) && own.length > 0);
            const attached = attachments.some((a) => refersTo(a, "disk", disk) && schedules.some((s) => refersTo(a, "name", s)));
            if (!ownSchedule && !attached) {
                reportViolation(
                    `disk "${disk.name}" holds user data but no snapshot schedule is attached: declare a gcp.compute.ResourcePolicy with a snapshotSchedulePolicy and attach it with gcp.compute.DiskResourcePolicyAttachment.`,
                    disk.urn,
                );
            }
        }
    },
};

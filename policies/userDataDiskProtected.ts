/**
 * user-data-disk-protected: a disk labelled as user data (USER_DATA_LABEL, components/naming.ts)
 * survives a mistaken `pulumi destroy` or a replacement: Pulumi `protect`, and retained on delete.
 */
import * as gcp from "@pulumi/gcp";
import { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { USER_DATA_LABEL } from "../components/naming";
import { peek, UNKNOWN } from "./lib/policy";

/** GCP-side deletion policies that also keep the disk when Pulumi deletes it. */
const KEEPING_DELETION_POLICIES = ["ABANDON", "PREVENT"];

/** True when a disk's labels mark it as user data. */
export function isUserDataDisk(labels: Record<string, string> | undefined): boolean {
    return labels?.[USER_DATA_LABEL.key] === USER_DATA_LABEL.value;
}

function check(disk: { labels?: Record<string, string>; deletionPolicy?: string }, args: ResourceValidationArgs, reportViolation: ReportViolation): void {
    if (!isUserDataDisk(disk.labels)) {
        args.notApplicable(`not labelled ${USER_DATA_LABEL.key}=${USER_DATA_LABEL.value}`);
    }
    if (args.opts.protect !== true) {
        reportViolation("the disk holds user data but is not protected: set the `protect` resource option so no preview or destroy can delete it.");
    }
    // Retained on delete, in two forms. Pulumi's `retainOnDelete` option never reaches the engine's
    // policies (the analyzer protocol has no field for it), so the provider's deletionPolicy
    // ABANDON, which keeps the disk when Pulumi deletes it, is required as the form both the engine
    // and the offline check can see; where the host does pass `retainOnDelete` (the offline check),
    // it must be true as well.
    const retainOnDelete = (args.opts as { retainOnDelete?: boolean }).retainOnDelete;
    if (retainOnDelete === false) {
        reportViolation("the disk holds user data but is not retained on delete: set the `retainOnDelete` resource option.");
    }
    const deletionPolicy = peek(() => disk.deletionPolicy);
    if (deletionPolicy !== UNKNOWN && !KEEPING_DELETION_POLICIES.includes(String(deletionPolicy ?? "").toUpperCase())) {
        reportViolation(
            `the disk holds user data but deletionPolicy is ${deletionPolicy ? `"${deletionPolicy}"` : "not set"}: set deletionPolicy "ABANDON" (with retainOnDelete) so deleting the resource never deletes the disk.`,
        );
    }
}

export const userDataDiskProtected: ResourceValidationPolicy = {
    name: "user-data-disk-protected",
    description:
        "A disk labelled as user data is protected and retained on delete, so users' homes outlive any destroy, replacement or rename.",
    enforcementLevel: "mandatory",
    validateResource: [
        validateResourceOfType(gcp.compute.Disk, (disk, args, reportViolation) => check(disk, args, reportViolation)),
        validateResourceOfType(gcp.compute.RegionDisk, (disk, args, reportViolation) => check(disk, args, reportViolation)),
    ],
};

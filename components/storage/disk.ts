/**
 * Protected GCE disks: the homes disk and the hub database's disk, their daily snapshot schedule
 * and the schedule's attachments. Used by the storage component (index.ts) only.
 *
 * Every resource here is `protect`ed (Pulumi refuses to delete or replace it) and `retainOnDelete`
 * (if someone lifts the protection and deletes it anyway, Pulumi only forgets it: the disk and its
 * backups stay in GCP). Inputs come from the storage settings and the GCP location only, so no
 * other config change can alter, and so replace, them. They use the default gcp provider and
 * depend on nothing of the cluster.
 */
import * as gcp from "../sdk/gcp";
import * as pulumi from "@pulumi/pulumi";
import { DiskType } from "../config";
import { gcpLabels, USER_DATA_LABEL } from "../naming";

/** Where the disks live and how they are backed up (GKE stacks). */
export interface GceDiskLocation {
    /** GCP project of the disks. */
    readonly project: string;
    /** Region of the snapshot schedule (the disks' zone's region). */
    readonly region: string;
    /** Zone of the disks; pods that mount them are pinned to it. Changing it replaces (refused) the disks. */
    readonly zone: string;
    /**
     * Adopt existing disks of these names (and the schedule and attachments) with Pulumi's `import`
     * option instead of creating them. The inputs must then match the existing resources.
     */
    readonly adoptExisting: boolean;
    /** GCE disk type. Changing it replaces (refused) the disks. */
    readonly diskType: DiskType;
}

/** One protected disk: its name (RFC 1035, at most 57 characters), size and immutable description. */
export interface ProtectedDiskSpec {
    readonly diskName: string;
    /** Size in GB (GiB, as GCE counts). Grows in place; GCE cannot shrink a disk. */
    readonly sizeGb: number;
    /** Immutable in GCE, so constant (no stack name): an adopted disk must match it. */
    readonly description: string;
}

/** The id Pulumi's gcp provider gives a zonal disk (and accepts for `import`). */
function diskId(project: string, zone: string, diskName: string): string {
    return `projects/${project}/zones/${zone}/disks/${diskName}`;
}

/** Name of the daily snapshot schedule, named after the homes disk. */
export function snapshotPolicyName(diskName: string): string {
    return `${diskName}-daily`;
}

function keep(parent: pulumi.Resource, adopt: boolean, importId: string): pulumi.CustomResourceOptions {
    return {
        parent,
        protect: true,
        retainOnDelete: true,
        import: adopt ? importId : undefined,
        // deletionPolicy exists in Pulumi's state only, not in GCE: an import reads it as unset and
        // would refuse the mismatch. The first `up` after adoption with adoptExistingDisk back to
        // false sets it.
        ignoreChanges: adopt ? ["deletionPolicy"] : undefined,
    };
}

/** A protected, retained disk labelled as user data. */
export function protectedDisk(name: string, loc: GceDiskLocation, spec: ProtectedDiskSpec, stack: string, parent: pulumi.Resource): gcp.compute.Disk {
    return new gcp.compute.Disk(
        name,
        {
            name: spec.diskName,
            project: loc.project,
            zone: loc.zone,
            size: spec.sizeGb,
            type: loc.diskType,
            description: spec.description,
            labels: gcpLabels(stack, { [USER_DATA_LABEL.key]: USER_DATA_LABEL.value }),
            // Belt and braces with retainOnDelete: the provider itself abandons the disk instead of
            // deleting it, and the engine's policies can see this (retainOnDelete never reaches them).
            deletionPolicy: "ABANDON",
        },
        {
            ...keep(parent, loc.adoptExisting, diskId(loc.project, loc.zone, spec.diskName)),
            // A disk recreated from a snapshot (docs/storage.md, "Restore the whole disk") reads back
            // with `snapshot` set, a field that forces replacement: the restore is the intended way
            // back, so that field's drift is never a reason to replace (which protect would refuse).
            ignoreChanges: [...(loc.adoptExisting ? ["deletionPolicy"] : []), "snapshot"],
        },
    );
}

/** The daily snapshot schedule (one for every protected disk of the stack). */
export function snapshotSchedule(
    name: string,
    loc: GceDiskLocation,
    policyName: string,
    schedule: { readonly retentionDays: number; readonly startTime: string },
    stack: string,
    parent: pulumi.Resource,
): gcp.compute.ResourcePolicy {
    return new gcp.compute.ResourcePolicy(
        name,
        {
            name: policyName,
            project: loc.project,
            region: loc.region,
            description: "Daily snapshots of the JupyterLab homes disk (jupyterlabdemo).",
            snapshotSchedulePolicy: {
                schedule: { dailySchedule: { daysInCycle: 1, startTime: schedule.startTime } },
                // Snapshots outlive the disk: they are the backup of last resort.
                retentionPolicy: { maxRetentionDays: schedule.retentionDays, onSourceDiskDelete: "KEEP_AUTO_SNAPSHOTS" },
                snapshotProperties: { labels: gcpLabels(stack, { [USER_DATA_LABEL.key]: USER_DATA_LABEL.value }) },
            },
        },
        keep(parent, loc.adoptExisting, `projects/${loc.project}/regions/${loc.region}/resourcePolicies/${policyName}`),
    );
}

/** Attaches the schedule to one disk. */
export function attachSchedule(
    name: string,
    loc: GceDiskLocation,
    disk: gcp.compute.Disk,
    diskName: string,
    policy: gcp.compute.ResourcePolicy,
    policyName: string,
    parent: pulumi.Resource,
): gcp.compute.DiskResourcePolicyAttachment {
    return new gcp.compute.DiskResourcePolicyAttachment(
        name,
        { project: loc.project, zone: loc.zone, disk: disk.name, name: policy.name },
        keep(parent, loc.adoptExisting, `${diskId(loc.project, loc.zone, diskName)}/${policyName}`),
    );
}

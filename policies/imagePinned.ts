/**
 * k8s-image-pinned: every container image carries a tag or a digest, never `:latest`, so the same
 * program always runs the same software and a rollback really rolls back.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { imageIsPinned } from "../components/config";
import { containersOf, validateWorkloads } from "./lib/policy";

export const imagePinned: ResourceValidationPolicy = {
    name: "k8s-image-pinned",
    description:
        "Every container image is pinned by a tag or a digest and never :latest, so a deployment is reproducible and an upstream push cannot change what runs.",
    enforcementLevel: "mandatory",
    validateResource: validateWorkloads((w, _args, reportViolation) => {
        for (const { label, container } of containersOf(w.pod)) {
            const image = container.image;
            if (!image) {
                reportViolation(`${label} has no image.`);
            } else if (image.includes("@") && !imageIsPinned(image)) {
                reportViolation(`${label} image "${image}" has a malformed digest: a digest is @sha256: followed by 64 lowercase hex digits.`);
            } else if (!imageIsPinned(image)) {
                reportViolation(`${label} image "${image}" is not pinned: use a tag other than latest (registry/name:1.2.3) or a digest (@sha256:...).`);
            }
        }
    }),
};

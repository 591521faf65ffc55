/**
 * nfs-server-image-digest (advisory): the NFS server's images are pinned by digest as well as by
 * tag. A tag can be pushed again; the server holds every user's files, so until each digest is
 * set (`storage.imageDigests`, docs/storage.md gives the command that resolves them) the pack
 * warns. The server's pods are known by their component label, set in one place
 * (components/naming.ts).
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { COMPONENTS } from "../components/naming";
import { containersOf, validateWorkloads } from "./lib/policy";

const DIGEST_RE = /@sha256:[a-f0-9]{64}$/;

export const nfsServerImageDigest: ResourceValidationPolicy = {
    name: "nfs-server-image-digest",
    description:
        "The NFS server's container images carry a sha256 digest, so a re-pushed tag cannot change the software that serves every user's files.",
    enforcementLevel: "advisory",
    validateResource: validateWorkloads((w, _args, reportViolation) => {
        if (w.podLabels["app.kubernetes.io/component"] !== COMPONENTS.nfsServer) return;
        for (const { label, container } of containersOf(w.pod)) {
            if (!DIGEST_RE.test(container.image ?? "")) {
                reportViolation(
                    `${label} image "${container.image ?? ""}" has no digest: resolve it (crane digest <image>) and set storage.imageDigests (docs/storage.md, "Images").`,
                );
            }
        }
    }),
};

/**
 * What every part of the config module shares: the project's namespace, the one error type, and
 * the value rules several keys use (names, quantities, CIDRs, images, namespaces). No schema here.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { hasLeadingZeros, isIpv4Cidr } from "../cidr";
import { CERT_MANAGER_NAMESPACE, INGRESS_NAMESPACE } from "../naming";

export const PROJECT = "jupyterlabdemo";

/** A config mistake: a single line naming the key and what is allowed. */
export class ConfigError extends pulumi.RunError {
    constructor(message: string) {
        super(message);
        this.name = "ConfigError";
    }
}

// ---------------------------------------------------------------------------------------------
// Value rules shared by several keys
// ---------------------------------------------------------------------------------------------

/** An RFC 1123 DNS label, lowercase: a hostname's parts and Kubernetes object names. */
export const DNS_LABEL = "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?";
export const HOSTNAME_RE = new RegExp(`^(?=.{1,253}$)${DNS_LABEL}(\\.${DNS_LABEL})+$`);
/** Kubernetes object names (RFC 1123 labels). */
const K8S_NAME_RE = new RegExp(`^${DNS_LABEL}$`);
/** GCP project ids: a letter first, 6 to 30 of a-z, 0-9 and -, no trailing -. */
const GCP_PROJECT_RE = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
/** GitHub logins and organization names: alphanumerics and single inner hyphens, at most 39. */
const GITHUB_NAME_RE = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
/** Kubernetes resource quantities as used for memory and disk sizes. */
const QUANTITY_RE = /^[0-9]+(\.[0-9]+)?(k|M|G|T|Ki|Mi|Gi|Ti)?$/;
const HHMM_RE = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;

/**
 * True when an image reference pins a version: a tag other than `latest`, or a digest.
 * `registry:5000/name` has a port, not a tag, so only a `:` after the last `/` counts.
 * A reference with `@` pins only by a well-formed digest (`@sha256:` and 64 lowercase hex
 * digits): `name@sha256:abc` is malformed, not a tag `abc`.
 */
export function imageIsPinned(image: string): boolean {
    if (image.includes("@")) {
        return /^[^@]+@sha256:[a-f0-9]{64}$/.test(image);
    }
    const lastSegment = image.slice(image.lastIndexOf("/") + 1);
    const colon = lastSegment.indexOf(":");
    if (colon < 0) {
        return false;
    }
    const tag = lastSegment.slice(colon + 1);
    return /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag) && tag !== "latest";
}

export const imageRef = z
    .string()
    .regex(/^[a-z0-9][a-z0-9._\-/:@]*$/, "must be an image reference such as registry/name:tag")
    .refine(imageIsPinned, "must carry a tag or a sha256 digest, never a bare name or :latest");

export const quantity = (example: string) =>
    z.string().regex(QUANTITY_RE, `must be a Kubernetes quantity such as ${example}`);
export const cpu = z.number().positive("must be a positive number of CPU cores").max(64, "must be at most 64 cores");
export const IPV4_CIDR_MESSAGE = "must be an IPv4 CIDR such as 10.10.0.0/20";
// Leading zeros are ambiguous (inet_aton reads 010 as octal 8; Go's net.ParseIP refuses them), and
// the text is written verbatim into the subnetwork: refuse them before they reach GCE.
export const LEADING_ZEROS_MESSAGE = "must not have leading zeros in an octet or the prefix (010 is octal to some parsers)";
export const ipv4Cidr = z.string().refine((v) => !hasLeadingZeros(v), LEADING_ZEROS_MESSAGE).refine(isIpv4Cidr, IPV4_CIDR_MESSAGE);
export const hhmm = z.string().regex(HHMM_RE, "must be a UTC time as HH:MM");
export const githubName = z.string().regex(GITHUB_NAME_RE, "must be a GitHub login or organization name");
export const k8sName = z.string().regex(K8S_NAME_RE, "must be a lowercase RFC 1123 name (a-z, 0-9, -; at most 63)");
export const gcpProjectId = z.string().regex(GCP_PROJECT_RE, "must be a GCP project id");

/** GCE persistent disk types a node boot disk or the homes disk may use. */
const DISK_TYPES = ["pd-balanced", "pd-standard", "pd-ssd"] as const;
export type DiskType = (typeof DISK_TYPES)[number];
export const diskType = z.enum(DISK_TYPES).default("pd-balanced");
/**
 * GCE disk names (RFC 1035: a letter first), at most 57 characters so that the disk's snapshot
 * schedule, named `<diskName>-daily`, stays within GCE's 63.
 */
export const GCE_DISK_NAME_RE = /^[a-z]([a-z0-9-]{0,55}[a-z0-9])?$/;
const GCE_DISK_NAME_RULE = "must be a GCE disk name: a lowercase letter, then a-z, 0-9 or -, at most 57 characters";
export const gceDiskName = z.string().regex(GCE_DISK_NAME_RE, GCE_DISK_NAME_RULE);
/** A lowercased GitHub login: the name of a user's home directory (components/hub/lab_identity.py). */
export const LOWERCASE_LOGIN_RE = /^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){0,38}$/;
export const lowercaseLogin = z.string().regex(LOWERCASE_LOGIN_RE, "must be a lowercase GitHub login (the name of the user's home)");
/** An image digest as `sha256:<64 hex>`. */
const IMAGE_DIGEST_RE = /^sha256:[a-f0-9]{64}$/;
export const imageDigest = z.string().regex(IMAGE_DIGEST_RE, "must be a digest such as sha256:<64 lowercase hex digits>");

/**
 * Namespaces the program declares for the edge: another component there would be a second
 * Namespace object of the same name.
 */
const EDGE_NAMESPACES = [INGRESS_NAMESPACE, CERT_MANAGER_NAMESPACE] as const;

/**
 * Why `name` cannot hold the program's workloads, or undefined when it can. Kubernetes reserves
 * `default` and the `kube-` prefix (kube-system, kube-public, kube-node-lease); GKE installs its
 * own components in `gke-*` and `gmp-*` (Managed Service for Prometheus: gmp-system, gmp-public).
 */
function reservedNamespace(name: string): string | undefined {
    if (name === "default" || /^(kube|gke|gmp)-/.test(name)) {
        return `a system namespace (default, kube-*, gke-*, gmp-* belong to Kubernetes and GKE)`;
    }
    if ((EDGE_NAMESPACES as readonly string[]).includes(name)) {
        return `the ingress controller's or cert-manager's namespace (${EDGE_NAMESPACES.join(", ")})`;
    }
    return undefined;
}

/** A namespace the program declares and owns: a Kubernetes name that is not reserved. */
export const ownNamespace = k8sName.refine((v) => reservedNamespace(v) === undefined, {
    error: (issue) => `must not be ${reservedNamespace(String(issue.input))}`,
});

const QUANTITY_FACTORS: Record<string, number> = {
    "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40,
};

/** Bytes in a Kubernetes quantity (the subset QUANTITY_RE accepts). */
export function quantityBytes(q: string): number {
    const m = /^([0-9.]+)([a-zA-Z]*)$/.exec(q);
    if (!m || !(m[2] in QUANTITY_FACTORS)) {
        throw new Error(`not a quantity: ${q}`);
    }
    return Number(m[1]) * QUANTITY_FACTORS[m[2]];
}

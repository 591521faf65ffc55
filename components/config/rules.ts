/**
 * The rules across keys: each in words for the generated config reference (RULES_ACROSS_KEYS),
 * and checked on the validated config (`checkRulesAcrossKeys`); and the rule for keys outside
 * the project's namespace (`otherNamespaceKeyProblem`).
 */
import { AUTH_SECRETS, AUTHENTICATOR_NAMES, authenticatorEntry, ownerOfSecret, secretKeysOf } from "../authenticators";
import { cidrsOverlap, networkOf, parseCidr } from "../cidr";
import { PRICED_MACHINE_TYPES } from "../machineTypes";
import { GCE_DISK_NAME_RE, LOWERCASE_LOGIN_RE, PROJECT, quantityBytes } from "./common";
import { MAX_EXCLUSION_DAYS } from "./infraSchema";
import { closest, fail } from "./messages";
import { SECRET_KEYS } from "./schema";
import type { GcpConfig, ProjectConfig, SecretKey } from "./schema";

/** What is wrong with a stack's `namespace:key` the project schema does not own, or undefined. */
export function otherNamespaceKeyProblem(namespace: string, key: string): string | undefined {
    if (namespace === PROJECT) return undefined;
    const known = OTHER_NAMESPACE_KEYS[namespace];
    if (namespace === "kubernetes") {
        return "has no effect: the program configures its Kubernetes providers explicitly (kubeContext on local), so kubernetes: keys are never read";
    }
    if (!known) {
        return `unknown config namespace "${namespace}" (this program reads ${PROJECT}:, gcp: and pulumi: keys)`;
    }
    const keys = known();
    if (keys.includes(key)) return undefined;
    const near = closest(key, keys);
    return `unknown key${near ? ` (did you mean ${namespace}:${near}?)` : ""}`;
}

/**
 * The keys each other namespace has. `gcp:` takes the installed provider's own list (the config
 * getters of @pulumi/gcp), so a provider upgrade brings its new keys; `pulumi:` takes the engine's
 * (pulumi/pulumi: `disable-default-providers` in pkg/resource/deploy/default_providers.go,
 * `autonaming` in pkg/cmd/pulumi/autonaming/config.go, `tags` in sdk/go/common/workspace/project.go).
 */
const OTHER_NAMESPACE_KEYS: Record<string, () => readonly string[]> = {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    gcp: () => Object.keys(require("@pulumi/gcp/config/vars") as object),
    pulumi: () => ["disable-default-providers", "autonaming", "tags"],
};

/**
 * The rules `parseSettings` checks across keys (and on keys outside the schema), in words, for
 * the generated config reference: the table shows each key alone, these say how keys combine.
 * Keep each line beside the check it describes when either changes.
 */
export const RULES_ACROSS_KEYS: readonly string[] = [
    "`platform: local`: `kubeContext` is required; `gcp:project`, `ingress.dnsZone` and `ingress.dnsProject` must not be set; `storage.adoptExistingDisk` must be false.",
    "`platform: gke`: `kubeContext` must not be set; `gcp:project`, `gcp:region`, `gcp:zone` (a zone of that region) and `ingress.acmeEmail` are required; `ingress.dnsProject` needs `ingress.dnsZone`.",
    "Each pool's `minNodes` is at most its `maxNodes`.",
    "`cluster.nodeCidr`, `podCidr` and `serviceCidr` are network addresses (no host bits) and do not overlap.",
    "Each pool's `machineType` is one scripts/lib/prices.json prices, unless `cluster.allowUnpricedMachineTypes` is true.",
    authenticatorRulesInWords(),
    `Secret keys (${SECRET_KEYS.map((k) => `\`${k}\``).join(", ")}) are stored encrypted (\`pulumi config set --secret\`), never in plaintext.`,
    "`lab.images` and `lab.sizes`: exactly one entry has `default: true`, names are unique, and each size's limits are at least its guarantees.",
    "On `gke`, the default `storage.diskName` (`<stack>-homes`) must be a valid GCE disk name, or `storage.diskName` is set.",
    "Other namespaces: `gcp:` takes the keys of the installed `@pulumi/gcp` provider (a typo is refused with the likely key); `pulumi:` takes `disable-default-providers`, `autonaming` and `tags`; `kubernetes:` keys are refused, since the program configures its Kubernetes providers explicitly and never reads them; any other namespace is refused.",
    "A stack file's top level holds only `config`, `environment`, `secretsprovider`, `encryptedkey` and `encryptionsalt`.",
];

/**
 * Validates raw stack config and resolves every default. Pure: no engine needed, so tests call it
 * directly. Secret values are only checked for presence; they are never part of the result.
 */

/**
 * Checks the rules across keys on validated config, in the order a reader of the stack file meets
 * the keys; the first broken rule throws its ConfigError. Returns the disk names resolved from the
 * stack name where the stack file sets none.
 */
export function checkRulesAcrossKeys(
    cfg: ProjectConfig,
    gcp: GcpConfig,
    context: { readonly stack: string },
    secretsPresent: ReadonlySet<SecretKey>,
    /** The length of each secret value set (never the value). */
    secretLengths: ReadonlyMap<SecretKey, number>,
): { readonly diskName: string; readonly hubDatabaseDiskName: string } {
    const ns = PROJECT;
    // Cross-field rules, in the order a reader of the stack file meets the keys.
    if (cfg.platform === "local") {
        if (!cfg.kubeContext) fail(`${ns}:kubeContext`, "is required when platform is local (the kubeconfig context to deploy onto)");
        if (gcp.project) fail("gcp:project", "must not be set when platform is local (local declares no GCP resources)");
        if (cfg.ingress.dnsZone) fail(`${ns}:ingress.dnsZone`, "must not be set when platform is local (no Cloud DNS)");
        if (cfg.ingress.dnsProject) fail(`${ns}:ingress.dnsProject`, "must not be set when platform is local (no Cloud DNS)");
        if (cfg.ingress.createDnsZone) fail(`${ns}:ingress.createDnsZone`, "must be false when platform is local (no Cloud DNS)");
        if (cfg.storage.adoptExistingDisk) fail(`${ns}:storage.adoptExistingDisk`, "must be false when platform is local (no GCE disk)");
    } else {
        if (cfg.kubeContext) fail(`${ns}:kubeContext`, "must not be set when platform is gke (the cluster is created by this program)");
        if (!gcp.project) fail("gcp:project", "is required when platform is gke (pulumi config set gcp:project <project-id>)");
        if (!gcp.region) fail("gcp:region", "is required when platform is gke (pulumi config set gcp:region <region>)");
        if (!gcp.zone) fail("gcp:zone", "is required when platform is gke (pulumi config set gcp:zone <zone>)");
        if (!gcp.zone.startsWith(`${gcp.region}-`)) fail("gcp:zone", `must be a zone of gcp:region (${gcp.region}), got "${gcp.zone}"`);
        if (cfg.ingress.dnsProject && !cfg.ingress.dnsZone) {
            fail(`${ns}:ingress.dnsProject`, "is set but ingress.dnsZone is not (the project of which zone?)");
        }
        if (cfg.ingress.createDnsZone && !cfg.ingress.dnsZone) {
            fail(`${ns}:ingress.createDnsZone`, "needs ingress.dnsZone (the name of the zone to create)");
        }
        if (cfg.ingress.createDnsZone && cfg.ingress.dnsProject && cfg.ingress.dnsProject !== gcp.project) {
            fail(`${ns}:ingress.dnsProject`, `must be gcp:project (${gcp.project}) or unset with createDnsZone (the stack creates zones in its own project only)`);
        }
        if (cfg.ingress.dnsZoneDomain !== undefined && !cfg.ingress.createDnsZone) {
            fail(`${ns}:ingress.dnsZoneDomain`, "is set but ingress.createDnsZone is not (an existing zone's domain is its own)");
        }
        const zoneDomain = cfg.ingress.dnsZoneDomain;
        if (zoneDomain !== undefined && zoneDomain !== cfg.hostname && !cfg.hostname.endsWith(`.${zoneDomain}`)) {
            fail(`${ns}:ingress.dnsZoneDomain`, `must be the hostname (${cfg.hostname}) or a parent domain of it, got "${zoneDomain}"`);
        }
        if (!cfg.ingress.acmeEmail) fail(`${ns}:ingress.acmeEmail`, "is required when platform is gke (Let's Encrypt account contact)");
    }
    for (const pool of ["corePool", "userPool"] as const) {
        const p = cfg.cluster[pool];
        if (p.minNodes > p.maxNodes) {
            fail(`${ns}:cluster.${pool}.maxNodes`, `must be >= minNodes (${p.minNodes}), got ${p.maxNodes}`);
        }
    }
    // GKE refuses ranges with host bits set or ranges that overlap: say so before deploying.
    const ranges = (["nodeCidr", "podCidr", "serviceCidr"] as const).map((k) => [k, cfg.cluster[k]] as const);
    for (const [k, cidr] of ranges) {
        if (!parseCidr(cidr)!.isNetworkAddress) {
            fail(`${ns}:cluster.${k}`, `must be a network address (${networkOf(cidr)}), got "${cidr}"`);
        }
    }
    ranges.forEach(([k, cidr], i) => {
        for (const [other, otherCidr] of ranges.slice(0, i)) {
            if (cidrsOverlap(cidr, otherCidr)) {
                fail(`${ns}:cluster.${k}`, `must not overlap cluster.${other} (${otherCidr}), got "${cidr}"`);
            }
        }
    });
    if (!cfg.cluster.allowUnpricedMachineTypes) {
        for (const pool of ["corePool", "userPool"] as const) {
            const type = cfg.cluster[pool].machineType;
            if (!PRICED_MACHINE_TYPES.includes(type)) {
                fail(`${ns}:cluster.${pool}.machineType`, `must be a machine type scripts/lib/prices.json prices (${PRICED_MACHINE_TYPES.join(", ")}), got "${type}"; price it there, or set cluster.allowUnpricedMachineTypes: true`);
            }
        }
    }
    const exclusionNames = new Set<string>();
    cfg.cluster.maintenanceExclusions.forEach((e, i) => {
        const key = `${ns}:cluster.maintenanceExclusions[${i}]`;
        if (exclusionNames.has(e.name)) fail(`${key}.name`, `must be unique, got "${e.name}" twice`);
        exclusionNames.add(e.name);
        const days = (Date.parse(e.end) - Date.parse(e.start)) / 86_400_000;
        if (days <= 0) fail(`${key}.end`, `must be after start (${e.start}), got "${e.end}"`);
        if (days > MAX_EXCLUSION_DAYS[e.scope]) {
            fail(`${key}.end`, `must be at most ${MAX_EXCLUSION_DAYS[e.scope]} days after start with scope ${e.scope} (a GKE limit), got ${Math.ceil(days)} days`);
        }
    });

    const mon = cfg.monitoring;
    if (cfg.platform === "local") {
        if (mon.notificationEmails.length > 0) fail(`${ns}:monitoring.notificationEmails`, "must not be set when platform is local (local declares no Cloud Monitoring)");
        if (mon.billingAccount) fail(`${ns}:monitoring.billingAccount`, "must not be set when platform is local (local declares no GCP resources)");
    }
    if (mon.billingAccount && mon.monthlyBudget === undefined) {
        fail(`${ns}:monitoring.monthlyBudget`, "is required with monitoring.billingAccount (the budget's monthly amount)");
    }
    if (mon.monthlyBudget !== undefined && !mon.billingAccount) {
        fail(`${ns}:monitoring.billingAccount`, "is required with monitoring.monthlyBudget (the billing account the budget watches)");
    }

    checkAuthenticator(cfg, secretsPresent, secretLengths);

    for (const menu of ["images", "sizes"] as const) {
        const items: ReadonlyArray<{ name: string; default: boolean }> = cfg.lab[menu];
        const defaults = items.filter((i) => i.default).length;
        if (defaults !== 1) fail(`${ns}:lab.${menu}`, `must mark exactly one entry default: true, got ${defaults}`);
        const seen = new Set<string>();
        items.forEach((item, i) => {
            if (seen.has(item.name)) fail(`${ns}:lab.${menu}[${i}].name`, `must be unique, got "${item.name}" twice`);
            seen.add(item.name);
        });
    }
    cfg.lab.sizes.forEach((size, i) => {
        if (size.cpuLimit < size.cpuGuarantee) {
            fail(`${ns}:lab.sizes[${i}].cpuLimit`, `must be >= cpuGuarantee (${size.cpuGuarantee}), got ${size.cpuLimit}`);
        }
        if (quantityBytes(size.memoryLimit) < quantityBytes(size.memoryGuarantee)) {
            fail(`${ns}:lab.sizes[${i}].memoryLimit`, `must be >= memoryGuarantee (${size.memoryGuarantee}), got "${size.memoryLimit}"`);
        }
    });

    const diskName = cfg.storage.diskName ?? `${context.stack}-homes`;
    if (cfg.platform === "gke" && !GCE_DISK_NAME_RE.test(diskName)) {
        fail(`${ns}:storage.diskName`, `must be set: the default from the stack name is not a valid GCE disk name (a lowercase letter first, at most 57 characters), got "${diskName}"`);
    }

    const hubDatabaseDiskName = cfg.storage.hubDatabaseDiskName ?? `${context.stack}-hub-db`;
    if (cfg.platform === "gke") {
        if (!GCE_DISK_NAME_RE.test(hubDatabaseDiskName)) {
            fail(`${ns}:storage.hubDatabaseDiskName`, `must be set: the default from the stack name is not a valid GCE disk name, got "${hubDatabaseDiskName}"`);
        }
        if (hubDatabaseDiskName === diskName) {
            fail(`${ns}:storage.hubDatabaseDiskName`, `must differ from storage.diskName ("${diskName}")`);
        }
    }
    // The NFS server runs with more privilege than any other pod: it gets a namespace of its own.
    if (cfg.storage.namespace === cfg.hub.namespace) {
        fail(`${ns}:storage.namespace`, `must differ from hub.namespace ("${cfg.hub.namespace}"): the NFS server needs a namespace of its own`);
    }
    for (const login of Object.keys(cfg.storage.userQuotaOverrides)) {
        if (!LOWERCASE_LOGIN_RE.test(login)) {
            fail(`${ns}:storage.userQuotaOverrides.${login}`, "must be keyed by a lowercase GitHub login (the name of the user's home)");
        }
    }
    for (const login of cfg.storage.quotaExclusions) {
        if (login in cfg.storage.userQuotaOverrides) {
            fail(`${ns}:storage.quotaExclusions`, `must not list "${login}", which storage.userQuotaOverrides also sets (an override or no quota, not both)`);
        }
    }
    return { diskName, hubDatabaseDiskName };
}

/**
 * The chosen authenticator's rules (components/authenticators.ts): its platforms, its own rules
 * across its keys, its secret keys set (and long enough); and no other authenticator's secret key
 * set, since nothing would read it.
 */
function checkAuthenticator(cfg: ProjectConfig, secretsPresent: ReadonlySet<SecretKey>, secretLengths: ReadonlyMap<SecretKey, number>): void {
    const ns = PROJECT;
    const name = cfg.hub.authenticator;
    const entry = authenticatorEntry(name);
    if (!entry.platforms.includes(cfg.platform)) {
        fail(`${ns}:hub.authenticator`, `may be "${name}" only when platform is ${entry.platforms.join(" or ")}, got "${name}"`);
    }
    entry.rules?.check(cfg, (key, message) => fail(`${ns}:${key}`, message));
    for (const key of secretKeysOf(name)) {
        const secret = AUTH_SECRETS[key];
        if (!secretsPresent.has(key)) {
            fail(`${ns}:${key}`, `is required with the ${name} authenticator (pulumi config set --secret ${ns}:${key} ${secret.valueName})`);
        }
        if (secret.minLength && (secretLengths.get(key) ?? 0) < secret.minLength.length) {
            fail(`${ns}:${key}`, `must be at least ${secret.minLength.length} characters (${secret.minLength.why})`);
        }
    }
    for (const key of SECRET_KEYS) {
        const owner = ownerOfSecret(key);
        if (owner !== name && secretsPresent.has(key)) fail(`${ns}:${key}`, `must not be set unless hub.authenticator is "${owner}"`);
    }
}

/** The authenticators' rules across keys, in words, for the config reference. */
function authenticatorRulesInWords(): string {
    const each = AUTHENTICATOR_NAMES.map((name) => {
        const entry = authenticatorEntry(name);
        const needs = [...(entry.rules?.needs ?? [])];
        for (const key of secretKeysOf(name)) {
            const min = AUTH_SECRETS[key].minLength;
            needs.push(`\`${key}\`${min ? ` of at least ${min.length} characters` : ""}`);
        }
        const parts = entry.platforms.length < 2 ? [`only on ${entry.platforms.map((p) => `\`${p}\``).join(" or ")}`] : [];
        if (needs.length > 0) parts.push(`needs ${needs.length > 1 ? `${needs.slice(0, -1).join(", ")} and ${needs[needs.length - 1]}` : needs[0]}`);
        return `\`hub.authenticator: ${name}\` ${parts.join(", ")}`;
    });
    return `${each.join("; ")}; each authenticator's secret keys are set only with it.`;
}

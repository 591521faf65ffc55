/**
 * Reading a stack's config: the raw `namespace:key` strings parsed and validated against the
 * schema and the rules across keys, defaults resolved, the result frozen; and, under the engine,
 * the secret values as secret outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import { authenticatorSecrets } from "../authenticators";
import type { AuthenticatorSecrets } from "../authenticators";
import { ConfigError, PROJECT } from "./common";
import { describeIssue, fail, plaintextSecretMessage, valueAt } from "./messages";
import { checkRulesAcrossKeys, otherNamespaceKeyProblem } from "./rules";
import { gcpSchema, isSecretKey, projectSchema } from "./schema";
import type { RawConfig, SecretKey, Settings } from "./schema";

/** Parses a raw config string the way Pulumi stores it: objects and lists as JSON, the rest as text. */
function parseRawValue(namespace: string, key: string, raw: string): unknown {
    const trimmed = raw.trim();
    if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
        try {
            return JSON.parse(trimmed);
        } catch {
            throw new ConfigError(`${namespace}:${key}: is not valid structured config (JSON/YAML object or list)`);
        }
    }
    if (trimmed === "true" || trimmed === "false") {
        return trimmed === "true";
    }
    return raw;
}

/**
 * Validates raw stack config and resolves every default. Pure: no engine needed, so tests call it
 * directly. Secret values are only checked for presence; they are never part of the result.
 */
export function parseSettings(
    raw: RawConfig,
    context: {
        readonly project: string;
        readonly stack: string;
        /** Keys whose values are stored encrypted; when given, a secret key outside it is refused as plaintext. */
        readonly secretKeys?: readonly string[];
    },
): Settings {
    const ns = PROJECT;
    const projectInput: Record<string, unknown> = {};
    const gcpInput: Record<string, unknown> = {};
    const secretsPresent = new Set<SecretKey>();
    const secretLengths = new Map<SecretKey, number>();
    for (const fullKey of Object.keys(raw).sort()) {
        const colon = fullKey.indexOf(":");
        const namespace = fullKey.slice(0, colon);
        const key = fullKey.slice(colon + 1);
        const misplaced = otherNamespaceKeyProblem(namespace, key);
        if (misplaced) fail(fullKey, misplaced);
        if (namespace === ns) {
            if (isSecretKey(key)) {
                if (context.secretKeys && !context.secretKeys.includes(fullKey)) {
                    fail(fullKey, plaintextSecretMessage(fullKey));
                }
                if (raw[fullKey] !== "") {
                    secretsPresent.add(key);
                }
                secretLengths.set(key, raw[fullKey].length);
                projectInput[key] = "(secret)";
            } else {
                projectInput[key] = parseRawValue(ns, key, raw[fullKey]);
            }
        } else if (namespace === "gcp" && key in gcpSchema.shape) {
            gcpInput[key] = raw[fullKey];
        }
    }

    // Keys that existed once: a stack file still holding one gets told why, not "unknown key".
    if (valueAt(projectInput, ["cluster", "masterCidr"]) !== undefined) {
        fail(
            `${ns}:cluster.masterCidr`,
            "is no longer used: the control plane is reached over Private Service Connect and a DNS endpoint (no peering /28); remove the key",
        );
    }
    const parsedGcp = gcpSchema.safeParse(gcpInput);
    if (!parsedGcp.success) {
        throw new ConfigError(describeIssue("gcp", parsedGcp.error.issues[0], gcpInput));
    }
    const parsed = projectSchema.safeParse(projectInput);
    if (!parsed.success) {
        throw new ConfigError(describeIssue(ns, parsed.error.issues[0], projectInput));
    }
    const cfg = parsed.data;
    const gcp = parsedGcp.data;

    const { diskName, hubDatabaseDiskName } = checkRulesAcrossKeys(cfg, gcp, context, secretsPresent, secretLengths);

    // Secret values stay out of the settings (they were only "(secret)" stand-ins anyway).
    const plain = Object.fromEntries(Object.entries(cfg).filter(([key]) => !isSecretKey(key))) as Omit<typeof cfg, SecretKey>;
    const settings: Settings = {
        project: context.project,
        stack: context.stack,
        ...plain,
        gcp: cfg.platform === "gke" ? { project: gcp.project!, region: gcp.region!, zone: gcp.zone! } : undefined,
        cluster: { ...cfg.cluster, name: cfg.cluster.name ?? `jupyterlab-${context.stack}` },
        storage: { ...cfg.storage, diskName, hubDatabaseDiskName },
        secretsPresent,
    };
    return deepFreeze(settings);
}

function deepFreeze<T>(value: T): T {
    if (value && typeof value === "object" && !(value instanceof Set)) {
        for (const v of Object.values(value)) {
            deepFreeze(v);
        }
        Object.freeze(value);
    }
    return value;
}

/** The chosen authenticator's secret config values as secret outputs, never as plain strings. */
export type SecretSettings = AuthenticatorSecrets;

/**
 * Reads the running stack's config, validates it, and returns the settings plus the secret
 * values as secret outputs. Throws `ConfigError` on any mistake.
 */
export function loadSettings(): { settings: Settings; secrets: SecretSettings } {
    const raw = pulumi.runtime.allConfig();
    // The engine marks encrypted keys (PULUMI_CONFIG_SECRET_KEYS); the SDK's reader of that list is
    // internal, so it is used only when present.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const isConfigSecret = (require("@pulumi/pulumi/runtime/config") as { isConfigSecret?: (k: string) => boolean }).isConfigSecret;
    const settings = parseSettings(raw, {
        project: pulumi.getProject(),
        stack: pulumi.getStack(),
        secretKeys: isConfigSecret ? Object.keys(raw).filter((k) => isConfigSecret(k)) : undefined,
    });
    const config = new pulumi.Config(PROJECT);
    // Validation has required each of the chosen authenticator's secret keys.
    const secrets = authenticatorSecrets(settings.hub.authenticator, (key) => config.requireSecret(key));
    return { settings, secrets };
}

/**
 * The contract between the program and the hub's Python: what `settings.json` in the hub ConfigMap
 * holds, defined once as a zod schema. The TypeScript types are inferred from it; the file is
 * built by parsing through it (a program-side mismatch fails the render); and its JSON Schema
 * ships beside the file as `settings.schema.json`, against which the hub's settings.py validates
 * the whole document at start-up (a hub-side mismatch stops the hub with one line naming the key).
 *
 * Where KubeSpawner has a name for a thing, the settings carry it under that name: the menu is
 * KubeSpawner's `profile_list`, each choice with its `kubespawner_override`, built here from the
 * config. What depends on the user (identity, ids, the home's quota) stays in the hub's Python.
 *
 * Users: components/hub/config.ts (writes both files into the ConfigMap), index.ts
 * (`buildLabSettings`), the hub's settings.py, hooks.py and lab_*.py (read them), test/hub
 * (fixtures written from a render).
 */
import { z } from "zod";
import { AUTHENTICATOR_NAMES, AUTHENTICATORS, HUB_AUTH_SETTINGS_SCHEMAS } from "../authenticators";
import type { AuthenticatorName } from "../authenticators";
import { LabImage, LabSize, quantityBytes } from "../config";
import { COMPONENTS, Placement, selectorLabels } from "../naming";
// The quota module itself, not the storage component: it is pure and imports nothing.
import type { QuotaSettings } from "../storage/quota";

/** Keys of the hub ConfigMap: the settings and their JSON Schema. */
export const HUB_SETTINGS_KEY = "settings.json";
export const HUB_SETTINGS_SCHEMA_KEY = "settings.schema.json";

/** Port of the single-user server in a lab pod (KubeSpawner's default). */
export const LAB_PORT = 8888;

const name = z.string().min(1);
const labels = z.record(z.string(), z.string());
const wholeSeconds = z.number().int().min(1);
const service = z.strictObject({ name, port: z.number().int().min(1).max(65535) });

/** The hub's own settings: networking, URLs, database (jupyterhub_config.py). */
const hubOwnShape = {
    stack: name,
    hostname: name,
    url: z.string().startsWith("https://"),
    oauthCallbackUrl: z.string().startsWith("https://"),
    shutdownOnLogout: z.boolean(),
    databasePath: name,
    services: z.strictObject({ hub: service, proxyApi: service, proxyPublic: service }),
};

/**
 * settings.json "hub": the hub's own keys together with the chosen authenticator's (its name
 * under `authenticator` and its own keys, from the registry in components/authenticators.ts),
 * one strict object per authenticator.
 */
const [firstHubSettings, ...otherHubSettings] = AUTHENTICATOR_NAMES.map((n) => z.strictObject({ ...hubOwnShape, ...HUB_AUTH_SETTINGS_SCHEMAS[n].shape }));
const hubSettingsSchema = z.discriminatedUnion("authenticator", [firstHubSettings, ...otherHubSettings]);

/** One choice of a profile option: KubeSpawner's shape, `kubespawner_override` built here. */
const choice = <T extends z.ZodType>(override: T) =>
    z.strictObject({ display_name: name, default: z.boolean(), kubespawner_override: override });
/**
 * A profile option; nothing off the list is accepted. Choices in menu order, exactly one the
 * default (checked when the program builds the file; JSON Schema cannot say it of an object's
 * values, so the shipped schema leaves it out).
 */
const option = <T extends z.ZodType>(override: T) =>
    z
        .strictObject({
            display_name: name,
            choices: z.record(name, choice(override)),
            unlisted_choice: z.strictObject({ enabled: z.literal(false) }),
        })
        .refine((o) => Object.values(o.choices).filter((c) => c.default).length === 1, {
            message: "exactly one choice must be the default",
            path: ["choices"],
        });

/** KubeSpawner traits an image choice sets. */
const imageOverrideSchema = z.strictObject({
    image: name,
    /** An image that does not start with jupyterhub-singleuser names its own command. */
    cmd: z.array(name).min(1).optional(),
});
/** KubeSpawner traits a size choice sets (memory in bytes). */
const sizeOverrideSchema = z.strictObject({
    cpu_guarantee: z.number().positive(),
    cpu_limit: z.number().positive(),
    mem_guarantee: z.number().int().positive(),
    mem_limit: z.number().int().positive(),
});

/** KubeSpawner's `profile_list`: one profile, slug "lab", an image and a size option. */
const profileListSchema = z
    .array(
        z.strictObject({
            display_name: name,
            slug: z.literal("lab"),
            /** The hub appends the user's home quota to it. */
            description: name,
            default: z.literal(true),
            profile_options: z.strictObject({ image: option(imageOverrideSchema), size: option(sizeOverrideSchema) }),
        }),
    )
    .length(1);

/** The homes' quotas (components/storage/quota.ts `QuotaSettings`, sorted). */
const homeQuotaSchema = z.strictObject({
    defaultGiB: z.number().int().min(1),
    overridesGiB: z.record(name, z.number().int().min(1)),
    excluded: z.array(name),
});

/** The lab pods' settings: what KubeSpawner makes of each user (hooks_*.py, jupyterhub_config.py). */
const labSettingsSchema = z.strictObject({
    /** "github": uid = GitHub user id, gids = org ids. "local": uid derived from the login (dummy login). */
    identity: z.enum(["github", "local"]),
    /** Claim holding every home; each lab mounts the subPath `<login>`. */
    homesClaimName: name,
    /** Labels of lab pods (KubeSpawner extra_labels); NetworkPolicies select on them. */
    podLabels: labels,
    /** Labels KubeSpawner puts on everything it creates (its common_labels). */
    commonLabels: labels,
    /** Annotations of lab pods (KubeSpawner extra_annotations): the scanner findings accepted, each with its reason. */
    podAnnotations: labels,
    /** KubeSpawner component_label: also the value of `app.kubernetes.io/component`. */
    componentLabel: name,
    /** Node selector and tolerations of lab pods (the user pool). */
    nodeSelector: labels,
    tolerations: z.array(labels),
    /** The menu, KubeSpawner's profile_list; the default choices are also the spawner's defaults. */
    profileList: profileListSchema,
    startTimeoutSeconds: wholeSeconds,
    httpTimeoutSeconds: wholeSeconds,
    culler: z.strictObject({ timeoutSeconds: wholeSeconds, everySeconds: wholeSeconds, maxAgeSeconds: z.number().int().min(0), concurrency: wholeSeconds }),
    /** KubeSpawner 7 slug scheme and pod name template, pinned (see docs/lab.md). */
    slugScheme: z.literal("safe"),
    podNameTemplate: name,
    /** The single-user server: command and port. */
    cmd: z.array(name).min(1),
    port: z.number().int().min(1).max(65535),
    /**
     * The homes' quotas, for the spawn page, the lab's HOME_QUOTA_GIB and the terminals' notice
     * (hooks_quota.home_quota_gib applies quotaGiBFor's rule). Absent where homes have no quotas (`local`).
     */
    homeQuota: homeQuotaSchema.optional(),
});

/** The whole of settings.json. */
const settingsSchema = z.strictObject({ hub: hubSettingsSchema, lab: labSettingsSchema });

export type HubSettings = z.infer<typeof hubSettingsSchema>;
export type LabSettings = z.infer<typeof labSettingsSchema>;
export type Settings = z.infer<typeof settingsSchema>;

/** One line per problem, each naming the key: a program-side mismatch stops the render. */
function parsed<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
    const result = schema.safeParse(value);
    if (!result.success) {
        const problems = result.error.issues.map((i) => `${[what, ...i.path.map(String)].join(".")}: ${i.message}`);
        throw new Error(`settings.json contract: ${problems.join("; ")}`);
    }
    return result.data;
}

/**
 * The ConfigMap entries of the contract: settings.json (keys in schema order, choices in menu
 * order: the parse through the schema fixes the order, so the same settings give the same bytes)
 * and its JSON Schema (keys sorted).
 */
export function settingsFiles(hub: HubSettings, lab: LabSettings): Record<string, string> {
    const doc = parsed(settingsSchema, { hub, lab }, "settings");
    return {
        [HUB_SETTINGS_KEY]: JSON.stringify(doc, null, 2) + "\n",
        [HUB_SETTINGS_SCHEMA_KEY]: settingsJsonSchemaText(),
    };
}

/**
 * settings.json "hub" in the shipped schema: zod writes the discriminated union as a plain `oneOf`,
 * and jsonschema's best_match may then describe a branch the document never chose. Written as the
 * tag (`authenticator`, one of the names) plus one `if authenticator is n then branch n` per
 * authenticator, the only errors are the tag's or the chosen branch's, so best_match names them.
 */
function taggedUnion(ctx: { zodSchema: unknown; jsonSchema: Record<string, unknown> }): void {
    if (ctx.zodSchema !== hubSettingsSchema) return;
    const branches = ctx.jsonSchema.oneOf as Record<string, unknown>[];
    delete ctx.jsonSchema.oneOf;
    Object.assign(ctx.jsonSchema, {
        type: "object",
        required: ["authenticator"],
        properties: { authenticator: { enum: [...AUTHENTICATOR_NAMES] } },
        allOf: branches.map((branch) => ({
            if: { properties: { authenticator: { const: (branch.properties as Record<string, { const: string }>).authenticator.const } }, required: ["authenticator"] },
            then: branch,
        })),
    });
}

/**
 * The JSON Schema of settings.json (draft 2020-12), as shipped: keys sorted at every level. The
 * same for every render, so computed once. (`sortedJson` twins config.ts `canonicalJson`, which
 * cannot be imported here: config.ts imports this module.)
 */
const SETTINGS_JSON_SCHEMA_TEXT = sortedJson(z.toJSONSchema(settingsSchema, { override: taggedUnion }), 2) + "\n";

function settingsJsonSchemaText(): string {
    return SETTINGS_JSON_SCHEMA_TEXT;
}

function sortedJson(value: unknown, indent: number): string {
    const sortKeys = (v: unknown): unknown =>
        Array.isArray(v)
            ? v.map(sortKeys)
            : v && typeof v === "object"
              ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]))
              : v;
    return JSON.stringify(sortKeys(value), null, indent);
}

// ---------------------------------------------------------------------------------------------
// The lab settings from the config
// ---------------------------------------------------------------------------------------------

export interface LabSettingsInput {
    readonly stack: string;
    readonly lab: {
        readonly images: readonly LabImage[];
        readonly sizes: readonly LabSize[];
        readonly startTimeoutSeconds: number;
        readonly httpTimeoutSeconds: number;
        readonly cullIdleSeconds: number;
        readonly cullEverySeconds: number;
        readonly cullMaxAgeSeconds: number;
    };
    /** The hub's authenticator: its registry entry gives the lab identity ("github": GitHub ids, "dummy": local ones). */
    readonly authenticator: AuthenticatorName;
    /** @default "homes" (the storage component's claim) */
    readonly homesClaimName?: string;
    /** Where labs run (the user pool); empty on `local`. */
    readonly userPlacement: Placement;
    /** The storage component's quotas, where homes have them (GKE); absent on `local`. */
    readonly homeQuota?: QuotaSettings;
}

/**
 * Checkov findings accepted on every lab pod, each with its reason, in the form Checkov reads
 * (test/real/validators.test.ts). Everything else Checkov checks, the lab pods pass.
 */
const LAB_POD_CHECKOV_SKIPS: Readonly<Record<string, string>> = {
    "checkov.io/skip1": "CKV_K8S_8=KubeSpawner polls the single-user server's HTTP port until it answers (http_timeout), and the idle culler stops a dead one",
    "checkov.io/skip2": "CKV_K8S_9=a lab is one user's pod behind the hub's proxy route, never a Service endpoint: readiness would gate nothing",
    "checkov.io/skip3": "CKV_K8S_15=menu images are pinned by exact tags; IfNotPresent uses the pre-puller's copy, so a lab starts without the registry",
    "checkov.io/skip4": "CKV_K8S_22=users install packages and write caches under / (pip, conda, /tmp): the lab's root filesystem stays writable",
    "checkov.io/skip5": "CKV_K8S_25=only the lab-home init container adds CHOWN, to hand a new home to its user; the admission policy allows nothing else",
    "checkov.io/skip6": "CKV_K8S_43=menu images are pinned by exact tags in lab.images (k8s-image-pinned); a digest may be given there instead",
};

/** The menu as KubeSpawner's profile_list: the config's images and sizes, in menu order. */
function buildProfileList(images: readonly LabImage[], sizes: readonly LabSize[]): LabSettings["profileList"] {
    const choices = <T extends { name: string; displayName: string; default: boolean }, O>(items: readonly T[], override: (i: T) => O) =>
        Object.fromEntries(items.map((i) => [i.name, { display_name: i.displayName, default: i.default, kubespawner_override: override(i) }]));
    return [
        {
            display_name: "JupyterLab",
            slug: "lab",
            description: "Choose an image and a size.",
            default: true,
            profile_options: {
                image: {
                    display_name: "Image",
                    choices: choices(images, (i) => ({ image: i.image, ...(i.command ? { cmd: [...i.command] } : {}) })),
                    unlisted_choice: { enabled: false },
                },
                size: {
                    display_name: "Size",
                    choices: choices(sizes, (s) => ({
                        cpu_guarantee: s.cpuGuarantee,
                        cpu_limit: s.cpuLimit,
                        mem_guarantee: Math.round(quantityBytes(s.memoryGuarantee)),
                        mem_limit: Math.round(quantityBytes(s.memoryLimit)),
                    })),
                    unlisted_choice: { enabled: false },
                },
            },
        },
    ];
}

/** The "lab" settings for the hub, from typed settings, checked against the contract. Pure and deterministic. */
export function buildLabSettings(input: LabSettingsInput): LabSettings {
    const { lab } = input;
    const podLabels = selectorLabels(input.stack, COMPONENTS.lab);
    const { ["app.kubernetes.io/component"]: component, ...rest } = podLabels;
    const settings: LabSettings = {
        identity: AUTHENTICATORS[input.authenticator].identity,
        homesClaimName: input.homesClaimName ?? "homes",
        podLabels,
        commonLabels: { ...rest, "app.kubernetes.io/managed-by": "kubespawner" },
        podAnnotations: { ...LAB_POD_CHECKOV_SKIPS },
        componentLabel: component,
        nodeSelector: { ...(input.userPlacement.nodeSelector ?? {}) },
        tolerations: (input.userPlacement.tolerations ?? []).map((t) => ({ ...t })),
        profileList: buildProfileList(lab.images, lab.sizes),
        startTimeoutSeconds: lab.startTimeoutSeconds,
        httpTimeoutSeconds: lab.httpTimeoutSeconds,
        culler: {
            timeoutSeconds: lab.cullIdleSeconds,
            everySeconds: lab.cullEverySeconds,
            maxAgeSeconds: lab.cullMaxAgeSeconds,
            concurrency: 10,
        },
        slugScheme: "safe",
        podNameTemplate: "jupyter-{user_server}",
        cmd: ["jupyterhub-singleuser"],
        port: LAB_PORT,
        // Sorted like the enforcer's config, so the same quotas give the same settings bytes.
        ...(input.homeQuota
            ? {
                  homeQuota: {
                      defaultGiB: input.homeQuota.defaultGiB,
                      overridesGiB: Object.fromEntries(Object.keys(input.homeQuota.overridesGiB).sort().map((k) => [k, input.homeQuota!.overridesGiB[k]])),
                      excluded: [...new Set(input.homeQuota.excluded)].sort(),
                  },
              }
            : {}),
    };
    return parsed(labSettingsSchema, settings, "lab");
}

/**
 * The registry of authenticators: how people log in to the hub.
 *
 * One entry per value of `hub.authenticator`. Each says which config keys it owns (a section of the
 * jupyterlabdemo namespace) and which secret keys, how each secret reaches the hub (its key in the
 * `hub-secrets` Secret and the hub's environment variable), on which platforms it is allowed, its
 * rules across keys, the Unix identity its users get in their labs, whether it admits only members
 * of organizations, and what it writes to the hub's settings.json. Everything else derives from
 * this table: the config schema (the enum, the sections, the secret keys, the messages and the
 * rules in words), the secrets, the hub's environment and settings, the hub-access policy and the
 * README's config reference. The hub's Python has the matching dispatch table (`AUTHENTICATORS` in
 * components/hub/jupyterhub_config.py: name -> the function that configures JupyterHub).
 *
 * Import-free of the rest of the program but components/config/common.ts, so the config schema,
 * the components and the policies can all read it.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { githubName } from "./config/common";

/** Where the program deploys (the `platform` key). */
type Platform = "gke" | "local";

/**
 * The Unix identity a lab user gets (settings.json `lab.identity`, hooks.identity_for):
 * `github`: uid = GitHub user id, gids = the user's GitHub organizations' ids.
 * `local`: uid derived from the login, no supplementary groups.
 */
type LabIdentity = "github" | "local";

/** A secret config key of an authenticator, and how its value reaches the hub. */
interface AuthSecret {
    /** Its key in the hub's Kubernetes Secret `hub-secrets`. */
    readonly hubSecretKey: string;
    /** The hub container's environment variable that carries it (jupyterhub_config.py reads it). */
    readonly env: string;
    /** The config reference's description (after "Secret. "). */
    readonly description: string;
    /** What the `pulumi config set --secret <key> <...>` hint names as the value. */
    readonly valueName: string;
    /** The shortest value the authenticator accepts, and why; the value itself is never echoed. */
    readonly minLength?: { readonly length: number; readonly why: string };
}

/** Reports a broken rule on `key` (relative to the jupyterlabdemo namespace); does not return. */
type Fail = (key: string, message: string) => never;

/** The validated values of a set of config sections. */
export type SectionValues<C> = { readonly [K in keyof C]: C[K] extends z.ZodType ? z.output<C[K]> : never };

/**
 * One authenticator. `C`: its config sections, `S`: its secret keys, `A`: its non-secret
 * arguments, `H`: what it adds to settings.json "hub".
 */
interface Authenticator<C extends Record<string, z.ZodType>, S extends string, A extends object, H extends z.ZodObject = z.ZodObject> {
    /** What it is, for `hub.authenticator`'s description in the config reference. */
    readonly summary: string;
    /** The platforms that allow it. */
    readonly platforms: readonly Platform[];
    /** True when only members of the allowed organizations can log in (the hub-access policy). */
    readonly restrictsToOrganizations: boolean;
    /** With `restrictsToOrganizations`: the dotted path of the organization list in settings.json. */
    readonly allowedOrganizationsSetting?: string;
    /** The identity its users get in their labs. */
    readonly identity: LabIdentity;
    /** Top-level config sections it owns (present on every stack, with their defaults). */
    readonly config: C;
    /** Secret config keys it needs; each is refused with any other authenticator. */
    readonly secrets: { readonly [K in S]: AuthSecret };
    /**
     * Its rules across its own keys when it is chosen: what it needs, in words for the config
     * reference ("`github.clientId`"), and the check.
     */
    readonly rules?: { readonly needs: readonly string[]; check(values: SectionValues<C>, fail: Fail): void };
    /** Its arguments to the components, from validated config (the rules above hold). */
    args(values: SectionValues<C>): A;
    /**
     * What it adds to settings.json "hub" beside `authenticator`, never a secret: the keys' schema
     * (its part of the hub's settings contract) and their values from its arguments.
     */
    readonly hubSettings: { readonly schema: H; of(args: A): z.input<H> };
}

function authenticator<C extends Record<string, z.ZodType>, S extends string, A extends object, H extends z.ZodObject>(
    entry: Authenticator<C, S, A, H>,
): Authenticator<C, S, A, H> {
    return entry;
}

// ---------------------------------------------------------------------------------------------
// github: GitHub OAuth, limited to organizations
// ---------------------------------------------------------------------------------------------

const githubSection = z
    .strictObject({
        clientId: z
            .string()
            .regex(/^[A-Za-z0-9._-]{8,64}$/, "must be a GitHub OAuth app client id")
            .optional()
            .describe("Client id of the GitHub OAuth app (its secret is `githubClientSecret`)."),
        allowedOrganizations: z
            .array(githubName)
            .default([])
            .describe("GitHub organizations whose members may log in. Required with the github authenticator."),
        adminUsers: z.array(githubName).default([]).describe("GitHub logins that are JupyterHub admins."),
    })
    .describe("GitHub login.");

const github = authenticator({
    summary: "GitHub organization login.",
    platforms: ["gke", "local"],
    restrictsToOrganizations: true,
    allowedOrganizationsSetting: "hub.github.allowedOrganizations",
    identity: "github",
    config: { github: githubSection },
    secrets: {
        githubClientSecret: {
            hubSecretKey: "github-client-secret",
            env: "GITHUB_CLIENT_SECRET",
            description: "Client secret of the GitHub OAuth app. Required with the github authenticator.",
            valueName: "<client-secret>",
        },
    },
    rules: {
        needs: ["`github.clientId`", "at least one of `github.allowedOrganizations`"],
        check({ github: gh }, fail) {
            if (!gh.clientId) fail("github.clientId", "is required with the github authenticator (the OAuth app's client id)");
            if (gh.allowedOrganizations.length === 0) {
                fail("github.allowedOrganizations", "must list at least one GitHub organization (with none, nobody can log in)");
            }
        },
    },
    args: ({ github: gh }) => ({
        // The rules above hold: a client id and one organization at least.
        clientId: gh.clientId!,
        allowedOrganizations: [...gh.allowedOrganizations],
        adminUsers: [...gh.adminUsers],
    }),
    hubSettings: {
        // What configure_github in jupyterhub_config.py reads.
        schema: z.strictObject({
            github: z.strictObject({
                clientId: z.string().min(1),
                allowedOrganizations: z.array(z.string()).min(1),
                adminUsers: z.array(z.string()),
            }),
        }),
        of: (a) => ({ github: { clientId: a.clientId, allowedOrganizations: [...a.allowedOrganizations], adminUsers: [...a.adminUsers] } }),
    },
});

// ---------------------------------------------------------------------------------------------
// dummy: one shared password, local stacks only
// ---------------------------------------------------------------------------------------------

const dummy = authenticator({
    summary: "one shared password (`dummyPassword`), `local` only.",
    platforms: ["local"],
    restrictsToOrganizations: false,
    identity: "local",
    config: {},
    secrets: {
        dummyPassword: {
            hubSecretKey: "dummy-password",
            env: "DUMMY_PASSWORD",
            description: "`local` with the dummy authenticator only: the shared password.",
            valueName: "<password>",
            // JupyterHub's shared-password authenticator refuses a shorter one at start-up.
            minLength: { length: 8, why: "JupyterHub's shared-password authenticator requires it" },
        },
    },
    args: () => ({}),
    hubSettings: { schema: z.strictObject({}), of: () => ({}) },
});

// ---------------------------------------------------------------------------------------------
// The table, and what derives from it
// ---------------------------------------------------------------------------------------------

/** Every authenticator, by its `hub.authenticator` name; the first is the default. */
export const AUTHENTICATORS = { github, dummy } as const;

type Table = typeof AUTHENTICATORS;
export type AuthenticatorName = keyof Table;
type SecretsOf<N extends AuthenticatorName> = keyof Table[N]["secrets"] & string;
type ArgsOf<N extends AuthenticatorName> = ReturnType<Table[N]["args"]>;
type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

/** The names, in table order (the enum of `hub.authenticator`). */
export const AUTHENTICATOR_NAMES = Object.keys(AUTHENTICATORS) as [AuthenticatorName, ...AuthenticatorName[]];
export const DEFAULT_AUTHENTICATOR: AuthenticatorName = AUTHENTICATOR_NAMES[0];

/** A secret config key of some authenticator. */
export type AuthSecretKey = { [N in AuthenticatorName]: SecretsOf<N> }[AuthenticatorName];

/** Every authenticator's config sections, by top-level key. */
export type AuthConfigSections = UnionToIntersection<Table[AuthenticatorName]["config"]>;
export const AUTH_CONFIG_SECTIONS = Object.assign({}, ...Object.values(AUTHENTICATORS).map((e) => e.config)) as AuthConfigSections;

/** Every secret config key, in table order, with what it is. */
export const AUTH_SECRETS = Object.assign({}, ...Object.values(AUTHENTICATORS).map((e) => e.secrets)) as Readonly<Record<AuthSecretKey, AuthSecret>>;
export const AUTH_SECRET_KEYS = Object.keys(AUTH_SECRETS) as AuthSecretKey[];

/** Any authenticator's entry, seen through what every entry has (for code that serves them all). */
type AnyAuthenticator = Authenticator<Record<string, z.ZodType>, string, object, z.ZodObject>;
export function authenticatorEntry(name: AuthenticatorName): AnyAuthenticator {
    return AUTHENTICATORS[name] as AnyAuthenticator;
}

/** The secret keys of one authenticator. */
export function secretKeysOf(name: AuthenticatorName): AuthSecretKey[] {
    return Object.keys(AUTHENTICATORS[name].secrets) as AuthSecretKey[];
}

/** The authenticator that owns a secret key. */
export function ownerOfSecret(key: AuthSecretKey): AuthenticatorName {
    return AUTHENTICATOR_NAMES.find((n) => key in AUTHENTICATORS[n].secrets)!;
}

/**
 * The authenticator's non-secret arguments to the components: a union discriminated by `kind`
 * (`{kind: "github", clientId, allowedOrganizations, adminUsers} | {kind: "dummy"}`).
 */
export type AuthenticatorArgs = { [N in AuthenticatorName]: { readonly kind: N } & ArgsOf<N> }[AuthenticatorName];

/** The authenticator's secret config values, as secret outputs, discriminated by `kind`. */
export type AuthenticatorSecrets = {
    [N in AuthenticatorName]: { readonly kind: N; readonly values: { readonly [K in SecretsOf<N>]: pulumi.Output<string> } };
}[AuthenticatorName];

/** The arguments of the chosen authenticator, from validated config. */
export function authenticatorArgs(config: { readonly hub: { readonly authenticator: AuthenticatorName } } & SectionValues<AuthConfigSections>): AuthenticatorArgs {
    const name = config.hub.authenticator;
    return { kind: name, ...authenticatorEntry(name).args(config) } as AuthenticatorArgs;
}

/** The chosen authenticator's secret values, each read by `read` (validated config has them all). */
export function authenticatorSecrets(name: AuthenticatorName, read: (key: AuthSecretKey) => pulumi.Output<string>): AuthenticatorSecrets {
    const values = Object.fromEntries(secretKeysOf(name).map((key) => [key, read(key)]));
    return { kind: name, values } as AuthenticatorSecrets;
}

/**
 * The authenticator's part of settings.json "hub", one strict schema per authenticator:
 * `authenticator` (its name) and its own keys (github: `github`). settings.json "hub" is the
 * hub's own keys together with the chosen one of these.
 */
export const HUB_AUTH_SETTINGS_SCHEMAS = {} as Record<AuthenticatorName, z.ZodObject>;
for (const n of AUTHENTICATOR_NAMES) {
    HUB_AUTH_SETTINGS_SCHEMAS[n] = authenticatorEntry(n).hubSettings.schema.extend({ authenticator: z.literal(n) });
}

/** settings.json "hub" entries of the authenticator, checked against its schema: its name and its own settings. */
export function hubAuthSettings(args: AuthenticatorArgs): Record<string, unknown> {
    const value = { authenticator: args.kind, ...authenticatorEntry(args.kind).hubSettings.of(args) };
    return HUB_AUTH_SETTINGS_SCHEMAS[args.kind].parse(value);
}

/** The hub container's environment for the authenticator's secrets: env name and `hub-secrets` key. */
export function hubAuthEnv(name: AuthenticatorName): Array<{ readonly env: string; readonly hubSecretKey: string }> {
    return secretKeysOf(name).map((key) => ({ env: AUTH_SECRETS[key].env, hubSecretKey: AUTH_SECRETS[key].hubSecretKey }));
}

/** The authenticators that admit only members of organizations, and where their lists are. */
export const ORGANIZATION_RESTRICTING = AUTHENTICATOR_NAMES.filter((n) => AUTHENTICATORS[n].restrictsToOrganizations);
export const ALLOWED_ORGANIZATIONS_SETTINGS = AUTHENTICATOR_NAMES.flatMap((n) => {
    const path = authenticatorEntry(n).allowedOrganizationsSetting;
    return path ? [path] : [];
});

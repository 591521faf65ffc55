/**
 * The hub's secrets (the design card's "OAuth secrets"), all in one Kubernetes Secret.
 *
 * - Generated with `@pulumi/random` and kept in the stack's state, so they are stable across
 *   runs: the hub cookie secret, the proxy auth token and the auth-state crypt key. Each has the
 *   rotation label (`secrets.rotation`) as its keeper: changing the label regenerates all three
 *   on purpose (see docs/hub.md for what that does to logged-in users).
 * - From secret config: the chosen authenticator's secret keys (components/authenticators.ts):
 *   the GitHub OAuth client secret (github) or the shared password (dummy, `local` only).
 *
 * They land in the Secret `hub-secrets` of the hub namespace under the keys of `HUB_SECRET_KEYS`.
 * Pods consume them through `secretKeyRef`s; no value ever goes to a ConfigMap, an env literal
 * or a stack output.
 */
import * as k8s from "./sdk/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { AUTH_SECRET_KEYS, AUTH_SECRETS } from "./authenticators";
import type { AuthenticatorSecrets, AuthSecretKey } from "./authenticators";
import { ANNOTATIONS, commonLabels, COMPONENTS } from "./naming";

/** The Kubernetes name of the Secret (a contract between components). */
export const HUB_SECRET_NAME = "hub-secrets";

/** The keys of the Secret, and what each holds. */
export const HUB_SECRET_KEYS = {
    /** JupyterHub cookie secret: 32 random bytes, hex (env JPY_COOKIE_SECRET). */
    cookieSecret: "cookie-secret",
    /** configurable-http-proxy API token shared by hub and proxy (env CONFIGPROXY_AUTH_TOKEN). */
    proxyToken: "proxy-token",
    /** Auth-state encryption key: 32 random bytes, hex (env JUPYTERHUB_CRYPT_KEY). */
    cryptKey: "crypt-key",
    /**
     * Each authenticator's secret config keys, under the key its registry entry names (github:
     * `github-client-secret`, env GITHUB_CLIENT_SECRET; dummy: `dummy-password`, env DUMMY_PASSWORD).
     */
    ...(Object.fromEntries(AUTH_SECRET_KEYS.map((key) => [key, AUTH_SECRETS[key].hubSecretKey])) as Record<AuthSecretKey, string>),
} as const;

export interface HubSecretsArgs {
    /** Stack name, for labels. */
    readonly stack: string;
    /** Namespace of the hub (created by the caller). */
    readonly namespace: pulumi.Input<string>;
    /**
     * Rotation label, the keeper of every generated secret: a new value regenerates them all.
     * @default "initial" (from config `secrets.rotation`)
     */
    readonly rotation: string;
    /** The hub's authenticator and its secret config values (secret outputs), e.g. `{kind: "github", values: {githubClientSecret}}`. */
    readonly authenticator: AuthenticatorSecrets;
}

export class HubSecrets extends pulumi.ComponentResource {
    /** Name of the Kubernetes Secret (`hub-secrets`); resolves once the Secret is declared. */
    public readonly secretName: pulumi.Output<string>;
    /** The Secret itself, for `dependsOn`. */
    public readonly secret: k8s.core.v1.Secret;

    constructor(name: string, args: HubSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("jupyterlabdemo:components:HubSecrets", name, {}, opts);

        // The authenticator's secrets, each under its key; the union's type says which are there.
        const fromConfig: Record<string, pulumi.Output<string>> = {};
        for (const [key, value] of Object.entries(args.authenticator.values) as Array<[AuthSecretKey, pulumi.Output<string>]>) {
            fromConfig[AUTH_SECRETS[key].hubSecretKey] = pulumi.secret(value);
        }

        // 32 random bytes, hex-encoded (64 characters), regenerated only when the label changes.
        const keepers = { rotation: args.rotation };
        const generated = (role: string) =>
            new random.RandomBytes(`${name}-${role}`, { length: 32, keepers }, { parent: this }).hex;

        const stringData: Record<string, pulumi.Output<string>> = {
            [HUB_SECRET_KEYS.cookieSecret]: generated("cookie-secret"),
            [HUB_SECRET_KEYS.proxyToken]: generated("proxy-token"),
            [HUB_SECRET_KEYS.cryptKey]: generated("crypt-key"),
            ...fromConfig,
        };

        this.secret = new k8s.core.v1.Secret(
            `${name}-secret`,
            {
                metadata: {
                    name: HUB_SECRET_NAME,
                    namespace: args.namespace,
                    labels: commonLabels(args.stack, COMPONENTS.hub),
                    annotations: { [ANNOTATIONS.secretsRotation]: args.rotation },
                },
                type: "Opaque",
                stringData,
            },
            { parent: this },
        );
        this.secretName = this.secret.metadata.name;

        this.registerOutputs({ secretName: this.secretName });
    }
}

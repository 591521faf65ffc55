/**
 * The hub's secrets (the design card's "OAuth secrets"), all in one Kubernetes Secret.
 *
 * - Generated with `@pulumi/random` and kept in the stack's state, so they are stable across
 *   runs: the hub cookie secret, the proxy auth token and the auth-state crypt key. Each has the
 *   rotation label (`secrets.rotation`) as its keeper: changing the label regenerates all three
 *   on purpose (see docs/hub.md for what that does to logged-in users).
 * - From secret config: the GitHub OAuth client secret (github authenticator) or the shared
 *   password (dummy authenticator, `local` only).
 *
 * They land in the Secret `hub-secrets` of the hub namespace under the keys of `HUB_SECRET_KEYS`.
 * Pods consume them through `secretKeyRef`s; no value ever goes to a ConfigMap, an env literal
 * or a stack output.
 */
import * as k8s from "./sdk/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
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
    /** GitHub OAuth app client secret (env GITHUB_CLIENT_SECRET); github authenticator only. */
    githubClientSecret: "github-client-secret",
    /** Shared password (env DUMMY_PASSWORD); dummy authenticator only. */
    dummyPassword: "dummy-password",
} as const;

export type HubSecretKey = (typeof HUB_SECRET_KEYS)[keyof typeof HUB_SECRET_KEYS];

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
    /** Which login the hub uses; decides which config secret is required. */
    readonly authenticator: "github" | "dummy";
    /** GitHub OAuth client secret, a secret output. Required with `github`; forbidden with `dummy`. */
    readonly githubClientSecret?: pulumi.Output<string>;
    /** Shared password, a secret output. Required with `dummy`; forbidden with `github`. */
    readonly dummyPassword?: pulumi.Output<string>;
}

export class HubSecrets extends pulumi.ComponentResource {
    /** Name of the Kubernetes Secret (`hub-secrets`); resolves once the Secret is declared. */
    public readonly secretName: pulumi.Output<string>;
    /** The Secret itself, for `dependsOn`. */
    public readonly secret: k8s.core.v1.Secret;

    constructor(name: string, args: HubSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("jupyterlabdemo:components:HubSecrets", name, {}, opts);

        // Cross-field rules (config validation already enforces them; this guards other callers).
        const fromConfig: Partial<Record<HubSecretKey, pulumi.Output<string>>> = {};
        if (args.authenticator === "github") {
            if (!args.githubClientSecret) {
                throw new pulumi.ResourceError("HubSecrets: githubClientSecret is required with the github authenticator", this);
            }
            if (args.dummyPassword) {
                throw new pulumi.ResourceError("HubSecrets: dummyPassword must not be set with the github authenticator", this);
            }
            fromConfig[HUB_SECRET_KEYS.githubClientSecret] = pulumi.secret(args.githubClientSecret);
        } else {
            if (!args.dummyPassword) {
                throw new pulumi.ResourceError("HubSecrets: dummyPassword is required with the dummy authenticator", this);
            }
            if (args.githubClientSecret) {
                throw new pulumi.ResourceError("HubSecrets: githubClientSecret must not be set with the dummy authenticator", this);
            }
            fromConfig[HUB_SECRET_KEYS.dummyPassword] = pulumi.secret(args.dummyPassword);
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

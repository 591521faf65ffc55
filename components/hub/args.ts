/**
 * The Hub component's arguments, and the resolved form its builders read (defaults applied once).
 */
import * as pulumi from "@pulumi/pulumi";
import type { AuthenticatorArgs } from "../authenticators";
import type { Placement } from "../naming";
import type { LabSettings } from "./settingsContract";

/** Cpu/memory requests and memory limit of a container. */
export interface ContainerResources {
    /** CPU request, e.g. "100m". */
    readonly cpuRequest: string;
    /** Memory request, e.g. "512Mi". */
    readonly memoryRequest: string;
    /** Memory limit, e.g. "1Gi". */
    readonly memoryLimit: string;
    /** CPU limit; none by default (throttling the hub hurts more than it protects). */
    readonly cpuLimit?: string;
}

export interface HubArgs {
    /** Stack name, for labels. */
    readonly stack: string;
    /** Namespace of hub, proxy and labs (created by the caller). */
    readonly namespace: pulumi.Input<string>;
    /** Public hostname; the OAuth callback is `https://<hostname>/hub/oauth_callback`. */
    readonly hostname: string;
    /**
     * The login and its settings (components/authenticators.ts): `{kind: "github", clientId,
     * allowedOrganizations, adminUsers}` (organization login) or `{kind: "dummy"}` (one shared
     * password, `local` stacks only).
     */
    readonly authenticator: AuthenticatorArgs;
    /** Name of the Secret holding `HUB_SECRET_KEYS` (from `HubSecrets`); its output orders the pods after it. */
    readonly secretName: pulumi.Input<string>;
    /** The rotation label of the generated secrets: put on both pods so a rotation restarts them. */
    readonly secretsRotation: string;
    /** Hub image (JupyterHub with KubeSpawner, OAuthenticator, idle culler), pinned. */
    readonly image: string;
    /** configurable-http-proxy image, pinned. */
    readonly proxyImage: string;
    /** Size of the `hub-db` claim, e.g. "1Gi". */
    readonly databaseSize: string;
    /** StorageClass of the `hub-db` claim. @default the cluster's default class */
    readonly databaseStorageClass?: string;
    /**
     * A claim for the database declared elsewhere (GKE: the storage component's, on a protected,
     * snapshotted disk); the hub then declares none, and `databaseSize`/`databaseStorageClass`
     * do not apply. @default the hub's own `hub-db` claim
     */
    readonly databaseClaimName?: pulumi.Input<string>;
    /** Node selector and tolerations of hub and proxy (the core pool); empty on `local`. */
    readonly placement: Placement;
    /**
     * Settings of the lab section of jupyterhub_config.py (`buildLabSettings` in
     * settingsContract.ts), written to `settings.json` under "lab". Never secrets.
     */
    readonly labSettings: pulumi.Input<LabSettings>;
    /** Hub container resources. @default 200m / 512Mi requested, 1Gi limit */
    readonly hubResources?: ContainerResources;
    /** Proxy container resources. @default 100m / 128Mi requested, 512Mi limit */
    readonly proxyResources?: ContainerResources;
    /**
     * Earlier identities of the hub's and the proxy's NetworkPolicies (the lab component declared
     * them before), so Pulumi updates each in place instead of creating the new one and then
     * deleting the same Kubernetes object. @default none
     */
    readonly networkPolicyAliases?: {
        readonly hub?: pulumi.Input<pulumi.URN | pulumi.Alias>[];
        readonly proxy?: pulumi.Input<pulumi.URN | pulumi.Alias>[];
    };
}

/** The arguments with every default resolved: what the builders (rbac, database, config, deployment, proxy) read. */
export interface ResolvedHubArgs extends Omit<HubArgs, "hubResources" | "proxyResources"> {
    readonly hubResources: ContainerResources;
    readonly proxyResources: ContainerResources;
}

/** Defaults, resolved once. */
export function resolveHubArgs(args: HubArgs): ResolvedHubArgs {
    return {
        ...args,
        hubResources: args.hubResources ?? { cpuRequest: "200m", memoryRequest: "512Mi", memoryLimit: "1Gi" },
        proxyResources: args.proxyResources ?? { cpuRequest: "100m", memoryRequest: "128Mi", memoryLimit: "512Mi" },
    };
}

/** Where a hub builder declares its objects: the component, its name, its namespace and labels. */
export interface HubScope {
    readonly parent: pulumi.Resource;
    readonly name: string;
    readonly namespace: pulumi.Input<string>;
    /** `commonLabels(stack, "hub")`. */
    readonly hubLabels: Record<string, string>;
}

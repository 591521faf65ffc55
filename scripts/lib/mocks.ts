/**
 * Pulumi mocks for the offline render: the only `setMocks` in the project.
 *
 * The mocks give each resource believable state: its inputs, plus the outputs that only exist after
 * a deployment (an address, a ClusterIP, an endpoint) as placeholders naming their source,
 * `${<logical name>.<output path>}`. Those placeholders flow into the inputs of the resources that
 * use them, so a test can see that the NFS volume's server is the NFS Service's ClusterIP.
 */
import * as pulumi from "@pulumi/pulumi";

/** The placeholder for an output known only after deployment. */
export function placeholder(name: string, path: string): string {
    return `\${${name}.${path}}`;
}

const PLACEHOLDER = /\$\{([^}.]+)(?:\.[^}]*)?\}/g;

/**
 * The logical names that the placeholders in `s` refer to, in order: `${name.path}` as
 * `placeholder` writes it, and `${name}` as the render writes a resource reference (`${unknown}`
 * gives "unknown").
 */
export function placeholderSources(s: string): string[] {
    return [...s.matchAll(PLACEHOLDER)].map((m) => m[1]);
}

/** Outputs each resource type computes at deploy time, by output path. */
const COMPUTED_OUTPUTS: Record<string, readonly string[]> = {
    "gcp:compute/address:Address": ["address", "selfLink"],
    "gcp:compute/disk:Disk": ["selfLink", "diskId"],
    "gcp:compute/network:Network": ["selfLink"],
    "gcp:compute/subnetwork:Subnetwork": ["selfLink", "gatewayAddress"],
    "gcp:compute/router:Router": ["selfLink"],
    "gcp:compute/resourcePolicy:ResourcePolicy": ["selfLink"],
    "gcp:container/cluster:Cluster": ["endpoint", "masterAuth.clusterCaCertificate", "selfLink", "masterVersion"],
    "gcp:container/nodePool:NodePool": ["version", "instanceGroupUrls"],
    "gcp:serviceaccount/account:Account": ["email", "member", "uniqueId"],
    "gcp:dns/managedZone:ManagedZone": ["dnsName", "nameServers"],
    "gcp:monitoring/notificationChannel:NotificationChannel": ["name"],
    "gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig": ["uptimeCheckId", "name"],
    "kubernetes:core/v1:Service": ["spec.clusterIP"],
    "random:index/randomId:RandomId": ["hex", "b64Std", "b64Url", "dec"],
    "random:index/randomPassword:RandomPassword": ["result", "bcryptHash"],
    "random:index/randomBytes:RandomBytes": ["hex", "base64"],
};

/**
 * Outputs the providers mark secret (`additionalSecretOutputs`). The engine does this in a real
 * run; the mock monitor does not, so the mocks do it here.
 */
const SECRET_OUTPUTS: Record<string, readonly string[]> = {
    "random:index/randomPassword:RandomPassword": ["result", "bcryptHash"],
    "random:index/randomBytes:RandomBytes": ["hex", "base64"],
};

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
    const parts = path.split(".");
    let node = target;
    for (const part of parts.slice(0, -1)) {
        const next = node[part];
        node[part] = next && typeof next === "object" ? { ...(next as object) } : {};
        node = node[part] as Record<string, unknown>;
    }
    const last = parts[parts.length - 1];
    if (node[last] === undefined) {
        node[last] = value;
    }
}

/** One registration as the mocks saw it. */
export interface MockRegistration {
    readonly type: string;
    readonly name: string;
    readonly custom: boolean;
    /** Logical name of the resource's provider, or null for a default provider. */
    readonly provider: string | null;
    readonly inputs: Record<string, unknown>;
}

/** The logical name at the end of a URN (`urn:pulumi:<stack>::<project>::<type>::<name>`). */
export function urnName(urn: string): string {
    return urn.slice(urn.lastIndexOf("::") + 2);
}

/** Name of the provider in a provider reference `urn::id`. */
function providerName(ref: string | undefined): string | null {
    if (!ref) {
        return null;
    }
    const name = urnName(ref.slice(0, ref.lastIndexOf("::")));
    return name.startsWith("default") ? null : name;
}

/** Mocks that record every registration into `sink`. */
export function recordingMocks(sink: MockRegistration[]): pulumi.runtime.Mocks {
    return {
        newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
            sink.push({
                type: args.type,
                name: args.name,
                custom: args.custom !== false,
                provider: providerName(args.provider),
                inputs: args.inputs,
            });
            const state: Record<string, unknown> = { ...args.inputs };
            for (const path of COMPUTED_OUTPUTS[args.type] ?? []) {
                setPath(state, path, placeholder(args.name, path));
            }
            for (const key of SECRET_OUTPUTS[args.type] ?? []) {
                state[key] = { [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig, value: state[key] };
            }
            return { id: args.custom === false ? "" : placeholder(args.name, "id"), state };
        },
        call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
            // The program makes no provider calls: an invoke would need credentials at preview
            // time. Fail loudly so one added by mistake is noticed.
            throw new Error(`offline render: unexpected provider call ${args.token}`);
        },
    };
}

/**
 * The Kubernetes minors a stack's cluster can be running, so manifests are validated against the
 * schemas of exactly those (test/real/validators.test.ts). The one place these facts live.
 *
 * A GKE cluster follows its release channel: created at the channel's default minor, then
 * auto-upgraded within the minors the channel offers. The manifests must be valid on each of
 * them, so each is validated. Sources (the newest stored copies):
 *   - GKE release notes, "Current versions" table
 *     (https://cloud.google.com/kubernetes-engine/docs/release-notes): available minors Rapid
 *     1.34 to 1.37, Regular 1.34 to 1.36, Stable 1.34 to 1.35; default for cluster creation
 *     Rapid 1.36.4, Regular 1.35.7, Stable 1.35.6;
 *   - the channels' release-note feeds: 2026-09-23 (2026-R40) Rapid default 1.36.4-gke.1391000;
 *     2026-09-17 (2026-R39) Regular default 1.35.8-gke.1036000.
 * `local` runs on kind: kind v0.33.0 creates kindest/node:v1.37.0 by default
 * (kubernetes-sigs/kind pull request 4248, and the v0.33.0 release notes).
 *
 * When GKE moves a channel on, update this table; kubernetes-validate (requirements-tools.txt)
 * must ship every minor named here, and the validator refuses a minor it lacks.
 */

export type ReleaseChannel = "RAPID" | "REGULAR" | "STABLE";

export interface ChannelMinors {
    /** The minor a new cluster of the channel gets. */
    readonly default: string;
    /** Every minor the channel offers, oldest first (the default among them). */
    readonly available: readonly string[];
}

export const GKE_CHANNEL_MINORS: Readonly<Record<ReleaseChannel, ChannelMinors>> = {
    RAPID: { default: "1.36", available: ["1.34", "1.35", "1.36", "1.37"] },
    REGULAR: { default: "1.35", available: ["1.34", "1.35", "1.36"] },
    STABLE: { default: "1.35", available: ["1.34", "1.35"] },
};

/** kind v0.33.0's default node image: the minor of the `local` stack's cluster. */
export const KIND_MINORS: readonly string[] = ["1.37"];

/**
 * The minors to validate a stack's manifests at: those of its GKE cluster's release channel (as
 * the render declares it), or kind's when the stack declares no GKE cluster.
 */
export function minorsFor(resources: readonly { readonly type: string; readonly inputs: Record<string, unknown> }[]): readonly string[] {
    const clusters = resources.filter((r) => r.type === "gcp:container/cluster:Cluster");
    if (clusters.length === 0) return KIND_MINORS;
    const channels = clusters.map((c) => (c.inputs.releaseChannel as { channel?: string } | undefined)?.channel);
    for (const channel of channels) {
        if (channel === undefined || !(channel in GKE_CHANNEL_MINORS)) {
            throw new Error(`a GKE cluster's release channel is ${JSON.stringify(channel)}: the schema validation knows ${Object.keys(GKE_CHANNEL_MINORS).join(", ")} (scripts/lib/validators/kubernetesVersions.ts)`);
        }
    }
    return [...new Set(channels.flatMap((c) => GKE_CHANNEL_MINORS[c as ReleaseChannel].available))].sort(byMinor);
}

function byMinor(a: string, b: string): number {
    const [x, y] = [a, b].map((v) => Number(v.split(".")[1]));
    return x - y;
}

/**
 * The one place that reads and validates stack configuration.
 *
 * Every key of the `jupyterlabdemo` namespace (and the `gcp:` keys the program needs) is
 * described here once: its type, default, allowed values and meaning. `loadSettings()` reads the
 * stack's config, validates all of it, and returns typed, frozen settings that `index.ts` hands to
 * the components as typed arguments. Components never read `pulumi.Config` themselves.
 *
 * A config mistake throws a `ConfigError`: one line that names the full key and what is allowed,
 * before any resource is declared. It extends `pulumi.RunError`, so `pulumi up` prints the line
 * without a stack trace.
 *
 * Files: common.ts (the namespace, ConfigError, value rules several keys share), infraSchema.ts
 * (the cluster's and the storage's keys), schema.ts (the other keys, the `gcp:` keys, secret keys,
 * the Settings types), messages.ts (an issue as one line), rules.ts (the rules across keys),
 * load.ts (parseSettings, loadSettings). This index re-exports what the rest of the program uses.
 */
export { ConfigError, imageIsPinned, PROJECT, quantityBytes } from "./common";
export type { DiskType } from "./common";
export { loadSettings, parseSettings } from "./load";
export { closest, plaintextSecretMessage } from "./messages";
export { RULES_ACROSS_KEYS } from "./rules";
export { gcpSchema, isSecretKey, projectSchema, requiredSecretKeys, SECRET_KEYS } from "./schema";
export type { GcpSettings, LabImage, LabSize, MaintenanceExclusion, NodePoolSettings, Settings } from "./schema";

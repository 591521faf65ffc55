/**
 * A stack's settings as the program sees them, from the real stack files with overrides (no
 * render): `loadStackConfig` (Pulumi.yaml's defaults, the stack file, the overrides, and secret
 * stand-ins unless `secretStandIns` is false) then `parseSettings`.
 */
import * as assert from "assert";
import { ConfigError, parseSettings, PROJECT } from "../../components/config";
import { loadStackConfig, Override, UsageError } from "../../scripts/lib/stackConfig";

export interface SettingsOptions {
    /** Stand in for required secrets the stack file does not set (default true), as a render does. */
    secretStandIns?: boolean;
}

/** The settings of `stack` with `overrides` applied. */
export function settingsOf(stack: string, overrides: readonly Override[] = [], { secretStandIns = true }: SettingsOptions = {}) {
    return parseSettings(loadStackConfig(stack, overrides, { secretStandIns }).values, { project: PROJECT, stack });
}

/**
 * The message `settingsOf(stack, overrides, opts)` is rejected with; fails unless it throws a
 * ConfigError (or, unless `configErrorOnly`, a UsageError).
 */
export function errorOf(
    stack: string,
    overrides: readonly Override[],
    { configErrorOnly = false, ...opts }: SettingsOptions & { configErrorOnly?: boolean } = {},
): string {
    try {
        settingsOf(stack, overrides, opts);
    } catch (e) {
        if (configErrorOnly) {
            assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
        } else {
            assert.ok(e instanceof ConfigError || e instanceof UsageError, `expected a ConfigError or UsageError, got ${String(e)}`);
        }
        return e.message;
    }
    assert.fail(`expected ${JSON.stringify(overrides)} to be rejected`);
}

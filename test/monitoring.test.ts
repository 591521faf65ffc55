/**
 * Monitoring (components/monitoring/): the config keys, and what the GKE stacks render: the
 * PodMonitorings and the NetworkPolicies that admit the managed collector, the notification
 * channels, each alert policy's query and threshold, the uptime check, the dashboard, the budget.
 * The local stack renders none of it and says why.
 */
import * as assert from "assert";
import { ConfigError, parseSettings, PROJECT } from "../components/config";
import { loadStackConfig, Override } from "../scripts/lib/stackConfig";
import { set } from "./mocks";

function settingsOf(stack: string, overrides: readonly Override[] = []) {
    return parseSettings(loadStackConfig(stack, overrides).values, { project: PROJECT, stack });
}

function errorOf(stack: string, overrides: readonly Override[]): string {
    try {
        settingsOf(stack, overrides);
    } catch (e) {
        assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
        return e.message;
    }
    assert.fail(`expected ${JSON.stringify(overrides)} to be rejected`);
}

describe("monitoring: config", () => {
    it("GKE stacks send alerts to the platform list; defaults are on, with no budget", () => {
        for (const stack of ["sandbox", "demo"]) {
            const m = settingsOf(stack).monitoring;
            assert.strictEqual(m.enabled, true);
            assert.deepStrictEqual(m.notificationEmails, ["platform@jupyterlabdemo.org"]);
            assert.strictEqual(m.spawnFailureThreshold, 3);
            assert.strictEqual(m.billingAccount, undefined);
        }
        assert.deepStrictEqual(settingsOf("local").monitoring.notificationEmails, []);
    });

    const cases: [string, string, Record<string, string>, string][] = [
        ["an address that is not an email", "sandbox", { "monitoring.notificationEmails": '["oncall"]' },
            'jupyterlabdemo:monitoring.notificationEmails[0]: must be an email address, got "oncall"'],
        ["emails on local, which has no Cloud Monitoring", "local", { "monitoring.notificationEmails": '["a@b.org"]' },
            "jupyterlabdemo:monitoring.notificationEmails: must not be set when platform is local (local declares no Cloud Monitoring)"],
        ["a budget without its billing account", "sandbox", { "monitoring.monthlyBudget": "300" },
            "jupyterlabdemo:monitoring.billingAccount: is required with monitoring.monthlyBudget (the billing account the budget watches)"],
        ["a billing account without an amount", "sandbox", { "monitoring.billingAccount": "012345-6789AB-CDEF01" },
            "jupyterlabdemo:monitoring.monthlyBudget: is required with monitoring.billingAccount (the budget's monthly amount)"],
        ["a malformed billing account", "sandbox", { "monitoring.billingAccount": "billing-1", "monitoring.monthlyBudget": "300" },
            'jupyterlabdemo:monitoring.billingAccount: must be a billing account id such as 012345-6789AB-CDEF01, got "billing-1"'],
        ["a zero spawn-failure threshold", "sandbox", { "monitoring.spawnFailureThreshold": "0" },
            "jupyterlabdemo:monitoring.spawnFailureThreshold: must be >= 1, got 0"],
    ];
    for (const [what, stack, overrides, message] of cases) {
        it(`rejects ${what}`, () => {
            assert.strictEqual(errorOf(stack, set(overrides)), message);
        });
    }
});

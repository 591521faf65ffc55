import * as assert from "assert";
import { ConfigError } from "../components/config";
import { AUTH_SECRET_KEYS, AUTH_SECRETS, secretKeysOf } from "../components/authenticators";
import { HUB_SECRET_KEYS, HUB_SECRET_NAME } from "../components/secrets";
import { redact } from "../scripts/lib/render";
import { settingsOf } from "./lib/settings";
import { k8s, k8sOf, render, resource, resourcesOf, set } from "./mocks";

const GENERATED = ["cookie-secret", "proxy-token", "crypt-key"];

/** Validates a stack's real config as `pulumi up` would see it, without secret stand-ins. */
function validate(stack: string, overrides: { key: string; value: string; secret?: boolean }[] = []) {
    return settingsOf(stack, overrides, { secretStandIns: false });
}

describe("secrets: config validation", () => {
    it("names the pulumi config set --secret command when the client secret is missing on a GCP stack", () => {
        for (const stack of ["sandbox", "demo"]) {
            assert.throws(
                () => validate(stack),
                (e: Error) =>
                    e instanceof ConfigError &&
                    e.message ===
                        "jupyterlabdemo:githubClientSecret: is required with the github authenticator " +
                            "(pulumi config set --secret jupyterlabdemo:githubClientSecret <client-secret>)",
            );
        }
        assert.doesNotThrow(() => validate("sandbox", [{ key: "githubClientSecret", value: "x", secret: true }]));
    });

    it("names the command for the shared password on local", () => {
        assert.throws(() => validate("local"), /jupyterlabdemo:dummyPassword: .*pulumi config set --secret jupyterlabdemo:dummyPassword/);
    });

    it("allows the dummy authenticator only on local", () => {
        assert.throws(
            () => validate("sandbox", [
                { key: "hub.authenticator", value: "dummy" },
                { key: "dummyPassword", value: "x", secret: true },
            ]),
            /^ConfigError: jupyterlabdemo:hub.authenticator: may be "dummy" only when platform is local/,
        );
        assert.doesNotThrow(() => validate("local", [{ key: "dummyPassword", value: "a-password", secret: true }]));
    });

    it("refuses a shared password next to the github authenticator", () => {
        assert.throws(
            () => validate("sandbox", [
                { key: "githubClientSecret", value: "x", secret: true },
                { key: "dummyPassword", value: "x", secret: true },
            ]),
            /jupyterlabdemo:dummyPassword: must not be set unless hub.authenticator is "dummy"/,
        );
    });

    it("requires at least one organization and the client id", () => {
        const secret = { key: "githubClientSecret", value: "x", secret: true };
        assert.throws(() => validate("sandbox", [secret, { key: "github.allowedOrganizations", value: "[]" }]), /allowedOrganizations: must list at least one/);
        assert.throws(() => validate("sandbox", [secret, { key: "github.clientId", value: "no spaces!" }]), /github.clientId: must be a GitHub OAuth app client id/);
    });

    it("refuses a GitHub client secret next to the dummy authenticator (no component reads it)", () => {
        assert.throws(
            () => validate("local", [
                { key: "dummyPassword", value: "long-enough", secret: true },
                { key: "githubClientSecret", value: "x", secret: true },
            ]),
            /^ConfigError: jupyterlabdemo:githubClientSecret: must not be set unless hub.authenticator is "github"$/,
        );
    });

    it("checks the rotation label", () => {
        assert.throws(
            () => validate("local", [{ key: "dummyPassword", value: "x", secret: true }, { key: "secrets.rotation", value: "has space" }]),
            /^ConfigError: jupyterlabdemo:secrets.rotation: must be a short label such as 2026-11, got "has space"$/,
        );
    });
});

describe("secrets: HubSecrets", () => {
    it("generates three 32-byte secrets kept by the rotation label", async () => {
        const r = await render("sandbox");
        // The monitoring component generates the hub's metrics token beside these; it is not a hub secret.
        const generated = resourcesOf(r, "random:index/randomBytes:RandomBytes").filter((x) => x.parent === "secrets").map((x) => x.name).sort();
        assert.deepStrictEqual(generated, ["secrets-cookie-secret", "secrets-crypt-key", "secrets-proxy-token"]);
        for (const name of generated) {
            const bytes = resource(r, "random:index/randomBytes:RandomBytes", name);
            assert.strictEqual(bytes.inputs.length, 32);
            assert.deepStrictEqual(bytes.inputs.keepers, { rotation: "initial" });
            assert.strictEqual(bytes.parent, "secrets");
        }
        assert.strictEqual(resource(r, "jupyterlabdemo:components:HubSecrets", "secrets").parent, null);
    });

    it("puts every secret in the one Secret hub-secrets, as secrets", async () => {
        for (const [stack, configKey] of [["sandbox", "github-client-secret"], ["demo", "github-client-secret"], ["local", "dummy-password"]]) {
            const r = await render(stack);
            const secret = k8s(r, "Secret", HUB_SECRET_NAME);
            assert.strictEqual(secret.metadata.namespace, "jupyterhub");
            assert.deepStrictEqual(Object.keys(secret.stringData).sort(), [...GENERATED, configKey].sort(), stack);
            for (const [key, value] of Object.entries(secret.stringData)) {
                assert.strictEqual(value, "[secret]", `${stack}: ${key} must be a secret output`);
            }
            // Besides it, only the monitoring's metrics token (GKE stacks).
            assert.deepStrictEqual(k8sOf(r, "Secret").map((x) => x.metadata.name).filter((n) => n !== HUB_SECRET_NAME), stack === "local" ? [] : ["hub-metrics-token"]);
            assert.ok(Object.values(HUB_SECRET_KEYS).includes(configKey as never));
        }
    });

    it("stores each authenticator's secrets under its registry key, and the hub reads exactly the chosen one's", async () => {
        for (const key of AUTH_SECRET_KEYS) assert.strictEqual(HUB_SECRET_KEYS[key], AUTH_SECRETS[key].hubSecretKey, key);
        for (const [stack, name] of [["sandbox", "github"], ["local", "dummy"]] as const) {
            const r = await render(stack);
            const expected = secretKeysOf(name).map((key) => AUTH_SECRETS[key]);
            const configKeys = Object.keys(k8s(r, "Secret", HUB_SECRET_NAME).stringData).filter((k) => !GENERATED.includes(k));
            assert.deepStrictEqual(configKeys, expected.map((s) => s.hubSecretKey), stack);
            const hub = k8s(r, "Deployment", "hub").spec.template.spec.containers[0];
            const authEnv = (hub.env as Array<{ name: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }>)
                .filter((e) => AUTH_SECRET_KEYS.some((key) => AUTH_SECRETS[key].env === e.name));
            assert.deepStrictEqual(authEnv, expected.map((s) => ({ name: s.env, valueFrom: { secretKeyRef: { name: HUB_SECRET_NAME, key: s.hubSecretKey } } })), stack);
        }
    });

    it("regenerates on purpose: a new rotation label changes every keeper", async () => {
        const r = await render("sandbox", set({ "secrets.rotation": "2026-12" }));
        for (const x of resourcesOf(r, "random:index/randomBytes:RandomBytes")) {
            assert.deepStrictEqual(x.inputs.keepers, { rotation: "2026-12" });
        }
        assert.strictEqual(k8s(r, "Secret", HUB_SECRET_NAME).metadata.annotations?.["jupyterlabdemo.io/secrets-rotation"], "2026-12");
    });

    it("never lets a config secret out: not in any input other than the Secret, nor in outputs", async () => {
        const sentinel = "client-secret-sentinel-9f3e";
        const r = await render("sandbox", set({ githubClientSecret: sentinel }, true));
        const text = JSON.stringify({ resources: r.resources, outputs: r.outputs });
        assert.ok(!text.includes(sentinel), "the client secret appears in the render");
        assert.strictEqual(k8s(r, "Secret", HUB_SECRET_NAME).stringData["github-client-secret"], "[secret]");
        const local = await render("local", set({ dummyPassword: "dummy-sentinel-77aa" }, true));
        assert.ok(!JSON.stringify(local).includes("dummy-sentinel-77aa"));
    });
});

describe("secrets: offline render of secret maps", () => {
    const envelope = (value: unknown) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value });

    it("keeps a secret map's keys and hides every value", () => {
        assert.deepStrictEqual(redact({ stringData: envelope({ b: "value-b", a: "value-a" }) }), {
            stringData: { a: "[secret]", b: "[secret]" },
        });
        assert.strictEqual(redact(envelope("plain")), "[secret]");
        assert.strictEqual(redact(envelope(["a", "b"])), "[secret]");
        assert.ok(!JSON.stringify(redact(envelope({ k: { nested: "deep-value" } }))).includes("deep-value"));
    });
});

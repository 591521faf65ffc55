import * as assert from "assert";
import { SECRET_TEXT } from "../../scripts/lib/stackConfig";
import { SECRET_MARKER, secretValuesStaySecret } from "../../policies/secretValuesStaySecret";
import { deployment, messages, res, run } from "./harness";

const TOKEN = "3f9c1b7e0a5d4c2b";
const secret = res("kubernetes:core/v1:Secret", "hub-secret", {
    metadata: { name: "hub", namespace: "jupyterhub" },
    data: { "proxy-token": Buffer.from(TOKEN).toString("base64"), short: Buffer.from("true").toString("base64") },
    stringData: { "client-secret": "gh-client-secret-value" },
});
const configMap = (data: Record<string, string>, field = "data") =>
    res("kubernetes:core/v1:ConfigMap", "hub-config", { metadata: { name: "hub-config", namespace: "jupyterhub" }, [field]: data });
const withEnv = (env: Record<string, unknown>[]) => deployment("hub", { container: { env } });

describe("policy k8s-secret-values-stay-secret", () => {
    it("passes Secret references and ordinary values (short Secret values match nothing by chance)", async () => {
        const resources = [
            secret,
            configMap({ "settings.json": '{"debug": true}' }),
            withEnv([{ name: "DEBUG", value: "true" }, { name: "CONFIGPROXY_AUTH_TOKEN", valueFrom: { secretKeyRef: { name: "hub", key: "proxy-token" } } }]),
        ];
        assert.deepStrictEqual(await run(secretValuesStaySecret, resources), []);
    });

    it("fails a Secret's data or stringData value copied into a ConfigMap (data or binaryData)", async () => {
        assert.deepStrictEqual(messages(await run(secretValuesStaySecret, [secret, configMap({ "settings.json": `{"token": "${TOKEN}"}` })])), [
            "ConfigMap jupyterhub/hub-config data key settings.json holds the value of Secret jupyterhub/hub key proxy-token: keep it in the Secret and mount or reference it from there.",
        ]);
        const binary = configMap({ blob: Buffer.from("x=gh-client-secret-value").toString("base64") }, "binaryData");
        assert.deepStrictEqual(messages(await run(secretValuesStaySecret, [secret, binary])), [
            "ConfigMap jupyterhub/hub-config binaryData key blob holds the value of Secret jupyterhub/hub key client-secret: keep it in the Secret and mount or reference it from there.",
        ]);
    });

    it("fails a Secret's value in an env value", async () => {
        assert.deepStrictEqual(messages(await run(secretValuesStaySecret, [secret, withEnv([{ name: "CONFIGPROXY_AUTH_TOKEN", value: TOKEN }])])), [
            'Deployment jupyterhub/hub container "hub" env CONFIGPROXY_AUTH_TOKEN holds the value of Secret jupyterhub/hub key proxy-token: use valueFrom.secretKeyRef instead.',
        ]);
    });

    it("fails the render's secret marker inside a ConfigMap value or an env value", async () => {
        assert.strictEqual(SECRET_MARKER, SECRET_TEXT, "the rule's marker is the render's");
        const ms = messages(await run(secretValuesStaySecret, [configMap({ url: `postgres://hub:${SECRET_TEXT}@db/hub` }), withEnv([{ name: "URL", value: `https://x:${SECRET_TEXT}@h` }])]));
        assert.deepStrictEqual(ms, [
            "ConfigMap jupyterhub/hub-config data key url holds a secret value: keep it in the Secret and mount or reference it from there.",
            'Deployment jupyterhub/hub container "hub" env URL holds a secret value: use valueFrom.secretKeyRef instead.',
        ]);
    });
});

/**
 * The registry of authenticators (components/authenticators.ts) and the parts that cannot import
 * it: the hub's Python dispatch table, which must name the same authenticators and read the
 * environment variables the registry wires, and the lab settings' identity rule.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as path from "path";
import { AUTH_SECRETS, AUTHENTICATOR_NAMES, AUTHENTICATORS, HUB_AUTH_SETTINGS_SCHEMAS, hubAuthSettings, secretKeysOf } from "../components/authenticators";
import type { AuthenticatorArgs } from "../components/authenticators";
import { HUB_PYTHON_DIR } from "../components/hub";
import { buildLabSettings } from "../components/hub/settingsContract";
import { hubPython } from "./hubPython";

/**
 * The dispatch table of jupyterhub_config.py, read with Python's own parser: each name with the
 * environment variables its function reads through `settings.env("...")`.
 */
function pythonDispatchTable(): Record<string, string[]> {
    const script = `
import ast, json, sys
tree = ast.parse(open(sys.argv[1], encoding="utf-8").read())
functions = {f.name: f for f in tree.body if isinstance(f, ast.FunctionDef)}
table = [n.value for n in tree.body if isinstance(n, ast.Assign) and any(getattr(t, "id", None) == "AUTHENTICATORS" for t in n.targets)]
assert len(table) == 1, "one AUTHENTICATORS table"
out = {}
for key, value in zip(table[0].keys, table[0].values):
    env = []
    for node in ast.walk(functions[value.id]):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "env" and getattr(node.func.value, "id", None) == "settings":
            env.append(node.args[0].value)
    out[key.value] = sorted(env)
print(json.dumps(out))
`;
    const result = spawnSync(hubPython(), ["-c", script, path.join(HUB_PYTHON_DIR, "jupyterhub_config.py")], { encoding: "utf8" });
    assert.strictEqual(result.status, 0, result.stderr);
    return JSON.parse(result.stdout) as Record<string, string[]>;
}

describe("authenticators: the registry and the hub's Python", () => {
    it("has one Python function per registry entry, each reading exactly the environment variables its entry wires", () => {
        const table = pythonDispatchTable();
        assert.deepStrictEqual(Object.keys(table), [...AUTHENTICATOR_NAMES]);
        for (const name of AUTHENTICATOR_NAMES) {
            assert.deepStrictEqual(table[name], secretKeysOf(name).map((key) => AUTH_SECRETS[key].env).sort(), name);
        }
    });

    it("gives each authenticator's users the identity its entry names (the lab settings' rule)", () => {
        for (const name of AUTHENTICATOR_NAMES) {
            const lab = buildLabSettings({
                stack: "x",
                // The smallest menu the contract takes: one image and one size, each the default.
                lab: {
                    images: [{ name: "lab", displayName: "Lab", image: "quay.io/jupyter/minimal-notebook:2025-12-01", default: true }],
                    sizes: [{ name: "small", displayName: "Small", cpuGuarantee: 0.5, cpuLimit: 1, memoryGuarantee: "1Gi", memoryLimit: "2Gi", default: true }],
                    startTimeoutSeconds: 900,
                    httpTimeoutSeconds: 300,
                    cullIdleSeconds: 3600,
                    cullEverySeconds: 300,
                    cullMaxAgeSeconds: 0,
                },
                authenticator: name,
                userPlacement: {},
            });
            assert.strictEqual(lab.identity, AUTHENTICATORS[name].identity, name);
        }
    });

    it("allows each authenticator on at least one platform, and names an organization list where it restricts to organizations", () => {
        for (const name of AUTHENTICATOR_NAMES) {
            const entry = AUTHENTICATORS[name];
            assert.ok(entry.platforms.length > 0, name);
            assert.strictEqual("allowedOrganizationsSetting" in entry && entry.allowedOrganizationsSetting !== undefined, entry.restrictsToOrganizations, name);
        }
    });

    it("checks the hub settings each authenticator writes against its own strict schema", () => {
        const github: AuthenticatorArgs = { kind: "github", clientId: "Ov23liExample0000", allowedOrganizations: ["jupyterlabdemo"], adminUsers: [] };
        assert.deepStrictEqual(hubAuthSettings(github), { authenticator: "github", github: { clientId: "Ov23liExample0000", allowedOrganizations: ["jupyterlabdemo"], adminUsers: [] } });
        assert.deepStrictEqual(hubAuthSettings({ kind: "dummy" }), { authenticator: "dummy" });
        // A value that breaks the contract stops the render instead of reaching the hub.
        assert.throws(() => hubAuthSettings({ ...github, allowedOrganizations: [] }), /allowedOrganizations/);
        for (const name of AUTHENTICATOR_NAMES) {
            assert.ok(!HUB_AUTH_SETTINGS_SCHEMAS[name].safeParse({ authenticator: name, unknownKey: 1 }).success, `${name}: strict`);
        }
        assert.ok(!HUB_AUTH_SETTINGS_SCHEMAS.dummy.safeParse({ authenticator: "dummy", github: {} }).success, "no other authenticator's keys");
    });
});

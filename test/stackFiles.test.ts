/**
 * The stack files hold only what differs from the schema's defaults (README, "Config reference"):
 * a key set to its default is noise that hides what the stack really changes, and it would stop
 * following the default when the schema's default moves.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { z } from "zod";
import { PROJECT, projectSchema } from "../components/config";
import { canonical } from "../scripts/lib/render";
import { listStacks, REPO_ROOT } from "../scripts/lib/stackConfig";

interface JsonSchema {
    type?: string;
    default?: unknown;
    properties?: Record<string, JsonSchema>;
}

const isMap = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);

/** The dotted keys under `value` whose value equals the schema's default for that key. */
function repeatedDefaults(value: Record<string, unknown>, schema: JsonSchema, prefix = ""): string[] {
    const found: string[] = [];
    for (const [key, v] of Object.entries(value)) {
        const s = schema.properties?.[key];
        if (!s) continue;
        const at = prefix ? `${prefix}.${key}` : key;
        if (isMap(v) && s.properties) {
            found.push(...repeatedDefaults(v, s, at));
        } else if (s.default !== undefined && JSON.stringify(canonical(v)) === JSON.stringify(canonical(s.default))) {
            found.push(at);
        }
    }
    return found;
}

/** A stack file's `jupyterlabdemo:` keys as one map, namespace removed. */
function projectKeys(stackFile: string): Record<string, unknown> {
    const config = ((YAML.parse(fs.readFileSync(stackFile, "utf8")) ?? {}) as { config?: Record<string, unknown> }).config ?? {};
    return Object.fromEntries(Object.entries(config).filter(([k]) => k.startsWith(`${PROJECT}:`)).map(([k, v]) => [k.slice(PROJECT.length + 1), v]));
}

describe("stack files", () => {
    const schema = z.toJSONSchema(projectSchema, { io: "input" }) as JsonSchema;

    it("the check names a key set to its default, at any depth, and no key that differs", () => {
        const found = repeatedDefaults(
            { platform: "gke", hostname: "x.example.org", cluster: { regional: false, protect: true, userPool: { maxNodes: 3, spot: true } }, lab: { cullIdleSeconds: 3600, cullMaxAgeSeconds: 1 } },
            schema,
        );
        assert.deepStrictEqual(found, ["platform", "cluster.regional", "cluster.userPool.maxNodes", "lab.cullIdleSeconds"]);
    });

    for (const stack of listStacks()) {
        it(`Pulumi.${stack}.yaml sets no key to the schema's default`, () => {
            assert.deepStrictEqual(repeatedDefaults(projectKeys(path.join(REPO_ROOT, "stacks", `Pulumi.${stack}.yaml`)), schema), []);
        });
    }
});

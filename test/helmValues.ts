/**
 * Checks Helm release values offline, the way Helm does at install time: the chart's default
 * values.yaml, coalesced with the release's values, validated against the chart's
 * values.schema.json. The upstream files are copies in test/fixtures/charts (see its README).
 *
 * Two extra guards, because a schema does not always reject unknown keys (nginx-ingress's never
 * does; cert-manager's `global` is open): `undeclaredPaths` lists every value path the release
 * sets that neither the chart's defaults nor its schema know.
 */
import Ajv from "ajv";
import Ajv2019 from "ajv/dist/2019";
import addFormats from "ajv-formats";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";

const FIXTURES = path.join(__dirname, "fixtures", "charts");

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };
type Schema = { [key: string]: unknown };

function isObj(v: unknown): v is Obj {
    return v !== null && typeof v === "object" && !Array.isArray(v);
}

/**
 * Helm's coalescing of user values onto chart defaults: maps merge key by key, anything else
 * (lists included) is replaced by the user's value, and a user `null` deletes the default key.
 */
export function helmMerge(defaults: Json, overrides: Json): Json {
    if (!isObj(defaults) || !isObj(overrides)) {
        return overrides === undefined ? defaults : overrides;
    }
    const out: Obj = { ...defaults };
    for (const [key, value] of Object.entries(overrides)) {
        if (value === null) {
            delete out[key];
        } else if (isObj(value) && isObj(out[key])) {
            out[key] = helmMerge(out[key], value);
        } else {
            out[key] = value;
        }
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Stand-ins for the Kubernetes definitions the nginx-ingress schema references remotely
// ---------------------------------------------------------------------------------------------

const K8S_DEFINITIONS_URL = "https://raw.githubusercontent.com/nginxinc/kubernetes-json-schema/master/v1.36.1/_definitions.json";

const quantity = { anyOf: [{ type: "string", pattern: "^[+-]?[0-9.]+([eE][+-]?[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$" }, { type: "number" }] };
const intOrString = { anyOf: [{ type: "integer" }, { type: "string", pattern: "^[0-9]+%?$" }] };

/**
 * A few definitions typed by hand from the Kubernetes API reference (core/v1, policy/v1), so the
 * values this program sets under them are checked too; every other referenced definition is
 * permissive (`{}`), which still lets the chart's own properties be checked.
 */
const TYPED_DEFINITIONS: Record<string, Schema> = {
    "io.k8s.api.core.v1.Toleration": {
        type: "object",
        additionalProperties: false,
        properties: {
            key: { type: "string" },
            operator: { enum: ["Exists", "Equal"] },
            value: { type: "string" },
            effect: { enum: ["NoSchedule", "PreferNoSchedule", "NoExecute", ""] },
            tolerationSeconds: { type: "integer" },
        },
    },
    "io.k8s.api.core.v1.PodSpec/properties/nodeSelector": { type: "object", additionalProperties: { type: "string" } },
    "io.k8s.api.core.v1.ResourceRequirements": {
        type: "object",
        additionalProperties: false,
        properties: {
            requests: { type: "object", additionalProperties: quantity },
            limits: { type: "object", additionalProperties: quantity },
            claims: { type: "array" },
        },
    },
    "io.k8s.api.core.v1.ServiceSpec/properties/type": { enum: ["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"] },
    "io.k8s.api.core.v1.ServiceSpec/properties/externalTrafficPolicy": { enum: ["Cluster", "Local"] },
    "io.k8s.api.core.v1.ServiceSpec/properties/loadBalancerIP": { type: "string" },
    "io.k8s.api.policy.v1.PodDisruptionBudgetSpec/properties/minAvailable": intOrString,
    "io.k8s.api.policy.v1.PodDisruptionBudgetSpec/properties/maxUnavailable": intOrString,
};

/** Every `$ref` string in a schema. */
function refsOf(node: unknown, out: Set<string> = new Set()): Set<string> {
    if (Array.isArray(node)) {
        node.forEach((n) => refsOf(n, out));
    } else if (node && typeof node === "object") {
        for (const [k, v] of Object.entries(node)) {
            if (k === "$ref" && typeof v === "string") out.add(v);
            else refsOf(v, out);
        }
    }
    return out;
}

/** A stand-in for the remote definitions document, holding exactly the pointers the schema uses. */
export function k8sDefinitionsStandIn(schema: unknown): Schema {
    const doc: Schema = { $id: K8S_DEFINITIONS_URL };
    // Pointers look like `definitions/<name>[/properties/<p>]`; shallower ones first, so a deeper
    // pointer adds to its ancestor's stand-in instead of being overwritten by it.
    const pointers = [...refsOf(schema)]
        .filter((ref) => ref.startsWith(`${K8S_DEFINITIONS_URL}#/`))
        .map((ref) => ref.slice(K8S_DEFINITIONS_URL.length + 2))
        .sort((a, b) => a.split("/").length - b.split("/").length || (a < b ? -1 : 1));
    for (const pointer of pointers) {
        const parts = pointer.split("/");
        let node: Record<string, unknown> = doc;
        for (const part of parts.slice(0, -1)) {
            node[part] = (node[part] as Record<string, unknown> | undefined) ?? {};
            node = node[part] as Record<string, unknown>;
        }
        const last = parts[parts.length - 1];
        if (node[last] === undefined) {
            const typed = TYPED_DEFINITIONS[parts.slice(1).join("/")];
            node[last] = typed ? JSON.parse(JSON.stringify(typed)) : {};
        }
    }
    return doc;
}

// ---------------------------------------------------------------------------------------------
// The two charts
// ---------------------------------------------------------------------------------------------

export interface ChartCheck {
    /** Chart name and version, for messages. */
    readonly chart: string;
    readonly defaults: Obj;
    readonly schema: Schema;
    /** Schema errors of defaults ⊕ values, as `path: message` lines (empty when valid). */
    validate(values: Json): string[];
}

function load(file: string): string {
    return fs.readFileSync(path.join(FIXTURES, file), "utf8");
}

function check(chart: string, defaults: Obj, schema: Schema, compile: (s: Schema) => (v: unknown) => boolean): ChartCheck {
    const validateFn = compile(schema) as ((v: unknown) => boolean) & {
        errors?: { instancePath: string; message?: string; params?: unknown }[] | null;
    };
    return {
        chart,
        defaults,
        schema,
        validate(values: Json): string[] {
            const merged = helmMerge(defaults, values);
            if (validateFn(merged)) return [];
            return (validateFn.errors ?? []).map((e) => `${e.instancePath || "/"}: ${e.message} ${JSON.stringify(e.params)}`);
        },
    };
}

let nginx: ChartCheck | undefined;
let certManager: ChartCheck | undefined;

/** nginx-ingress 2.6.4 (JSON Schema draft 2019-09, remote Kubernetes refs stood in for). */
export function nginxIngressChart(): ChartCheck {
    if (!nginx) {
        const schema = JSON.parse(load("nginx-ingress-2.6.4.values.schema.json")) as Schema;
        const defaults = YAML.parse(load("nginx-ingress-2.6.4.values.yaml")) as Obj;
        nginx = check("nginx-ingress 2.6.4", defaults, schema, (s) => {
            const ajv = new Ajv2019({ strict: false, allErrors: true });
            addFormats(ajv);
            ajv.addSchema(k8sDefinitionsStandIn(s));
            return ajv.compile(s);
        });
    }
    return nginx;
}

/** cert-manager v1.21.1 (draft-07, strict, no remote refs). */
export function certManagerChart(): ChartCheck {
    if (!certManager) {
        const schema = JSON.parse(load("cert-manager-v1.21.1.values.schema.json")) as Schema;
        const defaults = YAML.parse(load("cert-manager-v1.21.1.values.yaml")) as Obj;
        certManager = check("cert-manager v1.21.1", defaults, schema, (s) => {
            const ajv = new Ajv({ allErrors: true });
            return ajv.compile(s);
        });
    }
    return certManager;
}

// ---------------------------------------------------------------------------------------------
// Paths the chart does not know
// ---------------------------------------------------------------------------------------------

/** Follows local `$ref`s (`#/$defs/...`, `#/definitions/...`) to the schema node they name. */
function deref(root: Schema, node: unknown): Schema | undefined {
    let n = node as Schema | undefined;
    for (let i = 0; n && typeof n.$ref === "string" && n.$ref.startsWith("#/") && i < 20; i++) {
        n = n.$ref
            .slice(2)
            .split("/")
            .reduce<unknown>((acc, part) => (acc as Schema | undefined)?.[part], root) as Schema | undefined;
    }
    return n;
}

function propertiesOf(root: Schema, node: unknown): Record<string, unknown> | undefined {
    const props = deref(root, node)?.properties as Record<string, unknown> | undefined;
    return props && Object.keys(props).length > 0 ? props : undefined;
}

/**
 * Every path in `values` that neither the chart's defaults nor its schema declare. Descends into a
 * value only where the chart describes the keys below it (schema properties, or non-empty
 * defaults where the schema is silent); a free-form map (`nodeSelector`, `config.entries`,
 * `affinity`) is one leaf.
 */
export function undeclaredPaths(c: ChartCheck, values: Json): string[] {
    const out: string[] = [];
    const rootNode = deref(c.schema, c.schema);
    const walk = (v: Json, defaults: Json | undefined, schemaNode: unknown, at: string): void => {
        if (!isObj(v)) return;
        const props = propertiesOf(c.schema, schemaNode);
        for (const [key, child] of Object.entries(v)) {
            const p = at ? `${at}.${key}` : key;
            const d = isObj(defaults) ? defaults[key] : undefined;
            const s = props?.[key];
            if (d === undefined && s === undefined) {
                out.push(p);
                continue;
            }
            // The schema decides where it describes the key (a node without properties is a
            // free-form map, whatever its defaults hold); elsewhere the defaults do.
            const describedBelow =
                s !== undefined ? propertiesOf(c.schema, s) !== undefined : isObj(d) && Object.keys(d).length > 0;
            if (isObj(child) && describedBelow) walk(child, d, s, p);
        }
    };
    walk(values, c.defaults, rootNode, "");
    return out.sort();
}

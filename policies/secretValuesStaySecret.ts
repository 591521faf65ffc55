/**
 * k8s-secret-values-stay-secret (stack): a Secret's value never reappears in plain sight: not in a
 * ConfigMap's data and not in a container's env `value` (use `secretKeyRef` or a Secret volume).
 * ConfigMaps and pod specs are readable by far more people and tools than Secrets are (`kubectl
 * describe` prints env values), and they are not encrypted as Secrets are.
 *
 * What counts as a Secret's value: each value of a declared Secret's `data` (base64-decoded) and
 * `stringData`, at least MIN_SECRET_LENGTH characters long (shorter strings such as "true" or a port
 * would match by chance). The engine hands policies secrets in plaintext, so the comparison sees
 * them wherever they are known. The offline render writes a secret that flowed into a larger string
 * as the marker SECRET_MARKER; a ConfigMap or env value holding it is reported too. (A value that
 * is a secret and nothing else is unknown to the offline check, as every unknown value is.)
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { containersOf, knownString, namespacedRef, peek, UNKNOWN, workloadOf } from "./lib/policy";

const SECRET_TYPE = "kubernetes:core/v1:Secret";
const CONFIG_MAP_TYPE = "kubernetes:core/v1:ConfigMap";

/** Shortest value treated as a secret: long enough not to match ordinary words and numbers. */
const MIN_SECRET_LENGTH = 8;
/** How the offline render writes a secret inside a string (scripts/lib/stackConfig.ts SECRET_TEXT). */
export const SECRET_MARKER = "[secret]";

/** `namespace/name` of an object, a field that is not a string counting as absent. */
function ref(props: Record<string, unknown>, fallback: string): string {
    const md = (peek(() => props.metadata) ?? {}) as { name?: unknown; namespace?: unknown };
    const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
    return namespacedRef({ namespace: str(md.namespace), name: str(md.name) }, fallback);
}

export const secretValuesStaySecret: StackValidationPolicy = {
    name: "k8s-secret-values-stay-secret",
    description:
        "No Secret value is copied into a ConfigMap or a container's env value, so secrets are only ever read through Secret references.",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        // Every known secret value, with where it comes from.
        const secrets: { value: string; from: string }[] = [];
        for (const r of args.resources.filter((x) => x.type === SECRET_TYPE)) {
            const name = `Secret ${ref(r.props, r.name)}`;
            for (const [field, decode] of [["data", true], ["stringData", false]] as const) {
                const map = peek(() => r.props[field]);
                if (!map || map === UNKNOWN || typeof map !== "object") continue;
                for (const key of Object.keys(map)) {
                    const raw = knownString(() => (map as Record<string, unknown>)[key]);
                    if (raw === undefined) continue;
                    const value = decode ? Buffer.from(raw, "base64").toString("utf8") : raw;
                    if (value.length >= MIN_SECRET_LENGTH && value !== SECRET_MARKER) secrets.push({ value, from: `${name} key ${key}` });
                }
            }
        }
        /** What `text` leaks, or undefined. */
        const leak = (text: string): string | undefined => {
            if (text.includes(SECRET_MARKER)) return "a secret value";
            return secrets.find((s) => text.includes(s.value))?.from.replace(/^/, "the value of ");
        };
        for (const r of args.resources) {
            if (r.type === CONFIG_MAP_TYPE) {
                for (const field of ["data", "binaryData"] as const) {
                    const map = peek(() => r.props[field]);
                    if (!map || map === UNKNOWN || typeof map !== "object") continue;
                    for (const key of Object.keys(map)) {
                        const raw = knownString(() => (map as Record<string, unknown>)[key]);
                        if (raw === undefined) continue;
                        const what = leak(field === "binaryData" ? Buffer.from(raw, "base64").toString("utf8") : raw);
                        if (what) {
                            reportViolation(`ConfigMap ${ref(r.props, r.name)} ${field} key ${key} holds ${what}: keep it in the Secret and mount or reference it from there.`, r.urn);
                        }
                    }
                }
                continue;
            }
            const w = workloadOf(r.type, r.props);
            if (!w) continue;
            for (const { label, container } of containersOf(w.pod)) {
                for (const env of container.env ?? []) {
                    const value = knownString(() => env.value);
                    const what = value === undefined ? undefined : leak(value);
                    if (what) {
                        reportViolation(`${w.kind} ${ref(r.props, r.name)} ${label} env ${env.name ?? "?"} holds ${what}: use valueFrom.secretKeyRef instead.`, r.urn);
                    }
                }
            }
        }
    },
};

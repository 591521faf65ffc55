/**
 * The hub's configuration: ConfigMap `hub-config`, holding every `components/hub/*.py` file
 * (tests excluded), `settings.json` (`{"hub": <hub settings>, "lab": <lab settings>}`,
 * non-secret only) and its JSON Schema `settings.schema.json` (the contract,
 * settingsContract.ts), and the checksum of its data that restarts the hub on any change.
 */
import * as k8s from "../sdk/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { hubAuthSettings } from "../authenticators";
import { HUB_NAMES, HUB_SERVICES, oauthCallbackUrl, publicUrl } from "../naming";
import type { HubScope, ResolvedHubArgs } from "./args";
import { settingsFiles } from "./settingsContract";

/** Where the ConfigMap is mounted in the hub container. */
export const HUB_CONFIG_DIR = "/usr/local/etc/jupyterhub";
/** Where the database claim is mounted (the k8s-hub image's working directory). */
export const HUB_DATA_DIR = "/srv/jupyterhub";

/** The directory of the hub's Python files. */
export const HUB_PYTHON_DIR = __dirname;

/** The shipped directory's files, read once per process: every render of the ConfigMap needs them. */
let shippedPythonFiles: Readonly<Record<string, string>> | undefined;

/**
 * The Python files of the ConfigMap: every `*.py` in `dir`, tests excluded, by file name.
 * The default directory is read on first use and cached; another `dir` is read on every call.
 */
export function hubPythonFiles(dir?: string): Record<string, string> {
    if (dir === undefined) {
        shippedPythonFiles ??= readPythonFiles(HUB_PYTHON_DIR);
        return { ...shippedPythonFiles };
    }
    return readPythonFiles(dir);
}

function readPythonFiles(dir: string): Record<string, string> {
    const files: Record<string, string> = {};
    for (const file of fs.readdirSync(dir).sort()) {
        if (file.endsWith(".py") && !file.startsWith("test_") && !file.endsWith("_test.py")) {
            files[file] = fs.readFileSync(path.join(dir, file), "utf8");
        }
    }
    if (!("jupyterhub_config.py" in files)) {
        throw new Error(`hub configuration: no jupyterhub_config.py in ${dir}`);
    }
    return files;
}

/** JSON with object keys sorted at every level: the same value always gives the same text. */
export function canonicalJson(value: unknown, indent?: number): string {
    const sortKeys = (v: unknown): unknown => {
        if (Array.isArray(v)) return v.map(sortKeys);
        if (v && typeof v === "object") {
            const out: Record<string, unknown> = {};
            for (const k of Object.keys(v as object).sort()) {
                out[k] = sortKeys((v as Record<string, unknown>)[k]);
            }
            return out;
        }
        return v;
    };
    return JSON.stringify(sortKeys(value), null, indent);
}

/** sha256 (hex) of a ConfigMap's data, independent of key order. */
export function configChecksum(data: Record<string, string>): string {
    return createHash("sha256").update(canonicalJson(data)).digest("hex");
}

/** Declares ConfigMap `hub-config`; returns it and its data (the checksum is taken from the data). */
export function declareHubConfig(scope: HubScope, a: ResolvedHubArgs) {
    const { name, hubLabels } = scope;
    const ns = scope.namespace;
    const child = { parent: scope.parent };
    // --- Configuration: the Python files and settings.json -------------------------------
    // The homes claim is the labs' business: it travels in `labSettings`.
    const hubSettings = {
        stack: a.stack,
        hostname: a.hostname,
        url: publicUrl(a.hostname),
        oauthCallbackUrl: oauthCallbackUrl(a.hostname),
        // `authenticator` and the authenticator's own settings (github: `github`).
        ...hubAuthSettings(a.authenticator),
        shutdownOnLogout: true,
        databasePath: `${HUB_DATA_DIR}/jupyterhub.sqlite`,
        services: {
            hub: { name: HUB_SERVICES.hub.name, port: HUB_SERVICES.hub.port },
            proxyApi: { name: HUB_SERVICES.proxyApi.name, port: HUB_SERVICES.proxyApi.port },
            proxyPublic: { name: HUB_SERVICES.proxyPublic.name, port: HUB_SERVICES.proxyPublic.port },
        },
    };
    const configData = pulumi.output(a.labSettings).apply((lab) => ({
        ...hubPythonFiles(),
        ...settingsFiles(hubSettings, lab),
    }));
    const configMap = new k8s.core.v1.ConfigMap(
        `${name}-config`,
        { metadata: { name: HUB_NAMES.configMap, namespace: ns, labels: hubLabels }, data: configData },
        child,
    );
    return { configMap, configData };
}

/**
 * hub-access-restricted: the hub admits only members of configured GitHub organizations.
 *
 * What it reads: the hub's ConfigMap (`configMap`, default `hub-config`) holds the hub's settings
 * as JSON under `settingsKey` (default `settings.json`), in the shape
 *
 *     { "hub": { "authenticator": "github", "github": { "allowedOrganizations": ["my-org"] } }, ... }
 *
 * `authenticatorPath` and `allowedOrganizationsPaths` (dotted paths, the first present wins)
 * locate the two values, so the rule follows the hub component if its shape moves.
 *
 * It fails when the authenticator is not one that restricts by organization (by default those the
 * registry in components/authenticators.ts marks `restrictsToOrganizations`; `dummy` lets in
 * anyone with the shared password), when the organization list is empty (with GitHub's
 * authenticator, nobody or, with some settings, anybody gets in), or when it names an organization
 * outside `organizations` (if that list is set). Mandatory everywhere but the stacks in
 * `advisoryStacks` (default `local`), where `hub-access-restricted-local` reports the same findings
 * as advisory: a laptop cluster may use the dummy login.
 */
import * as k8s from "../components/sdk/kubernetes";
import { ResourceValidationArgs, ResourceValidationPolicy, ReportViolation, PolicyConfigSchema, validateResourceOfType } from "@pulumi/policy";
import { ALLOWED_ORGANIZATIONS_SETTINGS, ORGANIZATION_RESTRICTING } from "../components/authenticators";
import { HUB_NAMES, HUB_SETTINGS_KEY } from "../components/hub/index";
import { configOf, stackOfUrn } from "./lib/policy";

export interface HubAccessConfig {
    readonly configMap: string;
    readonly settingsKey: string;
    readonly authenticatorPath: string;
    readonly allowedOrganizationsPaths: string[];
    /** Authenticators that admit only members of the allowed organizations. */
    readonly restrictingAuthenticators: string[];
    /** If non-empty, the only organizations the hub may admit. */
    readonly organizations: string[];
    /** Stacks on which findings are advisory (reported by hub-access-restricted-local). */
    readonly advisoryStacks: string[];
}

export const HUB_ACCESS_DEFAULTS: HubAccessConfig = {
    configMap: HUB_NAMES.configMap,
    settingsKey: HUB_SETTINGS_KEY,
    authenticatorPath: "hub.authenticator",
    // From the registry of authenticators: those with `restrictsToOrganizations`, and where each
    // writes its organization list in settings.json.
    allowedOrganizationsPaths: [...ALLOWED_ORGANIZATIONS_SETTINGS],
    restrictingAuthenticators: [...ORGANIZATION_RESTRICTING],
    organizations: [],
    advisoryStacks: ["local"],
};

const stringList = (description: string, dflt: string[]) => ({ type: "array" as const, items: { type: "string" as const }, default: dflt, description });

const configSchema: PolicyConfigSchema = {
    properties: {
        configMap: { type: "string", default: HUB_ACCESS_DEFAULTS.configMap, description: "metadata.name of the hub's settings ConfigMap." },
        settingsKey: { type: "string", default: HUB_ACCESS_DEFAULTS.settingsKey, description: "Key of the JSON settings in that ConfigMap." },
        authenticatorPath: { type: "string", default: HUB_ACCESS_DEFAULTS.authenticatorPath, description: "Dotted path of the authenticator name in the settings." },
        allowedOrganizationsPaths: stringList("Dotted paths of the allowed organizations; the first present wins.", HUB_ACCESS_DEFAULTS.allowedOrganizationsPaths),
        restrictingAuthenticators: stringList("Authenticators that admit only members of the allowed organizations.", HUB_ACCESS_DEFAULTS.restrictingAuthenticators),
        organizations: stringList("If non-empty, the only GitHub organizations the hub may admit.", HUB_ACCESS_DEFAULTS.organizations),
        advisoryStacks: stringList("Stacks on which the findings are advisory.", HUB_ACCESS_DEFAULTS.advisoryStacks),
    },
};

function at(obj: unknown, path: string): unknown {
    return path.split(".").reduce<unknown>((o, k) => (o && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined), obj);
}

/** The findings for one ConfigMap, whatever the stack. */
function check(
    configMap: { metadata?: { name?: string }; data?: Record<string, string> },
    args: ResourceValidationArgs,
    reportViolation: ReportViolation,
    onAdvisoryStack: boolean,
): void {
    const cfg = configOf(args, HUB_ACCESS_DEFAULTS);
    if (configMap.metadata?.name !== cfg.configMap) {
        args.notApplicable(`not the hub's ConfigMap ${cfg.configMap}`);
    }
    if (cfg.advisoryStacks.includes(stackOfUrn(args.urn)) !== onAdvisoryStack) {
        args.notApplicable(onAdvisoryStack ? "stack is not in advisoryStacks" : "stack is in advisoryStacks");
    }
    const text = configMap.data?.[cfg.settingsKey];
    if (typeof text !== "string") {
        reportViolation(`ConfigMap ${cfg.configMap} has no data["${cfg.settingsKey}"]: the hub's login settings cannot be checked.`);
        return;
    }
    let settings: unknown;
    try {
        settings = JSON.parse(text);
    } catch {
        reportViolation(`ConfigMap ${cfg.configMap} data["${cfg.settingsKey}"] is not JSON.`);
        return;
    }
    const authenticator = at(settings, cfg.authenticatorPath);
    if (!cfg.restrictingAuthenticators.includes(String(authenticator))) {
        reportViolation(
            `the hub's authenticator is ${authenticator === undefined ? "not set" : `"${String(authenticator)}"`} (${cfg.authenticatorPath}): it does not restrict login to GitHub organizations; use one of ${cfg.restrictingAuthenticators.join(", ")}.`,
        );
        return;
    }
    const path = cfg.allowedOrganizationsPaths.find((p) => at(settings, p) !== undefined);
    const orgs = path ? at(settings, path) : undefined;
    if (!Array.isArray(orgs) || orgs.length === 0) {
        reportViolation(`the hub allows no GitHub organization (${cfg.allowedOrganizationsPaths.join(" or ")} is empty or missing): list the organizations whose members may log in.`);
        return;
    }
    const outside = orgs.filter((o) => cfg.organizations.length > 0 && !cfg.organizations.includes(String(o)));
    if (outside.length > 0) {
        reportViolation(`the hub admits organization(s) ${outside.join(", ")} that the policy config does not list (hub-access-restricted.organizations).`);
    }
}

export const hubAccessRestricted: ResourceValidationPolicy = {
    name: "hub-access-restricted",
    description:
        "The hub admits only members of configured GitHub organizations: no open or shared-password login and no empty allow-list outside local stacks.",
    enforcementLevel: "mandatory",
    configSchema,
    validateResource: validateResourceOfType(k8s.core.v1.ConfigMap, (cm, args, reportViolation) =>
        check(cm as never, args, reportViolation, false),
    ),
};

export const hubAccessRestrictedLocal: ResourceValidationPolicy = {
    name: "hub-access-restricted-local",
    description:
        "On local stacks, a hub that admits more than configured GitHub organizations (e.g. the dummy shared-password login) is reported as advisory.",
    enforcementLevel: "advisory",
    configSchema,
    validateResource: validateResourceOfType(k8s.core.v1.ConfigMap, (cm, args, reportViolation) =>
        check(cm as never, args, reportViolation, true),
    ),
};

/**
 * gcp-apis-enabled: every Google Cloud API the stack's GCP resources need is declared by the stack
 * itself, as a `gcp:projects/service:Service`, so the first `pulumi up` on an empty project does not
 * fail on whichever API happens to be off.
 *
 * The API of each resource type comes from the program's own table (GCP_API_OF_RESOURCE_TYPE in
 * components/gcpApis.ts); the APIs GKE uses at run time (RUNTIME_GCP_APIS) are needed as soon as
 * the stack has any GCP resource. A GCP type missing from the table is itself a violation, so the
 * table grows with the program. Where both the resource's and the Service's `project` are known,
 * they must match (enabling an API in one project does nothing for another); otherwise the API
 * name alone counts. One violation per missing API, naming the types that need it, on the first
 * resource that does.
 */
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { GCP_SERVICE_TYPE, gcpApiOf, isGcpResourceType, RUNTIME_GCP_APIS } from "../components/gcpApis";
import { knownString } from "./lib/policy";

/** A `project` input when known at preview, else undefined. */
function projectOf(r: PolicyResource): string | undefined {
    return knownString(() => r.props.project);
}

export const gcpApisEnabled: StackValidationPolicy = {
    name: "gcp-apis-enabled",
    description:
        "Every Google Cloud API the stack's GCP resources need (and GKE's run-time APIs) is enabled by a gcp.projects.Service in the stack itself.",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const gcpResources = args.resources.filter((r) => isGcpResourceType(r.type) && r.type !== GCP_SERVICE_TYPE);
        if (gcpResources.length === 0) {
            args.notApplicable("the stack declares no GCP resource");
        }
        const declared = args.resources
            .filter((r) => r.type === GCP_SERVICE_TYPE)
            .map((r) => ({ api: knownString(() => r.props.service), project: projectOf(r) }));
        const enabled = (api: string, project: string | undefined): boolean =>
            declared.some((d) => d.api === api && (project === undefined || d.project === undefined || d.project === project));

        // One line per missing API (and project), naming every type that needs it.
        const missing = new Map<string, { api: string; project?: string; types: string[]; urn: string }>();
        const unmapped = new Set<string>();
        for (const r of gcpResources) {
            const api = gcpApiOf(r.type);
            if (api === undefined) {
                if (!unmapped.has(r.type)) {
                    unmapped.add(r.type);
                    reportViolation(
                        `GCP resource type ${r.type} has no API in GCP_API_OF_RESOURCE_TYPE (components/gcpApis.ts): add it, so the stack enables the API it needs.`,
                        r.urn,
                    );
                }
                continue;
            }
            const project = projectOf(r);
            if (enabled(api, project)) continue;
            const key = `${api}\u0000${project ?? ""}`;
            if (!missing.has(key)) missing.set(key, { api, project, types: [], urn: r.urn });
            const entry = missing.get(key)!;
            if (!entry.types.includes(r.type)) entry.types.push(r.type);
        }
        for (const m of missing.values()) {
            reportViolation(
                `${m.api}${m.project ? ` (project ${m.project})` : ""} is needed by ${m.types.join(", ")}, but no ${GCP_SERVICE_TYPE} of the stack enables it: declare a gcp.projects.Service for it (disableOnDestroy: false).`,
                m.urn,
            );
        }
        for (const [api, why] of Object.entries(RUNTIME_GCP_APIS)) {
            if (!enabled(api, undefined)) {
                reportViolation(`GKE needs ${api} at run time (${why}), which no ${GCP_SERVICE_TYPE} of the stack enables: declare a gcp.projects.Service for it.`);
            }
        }
    },
};

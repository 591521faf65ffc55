/**
 * The project's Google Cloud APIs, enabled by the program: one `gcp.projects.Service` per API the
 * stack's GCP resources need (from the shared table in components/gcpApis.ts), plus the APIs GKE
 * uses at run time. Each GCP resource the transformation sees depends on its API's Service, so
 * the first `pulumi up` on an empty project enables each API before anything calls it.
 *
 * Services are declared on first use: the set follows exactly the resource types the stack
 * declares (no `dns.googleapis.com` without a DNS resource), and no second list can drift.
 */
import * as gcp from "../sdk/gcp";
import * as pulumi from "@pulumi/pulumi";
import { gcpApiOf, isGcpResourceType, PREREQUISITE_GCP_APIS, RUNTIME_GCP_APIS } from "../gcpApis";

/** The cluster's type token: it waits for every runtime API, not only its own. */
const CLUSTER_TYPE = "gcp:container/cluster:Cluster";

export interface ProjectApisArgs {
    /** The stack's GCP project: APIs are enabled there; resources in other projects are left alone. */
    readonly project: string;
}

export class ProjectApis extends pulumi.ComponentResource {
    private readonly services = new Map<string, gcp.projects.Service>();
    private readonly project: string;
    private readonly name: string;

    /**
     * A transformation for the components that declare GCP resources: each resource of the
     * stack's project gets `dependsOn` its API's Service (declared here on first use).
     */
    public readonly dependOnApis: pulumi.ResourceTransformation;

    constructor(name: string, args: ProjectApisArgs, opts?: pulumi.ComponentResourceOptions) {
        super("jupyterlabdemo:components:ProjectApis", name, {}, opts);
        this.name = name;
        this.project = args.project;
        // Resource Manager must be on before the first run (the provider reads the project
        // through it); declared all the same, so nothing turns it off unnoticed.
        for (const api of [...PREREQUISITE_GCP_APIS.filter((a) => a !== "serviceusage.googleapis.com"), ...Object.keys(RUNTIME_GCP_APIS)]) {
            this.service(api);
        }
        this.dependOnApis = (a) => {
            if (!isGcpResourceType(a.type)) return undefined;
            const api = gcpApiOf(a.type);
            const project = (a.props as { project?: unknown }).project;
            // A resource in another project (a shared DNS zone) uses that project's APIs, which
            // this stack does not own. An unknown type is left for the policy pack to report.
            if (api === undefined || (typeof project === "string" && project !== this.project)) return undefined;
            // The cluster also starts what the other runtime APIs serve (logging, Managed
            // Prometheus, Workload Identity's token exchange): it waits for all of them.
            const apis = a.type === CLUSTER_TYPE ? [...new Set([api, ...Object.keys(RUNTIME_GCP_APIS)])] : [api];
            return { props: a.props, opts: pulumi.mergeOptions(a.opts, { dependsOn: apis.map((x) => this.service(x)) }) };
        };
        this.registerOutputs({});
    }

    /** The Service that enables `api` in the project, declared once. */
    public service(api: string): gcp.projects.Service {
        let s = this.services.get(api);
        if (!s) {
            s = new gcp.projects.Service(
                `${this.name}-${api.split(".")[0]}`,
                {
                    project: this.project,
                    service: api,
                    // Never turn an API off on destroy or replacement: other stacks, people or
                    // the retained homes disk's snapshots may use it, and disabling it can
                    // delete their resources. Dependent services are never disabled either.
                    disableOnDestroy: false,
                    disableDependentServices: false,
                },
                { parent: this },
            );
            this.services.set(api, s);
        }
        return s;
    }
}

/**
 * The Edge component's arguments, and their resolution: cross-field rules checked and defaults
 * applied once, before any object is declared.
 */
import * as k8s from "../sdk/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Placement } from "../naming";
import type { CertificateIssuer } from "./names";

/** The Service the hub's Ingress routes to, and the container port behind it. */
export interface EdgeBackend {
    readonly service: k8s.core.v1.Service;
    readonly containerPort: number;
}

/** The backend as the pure policy builder needs it: namespace, the Service's pod selector, the container port. */
export interface BackendPods {
    readonly namespace: string;
    readonly podLabels: Record<string, string>;
    readonly port: number;
}

export interface EdgeArgs {
    /** Stack name, for labels. */
    readonly stack: string;
    /** Public hostname of the hub (no trailing dot). The TLS host, the rule host and the DNS name. */
    readonly hostname: string;
    /**
     * Where the hub's Ingress routes: the Service the hub component declares (its `proxy-public`),
     * and the port of the container behind it. The Ingress goes in the Service's namespace and
     * routes to its name and first port; the controller's egress policy opens the container port
     * towards the pods the Service selects.
     */
    readonly backend: EdgeBackend;
    /** Where the controllers run (the core pool: node selector and tolerations); `{}` on `local`. */
    readonly placement: Placement;
    /** Certificate authority of the hub's certificate. */
    readonly issuer: CertificateIssuer;
    /** Let's Encrypt account contact. Required with the `letsencrypt-*` issuers. */
    readonly acmeEmail?: string;
    /** Largest request body the ingress accepts, nginx size syntax (`512m`, `1g`). */
    readonly maxBodySize: string;
    /**
     * Ingress controller replicas; 2 or more also declares a PodDisruptionBudget (minAvailable 1)
     * and prefers spreading the replicas over nodes.
     */
    readonly replicas: number;
    /** Type of the controller's Service: `LoadBalancer` (GKE, or a local cluster with one) or `NodePort`. */
    readonly serviceType: "LoadBalancer" | "NodePort";
    /**
     * The reserved static IP of the LoadBalancer. Requires `serviceType: LoadBalancer`.
     * @default none: the cloud picks an ephemeral address
     */
    readonly loadBalancerIP?: pulumi.Input<string>;
    /**
     * `Local` keeps client source addresses (only nodes running a controller answer the LB);
     * `Cluster` answers on every node but hides the client address.
     */
    readonly externalTrafficPolicy: "Local" | "Cluster";
    /**
     * Fixed node ports (http, https) for `serviceType: NodePort`, so a kind port mapping can name them.
     * @default assigned by Kubernetes
     */
    readonly nodePorts?: { readonly http: number; readonly https: number };
    /**
     * The Cloud DNS managed zone that holds `hostname`; when set, an A record for it points at
     * `loadBalancerIP` (required then).
     * @default none: the record is created by hand (see docs/edge.md)
     */
    readonly dns?: { readonly project: string; readonly managedZone: string };
    /**
     * Node address ranges: the only sources admitted to the controllers' health ports (kubelet
     * probes come from the node). GKE: the cluster's node range; `local`: the Docker networks.
     */
    readonly nodeCidrs: readonly string[];
    /**
     * TCP ports the API server answers on, as the pods' traffic reaches it after the `kubernetes`
     * Service is translated (GKE: 443; kind, k3d, Docker Desktop: 6443; minikube: 8443). Its
     * address is not known to the program, so these ports are opened towards any address.
     */
    readonly apiServerPorts: readonly number[];
}

/** Defaults resolved and cross-field rules checked: what the builders below work from. */
export interface Resolved extends EdgeArgs {
    readonly acme: boolean;
}

export function resolve(args: EdgeArgs, parent: pulumi.Resource): Resolved {
    const acme = args.issuer !== "self-signed";
    if (acme && !args.acmeEmail) {
        throw new pulumi.ResourceError(`issuer ${args.issuer} needs acmeEmail (the Let's Encrypt account contact)`, parent);
    }
    if (args.loadBalancerIP !== undefined && args.serviceType !== "LoadBalancer") {
        throw new pulumi.ResourceError(`loadBalancerIP needs serviceType LoadBalancer, got ${args.serviceType}`, parent);
    }
    if (args.nodePorts && args.serviceType !== "NodePort") {
        throw new pulumi.ResourceError(`nodePorts needs serviceType NodePort, got ${args.serviceType}`, parent);
    }
    if (args.dns && args.loadBalancerIP === undefined) {
        throw new pulumi.ResourceError("dns needs loadBalancerIP (the A record points at it)", parent);
    }
    if (args.nodeCidrs.length === 0) {
        throw new pulumi.ResourceError("nodeCidrs must not be empty (the controllers' health probes come from the nodes)", parent);
    }
    if (args.apiServerPorts.length === 0) {
        throw new pulumi.ResourceError("apiServerPorts must not be empty (the controllers watch the API server)", parent);
    }
    if (!Number.isInteger(args.replicas) || args.replicas < 1) {
        throw new pulumi.ResourceError(`replicas must be a whole number >= 1, got ${args.replicas}`, parent);
    }
    return { ...args, acme };
}

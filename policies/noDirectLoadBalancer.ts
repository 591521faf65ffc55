/**
 * k8s-no-direct-load-balancer: the only way in from the internet is the ingress controller. A
 * Service of type LoadBalancer declared anywhere else opens a public IP, and one of type NodePort
 * a port on every node's address; both bypass TLS, the ingress's limits and its logs.
 */
import * as k8s from "../components/sdk/kubernetes";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { configOf, namespacedRef } from "./lib/policy";

export interface NoDirectLoadBalancerConfig {
    /**
     * Services allowed to be LoadBalancers or NodePorts, as `namespace/name`: the ingress controller's, should
     * its chart's objects ever be declared one by one (a helm.v3.Release's are not).
     */
    readonly allowed: string[];
}

/** The defaults: both the config schema's and what the rule uses when no config is given. */
const NO_DIRECT_LOAD_BALANCER_DEFAULTS: NoDirectLoadBalancerConfig = { allowed: [] };

export const noDirectLoadBalancer: ResourceValidationPolicy = {
    name: "k8s-no-direct-load-balancer",
    description:
        "No Service of type LoadBalancer or NodePort is declared except the ingress controller's, so every public entry point goes through the TLS-terminating ingress.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            allowed: {
                type: "array",
                items: { type: "string", pattern: "^[a-z0-9-]+/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$" },
                default: NO_DIRECT_LOAD_BALANCER_DEFAULTS.allowed,
                description: "Services allowed to be of type LoadBalancer or NodePort, as namespace/name.",
            },
        },
    },
    validateResource: validateResourceOfType(k8s.core.v1.Service, (service, args, reportViolation) => {
        const type = service.spec?.type;
        if (type !== "LoadBalancer" && type !== "NodePort") {
            return;
        }
        const { allowed } = configOf(args, NO_DIRECT_LOAD_BALANCER_DEFAULTS);
        const ref = namespacedRef(service.metadata, args.name);
        if (!allowed.includes(ref)) {
            reportViolation(`Service ${ref} is of type ${type}: expose it through the Ingress (or use ClusterIP), or add it to k8s-no-direct-load-balancer.allowed if it is the ingress controller's.`);
        }
    }),
};

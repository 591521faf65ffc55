/**
 * Who may reach the NFS server: the nodes on the NFS port (the kubelets mount the homes), GKE
 * Managed Service for Prometheus's collector on the metrics ports; out, DNS only. Used by the
 * storage component.
 */
import * as k8s from "../sdk/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { clusterDnsEgress, collectorPeer, commonLabels, COMPONENTS } from "../naming";
import { NFS_PORT } from "./ganesha";

/** The NetworkPolicy is named after the pods it selects. */
const NFS_SERVER_NAME = "nfs-server";


export interface NfsNetworkArgs {
    readonly stack: string;
    /** The server's namespace. */
    readonly namespace: string;
    /** The server pods' selector labels. */
    readonly podLabels: Record<string, string>;
    /** Node address ranges: the only sources admitted to the NFS port. */
    readonly nodeCidrs: readonly string[];
    /** The metrics ports the collector may scrape. */
    readonly metricsPorts: ReadonlyArray<{ readonly port: number }>;
    /**
     * Also admit the nodes by Cilium entity (`host`, `remote-node`): GKE Dataplane V2 may give node
     * traffic an identity an ipBlock of the node range does not match.
     */
    readonly admitNodesByCiliumEntity: boolean;
}

/** The server's NetworkPolicy (named after its component), and on GKE the Cilium node admission. */
export function nfsServerNetworkPolicies(parent: pulumi.Resource, name: string, a: NfsNetworkArgs, opts: pulumi.CustomResourceOptions): void {
    const child = { ...opts, parent };
    new k8s.networking.v1.NetworkPolicy(
        `${name}-netpol`,
        {
            metadata: { name: NFS_SERVER_NAME, namespace: a.namespace, labels: commonLabels(a.stack, COMPONENTS.networkPolicy) },
            spec: {
                podSelector: { matchLabels: a.podLabels },
                policyTypes: ["Ingress", "Egress"],
                ingress: [
                    {
                        from: [...new Set(a.nodeCidrs)].sort().map((cidr) => ({ ipBlock: { cidr } })),
                        ports: [{ port: NFS_PORT, protocol: "TCP" }],
                    },
                    {
                        from: [collectorPeer()],
                        ports: a.metricsPorts.map((p) => ({ port: p.port, protocol: "TCP" })),
                    },
                ],
                egress: [
                    clusterDnsEgress(),
                ],
            },
        },
        child,
    );
    if (a.admitNodesByCiliumEntity) {
        new k8s.apiextensions.CustomResource(
            `${name}-cilium-nfs-nodes`,
            {
                apiVersion: "cilium.io/v2",
                kind: "CiliumClusterwideNetworkPolicy",
                metadata: { name: `jupyterlabdemo-${a.stack}-homes-nfs-nodes`, labels: commonLabels(a.stack, COMPONENTS.networkPolicy) },
                spec: {
                    description: "The kubelet mounts users' homes over NFS from the nodes: admit node traffic to the NFS server's port.",
                    endpointSelector: { matchLabels: { "k8s:io.kubernetes.pod.namespace": a.namespace, ...a.podLabels } },
                    ingress: [{ fromEntities: ["host", "remote-node"], toPorts: [{ ports: [{ port: String(NFS_PORT), protocol: "TCP" }] }] }],
                },
            },
            child,
        );
    }
}

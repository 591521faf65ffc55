/**
 * The cluster's VPC: one subnetwork with secondary ranges for pods and Services (VPC-native), and
 * Cloud NAT for private nodes' egress.
 */
import * as gcp from "../sdk/gcp";
import * as pulumi from "@pulumi/pulumi";

export interface ClusterNetworkArgs {
    readonly project: string;
    readonly region: string;
    /** Prefix of the network resources' names (the cluster name). */
    readonly clusterName: string;
    readonly nodeCidr: string;
    readonly podCidr: string;
    readonly serviceCidr: string;
    /** Declare Cloud NAT (private nodes have no other way out). */
    readonly nat: boolean;
}

/** Secondary range names the cluster's ipAllocationPolicy refers to. */
export const SECONDARY_RANGES = { pods: "pods", services: "services" } as const;

/** Cloud NAT's per-VM source-port floor and ceiling (powers of two, as GCP requires). */
const NAT_MIN_PORTS_PER_VM = 256;
const NAT_MAX_PORTS_PER_VM = 16384;

export function clusterNetwork(
    name: string,
    a: ClusterNetworkArgs,
    opts: pulumi.CustomResourceOptions,
): { network: gcp.compute.Network; subnetwork: gcp.compute.Subnetwork; nat?: gcp.compute.RouterNat } {
    const { project, region } = a;
    const network = new gcp.compute.Network(
        `${name}-network`,
        { name: `${a.clusterName}-net`, project, autoCreateSubnetworks: false, routingMode: "REGIONAL" },
        opts,
    );
    const subnetwork = new gcp.compute.Subnetwork(
        `${name}-subnetwork`,
        {
            name: `${a.clusterName}-nodes`,
            project,
            region,
            network: network.id,
            ipCidrRange: a.nodeCidr,
            privateIpGoogleAccess: true,
            secondaryIpRanges: [
                { rangeName: SECONDARY_RANGES.pods, ipCidrRange: a.podCidr },
                { rangeName: SECONDARY_RANGES.services, ipCidrRange: a.serviceCidr },
            ],
            logConfig: { aggregationInterval: "INTERVAL_10_MIN", flowSampling: 0.5, metadata: "INCLUDE_ALL_METADATA" },
        },
        opts,
    );
    let nat: gcp.compute.RouterNat | undefined;
    if (a.nat) {
        const router = new gcp.compute.Router(`${name}-router`, { name: `${a.clusterName}-router`, project, region, network: network.id }, opts);
        nat = new gcp.compute.RouterNat(
            `${name}-nat`,
            {
                name: `${a.clusterName}-nat`,
                project,
                region,
                router: router.name,
                natIpAllocateOption: "AUTO_ONLY",
                sourceSubnetworkIpRangesToNat: "ALL_SUBNETWORKS_ALL_IP_RANGES",
                logConfig: { enable: true, filter: "ERRORS_ONLY" },
                // Dynamic port allocation: a node starts with 256 source ports per destination
                // (4x the static default of 64, plenty for an idle node's image pulls) and
                // doubles up to 16384 as its labs open connections: a class doing `pip install`
                // on one user node needs thousands at once. A NAT IP has 64512 ports: about four
                // nodes at the ceiling share one, and AUTO_ONLY allocates more IPs as needed.
                // Endpoint-independent mapping must be off: GCP refuses it with dynamic ports.
                enableDynamicPortAllocation: true,
                minPortsPerVm: NAT_MIN_PORTS_PER_VM,
                maxPortsPerVm: NAT_MAX_PORTS_PER_VM,
                enableEndpointIndependentMapping: false,
            },
            opts,
        );
    }
    return { network, subnetwork, nat };
}

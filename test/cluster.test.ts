/**
 * The GKE platform as declared: hardening settings on the cluster and both pools, the pools'
 * roles, per-stack protection, the kubeconfig's exec flow, and nothing of GCP on `local`.
 */
import * as assert from "assert";
import { gkeKubeconfig, nodeServiceAccountId } from "../components/cluster";
import { NODE_ROLE_LABEL, scheduleOn } from "../components/naming";
import { RUNTIME_GCP_APIS } from "../components/gcpApis";
import { render, resource, resourcesOf, set } from "./mocks";

const CLUSTER = "gcp:container/cluster:Cluster";
const POOL = "gcp:container/nodePool:NodePool";

describe("GKE platform", () => {
    it("declares a hardened, VPC-native cluster with its default pool removed", async () => {
        const c = resource(await render("sandbox"), CLUSTER, "gke-cluster").inputs as Record<string, any>;
        assert.strictEqual(c.name, "jupyterlab-sandbox");
        assert.strictEqual(c.location, "us-central1-a", "zonal sandbox");
        assert.strictEqual(c.networkingMode, "VPC_NATIVE");
        assert.deepStrictEqual(c.ipAllocationPolicy, { clusterSecondaryRangeName: "pods", servicesSecondaryRangeName: "services" });
        assert.strictEqual(c.removeDefaultNodePool, true);
        assert.strictEqual(c.enableLegacyAbac, false);
        assert.deepStrictEqual(c.masterAuth, { clientCertificateConfig: { issueClientCertificate: false } });
        assert.strictEqual(c.datapathProvider, "ADVANCED_DATAPATH", "Dataplane V2 enforces NetworkPolicy");
        assert.strictEqual(c.enableShieldedNodes, true);
        assert.deepStrictEqual(c.workloadIdentityConfig, { workloadPool: "jupyterlabdemo-sandbox.svc.id.goog" });
        assert.deepStrictEqual(c.releaseChannel, { channel: "REGULAR" });
        assert.deepStrictEqual(c.maintenancePolicy, { dailyMaintenanceWindow: { startTime: "03:00" } });
        assert.strictEqual(c.deletionProtection, false, "set explicitly: CI rebuilds the sandbox");
    });

    it("reaches the control plane over its DNS endpoint, without VPC peering or a control-plane range", async () => {
        const r = await render("sandbox");
        const c = resource(r, CLUSTER, "gke-cluster").inputs as Record<string, any>;
        // No masterIpv4CidrBlock: that field selects the deprecated VPC-peering model.
        assert.deepStrictEqual(c.privateClusterConfig, { enablePrivateNodes: true });
        assert.deepStrictEqual(c.controlPlaneEndpointsConfig, {
            dnsEndpointConfig: { allowExternalTraffic: true },
            ipEndpointsConfig: { enabled: true },
        });
        for (const p of resourcesOf(r, POOL)) {
            assert.deepStrictEqual((p.inputs as Record<string, any>).networkConfig, { enablePrivateNodes: true }, p.name);
        }
        const authorized = await render("sandbox", set({ "cluster.masterAuthorizedNetworks": '["203.0.113.0/24"]' }));
        assert.deepStrictEqual((resource(authorized, CLUSTER, "gke-cluster").inputs as Record<string, any>).masterAuthorizedNetworksConfig, {
            cidrBlocks: [{ cidrBlock: "203.0.113.0/24" }],
        });
    });

    it("puts the cluster in the subnetwork whose secondary ranges it names", async () => {
        const r = await render("sandbox");
        const c = resource(r, CLUSTER, "gke-cluster").inputs as Record<string, any>;
        const subnet = resource(r, "gcp:compute/subnetwork:Subnetwork", "gke-subnetwork").inputs as Record<string, any>;
        assert.strictEqual(c.subnetwork, "${gke-subnetwork.id}");
        assert.strictEqual(c.network, "${gke-network.id}");
        assert.deepStrictEqual(
            subnet.secondaryIpRanges.map((x: { rangeName: string }) => x.rangeName).sort(),
            [c.ipAllocationPolicy.clusterSecondaryRangeName, c.ipAllocationPolicy.servicesSecondaryRangeName].sort(),
        );
        assert.strictEqual(subnet.privateIpGoogleAccess, true);
        // Private nodes reach the internet (image pulls, pip) through Cloud NAT on the same network.
        const router = resource(r, "gcp:compute/router:Router", "gke-router").inputs as Record<string, any>;
        const nat = resource(r, "gcp:compute/routerNat:RouterNat", "gke-nat").inputs as Record<string, any>;
        assert.strictEqual(router.network, c.network);
        assert.strictEqual(nat.router, router.name);
    });

    it("hardens both node pools the same way", async () => {
        const r = await render("sandbox");
        const pools = resourcesOf(r, POOL);
        assert.deepStrictEqual(pools.map((p) => p.name), ["gke-core-pool", "gke-user-pool"]);
        for (const p of pools) {
            const i = p.inputs as Record<string, any>;
            assert.strictEqual(i.cluster, "jupyterlab-sandbox");
            assert.deepStrictEqual(i.management, { autoRepair: true, autoUpgrade: true }, p.name);
            const n = i.nodeConfig;
            assert.strictEqual(n.imageType, "COS_CONTAINERD", p.name);
            assert.deepStrictEqual(n.workloadMetadataConfig, { mode: "GKE_METADATA" }, p.name);
            assert.deepStrictEqual(n.shieldedInstanceConfig, { enableIntegrityMonitoring: true, enableSecureBoot: true }, p.name);
            assert.deepStrictEqual(n.metadata, { "disable-legacy-endpoints": "true" }, p.name);
            assert.strictEqual(n.serviceAccount, "${gke-nodes.email}", `${p.name}: the dedicated node service account`);
        }
        const account = resource(r, "gcp:serviceaccount/account:Account", "gke-nodes").inputs as Record<string, any>;
        assert.strictEqual(account.accountId, "jupyterlab-sandbox-nodes");
        const role = resource(r, "gcp:projects/iAMMember:IAMMember", "gke-nodes-role").inputs as Record<string, any>;
        assert.deepStrictEqual(role, {
            member: "${gke-nodes.member}",
            project: "jupyterlabdemo-sandbox",
            role: "roles/container.defaultNodeServiceAccount",
        });
    });

    it("labels both pools and taints only the user pool, so GKE's own pods have the core pool", async () => {
        const r = await render("sandbox");
        for (const role of ["core", "user"]) {
            const n = (resource(r, POOL, `gke-${role}-pool`).inputs as Record<string, any>).nodeConfig;
            assert.deepStrictEqual(n.labels, { [NODE_ROLE_LABEL]: role });
        }
        const core = resource(r, POOL, "gke-core-pool").inputs as Record<string, any>;
        const user = resource(r, POOL, "gke-user-pool").inputs as Record<string, any>;
        // kube-dns, konnectivity-agent and metrics-server tolerate only GKE's own taints: a custom
        // taint on every pool leaves them Pending. The core pool keeps at least one node for them.
        assert.deepStrictEqual(core.nodeConfig.taints, [], "core pool: no custom taint (an explicit empty list removes any)");
        assert.ok(core.autoscaling.minNodeCount >= 1, "core pool: never scaled to zero");
        assert.deepStrictEqual(user.nodeConfig.taints, [{ effect: "NO_SCHEDULE", key: NODE_ROLE_LABEL, value: "user" }]);
    });

    it("places core pods by node selector alone and lab pods by selector and toleration", () => {
        assert.deepStrictEqual(scheduleOn("core"), { nodeSelector: { [NODE_ROLE_LABEL]: "core" } });
        assert.deepStrictEqual(scheduleOn("user"), {
            nodeSelector: { [NODE_ROLE_LABEL]: "user" },
            tolerations: [{ key: NODE_ROLE_LABEL, operator: "Equal", value: "user", effect: "NoSchedule" }],
        });
    });

    it("sizes the pools from config: a user pool of Spot VMs scaling to zero on the sandbox", async () => {
        const r = await render("sandbox");
        const user = resource(r, POOL, "gke-user-pool").inputs as Record<string, any>;
        assert.deepStrictEqual(user.autoscaling, { locationPolicy: "BALANCED", maxNodeCount: 3, minNodeCount: 0 });
        assert.strictEqual(user.nodeConfig.spot, true);
        assert.strictEqual(user.nodeConfig.machineType, "e2-standard-4");
        const core = resource(r, POOL, "gke-core-pool").inputs as Record<string, any>;
        assert.deepStrictEqual(core.autoscaling, { locationPolicy: "BALANCED", maxNodeCount: 2, minNodeCount: 1 });
        assert.strictEqual(core.nodeConfig.spot, false);

        const bigger = await render("sandbox", set({ "cluster.userPool.machineType": "n2-standard-8", "cluster.userPool.maxNodes": "6" }));
        const u2 = resource(bigger, POOL, "gke-user-pool").inputs as Record<string, any>;
        assert.strictEqual(u2.nodeConfig.machineType, "n2-standard-8");
        assert.strictEqual(u2.autoscaling.maxNodeCount, 6);
    });

    it("protects the demo cluster, never its pools (a protected pool could not be replaced create-first), with GKE deletion protection on", async () => {
        const demo = await render("demo");
        const cluster = resource(demo, CLUSTER, "gke-cluster");
        assert.strictEqual(cluster.protect, true);
        assert.strictEqual((cluster.inputs as Record<string, any>).deletionProtection, true);
        assert.strictEqual((cluster.inputs as Record<string, any>).location, "us-central1", "regional demo");
        for (const p of resourcesOf(demo, POOL)) assert.strictEqual(p.protect, false, p.name);

        const sandbox = await render("sandbox");
        assert.strictEqual(resource(sandbox, CLUSTER, "gke-cluster").protect, false);
    });

    it("keeps a regional cluster's core pool in the zone of the homes disk, and labs in every zone", async () => {
        const demo = await render("demo");
        const core = resource(demo, POOL, "gke-core-pool").inputs as Record<string, any>;
        const user = resource(demo, POOL, "gke-user-pool").inputs as Record<string, any>;
        assert.deepStrictEqual(core.nodeLocations, ["us-central1-b"], "gcp:zone of the demo stack");
        assert.strictEqual(user.nodeLocations, undefined);
        const sandbox = await render("sandbox");
        assert.strictEqual((resource(sandbox, POOL, "gke-core-pool").inputs as Record<string, any>).nodeLocations, undefined);
        const c = resource(sandbox, CLUSTER, "gke-cluster").inputs as Record<string, any>;
        assert.deepStrictEqual(c.addonsConfig, { gcePersistentDiskCsiDriverConfig: { enabled: true } });
    });

    it("reserves a regional static IP for the ingress and exports it", async () => {
        const r = await render("sandbox");
        const ip = resource(r, "gcp:compute/address:Address", "gke-ingress-ip").inputs as Record<string, any>;
        assert.strictEqual(ip.region, "us-central1");
        assert.strictEqual(ip.addressType, "EXTERNAL");
        assert.strictEqual(r.outputs.ingressIp, "${gke-ingress-ip.address}");
        assert.strictEqual(r.outputs.clusterName, "jupyterlab-sandbox");
        assert.strictEqual(r.outputs.location, "us-central1-a");
    });

    it("creates the Kubernetes provider only once the node pools and the NAT their private nodes pull images through exist", async () => {
        const r = await render("sandbox");
        const provider = resource(r, "pulumi:providers:kubernetes", "gke-k8s");
        assert.deepStrictEqual(provider.dependsOn, ["gke-core-pool", "gke-nat", "gke-user-pool"]);
    });

    it("derives a valid node service account id from any valid cluster name", () => {
        assert.strictEqual(nodeServiceAccountId("jupyterlab-sandbox"), "jupyterlab-sandbox-nodes");
        // Cut to 30 characters, never ending in "-".
        assert.strictEqual(nodeServiceAccountId("a-very-long-cluster-name-for-x"), "a-very-long-cluster-name-for-x");
        assert.strictEqual(nodeServiceAccountId("a-very-long-cluster-name-for-"), "a-very-long-cluster-name-for");
        for (const n of ["jupyterlab-sandbox", "abcdefghijklmnopqrstuvwxyz0123456789abcd", "x1"]) {
            assert.match(nodeServiceAccountId(n).padEnd(6, "x"), /^[a-z][-a-z0-9]{4,28}[a-z0-9]$/, n);
        }
    });

    it("turns vulnerability scanning off explicitly (the basic tier is retired) and keeps posture checks", async () => {
        const c = resource(await render("sandbox"), CLUSTER, "gke-cluster").inputs as Record<string, any>;
        assert.deepStrictEqual(c.securityPostureConfig, { mode: "BASIC", vulnerabilityMode: "VULNERABILITY_DISABLED" });
    });

    it("builds a kubeconfig with the gke-gcloud-auth-plugin exec flow and no static credential", () => {
        const kc = JSON.parse(gkeKubeconfig({ project: "p", location: "us-central1-a", clusterName: "c", dnsEndpoint: "gke-0123.us-central1.gke.goog" }));
        assert.strictEqual(kc.clusters[0].cluster.server, "https://gke-0123.us-central1.gke.goog");
        // The DNS endpoint's certificate is from a public CA: the cluster CA would fail to verify it.
        assert.deepStrictEqual(Object.keys(kc.clusters[0].cluster), ["server"]);
        const user = kc.users[0].user;
        assert.deepStrictEqual(Object.keys(user), ["exec"]);
        assert.strictEqual(user.exec.command, "gke-gcloud-auth-plugin");
        assert.strictEqual(user.exec.apiVersion, "client.authentication.k8s.io/v1beta1");
        // The same identity as the gcp provider (application-default credentials), not gcloud's
        // active account, which a person following the README may never have set.
        assert.deepStrictEqual(user.exec.args, ["--use_application_default_credentials"]);
        assert.strictEqual(kc["current-context"], "gke_p_us-central1-a_c");
    });

    it("runs the temporary default pool as the node service account, ignoring the cluster's nodeConfig afterwards", async () => {
        const c = resource(await render("sandbox"), CLUSTER, "gke-cluster");
        const i = c.inputs as Record<string, any>;
        // Not the Compute Engine default account (CIS GKE 5.2.1), even for the minutes it exists.
        assert.strictEqual(i.nodeConfig.serviceAccount, "${gke-nodes.email}");
        assert.deepStrictEqual(i.nodeConfig.oauthScopes, ["https://www.googleapis.com/auth/cloud-platform"]);
        // Once the default pool is gone the API reports another pool's config here; nodeConfig is
        // ForceNew, so without this every later update would replace the cluster.
        assert.ok(c.ignoreChanges?.includes("nodeConfig"), `ignoreChanges: ${c.ignoreChanges}`);
    });

    it("gives Cloud NAT dynamic port allocation with a floor and a ceiling per VM", async () => {
        const nat = resource(await render("sandbox"), "gcp:compute/routerNat:RouterNat", "gke-nat").inputs as Record<string, any>;
        assert.strictEqual(nat.enableDynamicPortAllocation, true);
        assert.strictEqual(nat.minPortsPerVm, 256);
        assert.strictEqual(nat.maxPortsPerVm, 16384);
        // GCP refuses endpoint-independent mapping together with dynamic port allocation.
        assert.strictEqual(nat.enableEndpointIndependentMapping, false);
    });

    it("leaves node pool names to Pulumi's auto-naming, so a replacement creates the new pool before deleting the old", async () => {
        for (const role of ["core", "user"]) {
            const p = resource(await render("sandbox"), POOL, `gke-${role}-pool`);
            const i = p.inputs as Record<string, any>;
            // An explicit name makes the bridge replace delete-first; an auto-name is generated
            // afresh, so the old pool drains only once the new one exists. A namePrefix would fail
            // the create: the provider auto-names `name` too, and the pool refuses both.
            assert.strictEqual(i.name, undefined, p.name);
            assert.strictEqual(i.namePrefix, undefined, p.name);
            assert.strictEqual(p.deleteBeforeReplace, false, p.name);
        }
    });

    it("protects the demo's static ingress IP and keeps it after a destroy; the sandbox's is free to go", async () => {
        const demo = resource(await render("demo"), "gcp:compute/address:Address", "gke-ingress-ip");
        assert.strictEqual(demo.protect, true);
        assert.strictEqual(demo.retainOnDelete, true);
        const sandbox = resource(await render("sandbox"), "gcp:compute/address:Address", "gke-ingress-ip");
        assert.strictEqual(sandbox.protect, false);
        assert.strictEqual(sandbox.retainOnDelete, false);
    });

    it("packs labs with the OPTIMIZE_UTILIZATION autoscaling profile and no node auto-provisioning", async () => {
        const c = resource(await render("sandbox"), CLUSTER, "gke-cluster").inputs as Record<string, any>;
        assert.deepStrictEqual(c.clusterAutoscaling, { autoscalingProfile: "OPTIMIZE_UTILIZATION", enabled: false });
    });

    it("starts the cluster after every runtime API it turns on (logging, Managed Prometheus, Workload Identity)", async () => {
        const r = await render("sandbox");
        const cluster = resource(r, CLUSTER, "gke-cluster");
        for (const api of Object.keys(RUNTIME_GCP_APIS)) {
            assert.ok(cluster.dependsOn.includes(`apis-${api.split(".")[0]}`), `the cluster waits for ${api}`);
        }
    });

    it("runs Managed Prometheus' collector and the kube-state pod metrics the monitoring reads", async () => {
        const c = resource(await render("sandbox"), CLUSTER, "gke-cluster").inputs as Record<string, any>;
        assert.deepStrictEqual(c.monitoringConfig, { enableComponents: ["SYSTEM_COMPONENTS", "POD"], managedPrometheus: { enabled: true } });
    });

    it("declares the configured maintenance exclusions beside the daily window", async () => {
        const r = await render(
            "sandbox",
            set({
                "cluster.maintenanceExclusions":
                    '[{"name":"spring-term","start":"2027-02-01T00:00:00Z","end":"2027-05-31T00:00:00Z"},' +
                    '{"name":"exam-week","start":"2027-06-07T00:00:00Z","end":"2027-06-14T00:00:00Z","scope":"NO_UPGRADES"}]',
            }),
        );
        const c = resource(r, CLUSTER, "gke-cluster").inputs as Record<string, any>;
        assert.deepStrictEqual(c.maintenancePolicy, {
            dailyMaintenanceWindow: { startTime: "03:00" },
            maintenanceExclusions: [
                { endTime: "2027-05-31T00:00:00Z", exclusionName: "spring-term", exclusionOptions: { scope: "NO_MINOR_OR_NODE_UPGRADES" }, startTime: "2027-02-01T00:00:00Z" },
                { endTime: "2027-06-14T00:00:00Z", exclusionName: "exam-week", exclusionOptions: { scope: "NO_UPGRADES" }, startTime: "2027-06-07T00:00:00Z" },
            ],
        });
    });

    it("creates the Cloud DNS zone when asked: protected, for the hostname or a parent domain, before its A record", async () => {
        const own = await render("sandbox", set({ ingress: '{"acmeEmail":"a@b.org","dnsZone":"sandbox-zone","createDnsZone":true}' }));
        const zone = resource(own, "gcp:dns/managedZone:ManagedZone", "dns-zone");
        assert.strictEqual(zone.protect, true, "its name servers are what the parent domain delegates to");
        assert.deepStrictEqual(
            { name: zone.inputs.name, project: zone.inputs.project, dnsName: zone.inputs.dnsName, visibility: zone.inputs.visibility },
            { name: "sandbox-zone", project: "jupyterlabdemo-sandbox", dnsName: "sandbox.jupyterlabdemo.org.", visibility: "public" },
        );
        const record = resource(own, "gcp:dns/recordSet:RecordSet", "edge-dns-record");
        assert.strictEqual(record.inputs.managedZone, "sandbox-zone");
        assert.ok(record.dependsOn.includes("dns-zone"), "the A record waits for the zone");

        const parent = await render(
            "sandbox",
            set({ ingress: '{"acmeEmail":"a@b.org","dnsZone":"org-zone","createDnsZone":true,"dnsZoneDomain":"jupyterlabdemo.org"}' }),
        );
        assert.strictEqual(resource(parent, "gcp:dns/managedZone:ManagedZone", "dns-zone").inputs.dnsName, "jupyterlabdemo.org.");
        // An existing zone (the stacks' default) is used, never created.
        assert.deepStrictEqual(resourcesOf(await render("sandbox"), "gcp:dns/managedZone:ManagedZone"), []);
    });

    it("declares no GCP resource on local and uses the named kubeconfig context", async () => {
        const r = await render("local");
        assert.deepStrictEqual(r.resources.filter((x) => x.type.startsWith("gcp:")), []);
        const provider = resource(r, "pulumi:providers:kubernetes", "local-k8s");
        assert.strictEqual(provider.inputs.context, "kind-jupyterlabdemo");
        assert.strictEqual(r.outputs.kubeContext, "kind-jupyterlabdemo");
    });
});

/**
 * The config module: every rule rejects a bad value with one line naming the full key and what is
 * allowed; defaults resolve; unknown keys are errors. Runs `parseSettings` on the real stack files
 * with overrides, so no render is needed.
 */
import * as assert from "assert";
import { ConfigError, imageIsPinned, parseSettings, PROJECT, quantityBytes } from "../components/config";
import { loadStackConfig, Override } from "../scripts/lib/stackConfig";
import { set } from "./mocks";

function settingsOf(stack: string, overrides: readonly Override[] = []) {
    return parseSettings(loadStackConfig(stack, overrides).values, { project: PROJECT, stack });
}

function errorOf(stack: string, overrides: readonly Override[], secretStandIns = true): string {
    try {
        parseSettings(loadStackConfig(stack, overrides, { secretStandIns }).values, { project: PROJECT, stack });
    } catch (e) {
        assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
        return e.message;
    }
    assert.fail(`expected ${JSON.stringify(overrides)} to be rejected`);
}

describe("config", () => {
    it("resolves every stack file with documented defaults", () => {
        const sandbox = settingsOf("sandbox");
        assert.strictEqual(sandbox.platform, "gke");
        assert.deepStrictEqual(sandbox.gcp, { project: "jupyterlabdemo-sandbox", region: "us-central1", zone: "us-central1-a" });
        assert.strictEqual(sandbox.cluster.deletionProtection, false);
        assert.strictEqual(sandbox.cluster.userPool.spot, true);
        assert.strictEqual(sandbox.cluster.userPool.minNodes, 0);
        assert.strictEqual(sandbox.hub.namespace, "jupyterhub", "default from the schema");
        assert.strictEqual(sandbox.storage.diskName, "sandbox-homes");

        const demo = settingsOf("demo");
        assert.strictEqual(demo.cluster.deletionProtection, true);
        assert.strictEqual(demo.cluster.protect, true);
        assert.strictEqual(demo.ingress.acmeServer, "production");

        const local = settingsOf("local");
        assert.strictEqual(local.platform, "local");
        assert.strictEqual(local.gcp, undefined);
        assert.strictEqual(local.kubeContext, "kind-jupyterlabdemo");
        assert.strictEqual(local.hub.authenticator, "dummy");
    });

    it("returns frozen settings", () => {
        const s = settingsOf("sandbox");
        assert.ok(Object.isFrozen(s) && Object.isFrozen(s.cluster) && Object.isFrozen(s.cluster.userPool));
        assert.ok(Object.isFrozen(s.lab.images) && Object.isFrozen(s.lab.images[0]));
    });

    const cases: [string, string, Record<string, string>, string][] = [
        ["min nodes above max nodes", "sandbox", { "cluster.userPool.minNodes": "4" },
            "jupyterlabdemo:cluster.userPool.maxNodes: must be >= minNodes (4), got 3"],
        ["a negative node count", "sandbox", { "cluster.userPool.maxNodes": "-1" },
            "jupyterlabdemo:cluster.userPool.maxNodes: must be >= 1, got -1"],
        ["a fractional node count", "sandbox", { "cluster.corePool.maxNodes": "1.5" },
            "jupyterlabdemo:cluster.corePool.maxNodes: must be a whole number, got 1.5"],
        ["a string where a number goes", "sandbox", { "cluster.corePool.maxNodes": "many" },
            'jupyterlabdemo:cluster.corePool.maxNodes: must be a number, got "many"'],
        ["a core pool that scales to zero", "sandbox", { "cluster.corePool.minNodes": "0" },
            "jupyterlabdemo:cluster.corePool.minNodes: must be >= 1 (the hub, proxy and NFS server run there), got 0"],
        ["a spot core pool", "sandbox", { "cluster.corePool.spot": "true" },
            "jupyterlabdemo:cluster.corePool.spot: must be false (preempting the core pool stops the hub and the NFS server)"],
        ["an unknown nested key", "sandbox", { "cluster.userPool.maxNode": "3" },
            "jupyterlabdemo:cluster.userPool.maxNode: unknown key"],
        ["an unknown top-level key", "sandbox", { "hostnme": "x.example.org" },
            "jupyterlabdemo:hostnme: unknown key (see the config reference in README.md)"],
        ["a cluster name GKE refuses (leading digit)", "sandbox", { "cluster.name": "1lab" },
            'jupyterlabdemo:cluster.name: must start with a letter and hold only a-z, 0-9 and - (a GKE cluster name), got "1lab"'],
        ["a DNS project without a zone", "sandbox", { ingress: '{"acmeEmail":"a@b.org","dnsProject":"jupyterlabdemo-demo"}' },
            "jupyterlabdemo:ingress.dnsProject: is set but ingress.dnsZone is not (the project of which zone?)"],
        ["a range that is not an IPv4 CIDR", "sandbox", { "cluster.nodeCidr": "999.0.0.0/40" },
            'jupyterlabdemo:cluster.nodeCidr: must be an IPv4 CIDR such as 10.10.0.0/20, got "999.0.0.0/40"'],
        ["a range with host bits set", "sandbox", { "cluster.nodeCidr": "10.10.0.5/20" },
            'jupyterlabdemo:cluster.nodeCidr: must be a network address (10.10.0.0/20), got "10.10.0.5/20"'],
        ["overlapping cluster ranges", "sandbox", { "cluster.serviceCidr": "10.16.8.0/24" },
            'jupyterlabdemo:cluster.serviceCidr: must not overlap cluster.podCidr (10.16.0.0/14), got "10.16.8.0/24"'],
        ["the retired control plane range of an old stack file", "sandbox", { "cluster.masterCidr": "172.16.0.0/28" },
            "jupyterlabdemo:cluster.masterCidr: is no longer used: the control plane is reached over Private Service Connect and a DNS endpoint (no peering /28); remove the key"],
        ["a maintenance exclusion ending before it starts", "sandbox",
            { "cluster.maintenanceExclusions": '[{"name":"term","start":"2027-01-10T00:00:00Z","end":"2027-01-01T00:00:00Z"}]' },
            'jupyterlabdemo:cluster.maintenanceExclusions[0].end: must be after start (2027-01-10T00:00:00Z), got "2027-01-01T00:00:00Z"'],
        ["a no-upgrades exclusion longer than GKE allows", "sandbox",
            { "cluster.maintenanceExclusions": '[{"name":"term","start":"2027-01-01T00:00:00Z","end":"2027-03-01T00:00:00Z","scope":"NO_UPGRADES"}]' },
            "jupyterlabdemo:cluster.maintenanceExclusions[0].end: must be at most 30 days after start with scope NO_UPGRADES (a GKE limit), got 59 days"],
        ["a maintenance exclusion time that is not RFC 3339 UTC", "sandbox",
            { "cluster.maintenanceExclusions": '[{"name":"term","start":"2027-01-01","end":"2027-02-01T00:00:00Z"}]' },
            'jupyterlabdemo:cluster.maintenanceExclusions[0].start: must be an RFC 3339 UTC time such as 2027-01-10T00:00:00Z, got "2027-01-01"'],
        ["two maintenance exclusions with one name", "sandbox",
            { "cluster.maintenanceExclusions": '[{"name":"t","start":"2027-01-01T00:00:00Z","end":"2027-01-02T00:00:00Z"},{"name":"t","start":"2027-02-01T00:00:00Z","end":"2027-02-02T00:00:00Z"}]' },
            'jupyterlabdemo:cluster.maintenanceExclusions[1].name: must be unique, got "t" twice'],
        ["a DNS zone to create without its name", "sandbox", { ingress: '{"acmeEmail":"a@b.org","createDnsZone":true}' },
            "jupyterlabdemo:ingress.createDnsZone: needs ingress.dnsZone (the name of the zone to create)"],
        ["a DNS zone to create in another project", "sandbox",
            { ingress: '{"acmeEmail":"a@b.org","createDnsZone":true,"dnsZone":"z","dnsProject":"jupyterlabdemo-demo"}' },
            "jupyterlabdemo:ingress.dnsProject: must be gcp:project (jupyterlabdemo-sandbox) or unset with createDnsZone (the stack creates zones in its own project only)"],
        ["a zone domain that does not hold the hostname", "sandbox",
            { ingress: '{"acmeEmail":"a@b.org","createDnsZone":true,"dnsZone":"z","dnsZoneDomain":"example.org"}' },
            'jupyterlabdemo:ingress.dnsZoneDomain: must be the hostname (sandbox.jupyterlabdemo.org) or a parent domain of it, got "example.org"'],
        ["a zone domain for an existing zone", "sandbox", { ingress: '{"acmeEmail":"a@b.org","dnsZone":"z","dnsZoneDomain":"jupyterlabdemo.org"}' },
            "jupyterlabdemo:ingress.dnsZoneDomain: is set but ingress.createDnsZone is not (an existing zone's domain is its own)"],
        ["a DNS zone to create on local", "local", { ingress: '{"createDnsZone":true}' },
            "jupyterlabdemo:ingress.createDnsZone: must be false when platform is local (no Cloud DNS)"],
        ["an authorized network that is not a CIDR", "sandbox", { "cluster.masterAuthorizedNetworks": '["1.2.3.4"]' },
            'jupyterlabdemo:cluster.masterAuthorizedNetworks[0]: must be an IPv4 CIDR such as 10.10.0.0/20, got "1.2.3.4"'],
        ["a hostname that is not a DNS name", "sandbox", { hostname: "Not_A_Host" },
            'jupyterlabdemo:hostname: must be a lowercase DNS name such as jupyter.example.org, got "Not_A_Host"'],
        ["a single-label hostname", "sandbox", { hostname: "localhost" },
            'jupyterlabdemo:hostname: must be a lowercase DNS name such as jupyter.example.org, got "localhost"'],
        ["an enum value out of range", "sandbox", { "cluster.releaseChannel": "BETA" },
            'jupyterlabdemo:cluster.releaseChannel: must be one of "RAPID", "REGULAR", "STABLE", got "BETA"'],
        ["an image with :latest", "sandbox", { "hub.image": "quay.io/jupyterhub/k8s-hub:latest" },
            'jupyterlabdemo:hub.image: must carry a tag or a sha256 digest, never a bare name or :latest, got "quay.io/jupyterhub/k8s-hub:latest"'],
        ["a bare image", "sandbox", { "hub.image": "quay.io/jupyterhub/k8s-hub" },
            'jupyterlabdemo:hub.image: must carry a tag or a sha256 digest, never a bare name or :latest, got "quay.io/jupyterhub/k8s-hub"'],
        ["a lab image without a tag", "sandbox", { "lab.images": '[{"name":"a","displayName":"A","image":"registry:5000/lab","default":true}]' },
            'jupyterlabdemo:lab.images[0].image: must carry a tag or a sha256 digest, never a bare name or :latest, got "registry:5000/lab"'],
        ["two default images", "sandbox", { "lab.images": '[{"name":"a","displayName":"A","image":"x/a:1","default":true},{"name":"b","displayName":"B","image":"x/b:1","default":true}]' },
            "jupyterlabdemo:lab.images: must mark exactly one entry default: true, got 2"],
        ["a duplicate menu name", "sandbox", { "lab.images": '[{"name":"a","displayName":"A","image":"x/a:1","default":true},{"name":"a","displayName":"B","image":"x/b:1"}]' },
            'jupyterlabdemo:lab.images[1].name: must be unique, got "a" twice'],
        ["a memory limit below the guarantee", "sandbox", { "lab.sizes": '[{"name":"s","displayName":"S","cpuGuarantee":1,"cpuLimit":1,"memoryGuarantee":"4Gi","memoryLimit":"2Gi","default":true}]' },
            'jupyterlabdemo:lab.sizes[0].memoryLimit: must be >= memoryGuarantee (4Gi), got "2Gi"'],
        ["a zone outside the region", "sandbox", { "gcp:zone": "europe-west1-b" },
            'gcp:zone: must be a zone of gcp:region (us-central1), got "europe-west1-b"'],
        ["a malformed project id", "sandbox", { "gcp:project": "My Project" },
            'gcp:project: must be a GCP project id, got "My Project"'],
        ["a GCP stack without a project", "sandbox", { "gcp:project": "" },
            'gcp:project: must be a GCP project id, got ""'],
        ["a GCP project on local", "local", { "gcp:project": "jupyterlabdemo-x" },
            "gcp:project: must not be set when platform is local (local declares no GCP resources)"],
        ["local without a kube context", "local", { "kubeContext": "" },
            'jupyterlabdemo:kubeContext: must not be empty, got ""'],
        ["a kube context on a GCP stack", "sandbox", { "kubeContext": "kind-x" },
            "jupyterlabdemo:kubeContext: must not be set when platform is gke (the cluster is created by this program)"],
        ["the dummy authenticator outside local", "sandbox", { "hub.authenticator": "dummy" },
            'jupyterlabdemo:hub.authenticator: may be "dummy" only when platform is local, got "dummy"'],
        ["an empty organization allow-list", "sandbox", { "github.allowedOrganizations": "[]" },
            "jupyterlabdemo:github.allowedOrganizations: must list at least one GitHub organization (with none, nobody can log in)"],
        ["an organization name GitHub cannot have", "sandbox", { "github.allowedOrganizations": '["bad org"]' },
            'jupyterlabdemo:github.allowedOrganizations[0]: must be a GitHub login or organization name, got "bad org"'],
        ["a malformed structured value", "sandbox", { "cluster": "{not json" },
            "jupyterlabdemo:cluster: is not valid structured config (JSON/YAML object or list)"],
        ["an ACME server that does not exist", "sandbox", { "ingress.acmeServer": "prod" },
            'jupyterlabdemo:ingress.acmeServer: must be one of "production", "staging", got "prod"'],
        ["a GCP stack without an ACME email", "sandbox", { "ingress.acmeEmail": "not-an-email" },
            'jupyterlabdemo:ingress.acmeEmail: must be an email address, got "not-an-email"'],
    ];
    for (const [what, stack, overrides, message] of cases) {
        it(`rejects ${what} with one line naming the key`, () => {
            const got = errorOf(stack, set(overrides));
            assert.strictEqual(got, message);
            assert.ok(!got.includes("\n"), "one line");
        });
    }

    it("requires the GitHub client secret on a GCP stack, naming the command that sets it", () => {
        assert.strictEqual(
            errorOf("sandbox", [], false),
            "jupyterlabdemo:githubClientSecret: is required with the github authenticator (pulumi config set --secret jupyterlabdemo:githubClientSecret <client-secret>)",
        );
    });

    it("never echoes a secret value in an error", () => {
        const message = errorOf("sandbox", [
            { key: "githubClientSecret", value: "hunter2-secret", secret: true },
            { key: "dummyPassword", value: "hunter3-secret", secret: true },
        ]);
        assert.strictEqual(message, 'jupyterlabdemo:dummyPassword: must not be set unless hub.authenticator is "dummy"');
        assert.ok(!message.includes("hunter"));
    });

    it("rejects a shared password too short for JupyterHub, without echoing it", () => {
        const message = errorOf("local", [{ key: "dummyPassword", value: "short7c", secret: true }]);
        assert.strictEqual(message, "jupyterlabdemo:dummyPassword: must be at least 8 characters (JupyterHub's shared-password authenticator requires it)");
        assert.doesNotThrow(() => settingsOf("local", [{ key: "dummyPassword", value: "long-enough", secret: true }]));
    });

    it("recognises pinned and unpinned images", () => {
        assert.ok(imageIsPinned("quay.io/jupyterhub/k8s-hub:4.4.0"));
        assert.ok(imageIsPinned("registry:5000/lab:w_2025_45"));
        assert.ok(imageIsPinned(`ghcr.io/x/y@sha256:${"a".repeat(64)}`));
        assert.ok(!imageIsPinned("registry:5000/lab"));
        assert.ok(!imageIsPinned("ubuntu"));
        assert.ok(!imageIsPinned("ubuntu:latest"));
    });

    it("converts quantities to bytes", () => {
        assert.strictEqual(quantityBytes("4Gi"), 4 * 2 ** 30);
        assert.strictEqual(quantityBytes("512M"), 512e6);
        assert.ok(quantityBytes("2Gi") > quantityBytes("2G"));
    });
});

/**
 * The config module: every rule rejects a bad value with one line naming the full key and what is
 * allowed; defaults resolve; unknown keys are errors. Runs `parseSettings` on the real stack files
 * with overrides, so no render is needed.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { AUTH_CONFIG_SECTIONS, AUTH_SECRET_KEYS, AUTH_SECRETS, AUTHENTICATOR_NAMES, AUTHENTICATORS, authenticatorArgs, secretKeysOf } from "../components/authenticators";
import {
    ConfigError, imageIsPinned, loadSettings, parseSettings, PROJECT, projectSchema, quantityBytes, requiredSecretKeys, RULES_ACROSS_KEYS, SECRET_KEYS,
} from "../components/config";
import { PRICED_MACHINE_TYPES } from "../components/machineTypes";
import { loadStackConfig, Override, REPO_ROOT, UsageError } from "../scripts/lib/stackConfig";
import { errorOf, settingsOf } from "./lib/settings";
import { set } from "./mocks";


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
            "--set jupyterlabdemo:cluster.corePool.maxNodes: must be a whole number, got 1.5"],
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
        ["a system namespace for the hub", "sandbox", { "hub.namespace": "kube-system" },
            'jupyterlabdemo:hub.namespace: must not be a system namespace (default, kube-*, gke-*, gmp-* belong to Kubernetes and GKE), got "kube-system"'],
        ["the default namespace for the hub", "local", { "hub.namespace": "default" },
            'jupyterlabdemo:hub.namespace: must not be a system namespace (default, kube-*, gke-*, gmp-* belong to Kubernetes and GKE), got "default"'],
        ["a GKE namespace for the hub", "sandbox", { "hub.namespace": "gmp-system" },
            'jupyterlabdemo:hub.namespace: must not be a system namespace (default, kube-*, gke-*, gmp-* belong to Kubernetes and GKE), got "gmp-system"'],
        ["the ingress namespace for the hub", "sandbox", { "hub.namespace": "nginx-ingress" },
            'jupyterlabdemo:hub.namespace: must not be the ingress controller\'s or cert-manager\'s namespace (nginx-ingress, cert-manager), got "nginx-ingress"'],
        ["an IP address as the hostname", "sandbox", { hostname: "34.117.1.2" },
            'jupyterlabdemo:hostname: must be a DNS name, not an IP address (a name\'s last label is never all digits), got "34.117.1.2"'],
        ["a CIDR with leading zeros", "sandbox", { "cluster.nodeCidr": "010.10.0.0/20" },
            'jupyterlabdemo:cluster.nodeCidr: must not have leading zeros in an octet or the prefix (010 is octal to some parsers), got "010.10.0.0/20"'],
        ["an authorized network with a zero-padded prefix", "sandbox", { "cluster.masterAuthorizedNetworks": '["192.168.0.0/016"]' },
            'jupyterlabdemo:cluster.masterAuthorizedNetworks[0]: must not have leading zeros in an octet or the prefix (010 is octal to some parsers), got "192.168.0.0/016"'],
        ["a machine type the price table lacks", "sandbox", { "cluster.userPool.machineType": "n2-highmem-64" },
            'jupyterlabdemo:cluster.userPool.machineType: must be a machine type scripts/lib/prices.json prices (e2-standard-2, e2-standard-4, n2-standard-8), got "n2-highmem-64"; price it there, or set cluster.allowUnpricedMachineTypes: true'],
        ["a typo in a gcp: key", "sandbox", { "gcp:regoin": "us-central1" },
            "gcp:regoin: unknown key (did you mean gcp:region?)"],
        ["an unknown gcp: key", "sandbox", { "gcp:colour": "blue" },
            "gcp:colour: unknown key"],
        ["a kubernetes: provider key", "local", { "kubernetes:context": "kind-other" },
            "kubernetes:context: has no effect: the program configures its Kubernetes providers explicitly (kubeContext on local), so kubernetes: keys are never read"],
        ["an unknown namespace", "sandbox", { "jupyterlabdmo:hostname": "x.example.org" },
            'jupyterlabdmo:hostname: unknown config namespace "jupyterlabdmo" (this program reads jupyterlabdemo:, gcp: and pulumi: keys)'],
        ["an unknown pulumi: key", "sandbox", { "pulumi:disable-default-provider": "[]" },
            "pulumi:disable-default-provider: unknown key (did you mean pulumi:disable-default-providers?)"],
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
            errorOf("sandbox", [], { secretStandIns: false }),
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

    it("refuses another authenticator's secret key, naming the authenticator that reads it, without echoing it", () => {
        // The secret would reach no one: before, the config passed and HubSecrets threw mid-render.
        const message = errorOf("local", [
            { key: "dummyPassword", value: "long-enough", secret: true },
            { key: "githubClientSecret", value: "hunter2-secret", secret: true },
        ]);
        assert.strictEqual(message, 'jupyterlabdemo:githubClientSecret: must not be set unless hub.authenticator is "github"');
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

    describe("--set values, converted by the schema's type as pulumi config set --path converts them", () => {
        const at = (overrides: Override[], top: string): Record<string, unknown> =>
            JSON.parse(loadStackConfig("sandbox", overrides).values[`${PROJECT}:${top}`]) as Record<string, unknown>;
        const usageError = (overrides: Override[]): string => {
            try {
                loadStackConfig("sandbox", overrides);
            } catch (e) {
                assert.ok(e instanceof UsageError, `expected a UsageError, got ${String(e)}`);
                assert.ok(!e.message.includes("\n"), "one line");
                return e.message;
            }
            assert.fail(`expected ${JSON.stringify(overrides)} to be refused`);
        };

        it("keeps a string key's text verbatim: comments, colons, hex and long digit strings", () => {
            const images = (v: string) => (at(set({ "lab.images[0].displayName": v }), "lab").images as { displayName: unknown }[])[0].displayName;
            assert.strictEqual(images("Size #2 (big)"), "Size #2 (big)");
            assert.strictEqual(images("a: b"), "a: b");
            assert.strictEqual(images("true"), "true");
            assert.strictEqual(at(set({ "cluster.name": "0x40" }), "cluster").name, "0x40");
            assert.strictEqual(at(set({ "github.clientId": "12345678901234567890" }), "github").clientId, "12345678901234567890");
            assert.strictEqual(settingsOf("sandbox", set({ "github.clientId": "12345678901234567890" })).github.clientId, "12345678901234567890");
        });

        it("converts true/false and plain integers for boolean and integer keys, and decimals for number keys", () => {
            const pool = (k: string, v: string) => (at(set({ [`cluster.userPool.${k}`]: v }), "cluster").userPool as Record<string, unknown>)[k];
            assert.strictEqual(pool("spot", "false"), false);
            assert.strictEqual(pool("maxNodes", "7"), 7);
            assert.strictEqual(pool("maxNodes", "+7"), 7);
            assert.strictEqual(pool("maxNodes", "0"), 0);
            // Only exactly true/false: Pulumi keeps "True" or "yes" a string, which validation refuses.
            assert.strictEqual(pool("spot", "True"), "True");
            assert.strictEqual(errorOf("sandbox", set({ "cluster.userPool.spot": "yes" })), 'jupyterlabdemo:cluster.userPool.spot: must be a boolean, got "yes"');
            const sizes = at(set({ "lab.sizes[0].cpuLimit": "1.5" }), "lab").sizes as { cpuLimit: unknown }[];
            assert.strictEqual(sizes[0].cpuLimit, 1.5);
        });

        it("refuses malformed values and paths in one line naming the key, never a stack trace", () => {
            assert.strictEqual(usageError(set({ "cluster.masterAuthorizedNetworks": "[1,2" })), "--set jupyterlabdemo:cluster.masterAuthorizedNetworks: expected JSON (a list)");
            assert.strictEqual(usageError(set({ "cluster.userPool.maxNodes": "05" })),
                "--set jupyterlabdemo:cluster.userPool.maxNodes: must not have a leading zero (pulumi config set --path keeps 05 a string), got 05");
            assert.strictEqual(usageError(set({ "cluster.userPool.maxNodes": "12345678901234567890" })),
                "--set jupyterlabdemo:cluster.userPool.maxNodes: 12345678901234567890 is beyond the whole numbers JavaScript holds exactly");
            assert.match(usageError(set({ "lab.sizes[9].cpuLimit": "1" })), /^--set jupyterlabdemo:lab\.sizes\[9\]\.cpuLimit: .*index out of range/);
            assert.match(usageError(set({ "cluster..name": "x" })), /^--set cluster\.\.name: not a config key/);
            assert.match(usageError(set({ "cluster.name[": "x" })), /^--set cluster\.name\[: not a config key/);
            assert.strictEqual(errorOf("sandbox", set({ "cluster.name": "*a" })),
                'jupyterlabdemo:cluster.name: must start with a letter and hold only a-z, 0-9 and - (a GKE cluster name), got "*a"');
            const newline = errorOf("sandbox", set({ "cluster.name": "a\nb" }));
            assert.ok(!newline.includes("\n") && newline.startsWith("jupyterlabdemo:cluster.name: "), newline);
        });
    });

    it("accepts an unpriced machine type only with cluster.allowUnpricedMachineTypes, and known gcp: and pulumi: keys", () => {
        const s = settingsOf("sandbox", set({ "cluster.userPool.machineType": "n2-highmem-64", "cluster.allowUnpricedMachineTypes": "true" }));
        assert.strictEqual(s.cluster.userPool.machineType, "n2-highmem-64");
        assert.doesNotThrow(() => settingsOf("sandbox", set({ "gcp:requestTimeout": "60s", "pulumi:disable-default-providers": '["kubernetes"]' })));
    });

    it("keeps its lists equal to what they mirror: the price table's machine types", () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const prices = require("../scripts/lib/prices.json") as { groups: Record<string, { prices: Record<string, number> }> };
        assert.deepStrictEqual([...PRICED_MACHINE_TYPES].sort(), Object.keys(prices.groups.machine.prices).sort());
        assert.deepStrictEqual([...PRICED_MACHINE_TYPES].sort(), Object.keys(prices.groups.machineSpot.prices).sort());
    });

    describe("stack files", () => {
        let root: string;
        beforeEach(() => {
            root = fs.mkdtempSync(path.join(os.tmpdir(), "jupyterlabdemo-stackfile-"));
            fs.mkdirSync(path.join(root, "stacks"));
            fs.copyFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), path.join(root, "Pulumi.yaml"));
        });
        afterEach(() => fs.rmSync(root, { recursive: true, force: true }));
        const load = (text: string) => {
            fs.writeFileSync(path.join(root, "stacks", "Pulumi.x.yaml"), text);
            return loadStackConfig("x", [], { root });
        };

        it("reports an unknown top-level key as such, with the likely intent", () => {
            assert.throws(() => load("conifg:\n  jupyterlabdemo:hostname: a.example.org\n"), (e: Error) =>
                e instanceof UsageError &&
                e.message === "stacks/Pulumi.x.yaml: conifg: unknown top-level key (did you mean config?); a stack file holds config, environment, secretsprovider, encryptedkey, encryptionsalt");
        });

        it("refuses a secret committed in plaintext, without echoing it", () => {
            assert.throws(() => load("config:\n  jupyterlabdemo:githubClientSecret: hunter2-plain\n"), (e: Error) =>
                e instanceof ConfigError && !e.message.includes("hunter2") &&
                e.message === "jupyterlabdemo:githubClientSecret: is stored in plaintext; a secret must be encrypted (pulumi config set --secret jupyterlabdemo:githubClientSecret <value>) (in stacks/Pulumi.x.yaml or Pulumi.yaml)");
            assert.deepStrictEqual(load("config:\n  jupyterlabdemo:githubClientSecret:\n    secure: AAABAx==\n").secretKeys, ["jupyterlabdemo:githubClientSecret"]);
        });

        it("reads an edited stack file afresh, and hands each load its own values", () => {
            const host = (h: string) => load(`config:\n  jupyterlabdemo:hostname: ${h}\n`).values as Record<string, string>;
            host("a.org")["jupyterlabdemo:hostname"] = "changed.org"; // a caller's change stays its own
            assert.deepStrictEqual([host("a.org"), host("b.org")].map((v) => v["jupyterlabdemo:hostname"]), ["a.org", "b.org"]);
        });

        it("refuses, under pulumi up, a secret key the engine does not mark secret", () => {
            const raw = { ...loadStackConfig("local", [{ key: "dummyPassword", value: "long-enough", secret: true }]).values };
            assert.throws(() => parseSettings(raw, { project: PROJECT, stack: "local", secretKeys: [] }), (e: Error) =>
                e instanceof ConfigError && e.message.startsWith("jupyterlabdemo:dummyPassword: is stored in plaintext") && !e.message.includes("long-enough"));
            assert.doesNotThrow(() => parseSettings(raw, { project: PROJECT, stack: "local", secretKeys: ["jupyterlabdemo:dummyPassword"] }));
        });

        it("loadSettings takes the engine's list of encrypted keys, so pulumi up refuses a plaintext secret too", () => {
            const config = loadStackConfig("local", [{ key: "dummyPassword", value: "long-enough", secret: true }]);
            try {
                pulumi.runtime.setAllConfig(config.values, []);
                assert.throws(() => loadSettings(), (e: Error) => e instanceof ConfigError && e.message.startsWith("jupyterlabdemo:dummyPassword: is stored in plaintext"));
                pulumi.runtime.setAllConfig(config.values, config.secretKeys);
                assert.strictEqual(loadSettings().settings.hub.authenticator, "dummy");
            } finally {
                pulumi.runtime.setAllConfig({}, []);
            }
        });
    });
});

describe("config: derived from the registry of authenticators", () => {
    it("takes the enum, its description, the sections and the secret keys from components/authenticators.ts", () => {
        const authenticator = projectSchema.shape.hub.unwrap().shape.authenticator;
        assert.deepStrictEqual(authenticator.unwrap().options, AUTHENTICATOR_NAMES);
        assert.strictEqual(settingsOf("sandbox").hub.authenticator, AUTHENTICATOR_NAMES[0], "the first entry is the default");
        for (const name of AUTHENTICATOR_NAMES) assert.ok(authenticator.description?.includes(`\`${name}\`: ${AUTHENTICATORS[name].summary}`), name);
        for (const section of Object.keys(AUTH_CONFIG_SECTIONS)) assert.ok(section in projectSchema.shape, section);
        assert.deepStrictEqual([...SECRET_KEYS], AUTH_SECRET_KEYS);
        for (const key of SECRET_KEYS) assert.strictEqual(projectSchema.shape[key].description, `Secret. ${AUTH_SECRETS[key].description}`);
    });

    it("requires the chosen authenticator's secret keys, and only those, for the offline render's stand-ins", () => {
        const raw = (authenticator?: string): Record<string, string> => (authenticator === undefined ? {} : { [`${PROJECT}:hub`]: JSON.stringify({ authenticator }) });
        for (const name of AUTHENTICATOR_NAMES) assert.deepStrictEqual(requiredSecretKeys(raw(name)), secretKeysOf(name), name);
        assert.deepStrictEqual(requiredSecretKeys(raw()), secretKeysOf(AUTHENTICATOR_NAMES[0]), "unset: the default's");
        assert.deepStrictEqual(requiredSecretKeys(raw("google")), secretKeysOf(AUTHENTICATOR_NAMES[0]), "unknown: the default's (validation names it)");
    });

    it("says each authenticator's rules in the config reference", () => {
        const words = RULES_ACROSS_KEYS.find((r) => r.includes("hub.authenticator"))!;
        for (const fragment of [
            "`hub.authenticator: github` needs `github.clientId`, at least one of `github.allowedOrganizations` and `githubClientSecret`;",
            "`hub.authenticator: dummy` only on `local`, needs `dummyPassword` of at least 8 characters;",
            "each authenticator's secret keys are set only with it.",
        ]) {
            assert.ok(words.includes(fragment), `${words} lacks ${fragment}`);
        }
    });

    it("gives the components the chosen authenticator's arguments, discriminated by kind", () => {
        const sandbox = settingsOf("sandbox");
        assert.deepStrictEqual(authenticatorArgs(sandbox), {
            kind: "github",
            clientId: sandbox.github.clientId,
            allowedOrganizations: sandbox.github.allowedOrganizations,
            adminUsers: sandbox.github.adminUsers,
        });
        assert.deepStrictEqual(authenticatorArgs(settingsOf("local")), { kind: "dummy" });
    });
});

/**
 * The battery of bad inputs: every way a clumsy newcomer or a hostile reviewer has been seen to
 * get the tools wrong, one row each. Each row gives the input (a script's arguments, `--set`
 * overrides, or a stack file's text), the exit code it must end with and the key (or argument)
 * the one-line error must name. test/badInputs.test.ts runs every row.
 */

/** The scripts of package.json a row can run. */
export type ScriptName = "render" | "cost" | "policy" | "diff" | "bench" | "config-docs";

export interface BadInput {
    /** What is wrong, in a few words (the test's title). */
    readonly what: string;
    /** The script that is run; `render` unless said. */
    readonly script: ScriptName;
    /** Its arguments, as typed after `npm run <script> --`. */
    readonly args: readonly string[];
    /** When set, the text of `stacks/Pulumi.x.yaml` in a scratch repository, read with `--stack x`. */
    readonly stackFile?: string;
    /** The exit code. */
    readonly exit: number;
    /** What the error names: a config key, an argument, or a file and key. */
    readonly key: string;
    /**
     * Also run through the real `npm run <script>` process, end to end (badInputs.test.ts runs the
     * one row so marked, which passes a --set-secret).
     */
    readonly endToEnd?: boolean;
}

const rows: BadInput[] = [];

/** A row that renders `stack` with `--set` overrides (`!key` marks `--set-secret`). */
function set(what: string, stack: string, overrides: Record<string, string>, key: string, extra: Partial<BadInput> = {}): void {
    const args = ["--stack", stack];
    for (const [k, v] of Object.entries(overrides)) {
        args.push(k.startsWith("!") ? "--set-secret" : "--set", `${k.replace(/^!/, "")}=${v}`);
    }
    rows.push({ what, script: "render", args, exit: 2, key, ...extra });
}

/** A row that runs `script` with `args`. */
function cli(what: string, script: ScriptName, args: readonly string[], key: string, extra: Partial<BadInput> = {}): void {
    rows.push({ what, script, args, exit: 2, key, ...extra });
}

/** A row that reads a stack file with this text. */
function stackFile(what: string, text: string, key: string, args: readonly string[] = []): void {
    rows.push({ what, script: "render", args: ["--stack", "x", ...args], stackFile: text, exit: 2, key });
}

const NS = "jupyterlabdemo";
const GOOD_GKE = `config:
  gcp:project: jupyterlabdemo-x
  gcp:region: us-central1
  gcp:zone: us-central1-a
  ${NS}:hostname: x.example.org
  ${NS}:github:
    clientId: Ov23liExample0000
    allowedOrganizations: [example]
  ${NS}:ingress:
    acmeEmail: ops@example.org
`;

// --- --set values: strings stay strings; typed keys convert as `pulumi config set --path` does ----
set("an unterminated JSON list for a list key", "sandbox", { "cluster.masterAuthorizedNetworks": "[1,2" }, `${NS}:cluster.masterAuthorizedNetworks`);
set("a YAML alias where a name goes", "sandbox", { "cluster.name": "*a" }, `${NS}:cluster.name`);
set("a newline inside a name", "sandbox", { "cluster.name": "lab\nx" }, `${NS}:cluster.name`);
set("a newline inside a list key's JSON", "sandbox", { "github.allowedOrganizations": "[\n" }, `${NS}:github.allowedOrganizations`);
set("a comment-like menu label that must not be cut (then an unknown key)", "sandbox", { "lab.images[0].displayName": "Size #2 (big)", "lab.images[0].colour": "x" }, `${NS}:lab.images[0].colour`);
set("a colon value on a number key", "sandbox", { "cluster.userPool.maxNodes": "a: b" }, `${NS}:cluster.userPool.maxNodes`);
set("a hex number on a number key", "sandbox", { "cluster.userPool.maxNodes": "0x40" }, `${NS}:cluster.userPool.maxNodes`);
set("a hex value as a cluster name", "sandbox", { "cluster.name": "0x40" }, `${NS}:cluster.name`);
set("a leading zero on a number key", "sandbox", { "cluster.userPool.maxNodes": "03" }, `${NS}:cluster.userPool.maxNodes`);
set("a fraction on a whole-number key", "sandbox", { "cluster.userPool.diskSizeGb": "100.5" }, `${NS}:cluster.userPool.diskSizeGb`);
set("a 20-digit number on a number key", "sandbox", { "cluster.userPool.maxNodes": "12345678901234567890" }, `${NS}:cluster.userPool.maxNodes`);
set("a 20-digit client id kept verbatim, then the next mistake named", "sandbox", { "github.clientId": "12345678901234567890", "github.adminUsers": "[\"-x\"]" }, `${NS}:github.adminUsers[0]`);
set("yes for a boolean", "sandbox", { "cluster.regional": "yes" }, `${NS}:cluster.regional`);
set("True for a boolean", "sandbox", { "cluster.regional": "True" }, `${NS}:cluster.regional`);
set("1 for a boolean", "sandbox", { "lab.prePull": "1" }, `${NS}:lab.prePull`);
set("a bare number as a memory limit (text, read as bytes)", "sandbox", { "lab.sizes[0].memoryLimit": "4" }, `${NS}:lab.sizes[0].memoryLimit`);
set("a list index past the end", "sandbox", { "lab.sizes[7].cpuLimit": "1" }, `${NS}:lab.sizes[7].cpuLimit`);
set("a path through a list by name", "sandbox", { "lab.sizes.small": "1" }, `${NS}:lab.sizes.small`);
set("a path into a number", "sandbox", { "storage.diskSizeGb.x": "1" }, `${NS}:storage.diskSizeGb.x`);
set("an empty path segment", "sandbox", { "cluster..name": "x" }, "cluster..name");
set("an unclosed bracket", "sandbox", { "lab.sizes[0": "x" }, "lab.sizes[0");
set("a non-numeric index", "sandbox", { "lab.sizes[a].name": "x" }, "lab.sizes[a].name");
set("a trailing dot", "sandbox", { "cluster.": "x" }, "cluster.");
set("a bad namespace", "sandbox", { "gcp name:x": "y" }, "gcp name:x");
set("invalid JSON for an object key", "sandbox", { "cluster": "{not json" }, `${NS}:cluster`);
set("invalid JSON for a menu", "sandbox", { "lab.images": "[{name: a}]" }, `${NS}:lab.images`);
set("an object where a list goes", "sandbox", { "lab.images": "{}" }, `${NS}:lab.images`);
set("a list where an object goes", "sandbox", { "lab.sizes[0]": "[]" }, `${NS}:lab.sizes[0]`);
set("a list where a string goes", "sandbox", { "github.clientId": "[1]" }, `${NS}:github.clientId`);

// --- Secrets ----------------------------------------------------------------------------------
set("--set-secret on a plain key", "sandbox", { "!hostname": "hunter2.example.org" }, `${NS}:hostname`, { endToEnd: true });
set("--set-secret on a nested plain key", "sandbox", { "!github.clientId": "hunter2hunter2" }, `${NS}:github.clientId`);
set("--set-secret on a gcp key", "sandbox", { "!gcp:project": "hunter2-project" }, "gcp:project");
set("--set on a secret key (plaintext)", "sandbox", { "githubClientSecret": "hunter2-secret" }, `${NS}:githubClientSecret`);
set("--set on the shared password", "local", { "dummyPassword": "hunter2-secret" }, `${NS}:dummyPassword`);
set("a shared password under 8 characters", "local", { "!dummyPassword": "short7c" }, `${NS}:dummyPassword`);
set("an empty shared password", "local", { "!dummyPassword": "" }, `${NS}:dummyPassword`);
set("a shared password on a github stack", "sandbox", { "!githubClientSecret": "hunter2-secret", "!dummyPassword": "hunter3-secret" }, `${NS}:dummyPassword`);
set("the dummy authenticator on a GCP stack", "sandbox", { "hub.authenticator": "dummy" }, `${NS}:hub.authenticator`);
set("a GitHub client secret on a dummy stack", "local", { "!dummyPassword": "hunter2-secret", "!githubClientSecret": "hunter3-secret" }, `${NS}:githubClientSecret`);
cli("a missing client secret with --require-secrets", "render", ["--stack", "sandbox", "--require-secrets"], `${NS}:githubClientSecret`);
cli("a missing shared password with --require-secrets", "render", ["--stack", "local", "--require-secrets"], `${NS}:dummyPassword`);
stackFile("a client secret committed in plaintext", GOOD_GKE + `  ${NS}:githubClientSecret: hunter2-plain\n`, `${NS}:githubClientSecret`);
stackFile("a shared password committed in plaintext", `config:\n  ${NS}:platform: local\n  ${NS}:kubeContext: kind\n  ${NS}:hostname: x.example.org\n  ${NS}:hub:\n    authenticator: dummy\n  ${NS}:dummyPassword: hunter2-plain\n`, `${NS}:dummyPassword`);
stackFile("a plaintext secret without the namespace prefix", GOOD_GKE + "  githubClientSecret: hunter2-plain\n", `${NS}:githubClientSecret`);

// --- Namespaces, hostnames, CIDRs, machine types ----------------------------------------------
for (const ns of ["kube-system", "kube-public", "kube-node-lease", "default", "gmp-system", "gmp-public", "gke-managed-system", "kube-anything", "nginx-ingress", "cert-manager"]) {
    set(`the hub in namespace ${ns}`, "sandbox", { "hub.namespace": ns }, `${NS}:hub.namespace`);
}
set("a hub namespace with capitals", "sandbox", { "hub.namespace": "JupyterHub" }, `${NS}:hub.namespace`);
set("a hub namespace too long", "sandbox", { "hub.namespace": "a".repeat(64) }, `${NS}:hub.namespace`);
for (const host of ["10.0.0.1", "34.117.12.8", "192.168.1.1"]) {
    set(`the IP address ${host} as the hostname`, "sandbox", { hostname: host }, `${NS}:hostname`);
}
set("a hostname with a numeric top-level label", "sandbox", { hostname: "jupyter.example.123" }, `${NS}:hostname`);
set("a hostname with an underscore", "sandbox", { hostname: "jupyter_lab.example.org" }, `${NS}:hostname`);
set("a hostname with a trailing dot", "sandbox", { hostname: "jupyter.example.org." }, `${NS}:hostname`);
set("a hostname with a scheme", "sandbox", { hostname: "https://jupyter.example.org" }, `${NS}:hostname`);
set("a hostname with capitals", "sandbox", { hostname: "Jupyter.Example.org" }, `${NS}:hostname`);
set("a single-label hostname", "sandbox", { hostname: "localhost" }, `${NS}:hostname`);
set("an empty hostname", "sandbox", { hostname: "" }, `${NS}:hostname`);
set("a hostname label over 63 characters", "sandbox", { hostname: `${"a".repeat(64)}.example.org` }, `${NS}:hostname`);
for (const [k, v] of [["nodeCidr", "010.10.0.0/20"], ["podCidr", "10.016.0.0/14"], ["serviceCidr", "10.20.0.0/020"]]) {
    set(`a zero-padded ${k}`, "sandbox", { [`cluster.${k}`]: v }, `${NS}:cluster.${k}`);
}
set("a zero-padded authorized network", "sandbox", { "cluster.masterAuthorizedNetworks": "[\"192.168.00.0/24\"]" }, `${NS}:cluster.masterAuthorizedNetworks[0]`);
set("an octet above 255", "sandbox", { "cluster.nodeCidr": "10.256.0.0/20" }, `${NS}:cluster.nodeCidr`);
set("a prefix above 32", "sandbox", { "cluster.podCidr": "10.16.0.0/33" }, `${NS}:cluster.podCidr`);
set("a CIDR without a prefix", "sandbox", { "cluster.serviceCidr": "10.20.0.0" }, `${NS}:cluster.serviceCidr`);
set("an IPv6 range", "sandbox", { "cluster.nodeCidr": "fd00::/64" }, `${NS}:cluster.nodeCidr`);
set("a range with host bits set", "sandbox", { "cluster.nodeCidr": "10.10.0.5/20" }, `${NS}:cluster.nodeCidr`);
set("overlapping pod and service ranges", "sandbox", { "cluster.serviceCidr": "10.16.8.0/24" }, `${NS}:cluster.serviceCidr`);
set("overlapping node and pod ranges", "sandbox", { "cluster.podCidr": "10.10.0.0/16" }, `${NS}:cluster.podCidr`);
set("the control plane range, no longer used", "sandbox", { "cluster.masterCidr": "172.16.0.0/28" }, `${NS}:cluster.masterCidr`);
set("an authorized network that is a bare address", "sandbox", { "cluster.masterAuthorizedNetworks": "[\"1.2.3.4\"]" }, `${NS}:cluster.masterAuthorizedNetworks[0]`);
set("an authorized network list that is a string", "sandbox", { "cluster.masterAuthorizedNetworks": "\"1.2.3.0/24\"" }, `${NS}:cluster.masterAuthorizedNetworks`);
set("an unpriced user machine type", "sandbox", { "cluster.userPool.machineType": "n2-highmem-64" }, `${NS}:cluster.userPool.machineType`);
set("an unpriced core machine type", "demo", { "cluster.corePool.machineType": "c3-standard-4" }, `${NS}:cluster.corePool.machineType`);
set("a malformed machine type", "sandbox", { "cluster.userPool.machineType": "big" }, `${NS}:cluster.userPool.machineType`);
set("a machine type with capitals", "sandbox", { "cluster.userPool.machineType": "E2-standard-4" }, `${NS}:cluster.userPool.machineType`);
set("the unpriced-machine flag as text", "sandbox", { "cluster.allowUnpricedMachineTypes": "sure" }, `${NS}:cluster.allowUnpricedMachineTypes`);

// --- Keys in other namespaces and unknown keys ------------------------------------------------
set("a typo in gcp:region", "sandbox", { "gcp:regoin": "us-central1" }, "gcp:regoin");
set("a typo in gcp:project", "sandbox", { "gcp:projcet": "x-project" }, "gcp:projcet");
set("an unknown gcp key", "sandbox", { "gcp:colour": "blue" }, "gcp:colour");
set("a kubernetes: provider key on local", "local", { "kubernetes:context": "kind-other" }, "kubernetes:context");
set("a kubernetes: provider key on a GCP stack", "sandbox", { "kubernetes:namespace": "x" }, "kubernetes:namespace");
set("an unknown namespace", "sandbox", { "jupyterlab:hostname": "x.example.org" }, "jupyterlab:hostname");
set("a random: key", "sandbox", { "random:seed": "1" }, "random:seed");
set("an unknown pulumi: key", "sandbox", { "pulumi:disable-default-provider": "[]" }, "pulumi:disable-default-provider");
set("an unknown top-level project key", "sandbox", { hostnme: "x.example.org" }, `${NS}:hostnme`);
set("an unknown cluster key", "sandbox", { "cluster.zonal": "true" }, `${NS}:cluster.zonal`);
set("an unknown pool key", "sandbox", { "cluster.userPool.maxNode": "3" }, `${NS}:cluster.userPool.maxNode`);
set("an unknown storage key", "sandbox", { "storage.size": "100" }, `${NS}:storage.size`);
set("an unknown hub key", "sandbox", { "hub.replicas": "2" }, `${NS}:hub.replicas`);
set("an unknown lab image key", "sandbox", { "lab.images[0].tag": "x" }, `${NS}:lab.images[0].tag`);
set("an unknown ingress key", "sandbox", { "ingress.class": "nginx" }, `${NS}:ingress.class`);
set("an unknown secrets key", "sandbox", { "secrets.rotate": "true" }, `${NS}:secrets.rotate`);
set("an unknown github key", "sandbox", { "github.org": "x" }, `${NS}:github.org`);

// --- Stack files ----------------------------------------------------------------------------------
stackFile("a conifg: typo", GOOD_GKE.replace("config:", "conifg:"), "conifg");
stackFile("a secretprovider: typo", `secretprovider: passphrase\n${GOOD_GKE}`, "secretprovider");
stackFile("a config key at the top level", `${GOOD_GKE}hostname: x.example.org\n`, "hostname");
stackFile("config that is a list", "config:\n  - a\n", "config");
stackFile("config that is text", "config: hello\n", "config");
stackFile("a stack file that is not YAML", "config:\n  a: [1,\n", "stacks/Pulumi.x.yaml: not valid YAML");
stackFile("a stack file that is a list", "- config\n", "stacks/Pulumi.x.yaml");
stackFile("a stack file without a hostname", GOOD_GKE.replace(`  ${NS}:hostname: x.example.org\n`, ""), `${NS}:hostname`);
stackFile("a gcp key typo in a stack file", GOOD_GKE.replace("gcp:zone", "gcp:zome"), "gcp:zome");
stackFile("an object for a scalar key", GOOD_GKE + `  ${NS}:platform:\n    name: gke\n`, `${NS}:platform`);
stackFile("a number for the hostname", GOOD_GKE.replace("x.example.org", "12345"), `${NS}:hostname`);
stackFile("a 20-digit unquoted client id, never printed rounded", GOOD_GKE.replace("Ov23liExample0000", "12345678901234567890"), `${NS}:github.clientId: must be a string (quote it in the stack file, or pulumi config set --path --type string), got a number too long to read exactly`);
stackFile("a list for the cluster section", GOOD_GKE + `  ${NS}:cluster: [a]\n`, `${NS}:cluster`);
stackFile("a missing acme email", GOOD_GKE.replace("    acmeEmail: ops@example.org\n", "    acmeServer: staging\n"), `${NS}:ingress.acmeEmail`);

// --- Existing rules: nodes, enums, types, ranges ---------------------------------------------
set("min nodes above max nodes", "sandbox", { "cluster.userPool.minNodes": "4" }, `${NS}:cluster.userPool.maxNodes`);
set("core min above core max", "sandbox", { "cluster.corePool.minNodes": "3" }, `${NS}:cluster.corePool.maxNodes`);
set("a core pool scaled to zero", "sandbox", { "cluster.corePool.minNodes": "0" }, `${NS}:cluster.corePool.minNodes`);
set("a Spot core pool", "sandbox", { "cluster.corePool.spot": "true" }, `${NS}:cluster.corePool.spot`);
set("a negative max", "sandbox", { "cluster.userPool.maxNodes": "-1" }, `${NS}:cluster.userPool.maxNodes`);
set("a negative min", "sandbox", { "cluster.userPool.minNodes": "-1" }, `${NS}:cluster.userPool.minNodes`);
set("a max above 100", "sandbox", { "cluster.userPool.maxNodes": "101" }, `${NS}:cluster.userPool.maxNodes`);
set("a word for a count", "sandbox", { "cluster.corePool.maxNodes": "many" }, `${NS}:cluster.corePool.maxNodes`);
set("a boot disk under 20 GB", "sandbox", { "cluster.userPool.diskSizeGb": "10" }, `${NS}:cluster.userPool.diskSizeGb`);
set("a boot disk over 2000 GB", "sandbox", { "cluster.corePool.diskSizeGb": "4000" }, `${NS}:cluster.corePool.diskSizeGb`);
set("an unknown boot disk type", "sandbox", { "cluster.userPool.diskType": "pd-extreme" }, `${NS}:cluster.userPool.diskType`);
set("an unknown release channel", "sandbox", { "cluster.releaseChannel": "BETA" }, `${NS}:cluster.releaseChannel`);
set("a lowercase release channel", "sandbox", { "cluster.releaseChannel": "stable" }, `${NS}:cluster.releaseChannel`);
set("a maintenance time past 23:59", "sandbox", { "cluster.maintenanceWindowStart": "24:00" }, `${NS}:cluster.maintenanceWindowStart`);
set("a maintenance time without a colon", "sandbox", { "cluster.maintenanceWindowStart": "0300" }, `${NS}:cluster.maintenanceWindowStart`);
set("a cluster name with a leading digit", "sandbox", { "cluster.name": "1lab" }, `${NS}:cluster.name`);
set("a cluster name over 40 characters", "sandbox", { "cluster.name": `lab-${"x".repeat(40)}` }, `${NS}:cluster.name`);
set("deletion protection as text", "sandbox", { "cluster.deletionProtection": "off" }, `${NS}:cluster.deletionProtection`);
set("an unknown platform", "sandbox", { platform: "aws" }, `${NS}:platform`);
set("an unknown authenticator", "sandbox", { "hub.authenticator": "google" }, `${NS}:hub.authenticator`);
set("an unknown ACME server", "sandbox", { "ingress.acmeServer": "prod" }, `${NS}:ingress.acmeServer`);
set("an unknown local service type", "local", { "ingress.localServiceType": "ClusterIP" }, `${NS}:ingress.localServiceType`);
set("an unknown homes disk type", "sandbox", { "storage.diskType": "ssd" }, `${NS}:storage.diskType`);
set("a homes disk under 10 GB", "sandbox", { "storage.diskSizeGb": "5" }, `${NS}:storage.diskSizeGb`);
set("a homes disk name with capitals", "sandbox", { "storage.diskName": "Homes" }, `${NS}:storage.diskName`);
set("a homes disk name over 57 characters", "sandbox", { "storage.diskName": `h${"x".repeat(57)}` }, `${NS}:storage.diskName`);
set("snapshots kept zero days", "sandbox", { "storage.snapshotRetentionDays": "0" }, `${NS}:storage.snapshotRetentionDays`);
set("a snapshot time off the hour", "sandbox", { "storage.snapshotStartTime": "04:30" }, `${NS}:storage.snapshotStartTime`);
set("adopting a disk on local", "local", { "storage.adoptExistingDisk": "true" }, `${NS}:storage.adoptExistingDisk`);
set("a local volume size that is not a quantity", "local", { "storage.localVolumeSize": "10 GB" }, `${NS}:storage.localVolumeSize`);
set("a storage class with capitals", "local", { "storage.localStorageClass": "Standard" }, `${NS}:storage.localStorageClass`);

// --- Images and menus --------------------------------------------------------------------------
set("a hub image on :latest", "sandbox", { "hub.image": "quay.io/jupyterhub/k8s-hub:latest" }, `${NS}:hub.image`);
set("a bare hub image", "sandbox", { "hub.image": "quay.io/jupyterhub/k8s-hub" }, `${NS}:hub.image`);
set("a proxy image with a space", "sandbox", { "hub.proxyImage": "quay.io/x y:1" }, `${NS}:hub.proxyImage`);
set("an image with capitals", "sandbox", { "hub.image": "Quay.io/jupyterhub/k8s-hub:4.4.0" }, `${NS}:hub.image`);
set("a lab image with a port but no tag", "sandbox", { "lab.images[0].image": "registry:5000/lab" }, `${NS}:lab.images[0].image`);
set("a lab image on :latest", "sandbox", { "lab.images[1].image": "quay.io/jupyter/scipy-notebook:latest" }, `${NS}:lab.images[1].image`);
// A malformed digest is not a pin (imageIsPinned): before, `name@sha256:abc` passed as the tag `abc`.
set("a digest that is too short", "sandbox", { "hub.image": "quay.io/jupyterhub/k8s-hub@sha256:abc" }, `${NS}:hub.image`);
set("a digest of 63 hex digits", "sandbox", { "hub.proxyImage": `quay.io/jupyterhub/configurable-http-proxy@sha256:${"a".repeat(63)}` }, `${NS}:hub.proxyImage`);
set("a digest with a tag after it", "sandbox", { "hub.image": `quay.io/jupyterhub/k8s-hub@sha256:${"a".repeat(64)}:4.4.0` }, `${NS}:hub.image`);
set("a digest of another algorithm", "sandbox", { "lab.images[0].image": `quay.io/jupyter/minimal-notebook@md5:${"a".repeat(32)}` }, `${NS}:lab.images[0].image`);
set("an empty digest", "sandbox", { "lab.images[1].image": "quay.io/jupyter/scipy-notebook@sha256:" }, `${NS}:lab.images[1].image`);
set("an empty menu", "sandbox", { "lab.images": "[]" }, `${NS}:lab.images`);
set("an empty size menu", "sandbox", { "lab.sizes": "[]" }, `${NS}:lab.sizes`);
set("no default image", "sandbox", { "lab.images[0].default": "false" }, `${NS}:lab.images`);
set("two default images", "sandbox", { "lab.images[1].default": "true" }, `${NS}:lab.images`);
set("two default sizes", "sandbox", { "lab.sizes[1].default": "true" }, `${NS}:lab.sizes`);
set("a duplicate image name", "sandbox", { "lab.images[1].name": "minimal" }, `${NS}:lab.images[1].name`);
set("a duplicate size name", "sandbox", { "lab.sizes[1].name": "small" }, `${NS}:lab.sizes[1].name`);
set("a menu name with capitals", "sandbox", { "lab.images[0].name": "Minimal" }, `${NS}:lab.images[0].name`);
set("an empty display name", "sandbox", { "lab.images[0].displayName": "" }, `${NS}:lab.images[0].displayName`);
set("a display name over 80 characters", "sandbox", { "lab.sizes[0].displayName": "x".repeat(81) }, `${NS}:lab.sizes[0].displayName`);
set("a CPU limit below the guarantee", "sandbox", { "lab.sizes[0].cpuLimit": "0.25" }, `${NS}:lab.sizes[0].cpuLimit`);
set("a memory limit below the guarantee", "sandbox", { "lab.sizes[0].memoryLimit": "1Gi" }, `${NS}:lab.sizes[0].memoryLimit`);
set("zero CPU", "sandbox", { "lab.sizes[0].cpuGuarantee": "0" }, `${NS}:lab.sizes[0].cpuGuarantee`);
set("more than 64 cores", "sandbox", { "lab.sizes[0].cpuLimit": "65" }, `${NS}:lab.sizes[0].cpuLimit`);
set("CPU in millicores text", "sandbox", { "lab.sizes[0].cpuLimit": "500m" }, `${NS}:lab.sizes[0].cpuLimit`);
set("memory without a unit suffix it knows", "sandbox", { "lab.sizes[0].memoryLimit": "4GB" }, `${NS}:lab.sizes[0].memoryLimit`);
set("a start timeout under a minute", "sandbox", { "lab.startTimeoutSeconds": "30" }, `${NS}:lab.startTimeoutSeconds`);
set("an HTTP timeout over an hour", "sandbox", { "lab.httpTimeoutSeconds": "7200" }, `${NS}:lab.httpTimeoutSeconds`);
set("an idle cull under 5 minutes", "sandbox", { "lab.cullIdleSeconds": "60" }, `${NS}:lab.cullIdleSeconds`);
set("a cull check under 30 seconds", "sandbox", { "lab.cullEverySeconds": "10" }, `${NS}:lab.cullEverySeconds`);
set("a negative max age", "sandbox", { "lab.cullMaxAgeSeconds": "-1" }, `${NS}:lab.cullMaxAgeSeconds`);
set("a hub database size that is not a quantity", "sandbox", { "hub.databaseSize": "lots" }, `${NS}:hub.databaseSize`);

// --- GitHub, ingress, GCP ------------------------------------------------------------------
set("an empty organization list", "sandbox", { "github.allowedOrganizations": "[]" }, `${NS}:github.allowedOrganizations`);
set("an organization name with a space", "sandbox", { "github.allowedOrganizations": "[\"bad org\"]" }, `${NS}:github.allowedOrganizations[0]`);
set("an admin login with a double hyphen", "sandbox", { "github.adminUsers": "[\"a--b\"]" }, `${NS}:github.adminUsers[0]`);
set("a client id too short", "sandbox", { "github.clientId": "abc" }, `${NS}:github.clientId`);
set("a client id with a slash", "sandbox", { "github.clientId": "Ov23li/Example00" }, `${NS}:github.clientId`);
set("an ACME email without @", "sandbox", { "ingress.acmeEmail": "not-an-email" }, `${NS}:ingress.acmeEmail`);
set("a DNS project without a zone", "sandbox", { ingress: "{\"acmeEmail\":\"a@b.org\",\"dnsProject\":\"jupyterlabdemo-demo\"}" }, `${NS}:ingress.dnsProject`);
set("a DNS zone with a dot", "sandbox", { "ingress.dnsZone": "example.org" }, `${NS}:ingress.dnsZone`);
set("a DNS zone on local", "local", { "ingress.dnsZone": "zone" }, `${NS}:ingress.dnsZone`);
set("a DNS project on local", "local", { "ingress.dnsProject": "jupyterlabdemo-x" }, `${NS}:ingress.dnsProject`);
set("an nginx body size with a unit it lacks", "sandbox", { "ingress.maxBodySize": "1tb" }, `${NS}:ingress.maxBodySize`);
set("zero ingress replicas", "sandbox", { "ingress.replicas": "0" }, `${NS}:ingress.replicas`);
set("six ingress replicas", "sandbox", { "ingress.replicas": "6" }, `${NS}:ingress.replicas`);
set("a rotation label with a space", "sandbox", { "secrets.rotation": "next month" }, `${NS}:secrets.rotation`);
set("a zone outside the region", "sandbox", { "gcp:zone": "europe-west1-b" }, "gcp:zone");
set("a malformed zone", "sandbox", { "gcp:zone": "us-central1" }, "gcp:zone");
set("a malformed region", "sandbox", { "gcp:region": "central" }, "gcp:region");
set("a project id with a space", "sandbox", { "gcp:project": "My Project" }, "gcp:project");
set("an empty project id", "sandbox", { "gcp:project": "" }, "gcp:project");
set("a GCP project on local", "local", { "gcp:project": "jupyterlabdemo-x" }, "gcp:project");
set("an empty kube context", "local", { kubeContext: "" }, `${NS}:kubeContext`);
set("a kube context on a GCP stack", "sandbox", { kubeContext: "kind-x" }, `${NS}:kubeContext`);

// --- The command line ---------------------------------------------------------------------
for (const script of ["render", "cost", "policy", "diff"] as const) {
    cli(`${script}: no --stack`, script, [], "--stack");
    cli(`${script}: --stack twice`, script, ["--stack", "sandbox", "--stack", "demo"], "--stack");
    cli(`${script}: an empty --stack`, script, ["--stack", ""], "--stack");
    cli(`${script}: an unknown argument`, script, ["--stack", "sandbox", "--verbose"], "--verbose");
    cli(`${script}: a --set without =`, script, ["--stack", "sandbox", "--set", "novalue"], "--set");
    // diff renders the base ref before it reads the stack: its stack-level rows would take a checkout each.
    if (script !== "diff") {
        cli(`${script}: an unknown stack`, script, ["--stack", "prod"], "--stack");
        cli(`${script}: a --set-secret on a plain key, never echoed`, script, ["--stack", "sandbox", "--set-secret", "hostname=hunter2.example.org"], `${NS}:hostname`);
    }
}
cli("render: --out empty", "render", ["--stack", "sandbox", "--out", ""], "--out");
cli("render: --out= empty", "render", ["--stack", "sandbox", "--out="], "--out");
cli("render: --out a file", "render", ["--stack", "sandbox", "--out", "README.md"], "--out README.md");
cli("render: --out the repository root", "render", ["--stack", "sandbox", "--out", "."], "--out .");
cli("render: --out twice", "render", ["--stack", "sandbox", "--out", "/tmp/a", "--out", "/tmp/b"], "--out");
cli("render: --out followed by another option", "render", ["--stack", "sandbox", "--out", "--require-secrets"], "--out");
cli("render: --require-secrets=false", "render", ["--stack", "sandbox", "--require-secrets=false"], "--require-secrets");
cli("render: --require-secrets=true", "render", ["--stack", "sandbox", "--require-secrets=true"], "--require-secrets");
cli("render: --require-secrets twice", "render", ["--stack", "sandbox", "--require-secrets", "--require-secrets"], "--require-secrets");
cli("render: a positional argument", "render", ["sandbox"], "sandbox");
cli("render: a --set with no key", "render", ["--stack", "sandbox", "--set", "=x"], "--set");
cli("render: a --set-secret with no =, never echoed", "render", ["--stack", "sandbox", "--set-secret", "hunter2"], "--set-secret");
cli("render: --set at the end", "render", ["--stack", "sandbox", "--set"], "--set");
cli("diff: an unknown format", "diff", ["--stack", "sandbox", "--format", "html"], "--format");
cli("diff: --base twice", "diff", ["--stack", "sandbox", "--base", "main", "--base", "HEAD"], "--base");
cli("diff: an empty --base", "diff", ["--stack", "sandbox", "--base="], "--base");
cli("policy: --config with no value", "policy", ["--stack", "sandbox", "--config"], "--config");
cli("policy: --config twice", "policy", ["--stack", "sandbox", "--config", "a.json", "--config", "b.json"], "--config");
cli("config-docs: an unknown argument", "config-docs", ["--chek"], "--chek");
cli("config-docs: --check=false", "config-docs", ["--check=false"], "--check");
cli("config-docs: --check twice", "config-docs", ["--check", "--check"], "--check");
cli("config-docs: a --stack", "config-docs", ["--check", "--stack", "sandbox"], "--stack");
cli("config-docs: a --set", "config-docs", ["--check", "--set", "hostname=x.example.org"], "--set");
cli("config-docs: a positional argument", "config-docs", ["README.md"], "README.md");
cli("bench: zero runs", "bench", ["--runs", "0"], "--runs");
cli("bench: a word for runs", "bench", ["--runs", "many"], "--runs");
cli("bench: --runs with no value", "bench", ["--runs"], "--runs");
cli("bench: --stack and --stacks", "bench", ["--stack", "sandbox", "--stacks", "demo"], "--stack");
cli("bench: a --set", "bench", ["--set", "hostname=x.example.org"], "--set");
cli("bench: --no-tests=false", "bench", ["--no-tests=false"], "--no-tests");

export const BAD_INPUTS: readonly BadInput[] = rows;

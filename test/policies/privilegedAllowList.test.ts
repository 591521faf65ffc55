import * as assert from "assert";
import { NFS_SERVER_PRIVILEGES } from "../../components/storage";
import { normalizeCapabilities } from "../../policies/lib/policy";
import { privilegedAllowList } from "../../policies/privilegedAllowList";
import { loadPolicyConfig } from "../../scripts/lib/policyCheck";
import { render } from "../mocks";
import { deployment, messages, res, run } from "./harness";

const privileged = { securityContext: { privileged: true } };
const ganeshaCaps = [...NFS_SERVER_PRIVILEGES["nfs-server"].capabilities];
const ganesha = { securityContext: { capabilities: { drop: ["ALL"], add: ganeshaCaps } } };

describe("policy k8s-privileged-allow-list", () => {
    it("passes the NFS server's containers holding exactly their grants, and unprivileged containers", async () => {
        assert.deepStrictEqual(await run(privilegedAllowList, [deployment("nfs-server", { container: ganesha }), deployment("hub")]), []);
    });

    it("passes the rendered NFS server of every stack (the code and policy-config.json agree)", async () => {
        for (const stack of ["sandbox", "local"]) {
            const d = (await render(stack)).resources.find((r) => r.type === "kubernetes:apps/v1:Deployment" && r.name === "storage-nfs-deployment")!;
            assert.deepStrictEqual(await run(privilegedAllowList, [res(d.type, d.name, d.inputs)]), [], stack);
        }
    });

    it("policy-config.json grants the NFS server's containers exactly NFS_SERVER_PRIVILEGES, nothing else", () => {
        const allowed = (loadPolicyConfig()["k8s-privileged-allow-list"] as { allowed: { workload: string; container: string; capabilities: string[]; privileged?: boolean }[] }).allowed;
        const granted = Object.fromEntries(allowed.map((g) => [`${g.workload}:${g.container}`, { capabilities: normalizeCapabilities(g.capabilities), privileged: g.privileged === true }]));
        const expected = Object.fromEntries(
            Object.entries(NFS_SERVER_PRIVILEGES).map(([c, p]) => [`Deployment/nfs-server:${c}`, { capabilities: normalizeCapabilities(p.capabilities), privileged: p.privileged }]),
        );
        assert.deepStrictEqual(granted, expected);
    });

    it("fails privileged: true on the NFS server's Ganesha container (its grant is capabilities only)", async () => {
        const vs = await run(privilegedAllowList, [deployment("nfs-server", { container: { securityContext: { ...ganesha.securityContext, privileged: true } } })]);
        assert.deepStrictEqual(messages(vs), [
            'container "nfs-server" of Deployment/nfs-server is privileged but its allow-list entry grants only the capabilities CHOWN, DAC_OVERRIDE, DAC_READ_SEARCH, FOWNER, FSETID, SETGID, SETUID, SYS_RESOURCE.',
        ]);
    });

    it("fails one capability more or less than the grant, and a grant holder that keeps the runtime defaults", async () => {
        const more = { securityContext: { capabilities: { drop: ["ALL"], add: [...ganeshaCaps, "SYS_ADMIN"] } } };
        assert.match(messages(await run(privilegedAllowList, [deployment("nfs-server", { container: more })]))[0], /adds CHOWN, .*SYS_ADMIN.* but its allow-list entry grants exactly CHOWN, DAC_OVERRIDE, DAC_READ_SEARCH, FOWNER, FSETID, SETGID, SETUID, SYS_RESOURCE\.$/);
        const fewer = { securityContext: { capabilities: { drop: ["ALL"], add: ganeshaCaps.slice(1) } } };
        assert.strictEqual((await run(privilegedAllowList, [deployment("nfs-server", { container: fewer })])).length, 1);
        const noDrop = { securityContext: { capabilities: { add: ganeshaCaps } } };
        assert.deepStrictEqual(messages(await run(privilegedAllowList, [deployment("nfs-server", { container: noDrop })])), [
            'container "nfs-server" of Deployment/nfs-server must drop ALL capabilities, so it holds exactly the 8 its allow-list entry grants and no runtime default.',
        ]);
    });

    it("a grant is per container: another container of the NFS server gets nothing from it", async () => {
        const d = deployment("nfs-server", { container: ganesha, pod: {} });
        const spec = (d.inputs.spec as { template: { spec: { containers: Record<string, unknown>[] } } }).template.spec;
        spec.containers.push({ name: "sidecar", image: "busybox:1.37", securityContext: { privileged: true } });
        assert.deepStrictEqual(messages(await run(privilegedAllowList, [d])), [
            'container "sidecar" of Deployment/nfs-server is privileged but the policy config\'s allow-list (k8s-privileged-allow-list.allowed) grants it nothing.',
        ]);
    });

    it("fails a privileged container or a node-level capability anywhere else, not a harmless one", async () => {
        assert.deepStrictEqual(messages(await run(privilegedAllowList, [deployment("hub", { container: privileged })])), [
            'container "hub" of Deployment/hub is privileged but the policy config\'s allow-list (k8s-privileged-allow-list.allowed) grants it nothing.',
        ]);
        const sysAdmin = { securityContext: { capabilities: { add: ["SYS_ADMIN"] } } };
        assert.deepStrictEqual(messages(await run(privilegedAllowList, [deployment("hub", { container: sysAdmin })])), [
            'container "hub" of Deployment/hub adds SYS_ADMIN but the policy config\'s allow-list (k8s-privileged-allow-list.allowed) grants it nothing.',
        ]);
        const chown = { securityContext: { capabilities: { add: ["CHOWN"], drop: ["ALL"] } } };
        assert.deepStrictEqual(await run(privilegedAllowList, [deployment("hub", { container: chown })]), []);
    });

    it("takes the allow-list from the policy config", async () => {
        const config = { "k8s-privileged-allow-list": { allowed: [] } };
        assert.strictEqual((await run(privilegedAllowList, [deployment("nfs-server", { container: ganesha })], { config })).length, 1);
    });
});

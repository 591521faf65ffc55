import * as assert from "assert";
import { privilegedAllowList } from "../../policies/privilegedAllowList";
import { deployment, messages, run } from "./harness";

const privileged = { securityContext: { privileged: true } };

describe("policy k8s-privileged-allow-list", () => {
    it("passes the NFS server named in policy-config.json, and unprivileged containers", async () => {
        assert.deepStrictEqual(await run(privilegedAllowList, [deployment("nfs-server", { container: privileged }), deployment("hub")]), []);
    });

    it("fails a privileged container anywhere else", async () => {
        const vs = await run(privilegedAllowList, [deployment("hub", { container: privileged })]);
        assert.deepStrictEqual(messages(vs), ['container "hub" is privileged but Deployment/hub is not in the policy config\'s allow-list (k8s-privileged-allow-list.allowed).']);
    });

    it("fails a node-level capability anywhere else, not a harmless one", async () => {
        const sysAdmin = { securityContext: { capabilities: { add: ["SYS_ADMIN"] } } };
        const vs = await run(privilegedAllowList, [deployment("hub", { container: sysAdmin })]);
        assert.deepStrictEqual(messages(vs), ['container "hub" adds SYS_ADMIN but Deployment/hub is not in the policy config\'s allow-list (k8s-privileged-allow-list.allowed).']);
        const chown = { securityContext: { capabilities: { add: ["CHOWN"], drop: ["ALL"] } } };
        assert.deepStrictEqual(await run(privilegedAllowList, [deployment("hub", { container: chown })]), []);
        assert.deepStrictEqual(await run(privilegedAllowList, [deployment("nfs-server", { container: sysAdmin })]), [], "the NFS server is allowed");
    });

    it("takes the allow-list from the policy config", async () => {
        const config = { "k8s-privileged-allow-list": { allowed: [] } };
        assert.strictEqual((await run(privilegedAllowList, [deployment("nfs-server", { container: privileged })], { config })).length, 1);
    });
});

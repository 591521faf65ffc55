import * as assert from "assert";
import { hubProxyNonRoot } from "../../policies/hubProxyNonRoot";
import { deployment, messages, run } from "./harness";

describe("policy k8s-hub-proxy-non-root", () => {
    it("passes hub and proxy running as non-root (pod or container level)", async () => {
        const proxy = deployment("proxy", { pod: { securityContext: undefined }, container: { securityContext: { runAsUser: 65534 } } });
        assert.deepStrictEqual(await run(hubProxyNonRoot, [deployment("hub"), proxy]), []);
    });

    it("fails a hub that may run as root, and a container overriding to uid 0", async () => {
        const hub = deployment("hub", { pod: { securityContext: {} } });
        const proxy = deployment("proxy", { container: { securityContext: { runAsUser: 0 } } });
        assert.deepStrictEqual(messages(await run(hubProxyNonRoot, [hub, proxy])), [
            'container "hub" may run as root: set securityContext.runAsNonRoot: true and a non-zero runAsUser.',
            'container "proxy" runs as user 0 (root).',
        ]);
    });

    it("leaves other workloads to other rules", async () => {
        assert.deepStrictEqual(await run(hubProxyNonRoot, [deployment("nfs-server", { pod: { securityContext: {} } })]), []);
    });
});

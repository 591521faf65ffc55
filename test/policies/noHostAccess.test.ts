import * as assert from "assert";
import { noHostAccess } from "../../policies/noHostAccess";
import { deployment, messages, run } from "./harness";

describe("policy k8s-no-host-access", () => {
    it("passes a pod with ordinary volumes", async () => {
        const d = deployment("hub", { pod: { volumes: [{ name: "config", configMap: { name: "hub-config" } }, { name: "db", persistentVolumeClaim: { claimName: "hub-db" } }] } });
        assert.deepStrictEqual(await run(noHostAccess, [d]), []);
    });

    it("fails hostPath volumes and host namespaces", async () => {
        const d = deployment("agent", { pod: { hostNetwork: true, hostPID: true, volumes: [{ name: "root", hostPath: { path: "/" } }] } });
        assert.deepStrictEqual(messages(await run(noHostAccess, [d])), [
            "the pod sets hostNetwork: true.",
            "the pod sets hostPID: true.",
            'volume "root" is a hostPath volume: use a PersistentVolumeClaim, a ConfigMap/Secret or an emptyDir.',
        ]);
    });
});

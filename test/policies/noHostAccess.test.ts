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

    it("fails a hostPort on a container or an init container; a plain containerPort passes", async () => {
        const d = deployment("proxy", {
            container: { ports: [{ name: "http", containerPort: 8000, hostPort: 80 }, { name: "api", containerPort: 8001 }] },
            pod: { initContainers: [{ name: "init", image: "x:1", ports: [{ containerPort: 9000, hostPort: 9000 }] }] },
        });
        assert.deepStrictEqual(messages(await run(noHostAccess, [d])), [
            'container "proxy" opens hostPort 80: expose it through a Service (and the Ingress) instead.',
            'init container "init" opens hostPort 9000: expose it through a Service (and the Ingress) instead.',
        ]);
        assert.deepStrictEqual(await run(noHostAccess, [deployment("proxy", { container: { ports: [{ containerPort: 8000 }] } })]), []);
    });
});

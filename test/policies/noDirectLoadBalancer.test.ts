import * as assert from "assert";
import { noDirectLoadBalancer } from "../../policies/noDirectLoadBalancer";
import { messages, res, run } from "./harness";

const service = (name: string, namespace: string, type?: string) =>
    res("kubernetes:core/v1:Service", `svc-${name}`, { metadata: { name, namespace }, spec: { type, ports: [{ port: 80 }] } });

describe("policy k8s-no-direct-load-balancer", () => {
    it("passes ClusterIP Services and the ingress controller's allowed LoadBalancer", async () => {
        assert.deepStrictEqual(await run(noDirectLoadBalancer, [service("proxy-public", "jupyterhub"), service("nginx-ingress-controller", "nginx-ingress", "LoadBalancer")]), []);
    });

    it("fails any other LoadBalancer Service, naming it", async () => {
        const vs = await run(noDirectLoadBalancer, [service("proxy-public", "jupyterhub", "LoadBalancer")]);
        assert.strictEqual(vs.length, 1);
        assert.strictEqual(vs[0].urn, "urn:pulumi:sandbox::jupyterlabdemo::kubernetes:core/v1:Service::svc-proxy-public");
        assert.match(messages(vs)[0], /^Service jupyterhub\/proxy-public is of type LoadBalancer/);
    });

    it("fails a NodePort Service outside the ingress controller, and passes the controller's", async () => {
        const vs = messages(await run(noDirectLoadBalancer, [service("hub", "jupyterhub", "NodePort")]));
        assert.strictEqual(vs.length, 1);
        assert.match(vs[0], /^Service jupyterhub\/hub is of type NodePort: expose it through the Ingress/);
        assert.deepStrictEqual(await run(noDirectLoadBalancer, [service("nginx-ingress-controller", "nginx-ingress", "NodePort")]), []);
    });
});

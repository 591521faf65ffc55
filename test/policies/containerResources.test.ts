import * as assert from "assert";
import { containerResources } from "../../policies/containerResources";
import { deployment, messages, res, run } from "./harness";

describe("policy k8s-container-resources", () => {
    it("passes containers with requests and a memory limit", async () => {
        assert.deepStrictEqual(await run(containerResources, [deployment("hub")]), []);
    });

    it("names the container and what it lacks", async () => {
        const d = deployment("hub", { container: { resources: { requests: { cpu: "100m" } } } });
        assert.deepStrictEqual(messages(await run(containerResources, [d])), ['container "hub" has no resources.requests.memory, resources.limits.memory.']);
    });

    it("covers init containers and other workload kinds (a CronJob)", async () => {
        const cron = res("kubernetes:batch/v1:CronJob", "backup", {
            metadata: { name: "backup" },
            spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: "b", image: "busybox:1.37" }], initContainers: [{ name: "i", image: "busybox:1.37" }] } } } } },
        });
        assert.deepStrictEqual(messages(await run(containerResources, [cron])), [
            'container "b" has no resources.requests.cpu, resources.requests.memory, resources.limits.memory.',
            'init container "i" has no resources.requests.cpu, resources.requests.memory, resources.limits.memory.',
        ]);
    });
});

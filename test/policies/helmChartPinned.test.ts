import * as assert from "assert";
import { helmChartPinned } from "../../policies/helmChartPinned";
import { messages, res, run } from "./harness";

const release = (version?: string) =>
    res("kubernetes:helm.sh/v3:Release", "ingress-nginx", { chart: "oci://ghcr.io/nginx/charts/nginx-ingress", version, namespace: "nginx-ingress" });

describe("policy helm-chart-pinned", () => {
    it("passes an exact version", async () => {
        assert.deepStrictEqual(await run(helmChartPinned, [release("2.6.4"), res("kubernetes:helm.sh/v3:Release", "cm", { chart: "cert-manager", version: "v1.21.1" })]), []);
    });

    it("fails a missing version and a range", async () => {
        assert.deepStrictEqual(messages(await run(helmChartPinned, [release()])), ['chart "oci://ghcr.io/nginx/charts/nginx-ingress" has no version: set version to an exact chart version (e.g. "2.6.4").']);
        assert.deepStrictEqual(messages(await run(helmChartPinned, [release("^2.6.0")])), ['chart "oci://ghcr.io/nginx/charts/nginx-ingress" version "^2.6.0" is a range or wildcard: pin an exact version.']);
    });
});

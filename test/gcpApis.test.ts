/**
 * The table of GCP APIs by resource type, which the program and the policy pack both read.
 */
import * as assert from "assert";
import { GCP_API_OF_RESOURCE_TYPE, GCP_SERVICE_TYPE, gcpApiOf, requiredGcpApis, RUNTIME_GCP_APIS } from "../components/gcpApis";

describe("GCP APIs by resource type", () => {
    it("maps each type to one googleapis.com service", () => {
        for (const [type, api] of Object.entries(GCP_API_OF_RESOURCE_TYPE)) {
            assert.match(type, /^gcp:[a-z]+\/[a-zA-Z]+:[A-Z][A-Za-z]+$/, type);
            assert.match(api, /^[a-z]+\.googleapis\.com$/, type);
        }
        assert.strictEqual(gcpApiOf("gcp:container/cluster:Cluster"), "container.googleapis.com");
        assert.strictEqual(gcpApiOf("gcp:projects/iAMMember:IAMMember"), "cloudresourcemanager.googleapis.com");
        assert.strictEqual(gcpApiOf("toString"), undefined, "no inherited keys");
    });

    it("lists the APIs of a stack's resource types, with the run-time ones, sorted", () => {
        assert.deepStrictEqual(
            requiredGcpApis(["gcp:compute/disk:Disk", "gcp:container/nodePool:NodePool", "kubernetes:core/v1:Pod", GCP_SERVICE_TYPE, "gcp:compute/address:Address"]),
            ["compute.googleapis.com", "container.googleapis.com", ...Object.keys(RUNTIME_GCP_APIS)].sort(),
        );
        assert.deepStrictEqual(requiredGcpApis(["kubernetes:core/v1:Pod", "pulumi:providers:gcp"]), [], "no GCP resource, no API");
    });

    it("names a GCP type that is missing from the table", () => {
        assert.throws(() => requiredGcpApis(["gcp:sql/databaseInstance:DatabaseInstance"]), /gcp:sql\/databaseInstance:DatabaseInstance: add it to GCP_API_OF_RESOURCE_TYPE/);
    });
});

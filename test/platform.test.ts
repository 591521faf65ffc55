/**
 * The platform value (components/platform.ts): what a GKE stack and a `local` one differ in,
 * computed once from the settings, and a composition (index.ts) that asks no platform question.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { API_SERVER_PORTS, LOCAL_NODE_PORTS } from "../components/ingress";
import { scheduleOn } from "../components/naming";
import { LOCAL_NODE_CIDRS, platformPlan } from "../components/platform";
import { settingsOf } from "./lib/settings";
import { set } from "./mocks";

describe("platform: one value per stack", () => {
    it("GKE: pools by role, the cluster's ranges, the GCE homes disk with quotas, a LoadBalancer and Let's Encrypt", () => {
        const s = settingsOf("sandbox");
        const p = platformPlan(s);
        assert.strictEqual(p.kind, "gke");
        assert.deepStrictEqual([p.corePlacement, p.userPlacement], [scheduleOn("core"), scheduleOn("user")]);
        assert.deepStrictEqual(p.nodeCidrs, [s.cluster.nodeCidr]);
        assert.deepStrictEqual(p.clusterCidrs, [s.cluster.nodeCidr, s.cluster.podCidr, s.cluster.serviceCidr]);
        assert.strictEqual(p.admitNodesByCiliumEntity, true);
        assert.strictEqual(p.homesBacking.kind, "gcePersistentDisk");
        assert.strictEqual(p.homeQuota?.defaultGiB, s.storage.userQuotaGiB);
        assert.deepStrictEqual(p.edge, {
            issuer: `letsencrypt-${s.ingress.acmeServer}`,
            serviceType: "LoadBalancer",
            externalTrafficPolicy: "Local",
            apiServerPorts: API_SERVER_PORTS.gke,
        });
    });

    it("local: no placements, the Docker node networks, a StorageClass volume without quotas, self-signed", () => {
        const p = platformPlan(settingsOf("local"));
        assert.strictEqual(p.kind, "local");
        assert.deepStrictEqual([p.corePlacement, p.userPlacement, p.clusterCidrs], [{}, {}, []]);
        assert.deepStrictEqual(p.nodeCidrs, LOCAL_NODE_CIDRS);
        assert.strictEqual(p.admitNodesByCiliumEntity, false);
        assert.strictEqual(p.homesBacking.kind, "storageClass");
        assert.strictEqual(p.homeQuota, undefined);
        assert.strictEqual(p.edge.issuer, "self-signed");
        assert.strictEqual(p.edge.externalTrafficPolicy, "Cluster");
        assert.deepStrictEqual(p.edge.apiServerPorts, API_SERVER_PORTS.local);
    });

    it("local: fixed node ports only with a NodePort controller", () => {
        const nodePort = platformPlan(settingsOf("local", set({ "ingress.localServiceType": "NodePort" }))).edge;
        assert.deepStrictEqual([nodePort.serviceType, nodePort.nodePorts], ["NodePort", LOCAL_NODE_PORTS]);
        const lb = platformPlan(settingsOf("local", set({ "ingress.localServiceType": "LoadBalancer" }))).edge;
        assert.deepStrictEqual([lb.serviceType, lb.nodePorts], ["LoadBalancer", undefined]);
    });

    it("the same settings give the same value", () => {
        assert.deepStrictEqual(platformPlan(settingsOf("demo")), platformPlan(settingsOf("demo")));
    });

    it("index.ts composes: it asks no platform question of its own", () => {
        const program = fs.readFileSync(path.join(__dirname, "..", "index.ts"), "utf8");
        const questions = program.match(/settings\.platform\s*[!=]==|platform\s*\?|!platform\b|\.localServiceType|scheduleOn\(/g) ?? [];
        assert.deepStrictEqual(questions, []);
    });
});

import * as assert from "assert";
import { labPodsHardened } from "../../policies/labPodsHardened";
import { messages, res, run } from "./harness";
import type { RenderedResource } from "../../scripts/lib/render";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

const LAB_LABELS = { "app.kubernetes.io/name": "jupyterlabdemo", "app.kubernetes.io/component": "lab" };

/** A lab Pod as KubeSpawner builds it: the user's ids, the CHOWN-only home init container, no token. */
function labPod(edit: (spec: Record<string, Any>) => void = () => undefined, labels: Record<string, string> = LAB_LABELS): RenderedResource {
    const user = { runAsUser: 58374121, runAsGroup: 58374121, runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } };
    const spec: Record<string, Any> = {
        automountServiceAccountToken: false,
        securityContext: { runAsUser: 58374121, runAsGroup: 58374121, runAsNonRoot: true },
        initContainers: [
            { name: "lab-home", image: "i:1", securityContext: { runAsUser: 0, runAsNonRoot: false, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"], add: ["CHOWN"] } } },
            { name: "lab-passwd", image: "i:1", securityContext: { ...user } },
        ],
        containers: [{ name: "notebook", image: "i:1", securityContext: { ...user } }],
    };
    edit(spec);
    return res("kubernetes:core/v1:Pod", "lab-pod-x-y", { apiVersion: "v1", kind: "Pod", metadata: { name: "jupyter-jane-doe", namespace: "jupyterhub", labels }, spec });
}

describe("policy k8s-lab-pods-hardened", () => {
    it("passes the lab pod KubeSpawner builds (the home init container as root with only CHOWN)", async () => {
        assert.deepStrictEqual(await run(labPodsHardened, [labPod()]), []);
    });

    it("fails a lab container as uid 0, a container that may run as root, and a mounted token", async () => {
        const pod = labPod((spec) => {
            spec.containers[0].securityContext.runAsUser = 0;
            delete spec.initContainers[1].securityContext.runAsUser;
            delete spec.initContainers[1].securityContext.runAsNonRoot;
            delete spec.securityContext.runAsNonRoot;
            delete spec.securityContext.runAsUser;
            delete spec.automountServiceAccountToken;
        });
        assert.deepStrictEqual(messages(await run(labPodsHardened, [pod])), [
            "the pod may mount a service-account token: set automountServiceAccountToken: false (KubeSpawner.automount_service_account_token = False).",
            'container "notebook" runs as user 0 (root).',
            'init container "lab-passwd" may run as root: set securityContext.runAsNonRoot: true and a non-zero runAsUser.',
        ]);
    });

    it("fails the home init container with more than CHOWN or without dropping ALL", async () => {
        const pod = labPod((spec) => {
            spec.initContainers[0].securityContext.capabilities = { add: ["CHOWN", "SYS_ADMIN"] };
        });
        assert.deepStrictEqual(messages(await run(labPodsHardened, [pod])), [
            'init container "lab-home" may run as root only with every capability dropped but CHOWN; it adds CHOWN, SYS_ADMIN and drops not ALL.',
        ]);
    });

    it("leaves pods of other components to other rules", async () => {
        const hub = labPod((spec) => {
            spec.containers[0].securityContext.runAsUser = 0;
        }, { "app.kubernetes.io/component": "hub" });
        assert.deepStrictEqual(await run(labPodsHardened, [hub]), []);
    });
});

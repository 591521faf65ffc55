import * as assert from "assert";
import { podSecurityLabels } from "../../components/naming";
import { namespacePodSecurity } from "../../policies/namespacePodSecurity";
import { messages, res, run } from "./harness";

const namespace = (name: string, labels: Record<string, string>) =>
    res("kubernetes:core/v1:Namespace", `ns-${name}`, { metadata: { name, labels } });

describe("policy k8s-namespace-pod-security", () => {
    it("passes the labels the program builds, at baseline and restricted", async () => {
        assert.deepStrictEqual(
            await run(namespacePodSecurity, [namespace("jupyterhub", podSecurityLabels("baseline")), namespace("cert-manager", podSecurityLabels("restricted"))]),
            [],
        );
    });

    it("fails a namespace without labels, one line per missing label naming the namespace", async () => {
        const ms = messages(await run(namespacePodSecurity, [namespace("jupyterhub", { "app.kubernetes.io/name": "jupyterlabdemo" })]));
        assert.strictEqual(ms.length, 6);
        assert.deepStrictEqual(ms[0], "Namespace jupyterhub has no label pod-security.kubernetes.io/enforce (allowed: baseline, restricted).");
        assert.ok(ms.includes("Namespace jupyterhub has no label pod-security.kubernetes.io/audit-version (pin a version such as v1.30)."));
    });

    it("fails a dropped label, enforce privileged, warn below restricted and an unpinned version", async () => {
        const cases: [Record<string, string>, string][] = [
            [{ "pod-security.kubernetes.io/warn": "" }, "Namespace x has no label pod-security.kubernetes.io/warn (allowed: restricted)."],
            [{ "pod-security.kubernetes.io/enforce": "privileged" }, "Namespace x label pod-security.kubernetes.io/enforce=privileged is not allowed (allowed: baseline, restricted)."],
            [{ "pod-security.kubernetes.io/audit": "baseline" }, "Namespace x label pod-security.kubernetes.io/audit=baseline is not allowed (allowed: restricted)."],
            [{ "pod-security.kubernetes.io/enforce-version": "latest" }, "Namespace x label pod-security.kubernetes.io/enforce-version=latest is not a pinned version (v1.<minor>, never latest)."],
        ];
        for (const [change, message] of cases) {
            const labels: Record<string, string> = { ...podSecurityLabels("restricted"), ...change };
            for (const [k, v] of Object.entries(change)) if (v === "") delete labels[k];
            assert.deepStrictEqual(messages(await run(namespacePodSecurity, [namespace("x", labels)])), [message]);
        }
    });

    it("allows enforce privileged only for a namespace listed in privilegedNamespaces", async () => {
        const config = { "k8s-namespace-pod-security": { privilegedNamespaces: ["nfs"] } };
        const labels = podSecurityLabels("privileged");
        assert.deepStrictEqual(await run(namespacePodSecurity, [namespace("nfs", labels)], { config }), []);
        assert.strictEqual((await run(namespacePodSecurity, [namespace("other", labels)], { config })).length, 1);
    });
});

import * as assert from "assert";
import { AUTHENTICATOR_NAMES, AUTHENTICATORS, authenticatorArgs, hubAuthSettings } from "../../components/authenticators";
import type { AuthConfigSections, SectionValues } from "../../components/authenticators";
import { hubAccessRestricted, hubAccessRestrictedLocal } from "../../policies/hubAccessRestricted";
import { messages, res, run } from "./harness";

const hubConfig = (settings: unknown) =>
    res("kubernetes:core/v1:ConfigMap", "hub-config", { metadata: { name: "hub-config", namespace: "jupyterhub" }, data: { "settings.json": JSON.stringify(settings) } });

describe("policy hub-access-restricted", () => {
    it("passes GitHub login restricted to configured organizations", async () => {
        const cm = hubConfig({ hub: { authenticator: "github", github: { allowedOrganizations: ["jupyterlabdemo"] } } });
        assert.deepStrictEqual(await run(hubAccessRestricted, [cm], { stack: "demo" }), []);
    });

    it("fails the dummy login, an empty allow-list, and an organization the policy does not list", async () => {
        assert.match(messages(await run(hubAccessRestricted, [hubConfig({ hub: { authenticator: "dummy" } })]))[0], /authenticator is "dummy"/);
        assert.match(messages(await run(hubAccessRestricted, [hubConfig({ hub: { authenticator: "github", github: { allowedOrganizations: [] } } })]))[0], /allows no GitHub organization/);
        assert.match(messages(await run(hubAccessRestricted, [hubConfig({ hub: { authenticator: "github", github: { allowedOrganizations: ["evil-org"] } } })]))[0], /evil-org/);
    });

    it("follows the registry: the settings of each authenticator that restricts to organizations pass, every other's fail", async () => {
        // One valid example per authenticator's config section (a new section: the compiler asks for its example).
        const config: SectionValues<AuthConfigSections> = { github: { clientId: "Ov23liExample0000", allowedOrganizations: ["jupyterlabdemo"], adminUsers: [] } };
        for (const name of AUTHENTICATOR_NAMES) {
            const hub = hubAuthSettings(authenticatorArgs({ ...config, hub: { authenticator: name } }));
            const found = messages(await run(hubAccessRestricted, [hubConfig({ hub })], { stack: "demo" }));
            if (AUTHENTICATORS[name].restrictsToOrganizations) assert.deepStrictEqual(found, [], name);
            else assert.match(found[0], new RegExp(`authenticator is "${name}"`), name);
        }
    });

    it("is mandatory outside local and advisory on local", async () => {
        const open = hubConfig({ hub: { authenticator: "dummy" } });
        const sandbox = [...(await run(hubAccessRestricted, [open], { stack: "sandbox" })), ...(await run(hubAccessRestrictedLocal, [open], { stack: "sandbox" }))];
        assert.deepStrictEqual(sandbox.map((v) => [v.policyName, v.enforcementLevel]), [["hub-access-restricted", "mandatory"]]);
        const local = [...(await run(hubAccessRestricted, [open], { stack: "local" })), ...(await run(hubAccessRestrictedLocal, [open], { stack: "local" }))];
        assert.deepStrictEqual(local.map((v) => [v.policyName, v.enforcementLevel]), [["hub-access-restricted-local", "advisory"]]);
    });

    it("does not fail on settings known only after deployment (the engine's advisory note instead)", async () => {
        const cm = res("kubernetes:core/v1:ConfigMap", "hub-config", { metadata: { name: "hub-config" }, data: { "settings.json": '{"nfs": "${nfs-service.spec.clusterIP}"}' } });
        const vs = await run(hubAccessRestricted, [res("kubernetes:core/v1:Service", "nfs-service", {}), cm]);
        assert.deepStrictEqual(vs.map((v) => v.enforcementLevel), ["advisory"]);
        assert.match(vs[0].message, /^can't run policy 'hub-access-restricted' from policy pack 'jupyterlabdemo@v0\.1\.0' during preview: string value at \.data\.settings\.json can't be known during preview$/);
    });
});

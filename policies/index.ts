/**
 * The jupyterlabdemo policy pack: `pulumi preview --policy-pack ./policies`.
 *
 * This module only assembles the pack: the rules live one per module (listed in rules.ts), and
 * policy-config.json, handed to the pack as its initial config, carries the rules' allow-lists and
 * any per-rule enforcement level override. `--policy-pack-config <file>` overrides it further.
 * Never import this module from tests or tools: constructing a PolicyPack starts a gRPC server.
 */
import { PolicyPack, PolicyPackConfig } from "@pulumi/policy";
import { packConfig, POLICY_PACK_NAME, rules } from "./rules";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const policyConfig = require("./policy-config.json") as PolicyPackConfig;

new PolicyPack(
    POLICY_PACK_NAME,
    {
        description: "Security and data-safety rules of the jupyterlabdemo platform (GKE, user data, Kubernetes workloads, network, releases, access).",
        policies: rules,
    },
    packConfig(policyConfig),
);

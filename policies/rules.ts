/**
 * Every rule of the policy pack, in one list. Tests and the offline check import this module;
 * only index.ts builds the PolicyPack (whose constructor starts the engine's gRPC server).
 */
import { Policies, PolicyPackConfig } from "@pulumi/policy";
import { containerResources } from "./containerResources";
import { gcpApisEnabled } from "./gcpApisEnabled";
import { gkeClusterDeletionProtectionExplicit } from "./gkeClusterDeletionProtection";
import { gkeClusterHardened } from "./gkeClusterHardened";
import { gkeNodePoolHardened } from "./gkeNodePoolHardened";
import { helmChartPinned } from "./helmChartPinned";
import { hubAccessRestricted, hubAccessRestrictedLocal } from "./hubAccessRestricted";
import { hubProxyNonRoot } from "./hubProxyNonRoot";
import { imagePinned } from "./imagePinned";
import { namespacePodSecurity } from "./namespacePodSecurity";
import { networkPolicyNotAllowAll } from "./networkPolicyNotAllowAll";
import { ingressTls } from "./ingressTls";
import { labAdmissionPolicy } from "./labAdmissionPolicy";
import { labPodsHardened } from "./labPodsHardened";
import { noDirectLoadBalancer } from "./noDirectLoadBalancer";
import { nfsServerImageDigest } from "./nfsServerImageDigest";
import { noHostAccess } from "./noHostAccess";
import { podsSchedulable } from "./podsSchedulable";
import { podsNetworkPolicy } from "./podsNetworkPolicy";
import { privilegedAllowList } from "./privilegedAllowList";
import { secretValuesStaySecret } from "./secretValuesStaySecret";
import { userDataDiskProtected } from "./userDataDiskProtected";
import { userDataDiskSnapshotted } from "./userDataDiskSnapshotted";

/** The pack's name, as the engine prints it. */
export const POLICY_PACK_NAME = "jupyterlabdemo";

export const rules: Policies = [
    gkeClusterHardened,
    gkeClusterDeletionProtectionExplicit,
    gkeNodePoolHardened,
    userDataDiskProtected,
    userDataDiskSnapshotted,
    containerResources,
    imagePinned,
    noHostAccess,
    privilegedAllowList,
    nfsServerImageDigest,
    hubProxyNonRoot,
    labPodsHardened,
    noDirectLoadBalancer,
    ingressTls,
    podsNetworkPolicy,
    helmChartPinned,
    hubAccessRestricted,
    hubAccessRestrictedLocal,
    namespacePodSecurity,
    labAdmissionPolicy,
    networkPolicyNotAllowAll,
    secretValuesStaySecret,
    podsSchedulable,
    gcpApisEnabled,
];

/**
 * The pack's initial config from policy-config.json, with every entry carrying an explicit
 * enforcement level: the entry's own, else the file's `all` level, else the rule's. The engine
 * reads an entry's level from a protobuf enum whose zero value is "advisory", so an entry that gave
 * only properties would silently downgrade a mandatory rule; and stamping the rule's own level
 * over an `all` override would silently ignore the override.
 */
export function packConfig(config: PolicyPackConfig): PolicyPackConfig {
    const out: PolicyPackConfig = {};
    const all = config.all;
    const allLevel = typeof all === "string" ? all : all?.enforcementLevel;
    for (const [name, entry] of Object.entries(config)) {
        const rule = rules.find((r) => r.name === name);
        const own = typeof entry === "string" ? { enforcementLevel: entry } : entry;
        out[name] = { ...own, enforcementLevel: own.enforcementLevel ?? allLevel ?? rule?.enforcementLevel ?? "advisory" };
    }
    return out;
}

/**
 * Every rule of the policy pack, in one list. Tests and the offline check import this module;
 * only index.ts builds the PolicyPack (whose constructor starts the engine's gRPC server).
 */
import { Policies } from "@pulumi/policy";
import { containerResources } from "./containerResources";
import { gkeClusterDeletionProtectionExplicit } from "./gkeClusterDeletionProtection";
import { gkeClusterHardened } from "./gkeClusterHardened";
import { gkeNodePoolHardened } from "./gkeNodePoolHardened";
import { helmChartPinned } from "./helmChartPinned";
import { hubAccessRestricted, hubAccessRestrictedLocal } from "./hubAccessRestricted";
import { hubProxyNonRoot } from "./hubProxyNonRoot";
import { imagePinned } from "./imagePinned";
import { ingressTls } from "./ingressTls";
import { noDirectLoadBalancer } from "./noDirectLoadBalancer";
import { noHostAccess } from "./noHostAccess";
import { podsNetworkPolicy } from "./podsNetworkPolicy";
import { privilegedAllowList } from "./privilegedAllowList";
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
    hubProxyNonRoot,
    noDirectLoadBalancer,
    ingressTls,
    podsNetworkPolicy,
    helmChartPinned,
    hubAccessRestricted,
    hubAccessRestrictedLocal,
];

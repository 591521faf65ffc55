/**
 * The modules of @pulumi/kubernetes this project uses, one by one, as `k8s.<module>`.
 *
 * The package's root imports every API group it knows; importing this file instead keeps
 * `k8s.core.v1.Service` as the spelling, and the type check and every tool's start-up pay only
 * for what is listed here. A module missing here is a type error where it is first used: add
 * its line.
 */
export * as admissionregistration from "@pulumi/kubernetes/admissionregistration";
export * as apiextensions from "@pulumi/kubernetes/apiextensions";
export * as apps from "@pulumi/kubernetes/apps";
export * as batch from "@pulumi/kubernetes/batch";
export * as core from "@pulumi/kubernetes/core";
export * as helm from "@pulumi/kubernetes/helm";
export * as networking from "@pulumi/kubernetes/networking";
export * as rbac from "@pulumi/kubernetes/rbac";
export * as types from "@pulumi/kubernetes/types";
export { Provider } from "@pulumi/kubernetes/provider";

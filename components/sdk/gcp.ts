/**
 * The modules of @pulumi/gcp this project uses, one by one, as `gcp.<module>`.
 *
 * The package's root imports all of its 150-odd modules: 860k lines of declarations for the type
 * check and a require of every module's index at run time, for the dozen the program declares.
 * Importing this file instead keeps `gcp.container.Cluster` as the spelling, and the type check
 * and every tool's start-up pay only for what is listed here. A module missing here is a type
 * error where it is first used: add its line.
 */
export * as billing from "@pulumi/gcp/billing";
export * as compute from "@pulumi/gcp/compute";
export * as container from "@pulumi/gcp/container";
export * as dns from "@pulumi/gcp/dns";
export * as logging from "@pulumi/gcp/logging";
export * as monitoring from "@pulumi/gcp/monitoring";
export * as projects from "@pulumi/gcp/projects";
export * as serviceaccount from "@pulumi/gcp/serviceaccount";

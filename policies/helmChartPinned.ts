/**
 * helm-chart-pinned: every Helm release names an exact chart version, so the same program always
 * installs the same chart and an upgrade is a reviewed change.
 */
import * as k8s from "../components/sdk/kubernetes";
import { ReportViolation, ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

/** An exact chart version: semver with optional v, pre-release and build; no ranges or wildcards. */
const EXACT_VERSION = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

function check(chart: unknown, version: unknown, reportViolation: ReportViolation): void {
    // A chart from a local path is pinned by this repository's history.
    if (typeof chart === "string" && (chart.startsWith("./") || chart.startsWith("../") || chart.startsWith("/"))) {
        return;
    }
    if (typeof version !== "string" || version === "") {
        reportViolation(`chart "${String(chart ?? "?")}" has no version: set version to an exact chart version (e.g. "2.6.4").`);
    } else if (!EXACT_VERSION.test(version)) {
        reportViolation(`chart "${String(chart ?? "?")}" version "${version}" is a range or wildcard: pin an exact version.`);
    }
}

export const helmChartPinned: ResourceValidationPolicy = {
    name: "helm-chart-pinned",
    description:
        "Helm releases and charts pin an exact chart version, so a chart publisher's new release never changes the cluster without review.",
    enforcementLevel: "mandatory",
    validateResource: [
        validateResourceOfType(k8s.helm.v3.Release, (release, _args, reportViolation) => check(release.chart, release.version, reportViolation)),
        validateResourceOfType(k8s.helm.v4.Chart, (chart, _args, reportViolation) => check(chart.chart, chart.version, reportViolation)),
    ],
};

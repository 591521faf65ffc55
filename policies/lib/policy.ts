/**
 * What the rules share: reading a rule's config with its defaults, the stack a URN belongs to,
 * looking at a value that may be unknown at preview without failing on it, and the pod spec of
 * any Kubernetes workload type.
 *
 * Unknown values: during `pulumi preview` the engine hands a policy a proxy that throws
 * `UnknownValueError` when a rule reads a value known only after deployment (an address, an
 * email, anything computed from one). The engine turns that throw into an advisory
 * "can't run policy ... during preview" note, so a rule that needs such a value never fails on it.
 * `peek` lets a rule that only needs to know *that* a value is set accept an unknown one.
 */
import * as k8s from "../../components/sdk/kubernetes";
import type { Resource } from "@pulumi/pulumi";
import {
    ReportViolation,
    ResourceValidation,
    ResourceValidationArgs,
    StackValidationArgs,
    validateResourceOfType,
} from "@pulumi/policy";
// The engine's own unknown-value error (internal to @pulumi/policy, pinned at 1.21.0): the class
// the proxy throws, so `peek` catches exactly what the engine would.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { UnknownValueError } = require("@pulumi/policy/proxy") as { UnknownValueError: new (...a: never[]) => Error };

/** A value the engine does not know during preview. */
export const UNKNOWN: unique symbol = Symbol("unknown at preview");
export type Peeked<T> = T | undefined | typeof UNKNOWN;

/** True when `e` is the engine's unknown-value error. */
export function isUnknownValueError(e: unknown): boolean {
    return e instanceof UnknownValueError;
}

/** Reads `read()`, returning `UNKNOWN` instead of throwing when the value is unknown at preview. */
export function peek<T>(read: () => T): Peeked<T> {
    try {
        return read();
    } catch (e) {
        if (isUnknownValueError(e)) return UNKNOWN;
        throw e;
    }
}

/** Reads `read()`, counting a value unknown at preview as absent. */
export function known<T>(read: () => T): T | undefined {
    const v = peek(read);
    return v === UNKNOWN ? undefined : v;
}

/** Reads `read()` as a string: undefined when absent, unknown at preview or not a string. */
export function knownString(read: () => unknown): string | undefined {
    const v = known(read);
    return typeof v === "string" ? v : undefined;
}

/** The rule's config from the policy pack config, over the rule's defaults. */
export function configOf<T extends object>(args: ResourceValidationArgs | StackValidationArgs, defaults: T): T {
    return { ...defaults, ...(args.getConfig<Partial<T>>() ?? {}) };
}

/** The stack a URN belongs to: `urn:pulumi:<stack>::<project>::<type>::<name>`. */
export function stackOfUrn(urn: string): string {
    const head = urn.split("::")[0] ?? "";
    return head.startsWith("urn:pulumi:") ? head.slice("urn:pulumi:".length) : "";
}

/** The last segment of a type token: `kubernetes:apps/v1:Deployment` -> `Deployment`. */
function kindOfType(type: string): string {
    return type.slice(type.lastIndexOf(":") + 1);
}

// ---------------------------------------------------------------------------------------------
// Kubernetes workloads

export interface Container {
    name?: string;
    image?: string;
    resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
    ports?: { name?: string; containerPort?: number; hostPort?: number }[];
    env?: { name?: string; value?: string; valueFrom?: unknown }[];
    securityContext?: { privileged?: boolean; runAsNonRoot?: boolean; runAsUser?: number; capabilities?: { add?: string[]; drop?: string[] } };
}

export interface PodSpec {
    containers?: Container[];
    initContainers?: Container[];
    volumes?: { name?: string; hostPath?: unknown }[];
    hostNetwork?: boolean;
    hostPID?: boolean;
    hostIPC?: boolean;
    securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
}

export interface Metadata {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
}

/** A workload as a rule sees it: its kind, its own metadata, its pod's labels and spec. */
export interface Workload {
    readonly kind: string;
    readonly metadata: Metadata;
    readonly podLabels: Record<string, string>;
    readonly pod: PodSpec;
}

/**
 * A resource class as the policy SDK's `isType`/`asType` take one. The engine matches it by its
 * static Pulumi type token (`__pulumiType`), else by its `isInstance`.
 */
export type ResourceClass = {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    new (name: string, args: any, ...rest: any[]): Resource;
    readonly __pulumiType?: string;
    isInstance?(o: unknown): boolean;
};

/**
 * Every Kubernetes type that declares pods, and where its pod template is. A rule over workloads
 * covers all of them, so moving a Deployment to a StatefulSet cannot escape it.
 */
const WORKLOAD_TYPES: readonly { cls: ResourceClass; template: readonly string[] }[] = [
    { cls: k8s.core.v1.Pod, template: [] },
    { cls: k8s.apps.v1.Deployment, template: ["spec", "template"] },
    { cls: k8s.apps.v1.StatefulSet, template: ["spec", "template"] },
    { cls: k8s.apps.v1.DaemonSet, template: ["spec", "template"] },
    { cls: k8s.apps.v1.ReplicaSet, template: ["spec", "template"] },
    { cls: k8s.core.v1.ReplicationController, template: ["spec", "template"] },
    { cls: k8s.batch.v1.Job, template: ["spec", "template"] },
    { cls: k8s.batch.v1.CronJob, template: ["spec", "jobTemplate", "spec", "template"] },
];

/** The workload `props` of resource `type` declares, or undefined when the type declares no pods. */
export function workloadOf(type: string, props: Record<string, unknown>): Workload | undefined {
    const entry = WORKLOAD_TYPES.find((w) => (w.cls as unknown as { __pulumiType: string }).__pulumiType === type);
    if (!entry) return undefined;
    let template: Record<string, unknown> | undefined = props;
    for (const key of entry.template) {
        template = template?.[key] as Record<string, unknown> | undefined;
    }
    const templateMeta = (template?.metadata ?? {}) as Metadata;
    return {
        kind: kindOfType(type),
        metadata: (props.metadata ?? {}) as Metadata,
        podLabels: templateMeta.labels ?? {},
        pod: (template?.spec ?? {}) as PodSpec,
    };
}

/** Every container of a pod, init containers included, with a label for messages. */
export function containersOf(pod: PodSpec): { label: string; container: Container }[] {
    return [
        ...(pod.containers ?? []).map((c) => ({ label: `container "${c.name ?? "?"}"`, container: c })),
        ...(pod.initContainers ?? []).map((c) => ({ label: `init container "${c.name ?? "?"}"`, container: c })),
    ];
}

/** `namespace/name` of a Kubernetes object, the form the rules' allow-lists and messages use. */
export function namespacedRef(metadata: { namespace?: string; name?: string } | undefined, fallbackName: string): string {
    return `${metadata?.namespace ?? "default"}/${metadata?.name ?? fallbackName}`;
}

/** A capability list as the rules compare it: upper case, no `CAP_` prefix, sorted, unique. */
export function normalizeCapabilities(caps: readonly string[]): string[] {
    return [...new Set(caps.map((c) => c.toUpperCase().replace(/^CAP_/, "")))].sort();
}

/** `Kind/name` of a workload, the form the rules' allow-lists use. */
export function workloadRef(w: Workload): string {
    return `${w.kind}/${w.metadata.name ?? "?"}`;
}

/**
 * A resource validation over every workload type, each through `validateResourceOfType` so the
 * engine skips other types cheaply.
 */
export function validateWorkloads(
    validate: (w: Workload, args: ResourceValidationArgs, reportViolation: ReportViolation) => void,
): ResourceValidation[] {
    return WORKLOAD_TYPES.map((entry) =>
        validateResourceOfType(entry.cls, (_props, args, reportViolation) => {
            const w = workloadOf(args.type, args.props);
            if (w) validate(w, args, reportViolation);
        }),
    );
}

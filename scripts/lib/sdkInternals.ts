/**
 * Every use the offline tools make of the SDKs' internals, in one file: an upgrade of
 * @pulumi/pulumi or @pulumi/policy that moves one of these breaks here, with a message naming the
 * piece, instead of somewhere in the render or the policy check.
 *
 * The tools need them because they run the real program and the real policy rules without the
 * engine: the render drives the program under mocks and reads what the mock monitor recorded; the
 * policy check hands the rules the same unknown-checking proxy the engine's policy host uses.
 * Nothing here is loaded by `pulumi up`: only scripts/lib imports this module.
 */
import * as pulumi from "@pulumi/pulumi";

/* eslint-disable @typescript-eslint/no-require-imports */

/** Loads `module` and checks that it still has the members the tools use. */
function internal<T>(module: string, members: readonly string[]): T {
    const loaded = require(module) as Record<string, unknown>;
    for (const member of members) {
        if (loaded[member] === undefined) {
            throw new Error(`${module} no longer has ${member}: revisit scripts/lib/sdkInternals.ts for this SDK version`);
        }
    }
    return loaded as T;
}

const stack = internal<{ runInPulumiStack(init: () => Promise<unknown>): Promise<unknown> }>("@pulumi/pulumi/runtime/stack", ["runInPulumiStack"]);
const settings = internal<{
    waitForRPCs(): Promise<void>;
    getMonitor(): { getRegisteredResources(): Map<string, { urn: string; state: unknown }> };
}>("@pulumi/pulumi/runtime/settings", ["waitForRPCs", "getMonitor"]);
const debuggable = internal<{ debuggablePromise: <T>(p: Promise<T>, ctx: unknown) => Promise<T> }>(
    "@pulumi/pulumi/runtime/debuggable",
    ["debuggablePromise"],
);
const policyProxy = internal<{
    unknownCheckingProxy<T>(o: T): T;
    unknownStringValue: string;
}>("@pulumi/policy/proxy", ["unknownCheckingProxy", "unknownStringValue"]);

/** Runs `program` as the stack's body, as the language host does with index.ts. */
export function runAsStack(program: () => Promise<Record<string, unknown>>): Promise<unknown> {
    return stack.runInPulumiStack(program);
}

/** Waits until every registration the program started has reached the (mock) monitor. */
export function waitForRegistrations(): Promise<void> {
    return settings.waitForRPCs();
}

/** The stack's outputs as the mock monitor recorded them (its state's plain value). */
export function recordedStackOutputs(): Record<string, unknown> {
    const stackState = [...settings.getMonitor().getRegisteredResources().values()].find((r) => r.urn.includes("::pulumi:pulumi:Stack::"));
    return (stackState?.state as { toJavaScript?: () => Record<string, unknown> } | undefined)?.toJavaScript?.() ?? {};
}

let lightened = false;

/**
 * Drops what the SDK records for the engine's and a debugger's benefit, which mocks never read
 * and which cost most of a render's CPU beyond the SDK's own work:
 * - each resource's source position, from a full stack trace taken with
 *   `Error.stackTraceLimit = Infinity` (`Resource.stackTrace` in resource.js);
 * - the wrapper around each internal promise (`debuggablePromise` in runtime/debuggable.js): its
 *   creation stack, printed only with PULUMI_DEBUG_PROMISE_LEAKS, and its place in the list of
 *   promises still pending at exit. The promise itself is handed back unwrapped, so the render
 *   does not report promises left pending at exit (a deployment does); with
 *   PULUMI_DEBUG_PROMISE_LEAKS set, the wrapper stays, creation stacks and all.
 * Errors the program throws keep their stack traces. Idempotent. Only the offline render calls
 * it, never a deployment.
 */
export function skipEngineBookkeeping(): void {
    if (lightened) return;
    const resource = pulumi.Resource as unknown as { stackTrace?: (skip: number) => unknown[] };
    if (typeof resource.stackTrace !== "function") {
        throw new Error("@pulumi/pulumi no longer has Resource.stackTrace: revisit scripts/lib/sdkInternals.ts for this SDK version");
    }
    resource.stackTrace = () => [];
    if (!process.env.PULUMI_DEBUG_PROMISE_LEAKS) {
        debuggable.debuggablePromise = (p) => p;
    }
    lightened = true;
}

/** The policy host's proxy that throws on reading a value unknown at preview. */
export function unknownCheckingProxy<T>(o: T): T {
    return policyProxy.unknownCheckingProxy(o);
}

/** The string the policy host reads for an unknown value. */
export const UNKNOWN_STRING_VALUE: string = policyProxy.unknownStringValue;

/**
 * The Pulumi type token a resource class carries as its static `__pulumiType` (marked @internal
 * in the SDKs, so absent from their declarations), or undefined; read as the policy host's
 * `getPulumiType` reads it (a non-empty string, else nothing).
 */
export function pulumiTypeOf(cls: unknown): string | undefined {
    const token = (cls as { __pulumiType?: unknown } | undefined)?.__pulumiType;
    return typeof token === "string" && token.length > 0 ? token : undefined;
}

/**
 * The policy host's isTypeOf (server.js): whether a resource of `type` is an instance of `cls`, by
 * the class's type token, else by its isInstance over an object carrying `__pulumiType`.
 */
export function isResourceOfType(type: string, cls: { isInstance?(o: unknown): boolean }): boolean {
    const token = pulumiTypeOf(cls);
    if (token) return type === token;
    return typeof cls.isInstance === "function" && cls.isInstance({ __pulumiType: type }) === true;
}

/** What a test watches of a render, through the runtime functions the render calls. */
export interface RuntimeObserver {
    /** Sees every resource's transformation arguments, after the stack transformations registered so far. */
    readonly onTransformation?: (args: pulumi.ResourceTransformationArgs) => void;
    /** Wraps the mocks the render installs (to record what reaches them or change what they return). */
    readonly wrapMocks?: (mocks: pulumi.runtime.Mocks) => pulumi.runtime.Mocks;
}

/**
 * Runs `run` (a render) with `observer` hooked into `pulumi.runtime.registerStackTransformation`
 * and `pulumi.runtime.setMocks`: each stack transformation the render registers is followed by
 * one that calls `onTransformation`, and the mocks it sets are wrapped. The functions are the
 * SDK's public ones; replacing them on the `runtime` namespace relies on the SDK's CommonJS build
 * keeping its exports as plain writable properties, which is why it lives here. Restored after.
 */
export async function observingRuntime<T>(observer: RuntimeObserver, run: () => Promise<T>): Promise<T> {
    const runtime = pulumi.runtime as unknown as {
        registerStackTransformation: (t: pulumi.ResourceTransformation) => void;
        setMocks: (mocks: pulumi.runtime.Mocks, ...rest: unknown[]) => Promise<void>;
    };
    const { registerStackTransformation, setMocks } = runtime;
    const observed = (t: pulumi.ResourceTransformation): void => {
        registerStackTransformation(t);
        const { onTransformation } = observer;
        if (onTransformation) {
            registerStackTransformation((a) => {
                onTransformation(a);
                return undefined;
            });
        }
    };
    const wrapped = (mocks: pulumi.runtime.Mocks, ...rest: unknown[]): Promise<void> =>
        setMocks(observer.wrapMocks ? observer.wrapMocks(mocks) : mocks, ...rest);
    runtime.registerStackTransformation = observed;
    runtime.setMocks = wrapped;
    if (runtime.registerStackTransformation !== observed || runtime.setMocks !== wrapped) {
        runtime.registerStackTransformation = registerStackTransformation;
        runtime.setMocks = setMocks;
        throw new Error("@pulumi/pulumi's runtime functions can no longer be replaced: revisit scripts/lib/sdkInternals.ts for this SDK version");
    }
    try {
        return await run();
    } finally {
        runtime.registerStackTransformation = registerStackTransformation;
        runtime.setMocks = setMocks;
    }
}

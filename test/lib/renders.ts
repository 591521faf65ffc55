/**
 * One render per distinct request for the whole test process. The program is deterministic (the
 * render tests check it byte for byte), so every spec that asks for the same stack with the same
 * overrides can read one render instead of running the program again: a complete render costs
 * about a tenth of a second, and the specs ask for the same few dozen renders hundreds of times.
 *
 * Each shared render is deep-frozen, so a spec that tried to change one (and so every later
 * spec's view of it) fails at once with a TypeError, instead of one spec's edit leaking into
 * another. A spec that needs to edit builds new objects (`{ ...r, resources: [...] }`) or takes
 * its own copy with `structuredClone`. Renders that must be fresh (the determinism checks, a
 * test program, hooks around the runtime) call `renderStack` itself.
 */
import type { Render } from "../../scripts/lib/render";
import { renderStack } from "../../scripts/lib/render";
import type { Override } from "../../scripts/lib/stackConfig";

const memo = new Map<string, Promise<Render>>();

/** The memo's key: the stack and its overrides in order (order matters: a later --set wins). */
export function renderKey(stack: string, overrides: readonly Override[]): string {
    return JSON.stringify([stack, overrides.map((o) => [o.key, o.value, o.secret === true])]);
}

/** Freezes `value` and everything reachable from it; returns it. */
export function deepFreeze<T>(value: T): T {
    if (value && typeof value === "object" && !Object.isFrozen(value)) {
        Object.freeze(value);
        for (const v of Object.values(value)) deepFreeze(v);
    }
    return value;
}

/**
 * Renders `stack` with `overrides` applied (secret stand-ins on, as `npm run render` does), once
 * per process: the same request gets the same frozen render. A request whose config is refused
 * gets the same rejection each time.
 */
export function render(stack: string, overrides: readonly Override[] = []): Promise<Render> {
    const key = renderKey(stack, overrides);
    let found = memo.get(key);
    if (!found) {
        found = renderStack(stack, overrides).then(deepFreeze);
        memo.set(key, found);
    }
    return found;
}

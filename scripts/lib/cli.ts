/**
 * What every script shares: the `--stack`, `--set` and `--set-secret` arguments, and the exit
 * codes (0 done, 1 a finding such as a diff or a violation, 2 bad usage or config).
 */
import { ConfigError } from "../../components/config";
import { Override, parseOverride, UsageError } from "./stackConfig";

export interface CliArgs<O extends string, S extends string | undefined = string> {
    /** The `--stack` value; undefined only when the script made it optional. */
    readonly stack: S;
    readonly overrides: Override[];
    readonly options: Partial<Record<O, string>>;
    readonly flags: ReadonlySet<string>;
}

/**
 * Parses `--stack <name>`, `--set k=v`, `--set-secret k=v`, the script's own `--<option> <value>`
 * options, and its boolean `--<flag>`s. `--stack` is required unless `requireStack` is false.
 */
export function parseCli<O extends string>(
    argv: readonly string[],
    options: Record<O, "string">,
    flags?: readonly string[],
    settings?: { readonly requireStack?: true },
): CliArgs<O>;
export function parseCli<O extends string>(
    argv: readonly string[],
    options: Record<O, "string">,
    flags: readonly string[],
    settings: { readonly requireStack: false },
): CliArgs<O, string | undefined>;
export function parseCli<O extends string>(
    argv: readonly string[],
    options: Record<O, "string">,
    flags: readonly string[] = [],
    { requireStack = true }: { readonly requireStack?: boolean } = {},
): CliArgs<O, string | undefined> {
    let stack: string | undefined;
    const overrides: Override[] = [];
    const values: Partial<Record<O, string>> = {};
    const seenFlags = new Set<string>();
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const [flag, inline] = arg.startsWith("--") && arg.includes("=") && !arg.startsWith("--set")
            ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
            : [arg, undefined];
        const next = (): string => {
            if (inline !== undefined) return inline;
            const v = argv[++i];
            if (v === undefined) throw new UsageError(`${flag} needs a value`);
            return v;
        };
        if (flag === "--stack") {
            stack = next();
        } else if (flag === "--set" || flag === "--set-secret") {
            overrides.push(parseOverride(next(), flag === "--set-secret"));
        } else if (flag.startsWith("--") && flag.slice(2) in options) {
            values[flag.slice(2) as O] = next();
        } else if (flag.startsWith("--") && flags.includes(flag.slice(2))) {
            seenFlags.add(flag.slice(2));
        } else {
            throw new UsageError(`unknown argument ${arg}`);
        }
    }
    if (!stack && requireStack) {
        throw new UsageError("--stack <name> is required");
    }
    return { stack: stack || undefined, overrides, options: values, flags: seenFlags };
}

/** Runs a script body, turning config and usage errors into one line on stderr and exit code 2. */
export function runCli(body: () => Promise<number | void>): void {
    body().then(
        (code) => process.exit(code ?? 0),
        (err: unknown) => {
            if (err instanceof ConfigError || err instanceof UsageError) {
                process.stderr.write(`error: ${err.message}\n`);
                process.exit(2);
            }
            process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
            process.exit(2);
        },
    );
}

/**
 * What every script shares: the `--stack`, `--set` and `--set-secret` arguments, `--help`, and the
 * exit codes (0 done, 1 a finding such as a diff or a violation, 2 bad usage or config).
 *
 * Each script exports its body as a `Main` and runs it with `runCli` only when started as a
 * program, so tests drive the same body in-process through `execute` with captured output.
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

interface ParseSettings {
    /** `--stack` must be given (the default), may be given, or is refused (`"none"`). */
    readonly requireStack?: boolean | "none";
    /** Refuse `--set` and `--set-secret` (a script that reads no stack config). */
    readonly noOverrides?: boolean;
}

/**
 * Parses `--stack <name>`, `--set k=v`, `--set-secret k=v`, the script's own `--<option> <value>`
 * options (also `--option=value`), and its boolean `--<flag>`s. Every mistake is a `UsageError`:
 * an option given twice (a second `--stack` would silently win), an empty value, a value that is
 * another option, and a value on a boolean flag (`--check=false` would otherwise mean true).
 */
export function parseCli<O extends string>(
    argv: readonly string[],
    options: Record<O, "string">,
    flags?: readonly string[],
    settings?: ParseSettings & { readonly requireStack?: true },
): CliArgs<O>;
export function parseCli<O extends string>(
    argv: readonly string[],
    options: Record<O, "string">,
    flags: readonly string[],
    settings: ParseSettings & { readonly requireStack: false | "none" },
): CliArgs<O, string | undefined>;
export function parseCli<O extends string>(
    argv: readonly string[],
    options: Record<O, "string">,
    flags: readonly string[] = [],
    { requireStack = true, noOverrides = false }: ParseSettings = {},
): CliArgs<O, string | undefined> {
    let stack: string | undefined;
    const overrides: Override[] = [];
    const values: Partial<Record<O, string>> = {};
    const seenFlags = new Set<string>();
    const given = new Set<string>();
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const [flag, inline] = arg.startsWith("--") && arg.includes("=") && !arg.startsWith("--set")
            ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
            : [arg, undefined];
        const next = (): string => {
            const v = inline ?? argv[++i];
            if (v === undefined || (inline === undefined && v.startsWith("--"))) throw new UsageError(`${flag} needs a value`);
            if (v === "") throw new UsageError(`${flag}: needs a non-empty value, got ""`);
            return v;
        };
        const once = (): void => {
            if (given.has(flag)) throw new UsageError(`${flag}: given twice; give it once`);
            given.add(flag);
        };
        if (flag === "--stack" && requireStack !== "none") {
            once();
            stack = next();
        } else if (flag === "--set" || flag === "--set-secret") {
            if (noOverrides) throw new UsageError(`${flag}: this command takes no --set or --set-secret (it works from the stack files as committed)`);
            overrides.push(parseOverride(next(), flag === "--set-secret"));
        } else if (flag.startsWith("--") && flag.slice(2) in options) {
            once();
            values[flag.slice(2) as O] = next();
        } else if (flag.startsWith("--") && flags.includes(flag.slice(2))) {
            if (inline !== undefined) throw new UsageError(`${flag}: takes no value (leave it out for false), got ${arg}`);
            once();
            seenFlags.add(flag.slice(2));
        } else {
            throw new UsageError(`unknown argument ${arg}`);
        }
    }
    if (!stack && requireStack === true) {
        throw new UsageError("--stack <name> is required");
    }
    return { stack: stack || undefined, overrides, options: values, flags: seenFlags };
}

/** Where a script writes: its output lines and its error lines. */
export interface CliIo {
    readonly stdout: (text: string) => void;
    readonly stderr: (text: string) => void;
}

/** A script's body: its arguments in, its exit code out (undefined: 0). */
export type Main = (argv: readonly string[], io: CliIo) => Promise<number | void>;

/** A script's entry: its body and its usage text (printed by `--help`). */
export interface Script {
    readonly usage: string;
    readonly main: Main;
}

/**
 * Runs a script body and returns its exit code. `--help` (or `-h`) prints the usage and exits 0.
 * Every error becomes one line on stderr and exit 2: a config or usage error as its message; any
 * other error as its first line, never a stack trace (JUPYTERLABDEMO_DEBUG=1 prints the stack).
 */
export async function execute(script: Script, argv: readonly string[], io: CliIo): Promise<number> {
    if (argv.includes("--help") || argv.includes("-h")) {
        io.stdout(`${script.usage.trim()}\n`);
        return 0;
    }
    try {
        return (await script.main(argv, io)) ?? 0;
    } catch (err: unknown) {
        if (err instanceof ConfigError || err instanceof UsageError) {
            io.stderr(`error: ${oneLine(err.message)}\n`);
        } else {
            const message = err instanceof Error ? err.message : String(err);
            io.stderr(`error: ${oneLine(message)}\n`);
            if (process.env.JUPYTERLABDEMO_DEBUG && err instanceof Error && err.stack) io.stderr(`${err.stack}\n`);
        }
        return 2;
    }
}

function oneLine(message: string): string {
    const first = message.split("\n")[0];
    return first === message ? message : `${first} ...`;
}

/** Runs a script as the process: its argv, real stdout and stderr, its exit code. */
export function runCli(script: Script): void {
    execute(script, process.argv.slice(2), {
        stdout: (t) => process.stdout.write(t),
        stderr: (t) => process.stderr.write(t),
    }).then((code) => process.exit(code));
}

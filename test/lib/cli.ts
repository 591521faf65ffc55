/**
 * Runs a script's body in the test process, as `runCli` runs it in its own: the same `execute`
 * (the `--help` handling, the one-line errors, the exit code), with stdout and stderr captured.
 * A subprocess adds only what `runCli` does around it (write the text, exit with the code) and
 * package.json's wiring, which one end-to-end test per script family shows; every other CLI test
 * runs here, a few milliseconds instead of a Node start-up that loads the SDKs.
 */
import { CliIo, execute, Script } from "../../scripts/lib/cli";

export interface Outcome {
    readonly code: number;
    readonly stdout: string;
    readonly stderr: string;
}

/** Runs `script` with `argv` through `execute`; returns its exit code and what it wrote. */
export async function runInProcess(script: Script, argv: readonly string[]): Promise<Outcome> {
    let stdout = "";
    let stderr = "";
    const io: CliIo = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) };
    const code = await execute(script, argv, io);
    return { code, stdout, stderr };
}

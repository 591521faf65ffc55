/**
 * The independent checks over what the program renders and over the workflows, each run by a
 * tool the project did not write: Kubernetes' own schemas (kubernetes-validate, strict), Checkov's
 * Kubernetes checks, and actionlint (with shellcheck on every `run:` block). Used by
 * test/real/validators.test.ts and `npm run validate`. The tools are installed by
 * scripts/install-tools.sh; `findTool` says why one is missing instead of failing obscurely.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { LAB_PODS_FILE } from "../labPods";
import { Render, renderFiles } from "../render";
import { REPO_ROOT } from "../stackConfig";
import { minorsFor } from "./kubernetesVersions";

const TOOLS_VENV = path.join(REPO_ROOT, ".venv-tools");
const TOOLS_BIN = path.join(REPO_ROOT, ".tools", "bin");
const INSTALL = "scripts/install-tools.sh";

/** The render's files that hold Kubernetes objects: its manifests, and the lab pods when the render writes them. */
const MANIFEST_FILES = ["manifests.yaml", LAB_PODS_FILE] as const;

export type ToolName = "kubernetes-validate" | "checkov" | "actionlint" | "shellcheck";
export type Found = { readonly ok: true; readonly path: string } | { readonly ok: false; readonly why: string };

function onPath(name: string): string | undefined {
    for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
        const file = path.join(dir, name);
        if (dir && fs.existsSync(file)) return file;
    }
    return undefined;
}

/** Where a tool is, or one line saying why it is not and how to install it. */
export function findTool(name: ToolName): Found {
    const venvBin = (exe: string): Found => {
        const file = path.join(TOOLS_VENV, "bin", exe);
        return fs.existsSync(file) ? { ok: true, path: file } : { ok: false, why: `${name} is not installed in .venv-tools (run ${INSTALL})` };
    };
    switch (name) {
        case "kubernetes-validate": {
            const python = venvBin("python");
            if (!python.ok) return python;
            return fs.existsSync(path.join(TOOLS_VENV, "bin", "kubernetes-validate")) ? python : { ok: false, why: `${name} is not installed in .venv-tools (run ${INSTALL})` };
        }
        case "checkov":
            return venvBin("checkov");
        case "actionlint": {
            const file = [path.join(TOOLS_BIN, "actionlint"), onPath("actionlint")].find((f) => f && fs.existsSync(f));
            return file ? { ok: true, path: file } : { ok: false, why: `actionlint is not installed (run ${INSTALL}; it needs Go)` };
        }
        case "shellcheck": {
            const file = onPath("shellcheck");
            return file ? { ok: true, path: file } : { ok: false, why: "shellcheck is not installed (apt-get install shellcheck)" };
        }
    }
}

/** A found tool, or an Error whose message is `findTool`'s reason. */
function requireTool(name: ToolName): string {
    const found = findTool(name);
    if (!found.ok) throw new Error(found.why);
    return found.path;
}

/** The paths of the Kubernetes files of `stack`'s render in `dir`/<stack>/, as `writeRenderDir` writes them there. */
export function manifestPaths(dir: string, stack: string): string[] {
    return MANIFEST_FILES.map((f) => path.join(dir, stack, f));
}

/** Writes the render's Kubernetes files of `render` into `dir`/<stack>/; returns the paths written. */
export function writeManifests(dir: string, render: Render): string[] {
    const files = renderFiles(render) as Record<string, string>;
    fs.mkdirSync(path.join(dir, render.stack), { recursive: true });
    return manifestPaths(dir, render.stack).filter((file) => files[path.basename(file)] !== undefined).map((file) => {
        fs.writeFileSync(file, files[path.basename(file)]);
        return file;
    });
}

export interface SchemaReport {
    readonly validator: string;
    readonly minors: string[];
    readonly objects: number;
    /** Objects valid at each minor. */
    readonly valid: Record<string, number>;
    /** One line per invalid object and minor. */
    readonly invalid: string[];
    /** Custom resources no offline schema covers, counted by "apiVersion kind". */
    readonly notValidated: Record<string, number>;
    /** The validator's own lines. */
    readonly output: string;
}

/** Strict schema validation of `files` at each of `minors` (scripts/lib/validators/validate_schemas.py). */
export function validateSchemas(files: readonly string[], minors: readonly string[]): SchemaReport {
    const python = requireTool("kubernetes-validate");
    const args = [path.join(__dirname, "validate_schemas.py"), ...minors.flatMap((m) => ["--minor", m]), ...files];
    const run = spawnSync(python, args, { encoding: "utf8" });
    const lines = (run.stdout ?? "").trimEnd().split("\n");
    const last = lines[lines.length - 1] ?? "";
    if (run.status === 2 || !last.startsWith("REPORT ")) {
        throw new Error(`schema validation did not run: ${run.error?.message ?? ""}${run.stderr ?? ""}${run.stdout ?? ""}`.trim());
    }
    return { ...(JSON.parse(last.slice("REPORT ".length)) as Omit<SchemaReport, "output">), output: lines.slice(0, -1).join("\n") };
}

/** The minors a render's manifests are validated at (its channel's, or kind's). */
export function schemaMinors(render: Render): readonly string[] {
    return minorsFor(render.resources);
}

export interface CheckovFinding {
    readonly id: string;
    readonly name: string;
    readonly file: string;
    readonly resource: string;
    /** For a skipped check, the reason written next to the object. */
    readonly reason?: string;
}

export interface CheckovReport {
    readonly version: string;
    readonly passed: CheckovFinding[];
    readonly failed: CheckovFinding[];
    readonly skipped: CheckovFinding[];
    readonly parsingErrors: number;
    readonly resources: number;
}

interface CheckovJson {
    check_type: string;
    results: Record<"failed_checks" | "skipped_checks" | "passed_checks", { check_id: string; check_name: string; file_path: string; resource: string; check_result: { suppress_comment?: string } }[]>;
    summary: { passed: number; failed: number; skipped: number; parsing_errors: number; resource_count: number; checkov_version: string };
}

/**
 * Checkov's Kubernetes checks over every YAML file under `dir`, in one run (it is slow to start).
 * Offline: --skip-download keeps it from fetching guidelines or policies.
 */
export function runCheckov(dir: string): CheckovReport {
    const checkov = requireTool("checkov");
    const run = spawnSync(checkov, ["--framework", "kubernetes", "--skip-download", "--compact", "--output", "json", "--directory", dir], {
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
    });
    if (run.status !== 0 && run.status !== 1) {
        throw new Error(`checkov did not run (exit ${run.status}): ${run.error?.message ?? ""}${run.stderr ?? ""}`.trim());
    }
    const parsed = JSON.parse(run.stdout) as CheckovJson | CheckovJson[];
    const reports = (Array.isArray(parsed) ? parsed : [parsed]).filter((r) => r.check_type === "kubernetes");
    if (reports.length !== 1) throw new Error(`checkov found no Kubernetes objects under ${dir}: ${run.stdout.slice(0, 200)}`);
    const [r] = reports;
    const finding = (c: CheckovJson["results"]["failed_checks"][number]): CheckovFinding => ({
        id: c.check_id,
        name: c.check_name,
        file: c.file_path.replace(/^\//, ""),
        resource: c.resource,
        ...(c.check_result.suppress_comment !== undefined ? { reason: c.check_result.suppress_comment } : {}),
    });
    return {
        version: r.summary.checkov_version,
        passed: r.results.passed_checks.map(finding),
        failed: r.results.failed_checks.map(finding),
        skipped: r.results.skipped_checks.map(finding),
        parsingErrors: r.summary.parsing_errors,
        resources: r.summary.resource_count,
    };
}

export interface LintReport {
    readonly ok: boolean;
    readonly output: string;
}

/** actionlint over .github/workflows (or `files`), running shellcheck on every `run:` block. */
export function runActionlint(files: readonly string[] = []): LintReport {
    const actionlint = requireTool("actionlint");
    const shellcheck = requireTool("shellcheck");
    const run = spawnSync(actionlint, ["-no-color", "-shellcheck", shellcheck, ...files], { cwd: REPO_ROOT, encoding: "utf8" });
    if (run.status !== 0 && run.status !== 1) {
        throw new Error(`actionlint did not run (exit ${run.status}): ${run.error?.message ?? ""}${run.stderr ?? ""}${run.stdout ?? ""}`.trim());
    }
    return { ok: run.status === 0, output: `${run.stdout}${run.stderr}`.trim() };
}

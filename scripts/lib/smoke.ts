/**
 * The post-deploy smoke test: does the deployed platform answer as designed? One function per
 * check, each returning one result line; `runSmoke` runs them in order. Used by
 * `npm run smoke` (scripts/smoke.ts) and by the deploy workflows after `pulumi up`.
 *
 * Checks:
 * - tls: the certificate verifies for the hostname; a Let's Encrypt staging certificate (issuer
 *   "(STAGING) ...") or a self-signed one passes only where the stack expects it, and is named;
 * - hsts: `Strict-Transport-Security` with a positive max-age on /hub/health;
 * - redirect: plain HTTP answers with a redirect to https on the same host;
 * - health: /hub/health answers 200;
 * - login: /hub/login leads (through /hub/oauth_login) to GitHub's authorize URL with the
 *   expected client id, the `read:org` scope and the hub's callback URL;
 * - websocket: a request with `Upgrade: websocket` to /user/x/api/kernels/y/channels gets the
 *   hub's answer (its `X-JupyterHub-Version` header, relayed by the proxy), not one from the
 *   ingress.
 *
 * Node's own http, https and tls only; nothing follows redirects by itself.
 */
import * as http from "http";
import * as https from "https";
import * as tls from "tls";
import * as fs from "fs";
import { parseSettings, PROJECT, type Settings } from "../../components/config";
import { publicUrl } from "../../components/naming";
import type { CliArgs } from "./cli";
import { loadStackConfig, UsageError } from "./stackConfig";

const GITHUB_AUTHORIZE_URL = "https://github.com/login/oauth/authorize";
/** The scope the hub asks GitHub for (components/hub/jupyterhub_config.py). */
const GITHUB_SCOPE = "read:org";
/** The marker of a Let's Encrypt staging certificate's issuer ("(STAGING) Counterfeit Cashew R10"). */
const STAGING_MARKER = "(STAGING)";
/** The header JupyterHub sets on every answer. */
const HUB_HEADER = "x-jupyterhub-version";

/** Which certificate the stack is expected to present. */
export type ExpectedIssuer = "trusted" | "letsencrypt-staging" | "self-signed";

export interface SmokeTarget {
    /** The hub's public URL, `https://<host>[:port]/`. */
    readonly url: string;
    /** Port of the plain-HTTP listener for the redirect check. @default 80 */
    readonly httpPort?: number;
    /** Extra trusted CA certificates (PEM), e.g. a local cluster's self-signed issuer. */
    readonly ca?: string;
    /** @default "trusted" */
    readonly expectIssuer?: ExpectedIssuer;
    /** GitHub login: the expected OAuth client id. Absent: the login check is skipped (another authenticator). */
    readonly github?: { readonly clientId?: string };
    /** Per request. @default 10000 */
    readonly timeoutMs?: number;
}

export interface CheckResult {
    readonly name: string;
    readonly ok: boolean;
    /** True when the check does not apply to this target (counted as passing). */
    readonly skipped?: boolean;
    readonly detail: string;
}

interface Answer {
    readonly status: number;
    readonly headers: http.IncomingHttpHeaders;
    readonly body: string;
}

const pass = (name: string, detail: string): CheckResult => ({ name, ok: true, detail });
const fail = (name: string, detail: string): CheckResult => ({ name, ok: false, detail });

function hostOf(t: SmokeTarget): { host: string; port: number } {
    const u = new URL(t.url);
    if (u.protocol !== "https:") throw new Error(`the URL must be https://, got ${t.url}`);
    return { host: u.hostname.replace(/^\[|\]$/g, ""), port: Number(u.port || 443) };
}

// A context trusting Node's roots plus an extra CA costs ~100 ms to build (every root certificate
// is parsed again), and each check's connection would build one: one per CA text, reused.
const caContexts = new Map<string, tls.SecureContext>();

/** The secure context that trusts Node's root certificates and `ca`; undefined (Node's default) without one. */
function trustContext(ca: string | undefined): tls.SecureContext | undefined {
    if (!ca) return undefined;
    let context = caContexts.get(ca);
    if (!context) {
        context = tls.createSecureContext({ ca: [...tls.rootCertificates, ca] });
        caContexts.set(ca, context);
    }
    return context;
}

/**
 * TLS options of the HTTPS requests after the tls check: verify unless the stack expects an
 * untrusted certificate. Without an agent (`agent: false`) https hands them to tls.connect,
 * which takes `secureContext` in place of building one from `ca`.
 */
function tlsOptions(t: SmokeTarget): https.RequestOptions & Pick<tls.ConnectionOptions, "secureContext"> {
    const host = hostOf(t).host;
    return {
        secureContext: trustContext(t.ca),
        rejectUnauthorized: (t.expectIssuer ?? "trusted") === "trusted",
        ...(/^[0-9.:]+$/.test(host) ? {} : { servername: host }),
    };
}

/** One request, no redirect followed; an `Upgrade` answer (101) is reported as status 101. */
function fetchOnce(url: string, t: SmokeTarget, headers: Record<string, string> = {}): Promise<Answer> {
    const u = new URL(url);
    const client = u.protocol === "https:" ? https : http;
    return new Promise((resolve, reject) => {
        const req = client.request(
            u,
            { method: "GET", headers: { "User-Agent": "jupyterlabdemo-smoke", ...headers }, timeout: t.timeoutMs ?? 10000, agent: false, ...(u.protocol === "https:" ? tlsOptions(t) : {}) },
            (res) => {
                let body = "";
                res.setEncoding("utf8");
                res.on("data", (chunk: string) => {
                    if (body.length < 65536) body += chunk;
                });
                res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
                res.on("error", reject);
            },
        );
        req.on("upgrade", (res, socket) => {
            socket.destroy();
            resolve({ status: res.statusCode ?? 101, headers: res.headers, body: "" });
        });
        req.on("timeout", () => req.destroy(new Error(`no answer within ${t.timeoutMs ?? 10000} ms`)));
        req.on("error", reject);
        req.end();
    });
}

/** The peer certificate and whether it verified, from one TLS handshake. */
function handshake(t: SmokeTarget): Promise<{ authorized: boolean; error?: string; cert: tls.PeerCertificate }> {
    const { host, port } = hostOf(t);
    return new Promise((resolve, reject) => {
        const socket = tls.connect({
            host,
            port,
            ...(/^[0-9.:]+$/.test(host) ? {} : { servername: host }),
            secureContext: trustContext(t.ca),
            rejectUnauthorized: false,
            timeout: t.timeoutMs ?? 10000,
        });
        socket.once("secureConnect", () => {
            const cert = socket.getPeerCertificate();
            const error = socket.authorizationError ? String(socket.authorizationError) : undefined;
            socket.end();
            resolve({ authorized: socket.authorized, error, cert });
        });
        socket.once("timeout", () => socket.destroy(new Error("TLS handshake timed out")));
        socket.once("error", reject);
    });
}

const issuerText = (cert: tls.PeerCertificate): string => [cert.issuer?.O, cert.issuer?.CN].filter(Boolean).join(" / ") || "unknown issuer";

export async function checkTls(t: SmokeTarget, now: Date = new Date()): Promise<CheckResult> {
    const name = "tls";
    const expect = t.expectIssuer ?? "trusted";
    const { host } = hostOf(t);
    const { authorized, error, cert } = await handshake(t);
    const expires = new Date(cert.valid_to);
    const days = Math.floor((expires.getTime() - now.getTime()) / 86400000);
    const issuer = issuerText(cert);
    if (authorized) {
        return pass(name, `certificate for ${host} from ${issuer} verifies; expires ${expires.toISOString().slice(0, 10)} (${days} days)`);
    }
    // Not trusted: say what it is, and accept it only where the stack expects exactly that.
    if (expires.getTime() < now.getTime()) return fail(name, `certificate from ${issuer} expired on ${expires.toISOString().slice(0, 10)}`);
    const mismatch = tls.checkServerIdentity(host, cert);
    if (mismatch) return fail(name, `certificate from ${issuer} is not for ${host}: ${mismatch.message}`);
    const staging = `${cert.issuer?.O ?? ""} ${cert.issuer?.CN ?? ""}`.includes(STAGING_MARKER);
    if (staging) {
        return expect === "letsencrypt-staging"
            ? pass(name, `Let's Encrypt STAGING certificate (${issuer}), as the stack's issuer is staging: browsers will not trust it`)
            : fail(name, `Let's Encrypt STAGING certificate (${issuer}): browsers reject it; switch ingress.acmeServer to production`);
    }
    const selfSigned = error === "DEPTH_ZERO_SELF_SIGNED_CERT" || error === "SELF_SIGNED_CERT_IN_CHAIN";
    if (selfSigned && expect === "self-signed") {
        return pass(name, `self-signed certificate (${issuer}), as the stack's issuer is self-signed`);
    }
    return fail(name, `certificate from ${issuer} does not verify: ${error ?? "untrusted"}`);
}

export async function checkHsts(t: SmokeTarget): Promise<CheckResult> {
    const a = await fetchOnce(new URL("hub/health", t.url).href, t);
    const value = a.headers["strict-transport-security"];
    const maxAge = /max-age=([0-9]+)/i.exec(String(value ?? ""));
    if (!value) return fail("hsts", "no Strict-Transport-Security header");
    if (!maxAge || Number(maxAge[1]) <= 0) return fail("hsts", `Strict-Transport-Security without a positive max-age: ${String(value)}`);
    return pass("hsts", `Strict-Transport-Security: ${String(value)}`);
}

export async function checkRedirect(t: SmokeTarget): Promise<CheckResult> {
    const { host } = hostOf(t);
    const url = `http://${host.includes(":") ? `[${host}]` : host}:${t.httpPort ?? 80}/hub/health`;
    const a = await fetchOnce(url, t);
    const location = String(a.headers.location ?? "");
    if (![301, 302, 307, 308].includes(a.status)) return fail("redirect", `${url} answered ${a.status}, not a redirect to https`);
    let target: URL;
    try {
        target = new URL(location, url);
    } catch {
        return fail("redirect", `${url} redirects to an unreadable location "${location}"`);
    }
    if (target.protocol !== "https:" || target.hostname.replace(/^\[|\]$/g, "") !== host) {
        return fail("redirect", `${url} redirects to ${target.href}, not to https://${host}`);
    }
    return pass("redirect", `${url} -> ${a.status} ${target.href}`);
}

export async function checkHealth(t: SmokeTarget): Promise<CheckResult> {
    const url = new URL("hub/health", t.url).href;
    const a = await fetchOnce(url, t);
    return a.status === 200 ? pass("health", `${url} answered 200`) : fail("health", `${url} answered ${a.status}, expected 200`);
}

/** Follows the hub's own redirects and login button from /hub/login to the first URL off the hub. */
async function loginDestination(t: SmokeTarget): Promise<string> {
    const origin = new URL(t.url).origin;
    let url = new URL("hub/login", t.url).href;
    for (let hop = 0; hop < 5; hop++) {
        const a = await fetchOnce(url, t);
        if ([301, 302, 303, 307, 308].includes(a.status) && a.headers.location) {
            const next = new URL(String(a.headers.location), url);
            if (next.origin !== origin) return next.href;
            url = next.href;
            continue;
        }
        // The login page: its "Sign in with GitHub" link goes to the hub's oauth_login.
        const link = /href="([^"]*oauth_login[^"]*)"/.exec(a.body);
        if (a.status === 200 && link) {
            url = new URL(link[1].replace(/&amp;/g, "&"), url).href;
            continue;
        }
        throw new Error(`${url} answered ${a.status} with neither a redirect nor a login link`);
    }
    throw new Error("more than 5 redirects within the hub");
}

export async function checkLogin(t: SmokeTarget): Promise<CheckResult> {
    const name = "login";
    if (!t.github) return { name, ok: true, skipped: true, detail: "skipped: the stack does not use GitHub login" };
    const dest = new URL(await loginDestination(t));
    const expectedCallback = new URL("hub/oauth_callback", t.url).href;
    const problems: string[] = [];
    if (`${dest.origin}${dest.pathname}` !== GITHUB_AUTHORIZE_URL) problems.push(`goes to ${dest.origin}${dest.pathname}, not ${GITHUB_AUTHORIZE_URL}`);
    const clientId = dest.searchParams.get("client_id");
    if (!clientId) problems.push("no client_id");
    else if (t.github.clientId && clientId !== t.github.clientId) problems.push(`client_id ${clientId}, expected ${t.github.clientId}`);
    const scopes = (dest.searchParams.get("scope") ?? "").split(/[ ,]+/).filter(Boolean);
    if (!scopes.includes(GITHUB_SCOPE)) problems.push(`scope "${scopes.join(" ")}" lacks ${GITHUB_SCOPE}`);
    const callback = dest.searchParams.get("redirect_uri");
    if (callback !== expectedCallback) problems.push(`redirect_uri ${callback ?? "missing"}, expected ${expectedCallback}`);
    return problems.length > 0
        ? fail(name, `/hub/login: ${problems.join("; ")}`)
        : pass(name, `/hub/login leads to GitHub (client_id ${clientId}, scope ${scopes.join(" ")}, callback ${callback})`);
}

export async function checkWebsocket(t: SmokeTarget): Promise<CheckResult> {
    const url = new URL("user/x/api/kernels/y/channels", t.url).href;
    const a = await fetchOnce(url, t, {
        Connection: "Upgrade",
        Upgrade: "websocket",
        "Sec-WebSocket-Version": "13",
        // A fixed key: the check only looks at who answers.
        "Sec-WebSocket-Key": "c21va2UtdGVzdC1rZXktMDE=",
    });
    const hub = a.headers[HUB_HEADER];
    if (hub) return pass("websocket", `the upgrade request reached the hub (JupyterHub ${String(hub)}, status ${a.status})`);
    const server = a.headers.server ? `, server ${String(a.headers.server)}` : "";
    return fail("websocket", `the upgrade request was answered by something other than the hub (status ${a.status}${server}, no ${HUB_HEADER} header)`);
}

const CHECKS: ReadonlyArray<{ readonly name: string; readonly run: (t: SmokeTarget) => Promise<CheckResult> }> = [
    { name: "tls", run: (t) => checkTls(t) },
    { name: "hsts", run: checkHsts },
    { name: "redirect", run: checkRedirect },
    { name: "health", run: checkHealth },
    { name: "login", run: checkLogin },
    { name: "websocket", run: checkWebsocket },
];

/** Every check, in order; a check that throws (no answer, refused) is a failure naming the error. */
export async function runSmoke(t: SmokeTarget): Promise<CheckResult[]> {
    hostOf(t);
    const results: CheckResult[] = [];
    for (const c of CHECKS) {
        try {
            results.push(await c.run(t));
        } catch (e) {
            results.push(fail(c.name, e instanceof Error ? e.message : String(e)));
        }
    }
    return results;
}

/**
 * The target of a stack, from its validated config: the URL and callback the program derives from
 * `hostname` (the `url` and `oauthCallbackUrl` outputs), the GitHub client id, and the certificate
 * the stack's issuer gives (Let's Encrypt production or staging on GKE, self-signed on local).
 */
function targetOfSettings(s: Pick<Settings, "platform" | "hostname" | "ingress" | "hub" | "github">): SmokeTarget {
    return {
        url: publicUrl(s.hostname),
        expectIssuer: s.platform === "local" ? "self-signed" : s.ingress.acmeServer === "staging" ? "letsencrypt-staging" : "trusted",
        github: s.hub.authenticator === "github" ? { clientId: s.github.clientId } : undefined,
    };
}

/** The options of `npm run smoke`. */
export const SMOKE_OPTIONS = { url: "string", "http-port": "string", ca: "string", "client-id": "string", "expect-issuer": "string" } as const;
export type SmokeOption = keyof typeof SMOKE_OPTIONS;

const ISSUERS: readonly ExpectedIssuer[] = ["trusted", "letsencrypt-staging", "self-signed"];

/**
 * The target from the command line: `--stack <name>` reads the stack's file (as the program
 * would), `--url` names a URL directly (GitHub login then only needs some client id, unless
 * `--client-id` names it); `--url`, `--client-id`, `--expect-issuer`, `--http-port` and `--ca`
 * (a PEM file) override what the stack gives.
 */
export function targetFromCli(args: CliArgs<SmokeOption, string | undefined>): SmokeTarget {
    const o = args.options;
    let target: SmokeTarget;
    if (args.stack) {
        target = targetOfSettings(parseSettings(loadStackConfig(args.stack, args.overrides).values, { project: PROJECT, stack: args.stack }));
    } else if (o.url) {
        target = { url: o.url, github: {} };
    } else {
        throw new UsageError("--url https://<hostname>/ or --stack <name> is required");
    }
    if (o.url) {
        let u: URL;
        try {
            u = new URL(o.url);
        } catch {
            throw new UsageError(`--url must be a URL such as https://jupyter.example.org/, got "${o.url}"`);
        }
        if (u.protocol !== "https:") throw new UsageError(`--url must start with https://, got "${o.url}"`);
        target = { ...target, url: u.href };
    }
    if (o["client-id"]) target = { ...target, github: { clientId: o["client-id"] } };
    if (o["expect-issuer"]) {
        if (!ISSUERS.includes(o["expect-issuer"] as ExpectedIssuer)) {
            throw new UsageError(`--expect-issuer must be one of ${ISSUERS.join(", ")}, got "${o["expect-issuer"]}"`);
        }
        target = { ...target, expectIssuer: o["expect-issuer"] as ExpectedIssuer };
    }
    if (o["http-port"]) {
        const port = Number(o["http-port"]);
        if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`--http-port must be a port number, got "${o["http-port"]}"`);
        target = { ...target, httpPort: port };
    }
    if (o.ca) {
        if (!fs.existsSync(o.ca)) throw new UsageError(`--ca: no such file ${o.ca}`);
        target = { ...target, ca: fs.readFileSync(o.ca, "utf8") };
    }
    return target;
}

/** One line per check: `ok`, `FAIL` or `skip`, the name, what was seen. */
export function formatResults(results: readonly CheckResult[]): string {
    return results.map((r) => `${r.skipped ? "skip" : r.ok ? "ok  " : "FAIL"} ${r.name}: ${r.detail}`).join("\n") + "\n";
}

/**
 * The smoke test (scripts/lib/smoke.ts) against servers started here on 127.0.0.1: an HTTPS
 * server with a self-signed certificate made in the test (X.509 DER written with node:crypto, no
 * network, no dependency) playing the platform, and a plain HTTP server for the redirect. Every
 * check is shown passing against the healthy platform and failing on the defect it guards.
 */
import * as assert from "assert";
import { spawn } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as http from "http";
import * as https from "https";
import type { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
// The module object itself (not a namespace copy), so the test can watch createSecureContext.
import tls = require("tls");
import {
    checkHealth,
    checkHsts,
    checkLogin,
    checkRedirect,
    checkTls,
    checkWebsocket,
    CheckResult,
    formatResults,
    runSmoke,
    SmokeTarget,
    targetFromCli,
} from "../scripts/lib/smoke";
import { UsageError } from "../scripts/lib/stackConfig";
import { script as smokeScript } from "../scripts/smoke";
import { runInProcess } from "./lib/cli";

// ---------------------------------------------------------------------------------------------
// A self-signed certificate, DER by hand (ECDSA P-256, SHA-256)
// ---------------------------------------------------------------------------------------------

function der(tag: number, content: Buffer): Buffer {
    const n = content.length;
    const len = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
    return Buffer.concat([Buffer.from([tag]), len, content]);
}
const seq = (...parts: Buffer[]) => der(0x30, Buffer.concat(parts));
const set1 = (...parts: Buffer[]) => der(0x31, Buffer.concat(parts));
function oid(dotted: string): Buffer {
    const [a, b, ...rest] = dotted.split(".").map(Number);
    const bytes = [40 * a + b];
    for (const n of rest) {
        const chunk = [n & 0x7f];
        for (let v = n >> 7; v > 0; v >>= 7) chunk.unshift((v & 0x7f) | 0x80);
        bytes.push(...chunk);
    }
    return der(0x06, Buffer.from(bytes));
}
const utf8 = (s: string) => der(0x0c, Buffer.from(s, "utf8"));
const utcTime = (d: Date) => der(0x17, Buffer.from(d.toISOString().replace(/[-:T]/g, "").slice(2, 14) + "Z"));
const name = (o: string, cn: string) => seq(set1(seq(oid("2.5.4.10"), utf8(o))), set1(seq(oid("2.5.4.3"), utf8(cn))));

interface TestCert {
    readonly key: string;
    readonly cert: string;
}

/** A self-signed CA-capable certificate for 127.0.0.1 (or `ip`), valid from `from` to `to`. */
function selfSigned(opts: { org: string; cn: string; ip?: string; from: Date; to: Date }): TestCert {
    const { privateKey, publicKey } = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
    const ecdsaSha256 = seq(oid("1.2.840.10045.4.3.2"));
    const subject = name(opts.org, opts.cn);
    const ip = Buffer.from((opts.ip ?? "127.0.0.1").split(".").map(Number));
    const san = seq(oid("2.5.29.17"), der(0x04, seq(der(0x87, ip))));
    const basicConstraints = seq(oid("2.5.29.19"), der(0x01, Buffer.from([0xff])), der(0x04, seq(der(0x01, Buffer.from([0xff])))));
    const tbs = seq(
        der(0xa0, der(0x02, Buffer.from([2]))),
        der(0x02, Buffer.from([0x01, ...crypto.randomBytes(8)])),
        ecdsaSha256,
        subject,
        seq(utcTime(opts.from), utcTime(opts.to)),
        subject,
        publicKey.export({ type: "spki", format: "der" }),
        der(0xa3, seq(basicConstraints, san)),
    );
    const signature = crypto.sign("sha256", tbs, privateKey);
    const certDer = seq(tbs, ecdsaSha256, der(0x03, Buffer.concat([Buffer.from([0]), signature])));
    const pem = `-----BEGIN CERTIFICATE-----\n${certDer.toString("base64").match(/.{1,64}/g)!.join("\n")}\n-----END CERTIFICATE-----\n`;
    return { key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(), cert: pem };
}

const DAY = 86400000;
const now = new Date();
const CERTS = {
    good: selfSigned({ org: "Test CA", cn: "platform", from: new Date(now.getTime() - DAY), to: new Date(now.getTime() + 60 * DAY) }),
    staging: selfSigned({ org: "(STAGING) Let's Encrypt", cn: "(STAGING) Pretend Pear X1", from: new Date(now.getTime() - DAY), to: new Date(now.getTime() + 60 * DAY) }),
    expired: selfSigned({ org: "Test CA", cn: "platform", from: new Date(now.getTime() - 90 * DAY), to: new Date(now.getTime() - DAY) }),
    otherHost: selfSigned({ org: "Test CA", cn: "elsewhere", ip: "10.9.9.9", from: new Date(now.getTime() - DAY), to: new Date(now.getTime() + 60 * DAY) }),
};

// ---------------------------------------------------------------------------------------------
// The fake platform: what the ingress, proxy and hub answer, with switches for each defect
// ---------------------------------------------------------------------------------------------

const CLIENT_ID = "Ov23liTestClient";

interface Behaviour {
    hsts: string | null;
    healthStatus: number;
    httpRedirect: "https" | "none" | "other-host";
    authorize: { host: string; clientId: string; scope: string; callback?: string };
    websocket: "hub" | "ingress";
}

const healthy = (): Behaviour => ({
    hsts: "max-age=31536000",
    healthStatus: 200,
    httpRedirect: "https",
    authorize: { host: "https://github.com/login/oauth/authorize", clientId: CLIENT_ID, scope: "read:org" },
    websocket: "hub",
});

class FakePlatform {
    behaviour: Behaviour = healthy();
    httpsServer!: https.Server;
    httpServer!: http.Server;

    get url(): string {
        return `https://127.0.0.1:${(this.httpsServer.address() as AddressInfo).port}/`;
    }
    get httpPort(): number {
        return (this.httpServer.address() as AddressInfo).port;
    }

    async start(cert: TestCert): Promise<void> {
        this.httpsServer = https.createServer({ key: cert.key, cert: cert.cert }, (req, res) => this.answer(req, res));
        this.httpsServer.on("upgrade", (_req, socket) => {
            // A websocket request: the hub (relayed by the proxy) or an ingress refusing it.
            socket.end(
                this.behaviour.websocket === "hub"
                    ? "HTTP/1.1 302 Found\r\nLocation: /hub/login\r\nX-JupyterHub-Version: 5.5.0\r\nContent-Length: 0\r\n\r\n"
                    : "HTTP/1.1 400 Bad Request\r\nServer: nginx\r\nContent-Length: 0\r\n\r\n",
            );
        });
        this.httpServer = http.createServer((req, res) => {
            const b = this.behaviour.httpRedirect;
            if (b === "none") return void res.writeHead(200).end("plain http");
            const host = b === "https" ? `127.0.0.1:${(this.httpsServer.address() as AddressInfo).port}` : "evil.example.org";
            res.writeHead(308, { Location: `https://${host}${req.url}` }).end();
        });
        await new Promise<void>((r) => this.httpsServer.listen(0, "127.0.0.1", r));
        await new Promise<void>((r) => this.httpServer.listen(0, "127.0.0.1", r));
    }

    answer(req: http.IncomingMessage, res: http.ServerResponse): void {
        const b = this.behaviour;
        const headers: Record<string, string> = { "X-JupyterHub-Version": "5.5.0", ...(b.hsts ? { "Strict-Transport-Security": b.hsts } : {}) };
        const url = new URL(req.url ?? "/", this.url);
        if (url.pathname === "/hub/health") return void res.writeHead(b.healthStatus, headers).end();
        if (url.pathname === "/hub/login") {
            return void res.writeHead(200, { ...headers, "Content-Type": "text/html" }).end('<a href="/hub/oauth_login?next=">Sign in with GitHub</a>');
        }
        if (url.pathname === "/hub/oauth_login") {
            const a = b.authorize;
            const target = new URL(a.host);
            target.searchParams.set("response_type", "code");
            target.searchParams.set("redirect_uri", a.callback ?? new URL("/hub/oauth_callback", this.url).href);
            target.searchParams.set("client_id", a.clientId);
            target.searchParams.set("scope", a.scope);
            target.searchParams.set("state", "opaque");
            return void res.writeHead(302, { ...headers, Location: target.href }).end();
        }
        res.writeHead(404, headers).end();
    }

    async stop(): Promise<void> {
        await Promise.all([this.httpsServer, this.httpServer].map((s) => new Promise((r) => s.close(r))));
    }
}

// ---------------------------------------------------------------------------------------------
// The checks, each passing and failing
// ---------------------------------------------------------------------------------------------

describe("smoke test", () => {
    const platform = new FakePlatform();
    let target: SmokeTarget;
    before(async () => {
        await platform.start(CERTS.good);
        target = { url: platform.url, httpPort: platform.httpPort, ca: CERTS.good.cert, github: { clientId: CLIENT_ID }, timeoutMs: 5000 };
    });
    after(() => platform.stop());
    beforeEach(() => {
        platform.behaviour = healthy();
    });

    const expectFail = (r: CheckResult, pattern: RegExp) => {
        assert.strictEqual(r.ok, false, `expected ${r.name} to fail: ${r.detail}`);
        assert.match(r.detail, pattern);
    };

    it("a healthy platform passes every check, one line each", async () => {
        const results = await runSmoke(target);
        assert.deepStrictEqual(results.map((r) => [r.name, r.ok]), [
            ["tls", true], ["hsts", true], ["redirect", true], ["health", true], ["login", true], ["websocket", true],
        ], formatResults(results));
        const lines = formatResults(results).trimEnd().split("\n");
        assert.strictEqual(lines.length, 6);
        assert.ok(lines.every((l) => l.startsWith("ok   ")));
    });

    it("builds the context trusting the extra CA once, not for every connection", async () => {
        // Node's roots plus one CA: ~100 ms of CPU per context, and a run opens six connections.
        const create = tls.createSecureContext;
        const ca = `${CERTS.good.cert}\n`; // a CA text no other test used
        let built = 0;
        tls.createSecureContext = (options) => {
            if (Array.isArray(options?.ca) && options.ca.includes(ca)) built++;
            return create(options);
        };
        try {
            for (let run = 0; run < 2; run++) {
                assert.ok((await runSmoke({ ...target, ca })).every((r) => r.ok));
            }
        } finally {
            tls.createSecureContext = create;
        }
        assert.strictEqual(built, 1);
    });

    it("tls: a certificate nobody vouches for fails, naming the error", async () => {
        expectFail(await checkTls({ ...target, ca: undefined }), /does not verify: DEPTH_ZERO_SELF_SIGNED_CERT/);
    });

    it("hsts: a missing header or a zero max-age fails", async () => {
        platform.behaviour.hsts = null;
        expectFail(await checkHsts(target), /no Strict-Transport-Security header/);
        platform.behaviour.hsts = "max-age=0";
        expectFail(await checkHsts(target), /without a positive max-age/);
    });

    it("redirect: plain HTTP must redirect to https on the same host", async () => {
        assert.match((await checkRedirect(target)).detail, /-> 308 https:\/\/127\.0\.0\.1:/);
        platform.behaviour.httpRedirect = "none";
        expectFail(await checkRedirect(target), /answered 200, not a redirect to https/);
        platform.behaviour.httpRedirect = "other-host";
        expectFail(await checkRedirect(target), /redirects to https:\/\/evil\.example\.org\/hub\/health, not to https:\/\/127\.0\.0\.1/);
    });

    it("health: anything but 200 fails", async () => {
        platform.behaviour.healthStatus = 503;
        expectFail(await checkHealth(target), /answered 503, expected 200/);
    });

    it("login: GitHub's authorize URL with the right client id, scope and callback, else a failure naming each difference", async () => {
        assert.match((await checkLogin(target)).detail, /client_id Ov23liTestClient, scope read:org, callback https:\/\/127\.0\.0\.1:\d+\/hub\/oauth_callback/);
        platform.behaviour.authorize = { ...healthy().authorize, clientId: "someone-else" };
        expectFail(await checkLogin(target), /client_id someone-else, expected Ov23liTestClient/);
        platform.behaviour.authorize = { ...healthy().authorize, scope: "user:email" };
        expectFail(await checkLogin(target), /scope "user:email" lacks read:org/);
        platform.behaviour.authorize = { ...healthy().authorize, callback: "https://wrong.example.org/hub/oauth_callback" };
        expectFail(await checkLogin(target), /redirect_uri https:\/\/wrong\.example\.org\/hub\/oauth_callback, expected/);
        platform.behaviour.authorize = { ...healthy().authorize, host: "https://gitlab.com/oauth/authorize" };
        expectFail(await checkLogin(target), /goes to https:\/\/gitlab\.com\/oauth\/authorize/);
        const skipped = await checkLogin({ ...target, github: undefined });
        assert.ok(skipped.ok && skipped.skipped, "another authenticator: skipped, said so");
    });

    it("websocket: the hub's answer passes; the ingress answering the upgrade itself fails", async () => {
        assert.match((await checkWebsocket(target)).detail, /reached the hub \(JupyterHub 5\.5\.0, status 302\)/);
        platform.behaviour.websocket = "ingress";
        expectFail(await checkWebsocket(target), /status 400, server nginx, no x-jupyterhub-version header/);
    });

    it("a failing check makes the run fail, and a refused connection is a failure, not a crash", async () => {
        platform.behaviour.healthStatus = 500;
        const results = await runSmoke(target);
        assert.deepStrictEqual(results.filter((r) => !r.ok).map((r) => r.name), ["health"]);
        const refused = await runSmoke({ ...target, httpPort: 1 });
        assert.match(refused.find((r) => r.name === "redirect")!.detail, /ECONNREFUSED/);
    });
});

describe("smoke test: certificates", () => {
    const cases: [string, TestCert, SmokeTarget["expectIssuer"], boolean, RegExp][] = [
        ["a staging certificate where the stack uses staging passes, named as staging", CERTS.staging, "letsencrypt-staging", true, /Let's Encrypt STAGING certificate .*browsers will not trust it/],
        ["a staging certificate where production is expected fails", CERTS.staging, "trusted", false, /STAGING certificate .*switch ingress.acmeServer to production/],
        ["a self-signed certificate passes only where the stack is self-signed", CERTS.good, "self-signed", true, /self-signed certificate/],
        ["an expired certificate fails", CERTS.expired, "self-signed", false, /expired on/],
        ["a certificate for another host fails", CERTS.otherHost, "self-signed", false, /is not for 127\.0\.0\.1/],
    ];
    for (const [what, cert, expectIssuer, ok, detail] of cases) {
        it(what, async () => {
            const p = new FakePlatform();
            await p.start(cert);
            try {
                const r = await checkTls({ url: p.url, expectIssuer, timeoutMs: 5000 });
                assert.strictEqual(r.ok, ok, r.detail);
                assert.match(r.detail, detail);
            } finally {
                await p.stop();
            }
        });
    }
});

describe("smoke test: command line", () => {
    const cli = (options: Record<string, string>, stack?: string) => targetFromCli({ stack, overrides: [], options, flags: new Set() });

    it("--stack reads the URL, client id and issuer from the stack file", () => {
        assert.deepStrictEqual(cli({}, "sandbox"), { url: "https://sandbox.jupyterlabdemo.org/", expectIssuer: "letsencrypt-staging", github: { clientId: "Ov23liSandbox0Client1" } });
        assert.deepStrictEqual(cli({}, "demo"), { url: "https://demo.jupyterlabdemo.org/", expectIssuer: "trusted", github: { clientId: "Ov23liDemo00Client002" } });
        assert.deepStrictEqual(cli({}, "local"), { url: "https://jupyter.localtest.me/", expectIssuer: "self-signed", github: undefined });
    });

    it("--url alone, and options that override the stack", () => {
        assert.deepStrictEqual(cli({ url: "https://hub.example.org" }), { url: "https://hub.example.org/", github: {} });
        assert.deepStrictEqual(cli({ url: "https://x.example.org/", "client-id": "abc", "expect-issuer": "self-signed", "http-port": "8080" }, "demo"), {
            url: "https://x.example.org/", expectIssuer: "self-signed", github: { clientId: "abc" }, httpPort: 8080,
        });
    });

    it("bad usage is one line naming the option", () => {
        const usage = (options: Record<string, string>, message: RegExp) =>
            assert.throws(() => cli(options), (e: unknown) => e instanceof UsageError && message.test(e.message));
        usage({}, /--url https:\/\/<hostname>\/ or --stack <name> is required/);
        usage({ url: "http://plain.example.org" }, /--url must start with https:\/\//);
        usage({ url: "https://x.example.org", "expect-issuer": "maybe" }, /--expect-issuer must be one of trusted, letsencrypt-staging, self-signed/);
        usage({ url: "https://x.example.org", "http-port": "99999" }, /--http-port must be a port number/);
    });

    it("npm run smoke exits 0 against a healthy platform and 1 when a check fails, one line per check", async function () {
        this.timeout(120000);
        const p = new FakePlatform();
        await p.start(CERTS.good);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "smoke-"));
        const ca = path.join(dir, "ca.pem");
        fs.writeFileSync(ca, CERTS.good.cert);
        const argv = ["--url", p.url, "--http-port", String(p.httpPort), "--ca", ca, "--client-id", CLIENT_ID];
        // The script's body in-process; the failing run also as its own process, where runCli
        // turns the finding into the exit code.
        const runProcess = () =>
            new Promise<{ status: number | null; stdout: string }>((resolve) => {
                // Run off the test's event loop: the fake platform must keep answering.
                const child = spawn(process.execPath, ["-r", "./scripts/register.js", "scripts/smoke.ts", ...argv], { cwd: path.join(__dirname, ".."), env: process.env });
                let stdout = "";
                child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
                child.on("close", (status: number | null) => resolve({ status, stdout }));
            });
        try {
            const ok = await runInProcess(smokeScript, argv);
            assert.strictEqual(ok.code, 0, ok.stdout);
            assert.strictEqual(ok.stdout.trimEnd().split("\n").length, 7, "a header line and one line per check");
            assert.strictEqual(ok.stderr, "");
            p.behaviour.websocket = "ingress";
            const bad = await runInProcess(smokeScript, argv);
            assert.strictEqual(bad.code, 1, bad.stdout);
            assert.match(bad.stdout, /^FAIL websocket: /m);
            const badProcess = await runProcess();
            assert.strictEqual(badProcess.status, 1, badProcess.stdout);
            assert.strictEqual(badProcess.stdout, bad.stdout, "the process prints what the body wrote");
            assert.match(badProcess.stdout, /^FAIL websocket: /m);
        } finally {
            await p.stop();
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

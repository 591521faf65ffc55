"""The hub's real stack on one machine: what test/hub/realstack_test.py drives.

Runs, inside a private network and mount namespace (`unshare --net --mount`, so every port is
this test's own loopback and nothing is reachable from outside or leaks out):

- the real JupyterHub of the venv (test/hub/requirements.txt), started with the rendered hub
  Deployment's args, environment and mounted files: the `hub-config` ConfigMap written at its
  mountPath, an empty data volume, a service-account token; the Service names it dials (`hub`,
  `proxy-api`) resolve to loopback through the namespace's own /etc/hosts, as cluster DNS would;
- the real configurable-http-proxy (npm, the proxy image's version), started with the rendered
  proxy Deployment's command and environment; the "browser" reaches it as the ingress does
  (plain HTTP with the X-Forwarded-* headers of a TLS-terminating ingress);
- a fake GitHub (github.com and api.github.com, TLS with a test CA) answering authorize, token,
  user, orgs and membership from fixtures;
- a fake Kubernetes API server (the in-cluster address, TLS, bearer token) that records every
  request, stores the pods KubeSpawner creates, reports them Running, and streams watch events;
- a fake single-user server at the "pod IP", so the hub sees the lab come up and the proxy routes
  to it.

Everything binds inside the namespace; every wait is bounded; processes are stopped at the end.
"""

import asyncio
import datetime
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import threading
import time
import urllib.parse

import requests
import yaml
from tornado import httpserver, web

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
VENV_BIN = os.path.join(REPO, ".venv", "bin")
NODE_BIN = os.path.join(REPO, "node_modules", ".bin")

#: Addresses inside the namespace (all loopback).
K8S_IP = "127.0.0.10"
GITHUB_IP = "127.0.0.20"
LAB_IP = "127.0.1.1"
HOSTS = {"127.0.0.1": ["localhost", "hub", "proxy-api", "proxy-public"], GITHUB_IP: ["github.com", "api.github.com"]}
SA_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"
SA_TOKEN = "test-service-account-token"

#: What the Secret `hub-secrets` holds in the test (fixed, not secret: the stack is throwaway).
SECRET_VALUES = {
    "cookie-secret": "6a" * 32,
    "proxy-token": "test-proxy-token-0123456789abcdef",
    "crypt-key": "5c" * 32,
    "github-client-secret": "test-github-client-secret",
    "dummy-password": "test-dummy-password",
    # The metrics collector's token (Secret hub-metrics-token, key token).
    "token": "test-metrics-token-0123456789abcdef",
}

WAIT_SECONDS = 60


class StackError(AssertionError):
    pass


def wait_until(what, check, timeout=WAIT_SECONDS, interval=0.1):
    """Polls `check()` until it returns a truthy value; a StackError naming `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise StackError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


# ---------------------------------------------------------------------------------------------
# The rendered objects


def load_render(render_dir):
    """The rendered manifests by (kind, name)."""
    with open(os.path.join(render_dir, "manifests.yaml"), encoding="utf-8") as f:
        docs = [d for d in yaml.safe_load_all(f) if d]
    return {(d["kind"], d["metadata"]["name"]): d for d in docs}


def container_env(deployment, container):
    """The environment the kubelet gives `container` of `deployment`: literals, fieldRefs, secretKeyRefs."""
    env = {}
    for e in container.get("env", []):
        if "value" in e:
            env[e["name"]] = e["value"]
            continue
        source = e["valueFrom"]
        if "fieldRef" in source:
            path = source["fieldRef"]["fieldPath"]
            if path != "metadata.namespace":
                raise StackError(f"unsupported fieldRef {path}")
            env[e["name"]] = deployment["metadata"]["namespace"]
        elif "secretKeyRef" in source:
            env[e["name"]] = SECRET_VALUES[source["secretKeyRef"]["key"]]
        else:
            raise StackError(f"unsupported env source {source}")
    return env


# ---------------------------------------------------------------------------------------------
# The namespace


def enter_namespace(argv):
    """Re-executes `argv` in a new network and mount namespace unless already in one."""
    if os.environ.get("HUBREAL_NAMESPACE") == "1":
        return
    unshare = shutil.which("unshare")
    if not unshare:
        raise SystemExit("realstack: `unshare` (util-linux) is required to run the hub in a private network namespace")
    cmd = [unshare, "--net", "--mount", "--fork", "--kill-child"]
    if os.geteuid() != 0:
        cmd.insert(1, "--map-root-user")
    os.environ["HUBREAL_NAMESPACE"] = "1"
    os.execv(unshare, cmd + argv)


def _tmpfs_over(path):
    """A tmpfs at the nearest existing ancestor of `path` (in this mount namespace only), then `path`."""
    existing = path
    while not os.path.exists(existing):
        existing = os.path.dirname(existing)
    existing = os.path.realpath(existing)
    if existing in ("/", "/usr", "/usr/local", "/var", "/etc", "/tmp", "/work", "/root"):
        raise StackError(f"refusing to cover {existing} with a tmpfs for {path}")
    subprocess.run(["mount", "-t", "tmpfs", "tmpfs", existing], check=True)
    os.makedirs(path, exist_ok=True)


def setup_namespace(workdir, hub_mounts):
    """Loopback up, /etc/hosts with the Service names, the hub pod's mounts at their paths."""
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    hosts = os.path.join(workdir, "hosts")
    with open(hosts, "w", encoding="utf-8") as f:
        for ip, names in HOSTS.items():
            f.write(f"{ip} {' '.join(names)}\n")
    subprocess.run(["mount", "--bind", hosts, "/etc/hosts"], check=True)
    covered = set()
    for path in sorted(set(list(hub_mounts) + [SA_DIR])):
        top = path
        while not os.path.exists(top):
            top = os.path.dirname(top)
        if os.path.realpath(top) not in covered:
            _tmpfs_over(path)
            covered.add(os.path.realpath(top))
        os.makedirs(path, exist_ok=True)


# ---------------------------------------------------------------------------------------------
# TLS: one test CA, one certificate for the fake GitHub and the fake API server


def make_tls(workdir):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    import ipaddress

    now = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    later = now + datetime.timedelta(days=3650)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "realstack test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(later)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    sans = [x509.DNSName(n) for n in HOSTS[GITHUB_IP]] + [x509.IPAddress(ipaddress.ip_address(K8S_IP))]
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "realstack")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(2)
        .not_valid_before(now)
        .not_valid_after(later)
        .add_extension(x509.SubjectAlternativeName(sans), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    paths = {"ca": os.path.join(workdir, "ca.pem"), "cert": os.path.join(workdir, "cert.pem"), "key": os.path.join(workdir, "key.pem")}
    with open(paths["ca"], "wb") as f:
        f.write(ca.public_bytes(serialization.Encoding.PEM))
    with open(paths["cert"], "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(paths["key"], "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return paths


# ---------------------------------------------------------------------------------------------
# The fakes


class World:
    """What the fakes know and record; read by the tests."""

    def __init__(self, client_id, client_secret, namespace):
        self.client_id = client_id
        self.client_secret = client_secret
        self.namespace = namespace
        self.lock = threading.Lock()
        #: GitHub users by login: {"id", "orgs": [{"login", "id"}], "orgs_fail": bool}
        self.github_users = {}
        self.github_requests = []
        self.authorize_params = []
        self.pods = {}
        self.created = []
        self.deleted = []
        self.k8s_requests = []
        self.unexpected = []
        self.watchers = []
        self.version = 1
        self.loop = None

    def next_version(self):
        self.version += 1
        return str(self.version)


class _Base(web.RequestHandler):
    def initialize(self, world):
        self.world = world

    def check_xsrf_cookie(self):
        pass

    def send_json(self, status, body):
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body))


class GitHubHandler(_Base):
    """github.com and api.github.com, told apart by the Host header."""

    def _user_of_token(self):
        auth = self.request.headers.get("Authorization", "")
        token = auth.split(" ", 1)[-1]
        login = token[len("gho-"):] if token.startswith("gho-") else None
        return login if login in self.world.github_users else None

    def get(self, path):
        host = self.request.host.split(":")[0]
        w = self.world
        w.github_requests.append((host, "GET", self.request.uri))
        if host == "github.com" and path == "/login/oauth/authorize":
            q = {k: self.get_argument(k) for k in ("client_id", "redirect_uri", "state", "scope")}
            w.authorize_params.append(q)
            login = self.get_cookie("gh_user")
            if q["client_id"] != w.client_id or login not in w.github_users:
                return self.send_json(404, {"message": "Not Found"})
            sep = "&" if "?" in q["redirect_uri"] else "?"
            return self.redirect(f"{q['redirect_uri']}{sep}{urllib.parse.urlencode({'code': 'code-' + login, 'state': q['state']})}")
        if host != "api.github.com":
            return self.send_json(404, {"message": "Not Found"})
        login = self._user_of_token()
        if login is None:
            return self.send_json(401, {"message": "Bad credentials"})
        user = w.github_users[login]
        if path == "/user":
            return self.send_json(200, {"login": user.get("display_login", login), "id": user["id"], "name": login, "email": None})
        if path == "/user/orgs":
            if user.get("orgs_fail"):
                return self.send_json(502, {"message": "Server Error"})
            per_page = int(self.get_argument("per_page", "30"))
            page = int(self.get_argument("page", "1"))
            return self.send_json(200, user["orgs"][(page - 1) * per_page : page * per_page])
        m = re.fullmatch(r"/orgs/([^/]+)/members/([^/]+)", path)
        if m:
            member = m.group(2).lower() == login and any(o["login"] == m.group(1) for o in user["orgs"])
            self.set_status(204 if member else 404)
            return self.finish()
        return self.send_json(404, {"message": "Not Found"})

    def post(self, path):
        host = self.request.host.split(":")[0]
        w = self.world
        w.github_requests.append((host, "POST", self.request.uri))
        if host == "github.com" and path == "/login/oauth/access_token":
            args = {k: self.get_argument(k, None) for k in ("client_id", "client_secret", "code")}
            if args["client_id"] != w.client_id or args["client_secret"] != w.client_secret:
                return self.send_json(200, {"error": "incorrect_client_credentials"})
            login = (args["code"] or "")[len("code-"):]
            if login not in w.github_users:
                return self.send_json(200, {"error": "bad_verification_code"})
            return self.send_json(200, {"access_token": "gho-" + login, "token_type": "bearer", "scope": "read:org"})
        return self.send_json(404, {"message": "Not Found"})


def _status(code, reason, message):
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": message, "reason": reason, "code": code}


class K8sHandler(_Base):
    """The few API paths KubeSpawner uses; anything else is recorded as unexpected and refused."""

    def prepare(self):
        w = self.world
        w.k8s_requests.append((self.request.method, self.request.uri))
        if self.request.headers.get("Authorization") != f"Bearer {SA_TOKEN}":
            self.send_json(401, _status(401, "Unauthorized", "no service-account token"))

    def _route(self, path):
        m = re.fullmatch(r"/api/v1/namespaces/([^/]+)/(pods|events)(?:/([^/]+))?", path)
        if not m or m.group(1) != self.world.namespace:
            self.world.unexpected.append((self.request.method, self.request.uri))
            self.send_json(404, _status(404, "NotFound", f"unexpected request {self.request.method} {path}"))
            return None
        return m.group(2), m.group(3)

    async def get(self, path):
        route = self._route(path)
        if route is None:
            return
        kind, name = route
        w = self.world
        if name:
            pod = w.pods.get(name) if kind == "pods" else None
            return self.send_json(200, pod) if pod else self.send_json(404, _status(404, "NotFound", f"{name} not found"))
        if self.get_argument("watch", "") in ("true", "1", "True"):
            return await self._watch(kind)
        items = list(w.pods.values()) if kind == "pods" else []
        kind_name = "PodList" if kind == "pods" else "EventList"
        return self.send_json(200, {"kind": kind_name, "apiVersion": "v1", "metadata": {"resourceVersion": str(w.version)}, "items": items})

    async def _watch(self, kind):
        w = self.world
        queue = asyncio.Queue()
        entry = (kind, queue)
        w.watchers.append(entry)
        self.set_header("Content-Type", "application/json")
        self.set_header("Transfer-Encoding", "chunked")
        await self.flush()
        timeout = min(int(self.get_argument("timeoutSeconds", "10") or 10), 10)
        deadline = time.monotonic() + timeout
        try:
            while not self.request.connection.stream.closed():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                try:
                    event = await asyncio.wait_for(queue.get(), remaining)
                except asyncio.TimeoutError:
                    break
                self.write(json.dumps(event) + "\n")
                await self.flush()
        finally:
            w.watchers.remove(entry)
        self.finish()

    def _broadcast(self, event_type, pod):
        for kind, queue in list(self.world.watchers):
            if kind == "pods":
                queue.put_nowait({"type": event_type, "object": json.loads(json.dumps(pod))})

    def post(self, path):
        route = self._route(path)
        if route is None:
            return
        kind, name = route
        w = self.world
        if kind != "pods" or name:
            w.unexpected.append(("POST", self.request.uri))
            return self.send_json(405, _status(405, "MethodNotAllowed", "only pods are created"))
        body = json.loads(self.request.body)
        pod_name = body["metadata"]["name"]
        with w.lock:
            w.created.append(json.loads(json.dumps(body)))
        if pod_name in w.pods:
            return self.send_json(409, _status(409, "AlreadyExists", f"pods {pod_name} already exists"))
        pod = json.loads(json.dumps(body))
        pod["metadata"].update({"namespace": w.namespace, "uid": f"uid-{len(w.created)}", "resourceVersion": w.next_version(), "creationTimestamp": "2026-01-01T00:00:00Z"})
        pod["status"] = {"phase": "Pending"}
        w.pods[pod_name] = pod
        self._broadcast("ADDED", pod)

        def run():
            if w.pods.get(pod_name) is not pod:
                return
            pod["metadata"]["resourceVersion"] = w.next_version()
            names = [c["name"] for c in pod["spec"]["containers"]]
            pod["status"] = {
                "phase": "Running",
                "podIP": LAB_IP,
                "conditions": [{"type": "Ready", "status": "True"}],
                "containerStatuses": [{"name": n, "ready": True, "state": {"running": {"startedAt": "2026-01-01T00:00:01Z"}}} for n in names],
            }
            self._broadcast("MODIFIED", pod)

        asyncio.get_event_loop().call_later(0.2, run)
        self.send_json(201, pod)

    def delete(self, path):
        route = self._route(path)
        if route is None:
            return
        kind, name = route
        w = self.world
        pod = w.pods.pop(name, None) if kind == "pods" and name else None
        if pod is None:
            return self.send_json(404, _status(404, "NotFound", f"{name} not found"))
        w.deleted.append(name)
        pod["metadata"]["resourceVersion"] = w.next_version()
        self._broadcast("DELETED", pod)
        self.send_json(200, pod)


class LabHandler(web.RequestHandler):
    """The single-user server at the pod IP: answers the hub's readiness check and proxied requests."""

    def get(self, path):
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"fake-lab": True, "path": "/" + path}))


class Fakes:
    """The fake GitHub, API server and lab server, on a tornado loop in a thread."""

    def __init__(self, world, tls):
        self.world = world
        self.tls = tls
        self.thread = None
        self.loop = None
        self.ready = threading.Event()

    def start(self):
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        if not self.ready.wait(15):
            raise StackError("fake servers did not start")

    def _run(self):
        self.loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self.loop)
        self.world.loop = self.loop
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(self.tls["cert"], self.tls["key"])
        kw = {"world": self.world}
        github = web.Application([(r"(/.*)", GitHubHandler, kw)])
        k8s = web.Application([(r"(/.*)", K8sHandler, kw)])
        lab = web.Application([(r"/(.*)", LabHandler)])
        self.servers = [
            httpserver.HTTPServer(github, ssl_options=ctx),
            httpserver.HTTPServer(k8s, ssl_options=ctx),
            httpserver.HTTPServer(lab),
        ]
        self.servers[0].listen(443, GITHUB_IP)
        self.servers[1].listen(443, K8S_IP)
        self.servers[2].listen(8888, LAB_IP)
        self.loop.call_soon(self.ready.set)
        self.loop.run_forever()

    def stop(self):
        if self.loop:
            def shutdown():
                for s in self.servers:
                    s.stop()
                self.loop.stop()
            self.loop.call_soon_threadsafe(shutdown)
            self.thread.join(10)


# ---------------------------------------------------------------------------------------------
# Processes


class Process:
    def __init__(self, name, argv, env, cwd, logdir):
        self.name = name
        self.log_path = os.path.join(logdir, f"{name}.log")
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)

    def output(self):
        self.log.flush()
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def tail(self, n=60):
        return "\n".join(self.output().splitlines()[-n:])

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.log.close()


def resolve(argv0, search):
    path = os.path.join(search, argv0)
    if not os.path.exists(path):
        raise StackError(f"{argv0} is not installed at {path} (run npm ci and npm run setup:hub)")
    return path


# ---------------------------------------------------------------------------------------------
# The browser


class Browser:
    """A browser whose hub traffic goes through the ingress's hop (TLS ends there) to the proxy."""

    def __init__(self, hostname, ca, proxy_port):
        self.hostname = hostname
        self.ca = ca
        self.proxy = f"http://127.0.0.1:{proxy_port}"
        self.jar = {}  # host -> {name: value}
        self.set_cookies = []  # (host, raw Set-Cookie header)

    def cookie(self, name, host=None):
        return self.jar.get(host or self.hostname, {}).get(name)

    def _store(self, host, raw):
        self.set_cookies.append((host, raw))
        name, _, rest = raw.partition("=")
        value = rest.split(";", 1)[0]
        attrs = rest.lower()
        expired = "max-age=0" in attrs or re.search(r"expires=[^;]*19[67]0", attrs) is not None
        jar = self.jar.setdefault(host, {})
        if expired or value in ("", '""'):
            jar.pop(name.strip(), None)
        else:
            jar[name.strip()] = value

    def request(self, method, url, data=None, headers=None, follow=True, max_hops=10):
        history = []
        for _ in range(max_hops):
            parts = urllib.parse.urlsplit(url)
            host = parts.hostname
            h = dict(headers or {})
            jar = self.jar.get(host, {})
            if jar:
                h["Cookie"] = "; ".join(f"{k}={v}" for k, v in jar.items())
            if host == self.hostname:
                # The ingress: TLS ends here; it forwards over HTTP with the original scheme and host.
                target = self.proxy + (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
                h.update({"Host": self.hostname, "X-Forwarded-Proto": "https", "X-Forwarded-Host": self.hostname, "X-Forwarded-Port": "443", "X-Forwarded-For": "203.0.113.7", "X-Real-IP": "203.0.113.7"})
                r = requests.request(method, target, data=data, headers=h, allow_redirects=False, timeout=30)
            else:
                r = requests.request(method, url, data=data, headers=h, allow_redirects=False, timeout=30, verify=self.ca)
            for raw in r.raw.headers.getlist("Set-Cookie"):
                self._store(host, raw)
            history.append(r)
            if not follow or r.status_code not in (301, 302, 303, 307) or "Location" not in r.headers:
                r.history_chain = history
                return r
            url = urllib.parse.urljoin(url, r.headers["Location"])
            if r.status_code in (302, 303):
                method, data = "GET", None
        raise StackError(f"too many redirects from {url}")


def free_check(port):
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0

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
The fakes live in realstack_fakes.py.
"""

import datetime
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.parse

import requests
import yaml

# The fakes (realstack_fakes.py) and the addresses they listen on, re-exported for the tests.
from realstack_fakes import GITHUB_IP, HOSTS, K8S_IP, LAB_IP, SA_DIR, SA_TOKEN, Fakes, StackError, World  # noqa: F401

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
VENV_BIN = os.path.join(REPO, ".venv", "bin")
NODE_BIN = os.path.join(REPO, "node_modules", ".bin")

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

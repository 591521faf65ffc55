"""The fakes of the hub's real stack (realstack.py): GitHub (github.com and api.github.com), the
Kubernetes API server KubeSpawner talks to, and the single-user server at the "pod IP", on one
tornado loop in a thread. Every server listens on a loopback address of the test's own network
namespace. `World` is what they know and record; the tests read it.
"""

import asyncio
import json
import re
import ssl
import threading
import time
import urllib.parse

from tornado import httpserver, web


#: Addresses inside the namespace (all loopback).
K8S_IP = "127.0.0.10"
GITHUB_IP = "127.0.0.20"
LAB_IP = "127.0.1.1"
HOSTS = {"127.0.0.1": ["localhost", "hub", "proxy-api", "proxy-public"], GITHUB_IP: ["github.com", "api.github.com"]}
SA_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"
SA_TOKEN = "test-service-account-token"


class StackError(AssertionError):
    pass


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


"""The real JupyterHub, KubeSpawner and OAuthenticator of the hub image, driven through the real
configurable-http-proxy with the rendered configuration (see realstack.py for the set-up).

Run by test/real/hubStack.test.ts (npm test, through npm run test:real) as

    HUB_RENDER_DIR=<a render of a github stack> .venv/bin/python test/hub/realstack_test.py

It re-executes itself in a private network and mount namespace. Not a `test*.py` file on purpose:
the stdlib-only unit tests (`unittest discover` with system Python) must not pick it up.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import realstack as rs  # noqa: E402

if __name__ == "__main__":
    rs.enter_namespace([sys.executable, os.path.abspath(__file__)] + sys.argv[1:])

#: GitHub users of the test (ids and org ids made up, in GitHub's ranges).
MEMBER = "jane-doe"
OUTSIDER = "mallory"
FLAKY = "flaky-user"
DIGIT = "42-coder"


def lab_pods_request(stack, login, user):
    hub = stack.objects[("Deployment", "hub")]
    return {
        "files": stack.objects[("ConfigMap", "hub-config")]["data"],
        "env": {k: "[secret]" if k in stack.secret_env else v for k, v in rs.container_env(hub, hub["spec"]["template"]["spec"]["containers"][0]).items()},
        "user": {"login": login, "id": user["id"], "orgs": user["orgs"]},
    }


class Stack:
    def __init__(self, render_dir):
        self.objects = rs.load_render(render_dir)
        self.hub = self.objects[("Deployment", "hub")]
        self.proxy = self.objects[("Deployment", "proxy")]
        self.settings = json.loads(self.objects[("ConfigMap", "hub-config")]["data"]["settings.json"])
        self.lab = self.settings["lab"]
        #: The menu's options (KubeSpawner's profile_list in the settings): choices by name, in menu order.
        self.menu = {k: o["choices"] for k, o in self.lab["profileList"][0]["profile_options"].items()}
        self.namespace = self.hub["metadata"]["namespace"]
        self.workdir = tempfile.mkdtemp(prefix="realstack-")
        self.processes = []
        self.fakes = None
        hub_container = self.hub["spec"]["template"]["spec"]["containers"][0]
        self.secret_env = {e["name"] for e in hub_container.get("env", []) if "secretKeyRef" in e.get("valueFrom", {})}
        self.world = rs.World(self.settings["hub"]["github"]["clientId"], rs.SECRET_VALUES["github-client-secret"], self.namespace)

    def start(self):
        spec = self.hub["spec"]["template"]["spec"]
        container = spec["containers"][0]
        volumes = {v["name"]: v for v in spec["volumes"]}
        mounts = {m["mountPath"]: volumes[m["name"]] for m in container["volumeMounts"]}
        rs.setup_namespace(self.workdir, list(mounts))
        # The pod's volumes, as the kubelet mounts them.
        for path, volume in mounts.items():
            if "configMap" in volume:
                data = self.objects[("ConfigMap", volume["configMap"]["name"])]["data"]
                for name, text in data.items():
                    with open(os.path.join(path, name), "w", encoding="utf-8") as f:
                        f.write(text)
                    os.chmod(os.path.join(path, name), volume["configMap"].get("defaultMode", 0o644))
        if spec.get("automountServiceAccountToken"):
            for name, text in (("token", rs.SA_TOKEN), ("namespace", self.namespace)):
                with open(os.path.join(rs.SA_DIR, name), "w", encoding="utf-8") as f:
                    f.write(text)
        tls = rs.make_tls(self.workdir)
        if spec.get("automountServiceAccountToken"):
            with open(os.path.join(rs.SA_DIR, "ca.crt"), "w", encoding="utf-8") as f:
                with open(tls["ca"], encoding="utf-8") as ca:
                    f.write(ca.read())
        self.ca = tls["ca"]
        self.fakes = rs.Fakes(self.world, tls)
        self.fakes.start()

        base_env = {"PATH": f"{rs.VENV_BIN}:{os.path.dirname(sys.executable)}:/usr/local/bin:/usr/bin:/bin", "HOME": self.workdir, "LANG": "C.UTF-8"}
        # The proxy: the rendered command and environment.
        proxy_container = self.proxy["spec"]["template"]["spec"]["containers"][0]
        argv = list(proxy_container["command"]) + list(proxy_container.get("args", []))
        argv[0] = rs.resolve(argv[0], rs.NODE_BIN)
        node = shutil.which("node")
        if not node:
            raise rs.StackError("node is not on PATH: configurable-http-proxy needs it")
        proxy_env = {**base_env, **rs.container_env(self.proxy, proxy_container), "PATH": f"{os.path.dirname(os.path.realpath(node))}:{base_env['PATH']}"}
        self.proxy_process = rs.Process("proxy", argv, proxy_env, self.workdir, self.workdir)
        self.processes.append(self.proxy_process)
        self.proxy_port = int(next(p["containerPort"] for p in proxy_container["ports"] if p["name"] == "http"))
        rs.wait_until("the proxy to listen", lambda: rs.free_check(self.proxy_port) or self._dead(self.proxy_process), 20)

        # The hub: the rendered args (the image's entrypoint runs them), env and working directory.
        argv = list(container.get("command", [])) + list(container["args"])
        argv[0] = rs.resolve(argv[0], rs.VENV_BIN)
        env = {
            **base_env,
            **rs.container_env(self.hub, container),
            # What the kubelet adds: the API server's in-cluster address.
            "KUBERNETES_SERVICE_HOST": rs.K8S_IP,
            "KUBERNETES_SERVICE_PORT": "443",
            # The test CA stands in for the public CAs GitHub's certificate chains to.
            "SSL_CERT_FILE": self.ca,
        }
        data_dir = next(path for path, v in mounts.items() if "persistentVolumeClaim" in v)
        self.hub_process = rs.Process("hub", argv, env, data_dir, self.workdir)
        self.processes.append(self.hub_process)
        rs.wait_until("the hub to answer through the proxy", lambda: self._healthy() or self._dead(self.hub_process), 90, 0.3)

    def _dead(self, process):
        if process.proc.poll() is not None:
            raise rs.StackError(f"{process.name} exited with {process.proc.returncode}:\n{process.tail()}")
        return False

    def _healthy(self):
        try:
            import requests

            return requests.get(f"http://127.0.0.1:{self.proxy_port}/hub/health", timeout=2).status_code == 200
        except Exception:
            return False

    def stop(self):
        for p in reversed(self.processes):
            p.stop()
        if self.fakes:
            self.fakes.stop()

    def browser(self, github_login):
        b = rs.Browser(self.settings["hub"]["hostname"], self.ca, self.proxy_port)
        b.jar["github.com"] = {"gh_user": github_login}
        return b

    def url(self, path):
        return self.settings["hub"]["url"].rstrip("/") + path


class RealStackTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        render_dir = os.environ.get("HUB_RENDER_DIR")
        if not render_dir:
            raise unittest.SkipTest("HUB_RENDER_DIR is not set")  # never reached from npm test, which sets it
        cls.stack = Stack(render_dir)
        orgs = [{"login": o, "id": 9000001 + i} for i, o in enumerate(cls.stack.settings["hub"]["github"]["allowedOrganizations"])]
        cls.users = {
            MEMBER: {"id": 58374121, "orgs": orgs + [{"login": "Some-Other-Org", "id": 9100001}], "display_login": "Jane-Doe"},
            OUTSIDER: {"id": 58374122, "orgs": [{"login": "not-allowed", "id": 9200001}]},
            FLAKY: {"id": 58374123, "orgs": orgs, "orgs_fail": True},
            DIGIT: {"id": 58374124, "orgs": orgs},
        }
        cls.stack.world.github_users.update(json.loads(json.dumps(cls.users)))
        try:
            cls.stack.start()
        except BaseException:
            cls.stack.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.stack.stop()

    # --- helpers ---------------------------------------------------------------------------

    def login(self, login):
        b = self.stack.browser(login)
        r = b.request("GET", self.stack.url("/hub/oauth_login?next=%2Fhub%2Fspawn"))
        return b, r

    def xsrf(self, b):
        token = b.cookie("_xsrf")
        self.assertTrue(token, "the hub set an _xsrf cookie")
        return token

    def api(self, b, method, path):
        return b.request(method, self.stack.url("/hub/api" + path), headers={"X-XSRFToken": self.xsrf(b), "Accept": "application/json"}, follow=False)

    def spawn(self, b, choice):
        page = b.request("GET", self.stack.url("/hub/spawn"))
        self.assertEqual(page.status_code, 200, page.text[:500])
        form = {"_xsrf": self.xsrf(b), "profile": "lab", "profile-option-lab--image": choice["image"], "profile-option-lab--size": choice["size"]}
        return b.request("POST", self.stack.url("/hub/spawn"), data=form)

    def wait_ready(self, b, login):
        def ready():
            r = self.api(b, "GET", f"/users/{login}")
            server = r.json().get("servers", {}).get("") if r.status_code == 200 else None
            if server and server.get("ready"):
                return server
            return None

        return rs.wait_until(f"{login}'s lab to be ready", ready, 60, 0.2)

    def stop_server(self, b, login, pod_name):
        r = self.api(b, "DELETE", f"/users/{login}/server")
        self.assertIn(r.status_code, (202, 204), r.text)
        rs.wait_until(f"{pod_name} to be deleted", lambda: pod_name not in self.stack.world.pods, 30)
        rs.wait_until(f"{login}'s server to be stopped", lambda: not self.api(b, "GET", f"/users/{login}").json().get("servers"), 30)

    def hub_log(self):
        return self.stack.hub_process.output()

    def choices(self):
        return [{"image": i, "size": s} for i in self.stack.menu["image"] for s in self.stack.menu["size"]]

    # --- login -----------------------------------------------------------------------------

    def test_01_member_logs_in_with_secure_cookies(self):
        b, r = self.login(MEMBER)
        self.assertEqual(r.status_code, 200, r.text[:500])
        self.assertTrue(r.url.endswith("/hub/spawn"), r.url)
        authorize = self.stack.world.authorize_params[-1]
        self.assertEqual(authorize["redirect_uri"], self.stack.settings["hub"]["oauthCallbackUrl"])
        self.assertIn("read:org", authorize["scope"])
        hub_cookies = [raw for host, raw in b.set_cookies if host == self.stack.settings["hub"]["hostname"]]
        names = {raw.split("=", 1)[0] for raw in hub_cookies}
        self.assertTrue({"jupyterhub-hub-login", "jupyterhub-session-id"} <= names, names)
        set_not_cleared = [raw for raw in hub_cookies if raw.split(";", 1)[0].split("=", 1)[1] not in ("", '""')]
        self.assertTrue(set_not_cleared)
        for raw in set_not_cleared:
            attrs = [a.strip().lower() for a in raw.split(";")[1:]]
            self.assertIn("secure", attrs, f"cookie without Secure behind ingress -> proxy -> hub: {raw.split('=')[0]}")
            if not raw.startswith("_xsrf="):  # read by the pages' JavaScript by design
                self.assertIn("httponly", attrs, raw.split("=")[0])

    def test_02_outsider_is_refused(self):
        b, r = self.login(OUTSIDER)
        self.assertEqual(r.status_code, 403, r.text[:500])
        self.assertIsNone(b.cookie("jupyterhub-hub-login"))

    def test_03_org_api_failure_fails_the_login_with_a_message(self):
        b, r = self.login(FLAKY)
        self.assertEqual(r.status_code, 502, r.text[:500])
        self.assertIn("Cannot read your GitHub organizations", r.text)
        self.assertIsNone(b.cookie("jupyterhub-hub-login"))

    # --- the spawn form and every menu choice -----------------------------------------------

    def test_04_spawn_form_offers_the_menu(self):
        b, _ = self.login(MEMBER)
        page = b.request("GET", self.stack.url("/hub/spawn"))
        self.assertEqual(page.status_code, 200)
        for option, choices in self.stack.menu.items():
            self.assertIn(f'name="profile-option-lab--{option}"', page.text)
            for name, choice in choices.items():
                self.assertIn(f'value="{name}"', page.text)
                self.assertIn(choice["display_name"], page.text)
        # The real KubeSpawner renders the callable profile list for this user: the home's quota.
        quota = self.stack.lab["homeQuota"]
        self.assertNotIn(MEMBER, quota["excluded"])
        self.assertIn(f"Your home: {quota['overridesGiB'].get(MEMBER, quota['defaultGiB'])} GiB quota.", page.text)

    def test_05_every_choice_spawns_the_pod_the_render_shows(self):
        b, _ = self.login(MEMBER)
        request = lab_pods_request(self.stack, MEMBER, self.users[MEMBER])
        expected = {json.dumps(e["choice"], sort_keys=True): e["pod"] for e in run_lab_pods(request)}
        sizes = {n: c["kubespawner_override"] for n, c in self.stack.menu["size"].items()}
        images = {n: c["kubespawner_override"] for n, c in self.stack.menu["image"].items()}
        for choice in self.choices():
            with self.subTest(choice=choice):
                before = len(self.stack.world.created)
                r = self.spawn(b, choice)
                self.assertLess(r.status_code, 400, r.text[:500])
                self.wait_ready(b, MEMBER)
                pod = self.stack.world.created[before]
                self.assertEqual(len(self.stack.world.created), before + 1)
                main = pod["spec"]["containers"][0]
                self.assertEqual(main["image"], images[choice["image"]]["image"])
                self.assertEqual({c["image"] for c in pod["spec"]["initContainers"]}, {main["image"]})
                self.assertEqual(main["resources"]["limits"]["memory"], sizes[choice["size"]]["mem_limit"])
                self.assertEqual(pod["spec"]["securityContext"]["runAsUser"], self.users[MEMBER]["id"])
                self.assertFalse(pod["spec"]["automountServiceAccountToken"])
                self.assertEqual(sorted(pod["spec"]["securityContext"]["supplementalGroups"]), sorted(o["id"] for o in self.users[MEMBER]["orgs"]))
                # What the render writes to lab-pods.yaml is what the real hub POSTs (the hub's
                # per-spawn plumbing aside: its API token, URLs and scopes in JUPYTERHUB_* env).
                self.assertEqual(comparable(pod), comparable(expected[json.dumps(choice, sort_keys=True)]))
                # The browser reaches the lab through the proxy route the hub added.
                lab = b.request("GET", self.stack.url(f"/user/{MEMBER}/lab"))
                self.assertEqual(lab.status_code, 200)
                self.assertEqual(lab.json()["path"], f"/user/{MEMBER}/lab")
                self.stop_server(b, MEMBER, pod["metadata"]["name"])

    def test_06_unlisted_choice_is_a_clear_400(self):
        b, _ = self.login(MEMBER)
        before = len(self.stack.world.created)
        log_before = len(self.hub_log())
        r = self.spawn(b, {"image": "docker.io/evil/miner:latest", "size": next(iter(self.stack.menu["size"]))})
        self.assertEqual(r.status_code, 400, r.text[:800])
        self.assertIn("is not on the menu", r.text)
        self.assertEqual(len(self.stack.world.created), before, "no pod for an unlisted choice")
        log = self.hub_log()[log_before:]
        for bad in ("KeyError", "unhandled user_options", "Unhandled error"):
            self.assertFalse(bad in log, f"the hub logged {bad!r}")

    def test_07_transient_org_failure_keeps_last_known_orgs_within_grace(self):
        # refresh_pre_spawn re-reads the user from GitHub before every spawn.
        b, _ = self.login(DIGIT)
        self.stack.world.github_users[DIGIT]["orgs_fail"] = True
        try:
            before = len(self.stack.world.created)
            r = self.spawn(b, self.choices()[0])
            self.assertLess(r.status_code, 400, r.text[:500])
            self.wait_ready(b, DIGIT)
            pod = self.stack.world.created[before]
            self.assertEqual(sorted(pod["spec"]["securityContext"]["supplementalGroups"]), sorted(o["id"] for o in self.users[DIGIT]["orgs"]))
            self.assertIn("keeping the organizations read", self.hub_log())
            # A login starting with a digit gets a hashed pod name (slug scheme "safe").
            self.assertNotEqual(pod["metadata"]["name"], f"jupyter-{DIGIT}")
            self.assertTrue(pod["metadata"]["name"].startswith("jupyter-"))
            self.stop_server(b, DIGIT, pod["metadata"]["name"])
        finally:
            self.stack.world.github_users[DIGIT]["orgs_fail"] = False

    def test_08_logout_stops_the_lab(self):
        b, _ = self.login(MEMBER)
        before = len(self.stack.world.created)
        self.spawn(b, self.choices()[0])
        self.wait_ready(b, MEMBER)
        name = self.stack.world.created[before]["metadata"]["name"]
        self.assertIn(name, self.stack.world.pods)
        r = b.request("GET", self.stack.url("/hub/logout"))
        self.assertLess(r.status_code, 400)
        rs.wait_until("the lab pod to be deleted on logout", lambda: name in self.stack.world.deleted and name not in self.stack.world.pods, 30)
        self.assertIsNone(b.cookie("jupyterhub-hub-login"))
        home = b.request("GET", self.stack.url("/hub/home"), follow=False)
        self.assertEqual(home.status_code, 302)
        self.assertIn("/hub/login", home.headers["Location"])

    def test_09_only_the_expected_kubernetes_calls(self):
        self.assertEqual(self.stack.world.unexpected, [])
        self.assertTrue(any(m == "POST" for m, _ in self.stack.world.k8s_requests))
        log = self.hub_log()
        for bad in ("Unhandled error", "unhandled user_options", "KeyError"):
            self.assertFalse(bad in log, f"the hub logged {bad!r}")

    # --- metrics ---------------------------------------------------------------------------

    def test_10_metrics_only_for_the_collectors_token(self):
        # /hub/metrics is reachable through the proxy on the public URL: only the token the
        # hub Deployment passes (the collector's, scope read:metrics) may read it.
        b = self.stack.browser(OUTSIDER)
        anonymous = b.request("GET", self.stack.url("/hub/metrics"), follow=False)
        self.assertEqual(anonymous.status_code, 403, anonymous.text[:300])
        wrong = b.request("GET", self.stack.url("/hub/metrics"), headers={"Authorization": "Bearer not-the-token"}, follow=False)
        self.assertEqual(wrong.status_code, 403, wrong.text[:300])
        token = rs.SECRET_VALUES["token"]
        ok = b.request("GET", self.stack.url("/hub/metrics"), headers={"Authorization": f"Bearer {token}"}, follow=False)
        self.assertEqual(ok.status_code, 200, ok.text[:300])
        self.assertIn("jupyterhub_server_spawn_duration_seconds", ok.text)


#: Env the hub sets per spawn (its API token, URLs, OAuth client and scopes): not part of the
#: pod's design, and the token is a secret the render never shows.
HUB_PLUMBING_ENV = re.compile(r"^(JUPYTERHUB_|JPY_)")


def comparable(pod):
    pod = json.loads(json.dumps(pod))
    pod["metadata"].pop("namespace", None)
    pod["metadata"].get("annotations", {}).pop("jupyterlabdemo.io/lab-choice", None)
    for c in pod["spec"]["containers"]:
        c["env"] = [e for e in c.get("env", []) if not HUB_PLUMBING_ENV.match(e["name"])]
    return pod


def run_lab_pods(request):
    out = subprocess.run(
        [os.path.join(rs.VENV_BIN, "python"), os.path.join(rs.REPO, "scripts", "lib", "lab_pods.py")],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=120,
    )
    if out.returncode != 0:
        raise AssertionError(f"lab_pods.py failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)

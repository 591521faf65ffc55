"""Fakes standing in for JupyterHub while the hub's configuration runs under test.

`run_config(config_dir, settings=None, env=None)` executes `jupyterhub_config.py` from
`config_dir` the way traitlets does (a namespace with `get_config` and `__file__`), with a fake
config object in place of traitlets' `Config`, the given environment, and `settings.json` either
from `config_dir` (a rendered ConfigMap) or written from `settings`. Nothing of JupyterHub,
KubeSpawner or OAuthenticator is imported: the configuration refers to them by name only.
"""

import json
import os
import sys
import tempfile
import shutil
from contextlib import contextmanager

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SOURCE_DIR = os.path.join(REPO_ROOT, "components", "hub")


class Section(dict):
    """One class's config (`c.JupyterHub`): attribute writes become items."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name, value):
        self[name] = value


class FakeConfig(dict):
    """traitlets' Config as the configuration uses it: `c.<Class>.<trait> = value`."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return self.setdefault(name, Section())


#: Settings as the program writes them for a github stack (kept in step by test/hub.test.ts,
#: which also runs these tests against the rendered ConfigMap of each stack).
GITHUB_SETTINGS = {
    "hub": {
        "stack": "sandbox",
        "hostname": "sandbox.example.org",
        "url": "https://sandbox.example.org/",
        "oauthCallbackUrl": "https://sandbox.example.org/hub/oauth_callback",
        "authenticator": "github",
        "github": {
            "clientId": "Ov23liTestClient",
            "allowedOrganizations": ["example-org", "other-org"],
            "adminUsers": ["Admin-Login"],
        },
        "shutdownOnLogout": True,
        "databasePath": "/srv/jupyterhub/jupyterhub.sqlite",
        "services": {
            "hub": {"name": "hub", "port": 8081},
            "proxyApi": {"name": "proxy-api", "port": 8001},
            "proxyPublic": {"name": "proxy-public", "port": 80},
        },
    },
    "lab": None,  # LAB_SETTINGS, below
}

#: The "lab" settings as components/lab.ts buildLabSettings writes them (kept in step by
#: test/lab.test.ts, which runs the lab section against each stack's rendered ConfigMap).
LAB_SETTINGS = {
    "identity": "github",
    "homesClaimName": "homes",
    "podAnnotations": {"checkov.io/skip1": "CKV_K8S_8=a reason"},
    "podLabels": {
        "app.kubernetes.io/name": "jupyterlabdemo",
        "app.kubernetes.io/instance": "sandbox",
        "app.kubernetes.io/component": "lab",
    },
    "commonLabels": {
        "app.kubernetes.io/name": "jupyterlabdemo",
        "app.kubernetes.io/instance": "sandbox",
        "app.kubernetes.io/managed-by": "kubespawner",
    },
    "componentLabel": "lab",
    "nodeSelector": {},
    "tolerations": [],
    "images": [
        {"name": "minimal", "displayName": "Minimal", "image": "quay.io/jupyter/minimal-notebook:2025-11-24", "default": True},
    ],
    "sizes": [
        {"name": "small", "displayName": "Small", "cpuGuarantee": 0.5, "cpuLimit": 1,
         "memoryGuaranteeBytes": 2147483648, "memoryLimitBytes": 4294967296, "default": True},
    ],
    "startTimeoutSeconds": 900,
    "httpTimeoutSeconds": 300,
    "culler": {"timeoutSeconds": 3600, "everySeconds": 300, "maxAgeSeconds": 259200, "concurrency": 10},
    "slugScheme": "safe",
    "podNameTemplate": "jupyter-{user_server}",
    "cmd": ["jupyterhub-singleuser"],
    "port": 8888,
}
GITHUB_SETTINGS["lab"] = LAB_SETTINGS

#: The environment the hub container gets from the pod spec and the Secret.
BASE_ENV = {
    "POD_NAMESPACE": "jupyterhub",
    "JPY_COOKIE_SECRET": "ab" * 32,
    "CONFIGPROXY_AUTH_TOKEN": "cd" * 32,
    "JUPYTERHUB_CRYPT_KEY": "ef" * 32,
}


def dummy_settings():
    s = json.loads(json.dumps(GITHUB_SETTINGS))
    s["hub"]["authenticator"] = "dummy"
    s["hub"]["github"] = {"clientId": None, "allowedOrganizations": [], "adminUsers": []}
    s["lab"]["identity"] = "local"
    return s


@contextmanager
def patched_env(env):
    saved = dict(os.environ)
    for key in list(BASE_ENV) + ["GITHUB_CLIENT_SECRET", "DUMMY_PASSWORD", "JUPYTERLABDEMO_SETTINGS"]:
        os.environ.pop(key, None)
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _forget_modules(config_dir):
    """Drop modules loaded from a config dir, so each run imports its own copies."""
    names = {f[:-3] for f in os.listdir(config_dir) if f.endswith(".py")}
    for name in names:
        sys.modules.pop(name, None)
    while config_dir in sys.path:
        sys.path.remove(config_dir)


def run_config(config_dir=None, settings=None, env=None):
    """Runs jupyterhub_config.py; returns the fake config. Raises what the configuration raises.

    `config_dir`: a directory holding jupyterhub_config.py and its modules (default: the source
    directory). `settings`: a dict written as settings.json into a copy of that directory;
    None uses the directory's own settings.json (a rendered ConfigMap).
    """
    source = config_dir or SOURCE_DIR
    work = tempfile.mkdtemp(prefix="hub-config-")
    try:
        for name in os.listdir(source):
            if name.endswith(".py") or name == "settings.json":
                shutil.copy(os.path.join(source, name), work)
        if settings is not None:
            with open(os.path.join(work, "settings.json"), "w", encoding="utf-8") as f:
                json.dump(settings, f)
        path = os.path.join(work, "jupyterhub_config.py")
        c = FakeConfig()
        namespace = {"get_config": lambda: c, "__file__": path, "__name__": "__config__"}
        with patched_env(dict(BASE_ENV if env is None else env)):
            _forget_modules(work)
            try:
                with open(path, encoding="utf-8") as f:
                    exec(compile(f.read(), path, "exec"), namespace)
            finally:
                _forget_modules(work)
        return c
    finally:
        shutil.rmtree(work, ignore_errors=True)

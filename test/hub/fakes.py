"""Fakes standing in for JupyterHub while the hub's configuration runs under test.

`run_config(config_dir, settings=None, env=None)` executes `jupyterhub_config.py` from
`config_dir` the way traitlets does (a namespace with `get_config` and `__file__`), with a fake
config object in place of traitlets' `Config`, the given environment, and `settings.json` (with
its schema) either from `config_dir` (a rendered ConfigMap) or written from `settings` (with the
rendered schema). Nothing of JupyterHub, KubeSpawner or OAuthenticator is imported: the
configuration refers to them by name only.
"""

import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SOURCE_DIR = os.path.join(REPO_ROOT, "components", "hub")


# The stand-in for traitlets' Config lives apart, free of the render below (lab_config_probe.py
# imports it alone).
from fakeconfig import FakeConfig  # noqa: E402


#: settings.json and its schema as the program renders them into the hub ConfigMap, for sandbox
#: (GitHub login) and local (the dummy login): a directory holding sandbox.settings.json,
#: local.settings.json and settings.schema.json. test/hub-python.test.ts writes it from its renders and
#: names it here; run alone, the tests render both stacks themselves (`rendered_dir`).
RENDERED_ENV = "HUB_RENDERED_SETTINGS"
SCHEMA_FILE = "settings.schema.json"
FIXTURE_STACKS = ("sandbox", "local")


def _render_fixtures():
    """Renders the fixture stacks with `npm run render` into a temporary directory; returns it."""
    work = tempfile.mkdtemp(prefix="hub-rendered-")
    atexit.register(shutil.rmtree, work, True)
    for stack in FIXTURE_STACKS:
        out = os.path.join(work, "render", stack)
        subprocess.run(["npm", "run", "-s", "render", "--", "--stack", stack, "--out", out], cwd=REPO_ROOT, check=True, stdout=subprocess.DEVNULL)
        with open(os.path.join(out, "resources.json"), encoding="utf-8") as f:
            config = next(r for r in json.load(f) if r["type"] == "kubernetes:core/v1:ConfigMap" and r["inputs"]["metadata"]["name"] == "hub-config")
        for name, key in ((f"{stack}.settings.json", "settings.json"), (SCHEMA_FILE, SCHEMA_FILE)):
            with open(os.path.join(work, name), "w", encoding="utf-8") as f:
                f.write(config["inputs"]["data"][key])
    return work


def rendered_dir():
    """The directory of the rendered settings: $HUB_RENDERED_SETTINGS, else a fresh render of the
    fixture stacks, named in the environment so the subprocesses of the tests reuse it."""
    if not os.environ.get(RENDERED_ENV):
        os.environ[RENDERED_ENV] = _render_fixtures()
    return os.environ[RENDERED_ENV]


def rendered(name):
    """A fresh copy of a rendered file: "sandbox.settings.json", "local.settings.json", the schema."""
    with open(os.path.join(rendered_dir(), name), encoding="utf-8") as f:
        return json.load(f)


#: The settings of a github stack (sandbox), and its "lab" part.
GITHUB_SETTINGS = rendered("sandbox.settings.json")
LAB_SETTINGS = GITHUB_SETTINGS["lab"]

#: The environment the hub container gets from the pod spec and the Secret.
BASE_ENV = {
    "POD_NAMESPACE": "jupyterhub",
    "JPY_COOKIE_SECRET": "ab" * 32,
    "CONFIGPROXY_AUTH_TOKEN": "cd" * 32,
    "JUPYTERHUB_CRYPT_KEY": "ef" * 32,
}


def github_settings():
    """A copy of the github stack's settings, to change in a test."""
    return rendered("sandbox.settings.json")


def dummy_settings():
    """The settings of a dummy-login stack (local)."""
    return rendered("local.settings.json")


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
            if name.endswith(".py") or name in ("settings.json", SCHEMA_FILE):
                shutil.copy(os.path.join(source, name), work)
        if settings is not None:
            with open(os.path.join(work, "settings.json"), "w", encoding="utf-8") as f:
                json.dump(settings, f)
            shutil.copy(os.path.join(rendered_dir(), SCHEMA_FILE), work)
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

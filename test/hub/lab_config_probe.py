"""Runs a rendered jupyterhub_config.py without JupyterHub and prints what it configured, as JSON.

Used by test/lab.test.ts: argv[1] is a directory holding the files of the rendered `hub-config`
ConfigMap (jupyterhub_config.py, settings.py, hooks.py, settings.json). The script runs the
configuration with a stand-in for traitlets' `get_config()`, then plays a spawn for the user of
test/hub/fixtures (auth_state_hook, then the callables KubeSpawner would call) and prints:

    {"config": {"<Class>": {"<trait>": <value>, ...}}, "spawn": {...}}

Callables are printed as {"callable": "<name>"}. Stdlib only.
"""

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


# The same stand-in for traitlets' Config as the unit tests use (this directory is on sys.path),
# from its own module: fakes.py renders the fixture stacks when imported.
from fakeconfig import FakeConfig as Config  # noqa: E402


def plain(value):
    if callable(value):
        return {"callable": getattr(value, "__name__", repr(value))}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        items = [plain(v) for v in value]
        return sorted(items, key=json.dumps) if isinstance(value, set) else items
    if isinstance(value, bytes):
        return value.decode()
    return value


def main(config_dir):
    for name, value in {
        "POD_NAMESPACE": "jupyterhub",
        "CONFIGPROXY_AUTH_TOKEN": "x",
        "JPY_COOKIE_SECRET": "00" * 32,
        "JUPYTERHUB_CRYPT_KEY": "00" * 32,
        "GITHUB_CLIENT_SECRET": "x",
        "DUMMY_PASSWORD": "x",
    }.items():
        os.environ.setdefault(name, value)
    os.environ["JUPYTERLABDEMO_SETTINGS"] = os.path.join(config_dir, "settings.json")
    path = os.path.join(config_dir, "jupyterhub_config.py")
    c = Config()
    with open(path, encoding="utf-8") as f:
        code = compile(f.read(), path, "exec")
    exec(code, {"__file__": path, "__name__": "jupyterhub_config", "get_config": lambda: c})

    # Play a spawn the way JupyterHub and KubeSpawner do: auth_state_hook, then the callables.
    import hooks  # importable now: the config put its directory on sys.path

    ks = c.KubeSpawner
    with open(os.path.join(HERE, "fixtures", "github_user.json"), encoding="utf-8") as f:
        user = json.load(f)
    with open(os.path.join(HERE, "fixtures", "user_orgs_page1.json"), encoding="utf-8") as f:
        orgs = hooks.parse_orgs(json.load(f), "fixture")

    class Spawner:
        environment = {}

    spawner = Spawner()
    spawner.user = type("User", (), {"name": user["login"].lower()})()
    auth_state = {"access_token": "t", "github_user": user, hooks.GITHUB_ORGS_KEY: orgs}
    ks["auth_state_hook"](spawner, auth_state)
    spawn = {
        "uid": ks["uid"](spawner),
        "gid": ks["gid"](spawner),
        "supplemental_gids": ks["supplemental_gids"](spawner),
        "pod_security_context": ks["pod_security_context"](spawner),
        "container_security_context": ks["container_security_context"](spawner),
        "volumes": spawner.volumes,
        "volume_mounts": spawner.volume_mounts,
        "init_containers": spawner.init_containers,
        "working_dir": spawner.working_dir,
        "environment": spawner.environment,
        # The spawn page's menu as KubeSpawner computes it for this user (profile_list is a callable).
        "profile_list": ks["profile_list"](spawner),
    }
    print(json.dumps({"config": plain(dict(c)), "spawn": plain(spawn)}))


if __name__ == "__main__":
    main(sys.argv[1])

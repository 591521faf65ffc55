"""Settings of the hub, read from what the Pulumi program wrote.

The program mounts the `hub-config` ConfigMap at /usr/local/etc/jupyterhub/. Beside the Python
files it holds `settings.json`: the non-secret settings, as

    {"hub": {...the hub's settings...}, "lab": {...whatever the lab component passed...}}

Secrets never appear there: they reach the hub as environment variables from the Kubernetes
Secret `hub-secrets` (secretKeyRef), read here with `env()`.

Every lookup names its key with a dotted path, `get("hub.github.allowedOrganizations")`. A
missing required key stops the hub with one line naming the key and the file, so a mismatch
between the program and this configuration shows in the hub's log, not as a wrong default.

Stdlib only: the tests import this module without JupyterHub installed.
"""

import json
import os

#: Directory the ConfigMap is mounted at (also where jupyterhub_config.py lives).
CONFIG_DIR = os.path.dirname(os.path.abspath(__file__))

#: Overrides the settings file's path (tests point it at a fixture).
SETTINGS_PATH_ENV = "JUPYTERLABDEMO_SETTINGS"

_MISSING = object()
_cache = {}


class SettingsError(RuntimeError):
    """A setting the configuration needs is missing or malformed."""


def settings_path():
    """Path of settings.json: $JUPYTERLABDEMO_SETTINGS, else beside this module."""
    return os.environ.get(SETTINGS_PATH_ENV) or os.path.join(CONFIG_DIR, "settings.json")


def load(path=None):
    """The whole settings document (parsed once per path)."""
    path = path or settings_path()
    if path not in _cache:
        try:
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
        except FileNotFoundError:
            raise SettingsError(f"settings file {path} is missing (it comes from the hub-config ConfigMap)") from None
        except ValueError as e:
            raise SettingsError(f"settings file {path} is not valid JSON: {e}") from None
        if not isinstance(data, dict):
            raise SettingsError(f"settings file {path} must hold a JSON object, got {type(data).__name__}")
        _cache[path] = data
    return _cache[path]


def reset():
    """Forget parsed files (tests)."""
    _cache.clear()


def get(key, default=_MISSING, path=None):
    """The value at dotted `key` ("hub.github.clientId").

    Without `default`, a missing key raises SettingsError naming it; with one, the default is
    returned when the key (or any parent) is absent. A JSON null counts as absent.
    """
    node = load(path)
    walked = []
    for part in key.split("."):
        walked.append(part)
        if not isinstance(node, dict) or node.get(part) is None:
            if default is not _MISSING:
                return default
            where = ".".join(walked)
            raise SettingsError(f"setting {key} is required but {where} is missing from {path or settings_path()}")
        node = node[part]
    return node


def env(name, default=_MISSING):
    """The environment variable `name`; without `default`, an unset or empty one is an error."""
    value = os.environ.get(name)
    if value:
        return value
    if default is not _MISSING:
        return default
    raise SettingsError(f"environment variable {name} is required (it comes from the hub-secrets Secret or the pod spec)")

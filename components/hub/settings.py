"""Settings of the hub, read from what the Pulumi program wrote.

The program mounts the `hub-config` ConfigMap at /usr/local/etc/jupyterhub/. Beside the Python
files it holds `settings.json`: the non-secret settings, as

    {"hub": {...the hub's settings...}, "lab": {...whatever the lab component passed...}}

Secrets never appear there: they reach the hub as environment variables from the Kubernetes
Secret `hub-secrets` (secretKeyRef), read here with `env()`.

Beside it, `settings.schema.json` is the JSON Schema of the whole document, generated from the
program's contract (components/hub/settingsContract.ts). `validate()` checks the document against
it once, at start-up, with the `jsonschema` of the hub image (it comes with JupyterHub through
jupyter_events): a mismatch between the program and this configuration stops the hub with one
line naming the key (its JSON path) and what was expected, never a traceback or a wrong default.

Every lookup names its key with a dotted path, `get("hub.github.allowedOrganizations")`. A
missing required key stops the hub with one line naming the key and the file.

Stdlib only apart from `jsonschema`, imported by `validate()` alone.
"""

import json
import os

#: Directory the ConfigMap is mounted at (also where jupyterhub_config.py lives).
CONFIG_DIR = os.path.dirname(os.path.abspath(__file__))

#: Overrides the settings file's path (tests point it at a fixture).
SETTINGS_PATH_ENV = "JUPYTERLABDEMO_SETTINGS"

#: The JSON Schema of settings.json, shipped beside it in the ConfigMap.
SCHEMA_FILE = "settings.schema.json"

#: The longest message `schema_problem` returns about one value (jsonschema quotes the value).
PROBLEM_LIMIT = 300

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


def schema_path(path=None):
    """Path of settings.schema.json: beside the settings file."""
    return os.path.join(os.path.dirname(os.path.abspath(path or settings_path())), SCHEMA_FILE)


def schema_problem(document, schema):
    """The first mismatch of `document` against `schema` as one line ("$.lab.port: 'x' is not of
    type 'integer'"), or None. jsonschema's best_match picks the most relevant error (the shipped
    schema writes the authenticator union as if/then on its tag, so best_match names the tag or
    the chosen authenticator's key). The schema itself is checked against its metaschema where it
    is produced (test/hub/test_settings.py), not at every start."""
    import jsonschema  # the hub image's (jupyter_events pins it); imported here only

    validator_class = jsonschema.validators.validator_for(schema)
    error = jsonschema.exceptions.best_match(validator_class(schema).iter_errors(document))
    if error is None:
        return None
    message = " ".join(error.message.split())
    if len(message) > PROBLEM_LIMIT:
        message = message[: PROBLEM_LIMIT - 3] + "..."
    return f"{error.json_path}: {message}"


def validate(path=None):
    """Checks the whole settings document against the shipped schema; returns the document.

    On a mismatch (or a missing or unreadable file) the hub stops with exactly one line on stderr
    naming the key and what was expected: SystemExit, which JupyterHub and traitlets let through
    without a traceback.
    """
    path = path or settings_path()
    try:
        document = load(path)
        with open(schema_path(path), encoding="utf-8") as f:
            schema = json.load(f)
        problem = schema_problem(document, schema)
    except SettingsError as e:
        raise SystemExit(f"jupyterlabdemo: {e}") from None
    except (OSError, ValueError) as e:
        raise SystemExit(f"jupyterlabdemo: cannot read the schema of {path}: {e}") from None
    except ImportError as e:
        raise SystemExit(f"jupyterlabdemo: cannot check {path}: {e}") from None
    if problem:
        raise SystemExit(f"jupyterlabdemo: {path} does not match {SCHEMA_FILE} at {problem}")
    return document


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

"""The lab pods the real KubeSpawner builds, one per menu choice, for the render and the tests.

Reads a JSON request on stdin:

    {"files": {<the hub-config ConfigMap's data>}, "env": {<the hub container's environment>},
     "user": {"login": str, "id": int, "orgs": [{"login": str, "id": int}, ...]}}

and writes a JSON list on stdout, one entry per image x size of the menu, in menu order:

    [{"choice": {"image": <name>, "size": <name>}, "pod": <the V1Pod as the API server receives it>}]

The rendered jupyterhub_config.py is loaded by traitlets as the hub loads it, into the real
KubeSpawner (the pinned jupyterhub-kubespawner of test/hub/requirements.txt). Each pod then goes
through the steps the hub and KubeSpawner take before the POST: `run_auth_state_hook` (the hub,
before each spawn), `load_user_options` with the form's choice (KubeSpawner's `_start`),
`get_pod_manifest` and the `modify_pod_hook`. Nothing is sent anywhere: the Kubernetes client is
configured from a throwaway kubeconfig whose server is never contacted.

Secrets never reach the output: the hub's secrets are "[secret]" in `env`, and the lab's API token
is "[secret]" too. The same request gives the same bytes.

Run with the venv's Python (.venv/bin/python); test/hub/realstack_test.py checks these pods
against the ones the real hub POSTs to a captured Kubernetes API.
"""

import asyncio
import json
import os
import sys
import tempfile

SECRET_TEXT = "[secret]"
#: The fixed fields of the spawner's hub-side context (what JupyterHub gives every spawner).
HUB_BASE_URL = "/hub/"


class _Hub:
    """What a Spawner reads of JupyterHub's `Hub` object (jupyterhub.objects.Hub)."""

    def __init__(self, connect_url):
        self.base_url = HUB_BASE_URL
        self.api_url = connect_url.rstrip("/") + HUB_BASE_URL + "api"
        self.url = connect_url.rstrip("/") + HUB_BASE_URL
        self.public_host = ""


class _User:
    """What a Spawner reads of JupyterHub's `User` (name, url, escaped name)."""

    def __init__(self, name):
        self.name = name
        self.escaped_name = name
        self.url = f"/user/{name}/"
        self.id = 1

    def progress_url(self, server_name=""):
        return f"{HUB_BASE_URL}api/users/{self.name}/server/progress"


def _write_config(files, directory):
    for name, text in files.items():
        with open(os.path.join(directory, name), "w", encoding="utf-8") as f:
            f.write(text)


def _load_config(directory):
    from traitlets.config.loader import PyFileConfigLoader

    return PyFileConfigLoader("jupyterhub_config.py", path=directory).load_config()


def _kubeconfig(directory):
    path = os.path.join(directory, "kubeconfig")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "clusters": [{"name": "none", "cluster": {"server": "https://127.0.0.1:9"}}],
                "users": [{"name": "none", "user": {"token": "none"}}],
                "contexts": [{"name": "none", "context": {"cluster": "none", "user": "none"}}],
                "current-context": "none",
            },
            f,
        )
    return path


def auth_state_of(settings, user):
    """The auth state the hub keeps for `user` after a GitHub login (or none for the dummy login)."""
    if settings["lab"]["identity"] != "github":
        return None
    return {
        "access_token": SECRET_TEXT,
        "github_user": {"login": user["login"], "id": user["id"]},
        "github_orgs": user["orgs"],
    }


def menu_choices(lab):
    """Every image x size of the menu (KubeSpawner's profile_list in the settings), in menu order."""
    options = lab["profileList"][0]["profile_options"]
    return [{"image": i, "size": s} for i in options["image"]["choices"] for s in options["size"]["choices"]]


async def build_pods(request, workdir):
    # Before the client library is imported: it reads KUBECONFIG at import time.
    os.environ["KUBECONFIG"] = _kubeconfig(workdir)
    os.environ.update(request["env"])
    from kubernetes_asyncio.client import ApiClient
    from kubespawner import KubeSpawner

    files = request["files"]
    _write_config(files, workdir)
    settings = json.loads(files["settings.json"])
    config = _load_config(workdir)
    hub = _Hub(config.JupyterHub.hub_connect_url)
    user = _User(request["user"]["login"])
    auth_state = auth_state_of(settings, request["user"])
    serializer = ApiClient()
    out = []
    for choice in menu_choices(settings["lab"]):
        spawner = KubeSpawner(config=config, user=user, hub=hub, api_token=SECRET_TEXT, oauth_client_id=f"jupyterhub-user-{user.name}")
        spawner.user_options = {"profile": "lab", **choice}
        await spawner.run_auth_state_hook(auth_state)
        await spawner.load_user_options()
        pod = await spawner.get_pod_manifest()
        if spawner.modify_pod_hook:
            pod = spawner.modify_pod_hook(spawner, pod)
        manifest = serializer.sanitize_for_serialization(pod)
        # The namespace goes in the POST's path, not the body; the manifest names it.
        manifest["metadata"]["namespace"] = spawner.namespace
        out.append({"choice": choice, "pod": manifest})
    await serializer.close()
    return out


def main():
    request = json.load(sys.stdin)
    # The hub configuration prints nothing on stdout, but the libraries may log: keep stdout clean.
    real_stdout = sys.stdout
    sys.stdout = sys.stderr
    with tempfile.TemporaryDirectory(prefix="lab-pods-") as workdir:
        pods = asyncio.run(build_pods(request, workdir))
    sys.stdout = real_stdout
    json.dump(pods, sys.stdout, sort_keys=True, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()

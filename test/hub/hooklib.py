"""Shared helpers of the hooks' tests (test_identity, test_github, test_pod, test_quota, test_menu):
the hooks module, GitHub API fixtures, a fake GitHub, and the "lab" settings of a rendered stack.

GitHub API answers come from test/hub/fixtures/: JSON in the shape of the GitHub REST API's
`GET /user` and `GET /user/orgs` responses (see fixtures/README.md). The "lab" settings come from
the render (fakes.rendered: test/hub-python.test.ts writes them from its renders).
"""

import asyncio
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.error
from contextlib import contextmanager

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(REPO, "components", "hub"))

# The tests that need hooks.py itself import it from here.
import hooks  # noqa: E402,F401
import lab_github  # noqa: E402
import lab_identity  # noqa: E402
import lab_pod  # noqa: E402
from fakes import LAB_SETTINGS  # noqa: E402

def fixture(name):
    with open(os.path.join(HERE, "fixtures", name), encoding="utf-8") as f:
        return json.load(f)


def run(coro):
    return asyncio.run(coro)


class FakeResponse(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class FakeGitHub:
    """An `opener` for lab_github.urllib_fetcher that answers from fixtures and records requests."""

    def __init__(self, pages=None, status=200, error_body=None, unreachable=False, raw=None):
        self.pages = pages or {}
        self.status = status
        self.error_body = error_body
        self.unreachable = unreachable
        self.raw = raw
        self.requests = []

    def __call__(self, request, timeout):
        self.requests.append(request)
        if self.unreachable:
            raise urllib.error.URLError("timed out")
        if self.status != 200:
            body = json.dumps(self.error_body or {}).encode()
            raise urllib.error.HTTPError(request.full_url, self.status, "error", {}, io.BytesIO(body))
        if self.raw is not None:
            return FakeResponse(self.raw)
        page = int(re.search(r"[?&]page=(\d+)", request.full_url).group(1))
        return FakeResponse(json.dumps(self.pages.get(page, [])).encode())


def fetcher_for(github):
    return lambda token: lab_github.urllib_fetcher(token, opener=github)


def auth_state(orgs):
    """The auth state GitHubOAuthenticator stores, after github_auth_state_hook added the orgs."""
    state = {
        "access_token": "gho_test",
        "refresh_token": None,
        "scope": ["read:org"],
        "token_response": {},
        "github_user": fixture("github_user.json"),
    }
    if orgs is not None:
        state[lab_identity.GITHUB_ORGS_KEY] = lab_identity.parse_orgs(orgs, "fixture")
    return state


class Authenticator:
    def __init__(self, github_api="https://api.github.com"):
        self.github_api = github_api
        self.log = Log()


class Log:
    def __init__(self):
        self.errors = []
        self.warnings = []

    def warning(self, msg, *args):
        self.warnings.append(msg % args)

    def error(self, msg, *args):
        self.errors.append(msg % args)


def identity_with_orgs():
    return lab_identity.identity_from_github("jane-doe", auth_state(fixture("user_orgs_page1.json")))


#: The "lab" settings of the sandbox render, without quotas (as on `local`).
LAB = {k: v for k, v in LAB_SETTINGS.items() if k != "homeQuota"}
QUOTA = {"defaultGiB": 10, "overridesGiB": {"octocat": 50}, "excluded": ["jane-doe-shared"]}
LAB_WITH_QUOTA = {**LAB, "homeQuota": QUOTA}


@contextmanager
def passwd_init_run(passwd_init, image_etc):
    """Runs the passwd init container `passwd_init`'s script for real with /bin/sh, against a copy
    of an image's /etc files (`image_etc`: {"passwd": text, "group": text}); yields the directory
    it wrote (its lab_pod.ETC_MOUNT), removed on exit."""
    with tempfile.TemporaryDirectory() as tmp:
        etc = os.path.join(tmp, "etc")
        out = os.path.join(tmp, "out")
        os.makedirs(etc)
        os.makedirs(out)
        for name, text in image_etc.items():
            with open(os.path.join(etc, name), "w", encoding="utf-8") as f:
                f.write(text)
        script = passwd_init["command"][2].replace("/etc/", etc + "/").replace(lab_pod.ETC_MOUNT, out)
        env = {e["name"]: e["value"] for e in passwd_init["env"]}
        subprocess.run(["/bin/sh", "-c", script], env={**env, "PATH": os.environ["PATH"]}, check=True)
        yield out


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return f.read().splitlines()

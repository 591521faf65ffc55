"""Unit tests of components/hub/hooks.py (stdlib only; run by `npm test`).

GitHub API answers come from test/hub/fixtures/: JSON in the shape of the GitHub REST API's
`GET /user` and `GET /user/orgs` responses (see fixtures/README.md).
"""

import asyncio
import io
import json
import os
import re
import sys
import unittest
import urllib.error

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "components", "hub"))

import hooks  # noqa: E402


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
    """An `opener` for hooks.urllib_fetcher that answers from fixtures and records requests."""

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
    return lambda token: hooks.urllib_fetcher(token, opener=github)


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
        state[hooks.GITHUB_ORGS_KEY] = hooks.parse_orgs(orgs, "fixture")
    return state


LAB = {
    "identity": "github",
    "homesClaimName": "homes",
    "podLabels": {"app.kubernetes.io/component": "lab"},
    "podAnnotations": {},
    "startTimeoutSeconds": 900,
    "httpTimeoutSeconds": 300,
    "images": [
        {"name": "minimal", "displayName": "Minimal", "image": "quay.io/jupyter/minimal-notebook:2025-11-24", "default": False},
        {"name": "scipy", "displayName": "SciPy", "image": "quay.io/jupyter/scipy-notebook:2025-12-31", "default": True},
    ],
    "sizes": [
        {"name": "small", "displayName": "Small", "cpuGuarantee": 0.5, "cpuLimit": 1,
         "memoryGuaranteeBytes": 2 * 2**30, "memoryLimitBytes": 4 * 2**30, "default": True},
        {"name": "large", "displayName": "Large", "cpuGuarantee": 2, "cpuLimit": 4,
         "memoryGuaranteeBytes": 8 * 2**30, "memoryLimitBytes": 16 * 2**30, "default": False},
    ],
    "culler": {"timeoutSeconds": 3600, "everySeconds": 300, "maxAgeSeconds": 259200, "concurrency": 10},
}


class LoginTest(unittest.TestCase):
    def test_lowercase_github_logins_are_lab_logins(self):
        for login in ["jane-doe", "a", "4dn", "x" * 39, "a-b-c"]:
            self.assertEqual(hooks.lab_login(login), login)

    def test_anything_else_is_refused(self):
        for bad in ["Jane-Doe", "", "-a", "a-", "a--b", "x" * 40, "a.b", "a/b", "..", "a{b}", "a b", None, 42]:
            with self.assertRaises(hooks.IdentityError, msg=repr(bad)):
                hooks.lab_login(bad)


class UnixGroupNameTest(unittest.TestCase):
    def test_valid_names_are_kept_lowercased(self):
        self.assertEqual(hooks.unix_group_name("lsst-sqre"), "lsst-sqre")
        self.assertEqual(hooks.unix_group_name("Data-Science-Group"), "data-science-group")

    def test_leading_digit_gets_a_prefix(self):
        self.assertEqual(hooks.unix_group_name("42-Labs"), "g42-labs")

    def test_long_names_are_truncated_with_a_stable_hash(self):
        name = hooks.unix_group_name("an-organization-name-of-39-characters-x")
        self.assertEqual(len(name), 32)
        self.assertTrue(name.startswith("an-organization-name-of-"[:23]))
        self.assertRegex(name, r"-[0-9a-f]{8}$")
        self.assertEqual(name, hooks.unix_group_name("AN-organization-name-of-39-characters-x"))
        self.assertNotEqual(name, hooks.unix_group_name("an-organization-name-of-39-characters-y"))

    def test_every_result_is_a_valid_group_name(self):
        for raw in ["a", "Z", "9", "-", "", "a_b", "é-org", "x" * 39, "1" * 39, "a.b.c"]:
            self.assertRegex(hooks.unix_group_name(raw), hooks.UNIX_GROUP_RE)


class IdentityTest(unittest.TestCase):
    def test_user_without_orgs(self):
        identity = hooks.identity_from_github("jane-doe", auth_state(fixture("user_orgs_none.json")))
        self.assertEqual(identity.as_dict(), {
            "login": "jane-doe", "uid": 58374121, "gid": 58374121, "groups": [], "home": "/home/jane-doe",
        })

    def test_user_with_many_orgs_gets_one_group_each_named_by_org_login(self):
        orgs = fixture("user_orgs_page1.json") + fixture("user_orgs_page2.json")
        identity = hooks.identity_from_github("jane-doe", auth_state(orgs))
        self.assertEqual(identity.uid, 58374121)
        self.assertEqual(identity.gid, identity.uid)
        self.assertEqual(list(identity.groups), [
            ("lsst-sqre", 5637302),
            ("astro-data-lab", 41000001),
            ("jupyterlabdemo", 77123456),
            (hooks.unix_group_name("Rubin-Observatory-Science-Collaborations"), 90000002),
        ])
        self.assertEqual(identity.supplemental_gids, [5637302, 41000001, 77123456, 90000002])

    def test_org_names_that_are_not_unix_group_names(self):
        identity = hooks.identity_from_github("jane-doe", auth_state(fixture("user_orgs_odd_names.json")))
        groups = dict((gid, name) for name, gid in identity.groups)
        self.assertEqual(groups[60000001], "g42-labs")  # older org keeps the name
        self.assertEqual(groups[60000002], "data-science-group")
        self.assertEqual(len(groups[60000003]), 32)
        self.assertEqual(groups[60000004], "g60000004")  # "g42-labs" was taken
        self.assertEqual(groups[60000005], "jane-doe-lab")
        names = [name for name, _ in identity.groups] + [identity.login]
        self.assertEqual(len(names), len(set(names)), "group names are unique")
        for name, _ in identity.groups:
            self.assertRegex(name, hooks.UNIX_GROUP_RE)

    def test_missing_or_inconsistent_auth_state_refuses_the_spawn(self):
        cases = {
            "no auth state": None,
            "no user record": {"github_orgs": []},
            "no org list": auth_state(None),
            "another user": {**auth_state([]), "github_user": {**fixture("github_user.json"), "login": "someone"}},
            "uid zero": {**auth_state([]), "github_user": {**fixture("github_user.json"), "id": 0}},
            "uid of an early account, below the admission policy's floor": {**auth_state([]), "github_user": {**fixture("github_user.json"), "id": 999}},
            "uid too large": {**auth_state([]), "github_user": {**fixture("github_user.json"), "id": 2**31}},
            "uid not an int": {**auth_state([]), "github_user": {**fixture("github_user.json"), "id": "58374121"}},
            "org without id": {**auth_state([]), "github_orgs": [{"login": "x"}]},
        }
        for what, state in cases.items():
            with self.assertRaises(hooks.IdentityError, msg=what):
                hooks.identity_from_github("jane-doe", state)

    def test_the_lowest_github_id_a_lab_accepts_is_the_admission_floor(self):
        ok = {**auth_state([]), "github_user": {**fixture("github_user.json"), "id": hooks.MIN_LAB_UID}}
        self.assertEqual(hooks.identity_from_github("jane-doe", ok).uid, 1000)
        low = {**auth_state([]), "github_user": {**fixture("github_user.json"), "id": hooks.MIN_LAB_UID - 1}}
        with self.assertRaisesRegex(hooks.IdentityError, r"GitHub user id 999 is below 1000"):
            hooks.identity_from_github("jane-doe", low)

    def test_local_identity_is_stable_and_above_github_ids(self):
        a = hooks.identity_local("alice")
        self.assertEqual(a, hooks.identity_local("alice"))
        self.assertNotEqual(a.uid, hooks.identity_local("bob").uid)
        self.assertTrue(hooks.LOCAL_ID_BASE <= a.uid < hooks.LOCAL_ID_BASE + hooks.LOCAL_ID_SPAN)
        self.assertLessEqual(a.uid, hooks.MAX_ID)
        self.assertEqual(a.gid, a.uid)
        self.assertEqual(a.groups, ())
        # Pinned: changing the derivation would hand existing homes to other uids.
        self.assertEqual(hooks.local_id("alice"), hooks.LOCAL_ID_BASE + int("2bd806c97f0e", 16) % hooks.LOCAL_ID_SPAN)

    def test_identity_source_is_checked(self):
        with self.assertRaises(hooks.LabSettingsError):
            hooks.identity_for("ldap", "alice", None)


class GitHubOrgsTest(unittest.TestCase):
    def test_no_orgs(self):
        github = FakeGitHub(pages={1: fixture("user_orgs_none.json")})
        state = run(hooks.github_auth_state_hook(Authenticator(), auth_state(None), fetcher_for(github)))
        self.assertEqual(state[hooks.GITHUB_ORGS_KEY], [])
        self.assertEqual(len(github.requests), 1)
        request = github.requests[0]
        self.assertEqual(request.full_url, "https://api.github.com/user/orgs?per_page=100&page=1")
        self.assertEqual(request.get_header("Authorization"), "Bearer gho_test")

    def test_orgs_are_kept_as_login_and_id_and_the_rest_of_the_state_is_untouched(self):
        github = FakeGitHub(pages={1: fixture("user_orgs_page1.json")})
        before = auth_state(None)
        state = run(hooks.github_auth_state_hook(Authenticator(), before, fetcher_for(github)))
        self.assertEqual(state[hooks.GITHUB_ORGS_KEY], [
            {"login": "jupyterlabdemo", "id": 77123456},
            {"login": "lsst-sqre", "id": 5637302},
            {"login": "astro-data-lab", "id": 41000001},
        ])
        self.assertEqual({k: v for k, v in state.items() if k not in (hooks.GITHUB_ORGS_KEY, hooks.GITHUB_ORGS_READ_AT_KEY)}, before)

    def test_refresh_replaces_a_stale_list(self):
        github = FakeGitHub(pages={1: fixture("user_orgs_none.json")})
        stale = auth_state(fixture("user_orgs_page1.json"))
        state = run(hooks.github_auth_state_hook(Authenticator(), stale, fetcher_for(github)))
        self.assertEqual(state[hooks.GITHUB_ORGS_KEY], [])

    def test_many_orgs_follow_pages(self):
        github = FakeGitHub(pages={1: fixture("user_orgs_page1.json"), 2: fixture("user_orgs_page2.json")})
        orgs = run(hooks.fetch_github_orgs(hooks.urllib_fetcher("t", opener=github), "https://api.github.com", page_size=3))
        self.assertEqual([o["login"] for o in orgs], [
            "jupyterlabdemo", "lsst-sqre", "astro-data-lab", "Rubin-Observatory-Science-Collaborations",
        ])
        self.assertEqual([r.full_url.rsplit("page=", 1)[1] for r in github.requests], ["1", "2"])

    def test_endless_pages_are_an_error_not_a_truncated_list(self):
        github = FakeGitHub(pages={n: fixture("user_orgs_page1.json") for n in range(1, 50)})
        with self.assertRaises(hooks.GitHubAPIError):
            run(hooks.fetch_github_orgs(hooks.urllib_fetcher("t", opener=github), "https://api.github.com", page_size=3))

    def test_enterprise_api_url_is_used(self):
        github = FakeGitHub(pages={1: []})
        run(hooks.github_auth_state_hook(Authenticator("https://ghe.example.org/api/v3"), auth_state(None), fetcher_for(github)))
        self.assertTrue(github.requests[0].full_url.startswith("https://ghe.example.org/api/v3/user/orgs?"))

    def test_api_errors_fail_the_login_with_a_clear_message(self):
        cases = {
            "HTTP 401": FakeGitHub(status=401, error_body=fixture("error_bad_credentials.json")),
            "HTTP 503": FakeGitHub(status=503),
            "unreachable": FakeGitHub(unreachable=True),
            "not JSON": FakeGitHub(raw=b"<html>"),
            "not a list": FakeGitHub(pages={1: fixture("error_bad_credentials.json")}),
        }
        for what, github in cases.items():
            authenticator = Authenticator()
            with self.assertRaises(Exception, msg=what) as caught:
                run(hooks.github_auth_state_hook(authenticator, auth_state(None), fetcher_for(github)))
            message = str(caught.exception)
            self.assertIn("Cannot read your GitHub organizations", message, what)
            self.assertNotIn("gho_test", message, "the token never appears in messages")
            self.assertEqual(len(authenticator.log.errors), 1, what)

    def test_a_login_without_token_fails(self):
        with self.assertRaises(Exception):
            run(hooks.github_auth_state_hook(Authenticator(), {"github_user": {}}, fetcher_for(FakeGitHub())))


class OrgRefreshGraceTest(unittest.TestCase):
    """A refresh that cannot read GitHub keeps the stored orgs for a bounded grace, then fails closed."""

    def stored(self, read_at):
        state = auth_state(fixture("user_orgs_page1.json"))
        state[hooks.GITHUB_ORGS_READ_AT_KEY] = read_at
        return state

    def refresh(self, stored, now, github=None):
        authenticator = Authenticator()
        github = github or FakeGitHub(status=502)
        state = run(hooks.github_auth_state_hook(authenticator, auth_state(None), fetcher_for(github), now=lambda: now, stored=stored))
        return state, authenticator

    def test_a_successful_read_records_its_time(self):
        state, _ = self.refresh(None, 1_000_000, FakeGitHub(pages={1: fixture("user_orgs_none.json")}))
        self.assertEqual(state[hooks.GITHUB_ORGS_READ_AT_KEY], 1_000_000)
        self.assertEqual(state[hooks.GITHUB_ORGS_KEY], [])

    def test_within_grace_the_stored_orgs_are_kept_with_a_warning(self):
        stored = self.stored(1_000_000)
        state, authenticator = self.refresh(stored, 1_000_000 + hooks.ORG_REFRESH_GRACE_SECONDS)
        self.assertEqual(state[hooks.GITHUB_ORGS_KEY], stored[hooks.GITHUB_ORGS_KEY])
        # The grace counts from the last successful read: failures never extend it.
        self.assertEqual(state[hooks.GITHUB_ORGS_READ_AT_KEY], 1_000_000)
        self.assertEqual(len(authenticator.log.warnings), 1)
        self.assertIn("keeping the organizations read at 1000000", authenticator.log.warnings[0])

    def test_past_grace_the_refresh_fails_closed(self):
        with self.assertRaises(Exception) as caught:
            self.refresh(self.stored(1_000_000), 1_000_000 + hooks.ORG_REFRESH_GRACE_SECONDS + 1)
        self.assertIn("Cannot read your GitHub organizations", str(caught.exception))

    def test_no_grace_at_login_or_for_another_user_or_an_unread_list(self):
        other = self.stored(1_000_000)
        other["github_user"] = {**other["github_user"], "id": 1}
        unread = self.stored(1_000_000)
        del unread[hooks.GITHUB_ORGS_READ_AT_KEY]
        for what, stored in (("login", None), ("other user", other), ("never read", unread)):
            with self.assertRaises(Exception, msg=what):
                self.refresh(stored, 1_000_010)

    def test_the_refresh_hook_hands_the_stored_state_to_the_org_hook(self):
        stored = self.stored(1_000_000)

        async def refresh():
            self.assertIsNone(hooks.github_refresh_user_hook(Authenticator(), None, stored))
            return await hooks.github_auth_state_hook(Authenticator(), auth_state(None), fetcher_for(FakeGitHub(status=502)), now=lambda: 1_000_100)

        state = run(refresh())
        self.assertEqual(state[hooks.GITHUB_ORGS_KEY], stored[hooks.GITHUB_ORGS_KEY])


class UserOptionsTest(unittest.TestCase):
    LAB = {
        "images": [{"name": "minimal"}, {"name": "scipy"}],
        "sizes": [{"name": "small"}, {"name": "medium"}],
    }

    def test_menu_choices_and_empty_options_are_accepted(self):
        for options in ({}, None, {"profile": "lab"}, {"profile": "lab", "image": "scipy", "size": "small"}, {"image": "minimal"}):
            self.assertIsNone(hooks.user_options_problem(self.LAB, options), options)

    def test_anything_else_is_refused_with_the_reason(self):
        cases = {
            "image 'docker.io/evil:latest' is not on the menu (choose one of: minimal, scipy)": {"profile": "lab", "image": "docker.io/evil:latest"},
            "size 'huge' is not on the menu (choose one of: small, medium)": {"size": "huge"},
            "profile 'other' is not on the menu (allowed: lab)": {"profile": "other"},
            "unknown option 'image--unlisted-choice' (allowed: profile, image, size)": {"image--unlisted-choice": "x"},
            "the options must be an object": ["image"],
        }
        for message, options in cases.items():
            self.assertEqual(hooks.user_options_problem(self.LAB, options), message)

    def test_long_values_are_shortened_in_messages(self):
        problem = hooks.user_options_problem(self.LAB, {"image": "x" * 500})
        self.assertLess(len(problem), 200)

    def test_the_hook_raises_on_a_problem_and_passes_otherwise(self):
        apply = hooks.make_apply_user_options(self.LAB)
        self.assertIsNone(apply(None, {"image": "scipy"}))
        with self.assertRaises(Exception) as caught:
            apply(None, {"image": "nope"})
        self.assertIn("is not on the menu", str(caught.exception))


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
    return hooks.identity_from_github("jane-doe", auth_state(fixture("user_orgs_page1.json")))


class LabPodTest(unittest.TestCase):
    def setUp(self):
        self.identity = identity_with_orgs()
        self.pod = hooks.lab_pod_settings(self.identity, LAB, "quay.io/jupyter/scipy-notebook:2025-12-31")

    def test_home_is_the_login_subpath_of_the_homes_claim(self):
        self.assertIn({"name": "home", "persistentVolumeClaim": {"claimName": "homes"}}, self.pod["volumes"])
        self.assertIn({"name": "home", "mountPath": "/home/jane-doe", "subPath": "jane-doe"}, self.pod["volume_mounts"])
        self.assertEqual(self.pod["working_dir"], "/home/jane-doe")
        self.assertEqual(self.pod["environment"]["HOME"], "/home/jane-doe")
        self.assertEqual(self.pod["environment"]["USER"], "jane-doe")

    def test_passwd_and_group_are_mounted_read_only_from_the_init_written_volume(self):
        mounts = {m["mountPath"]: m for m in self.pod["volume_mounts"]}
        self.assertEqual(mounts["/etc/passwd"], {"name": "lab-etc", "mountPath": "/etc/passwd", "subPath": "passwd", "readOnly": True})
        self.assertEqual(mounts["/etc/group"], {"name": "lab-etc", "mountPath": "/etc/group", "subPath": "group", "readOnly": True})
        self.assertIn({"name": "lab-etc", "emptyDir": {"medium": "Memory", "sizeLimit": "1Mi"}}, self.pod["volumes"])

    def test_security_contexts_run_as_the_user_without_privileges(self):
        pod = hooks.pod_security_context(self.identity)
        self.assertEqual(pod["runAsUser"], 58374121)
        self.assertEqual(pod["runAsGroup"], 58374121)
        self.assertEqual(pod["fsGroup"], 58374121)
        self.assertTrue(pod["runAsNonRoot"])
        self.assertEqual(pod["supplementalGroups"], [5637302, 41000001, 77123456])
        container = hooks.container_security_context(self.identity)
        self.assertEqual(container["runAsUser"], 58374121)
        self.assertTrue(container["runAsNonRoot"])
        self.assertFalse(container["allowPrivilegeEscalation"])
        self.assertFalse(container["privileged"])
        self.assertEqual(container["capabilities"], {"drop": ["ALL"]})

    def test_only_the_home_init_container_has_more_rights_and_only_chown(self):
        home, passwd = self.pod["init_containers"]
        self.assertEqual([home["name"], passwd["name"]], ["lab-home", "lab-passwd"])
        sc = home["securityContext"]
        self.assertEqual(sc["runAsUser"], 0)
        self.assertEqual(sc["capabilities"], {"drop": ["ALL"], "add": ["CHOWN"]})
        self.assertFalse(sc["allowPrivilegeEscalation"])
        self.assertTrue(sc["readOnlyRootFilesystem"])
        self.assertEqual(home["volumeMounts"], [{"name": "home", "mountPath": "/mnt/home", "subPath": "jane-doe"}])
        env = {e["name"]: e["value"] for e in home["env"]}
        self.assertEqual(env, {"LAB_UID": "58374121", "LAB_GID": "58374121"})
        psc = passwd["securityContext"]
        self.assertEqual(psc["runAsUser"], 58374121)
        self.assertEqual(psc["capabilities"], {"drop": ["ALL"]})
        self.assertEqual(passwd["volumeMounts"], [{"name": "lab-etc", "mountPath": "/lab-etc"}])
        for c in (home, passwd):
            self.assertEqual(c["resources"]["limits"], {"cpu": "200m", "memory": "64Mi"})

    def test_nothing_kubespawner_templates_contains_braces(self):
        # KubeSpawner runs str.format over volumes, mounts and init containers: a brace would
        # fail the spawn or, worse, be substituted.
        text = json.dumps([self.pod["volumes"], self.pod["volume_mounts"], self.pod["init_containers"], self.pod["environment"]])
        self.assertNotIn("{", text.replace('{"', "").replace("{}", ""))
        for container in self.pod["init_containers"]:
            for part in container["command"] + [e["value"] for e in container["env"]]:
                self.assertNotIn("{", part)
                self.assertNotIn("}", part)

    def test_passwd_and_group_lines(self):
        self.assertEqual(hooks.passwd_line(self.identity), "jane-doe:x:58374121:58374121:jane-doe:/home/jane-doe:/bin/bash")
        self.assertEqual(hooks.group_lines(self.identity), [
            "jane-doe:x:58374121:",
            "lsst-sqre:x:5637302:jane-doe",
            "astro-data-lab:x:41000001:jane-doe",
            "jupyterlabdemo:x:77123456:jane-doe",
        ])

    def test_init_images_follow_the_chosen_image(self):
        pod = {"spec": {
            "containers": [{"name": "notebook", "image": "quay.io/jupyter/minimal-notebook:2025-11-24"}],
            "init_containers": [dict(c) for c in self.pod["init_containers"]] + [{"name": "other", "image": "x:1"}],
        }}
        hooks.set_init_images(pod)
        self.assertEqual([c["image"] for c in pod["spec"]["init_containers"]], [
            "quay.io/jupyter/minimal-notebook:2025-11-24", "quay.io/jupyter/minimal-notebook:2025-11-24", "x:1",
        ])


@unittest.skipUnless(os.path.exists("/bin/sh") and os.path.exists("/usr/bin/awk"), "needs sh and awk")
class InitScriptTest(unittest.TestCase):
    """Runs the passwd init script for real against a copy of an image's /etc files."""

    def test_passwd_script_keeps_image_entries_and_adds_the_user(self):
        import subprocess
        import tempfile

        identity = hooks.identity_from_github("jane-doe", auth_state(fixture("user_orgs_odd_names.json")))
        passwd_init = hooks.init_containers(identity, "img:1")[1]
        with tempfile.TemporaryDirectory() as tmp:
            etc = os.path.join(tmp, "etc")
            out = os.path.join(tmp, "out")
            os.makedirs(etc)
            os.makedirs(out)
            with open(os.path.join(etc, "passwd"), "w") as f:
                f.write("root:x:0:0:root:/root:/bin/bash\njovyan:x:1000:100::/home/jovyan:/bin/bash\njane-doe:x:4242:4242::/x:/bin/sh\n")
            with open(os.path.join(etc, "group"), "w") as f:
                f.write("root:x:0:\nusers:x:100:\ng42-labs:x:777:\nold:x:60000002:\n")
            script = passwd_init["command"][2].replace("/etc/", etc + "/").replace(hooks.ETC_MOUNT, out)
            env = {e["name"]: e["value"] for e in passwd_init["env"]}
            subprocess.run(["/bin/sh", "-c", script], env={**env, "PATH": os.environ["PATH"]}, check=True)
            passwd = open(os.path.join(out, "passwd")).read().splitlines()
            group = open(os.path.join(out, "group")).read().splitlines()
        self.assertEqual(passwd[:2], ["root:x:0:0:root:/root:/bin/bash", "jovyan:x:1000:100::/home/jovyan:/bin/bash"])
        self.assertRegex(passwd[2], r"^jane-doe:x:58374121:58374121:jane-doe:/home/jane-doe:/bin/(ba)?sh$")
        self.assertEqual(len(passwd), 3, "the image's clashing jane-doe entry is gone")
        self.assertEqual(group[:2], ["root:x:0:", "users:x:100:"])
        self.assertEqual(group[2:], hooks.group_lines(identity), "clashing names and gids replaced")


    def _run_home_script(self, uid, gid, owner):
        """Runs the home script on a 0750 directory owned by `owner`; returns (rc, owner, mode)."""
        import subprocess
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            home = os.path.join(tmp, "home")
            os.mkdir(home, 0o750)
            os.chmod(home, 0o750)
            if owner != (os.getuid(), os.getgid()):
                os.chown(home, *owner)
            script = hooks.HOME_SCRIPT.replace(hooks.HOME_INIT_MOUNT, home)
            env = {"LAB_UID": str(uid), "LAB_GID": str(gid), "PATH": os.environ["PATH"]}
            done = subprocess.run(["/bin/sh", "-c", script], env=env, capture_output=True)
            st = os.stat(home)
            return done.returncode, (st.st_uid, st.st_gid), oct(st.st_mode & 0o777)

    @unittest.skipUnless(os.getuid() == 0, "needs root to chown, like the init container")
    def test_home_script_makes_a_fresh_root_owned_home_the_users_0700(self):
        self.assertEqual(self._run_home_script(58374121, 58374121, (0, 0)), (0, (58374121, 58374121), "0o700"))

    @unittest.skipUnless(os.getuid() == 0, "needs root to chown, like the init container")
    def test_home_script_refuses_a_home_that_belongs_to_another_uid(self):
        # A GitHub login renamed and registered by someone else must not inherit the old home.
        self.assertEqual(self._run_home_script(58374121, 58374121, (1000, 100)), (1, (1000, 100), "0o750"))

    def test_home_script_leaves_a_home_the_user_owns_alone(self):
        me = (os.getuid(), os.getgid())
        if me == (0, 0):
            me = (58374121, 58374121)
        self.assertEqual(self._run_home_script(me[0], me[1], me), (0, me, "0o750"))


class ProfileListTest(unittest.TestCase):
    def test_one_profile_with_exactly_the_configured_images_and_sizes(self):
        profiles = hooks.profile_list(LAB)
        self.assertEqual(len(profiles), 1)
        options = profiles[0]["profile_options"]
        self.assertEqual(list(options["image"]["choices"]), ["minimal", "scipy"])
        self.assertEqual(options["image"]["choices"]["scipy"], {
            "display_name": "SciPy", "default": True,
            "kubespawner_override": {"image": "quay.io/jupyter/scipy-notebook:2025-12-31"},
        })
        self.assertFalse(options["image"]["choices"]["minimal"]["default"])
        self.assertEqual(list(options["size"]["choices"]), ["small", "large"])
        self.assertEqual(options["size"]["choices"]["large"]["kubespawner_override"], {
            "cpu_guarantee": 2, "cpu_limit": 4, "mem_guarantee": 8 * 2**30, "mem_limit": 16 * 2**30,
        })
        self.assertTrue(options["size"]["choices"]["small"]["default"])

    def test_no_unlisted_choices(self):
        for option in hooks.profile_list(LAB)[0]["profile_options"].values():
            self.assertEqual(option["unlisted_choice"], {"enabled": False})

    def test_defaults(self):
        self.assertEqual(hooks.default_image(LAB), "quay.io/jupyter/scipy-notebook:2025-12-31")
        self.assertEqual(hooks.default_size(LAB)["name"], "small")


QUOTA = {"defaultGiB": 10, "overridesGiB": {"octocat": 50}, "excluded": ["jane-doe-shared"]}
LAB_WITH_QUOTA = {**LAB, "homeQuota": QUOTA}


class HomeQuotaTest(unittest.TestCase):
    """The home's quota: the same rule as quotaGiBFor (the shared table), shown on the spawn page,
    in the lab's environment and in terminals."""

    def test_rule_agrees_with_the_shared_table(self):
        table = fixture("home_quota_cases.json")
        self.assertGreater(sum(len(s["cases"]) for s in table["settings"]), 10)
        for setting in table["settings"]:
            lab = {**LAB, "homeQuota": setting["quota"]}
            for case in setting["cases"]:
                self.assertEqual(hooks.home_quota_gib(case["login"], lab), case["gib"], case)

    def test_no_quota_setting_means_no_quota_and_nothing_shown(self):
        self.assertIsNone(hooks.home_quota_gib("jane-doe", LAB))
        self.assertIsNone(hooks.home_quota_text("jane-doe", LAB))
        self.assertIsNone(hooks.quota_profile_script("jane-doe", LAB))
        self.assertEqual(hooks.profile_list(LAB, "jane-doe")[0]["description"], "Choose an image and a size.")

    def test_lab_without_quota_setting_is_unchanged(self):
        pod = hooks.lab_pod_settings(identity_with_orgs(), LAB, "img:1")
        self.assertNotIn(hooks.HOME_QUOTA_ENV, pod["environment"])
        self.assertNotIn(hooks.QUOTA_PROFILE_PATH, [m["mountPath"] for m in pod["volume_mounts"]])
        self.assertEqual(pod["init_containers"][1]["command"], ["/bin/sh", "-c", hooks.PASSWD_SCRIPT])
        self.assertNotIn("LAB_QUOTA_PROFILE", [e["name"] for e in pod["init_containers"][1]["env"]])

    def test_spawn_page_states_the_users_quota(self):
        self.assertEqual(
            hooks.profile_list(LAB_WITH_QUOTA, "jane-doe")[0]["description"],
            "Choose an image and a size. Your home: 10 GiB quota. In a terminal, du -sh ~ shows how much of it you use.",
        )
        self.assertIn("Your home: 50 GiB quota.", hooks.profile_list(LAB_WITH_QUOTA, "octocat")[0]["description"])
        self.assertEqual(hooks.profile_list(LAB_WITH_QUOTA, "jane-doe-shared")[0]["description"], "Choose an image and a size. Your home: no quota.")

    def test_profile_list_callable_uses_the_spawners_user(self):
        spawner = type("Spawner", (), {"user": type("User", (), {"name": "octocat"})()})()
        profiles = hooks.make_profile_list(LAB_WITH_QUOTA)(spawner)
        self.assertIn("Your home: 50 GiB quota.", profiles[0]["description"])
        self.assertEqual(profiles[0]["profile_options"], hooks.profile_list(LAB_WITH_QUOTA)[0]["profile_options"])

    def test_lab_gets_the_quota_in_its_environment_and_the_terminal_notice_read_only(self):
        pod = hooks.lab_pod_settings(identity_with_orgs(), LAB_WITH_QUOTA, "img:1")
        self.assertEqual(pod["environment"][hooks.HOME_QUOTA_ENV], "10")
        self.assertIn(
            {"name": "lab-etc", "mountPath": "/etc/profile.d/home-quota.sh", "subPath": "home-quota.sh", "readOnly": True},
            pod["volume_mounts"],
        )
        excluded = hooks.Identity("jane-doe-shared", 4242, 4242)
        pod = hooks.lab_pod_settings(excluded, LAB_WITH_QUOTA, "img:1")
        self.assertNotIn(hooks.HOME_QUOTA_ENV, pod["environment"])

    def test_no_braces_in_what_kubespawner_or_the_spawn_page_formats(self):
        def strings(value):
            if isinstance(value, dict):
                return [t for k, v in value.items() for t in strings(k) + strings(v)]
            if isinstance(value, list):
                return [t for v in value for t in strings(v)]
            return [value] if isinstance(value, str) else []

        for login in ("jane-doe", "octocat", "jane-doe-shared"):
            identity = hooks.Identity(login, 4242, 4242)
            for text in strings(hooks.lab_pod_settings(identity, LAB_WITH_QUOTA, "img:1")):
                self.assertFalse(set(text) & set("{}"), text)
            for text in strings(hooks.profile_list(LAB_WITH_QUOTA, login)):
                self.assertFalse(set(text) & set("{}<>&"), text)

    def test_terminal_notice_written_by_the_init_container_prints_in_interactive_shells_only(self):
        import subprocess
        import tempfile

        for login, expected in (
            ("jane-doe", "Your home /home/jane-doe has a 10 GiB quota; du -sh ~ shows your usage (df shows the whole shared disk, not your quota).\n"
                         "When the quota is full, writes fail with: Disk quota exceeded. Delete files to free space.\n"),
            ("jane-doe-shared", "Your home /home/jane-doe-shared has no quota.\n"),
        ):
            identity = hooks.Identity(login, 4242, 4242)
            passwd_init = hooks.lab_pod_settings(identity, LAB_WITH_QUOTA, "img:1")["init_containers"][1]
            with tempfile.TemporaryDirectory() as tmp:
                etc = os.path.join(tmp, "etc")
                out = os.path.join(tmp, "out")
                os.makedirs(etc)
                os.makedirs(out)
                for name in ("passwd", "group"):
                    with open(os.path.join(etc, name), "w") as f:
                        f.write("root:x:0:0:root:/root:/bin/bash\n")
                script = passwd_init["command"][2].replace("/etc/", etc + "/").replace(hooks.ETC_MOUNT, out)
                env = {e["name"]: e["value"] for e in passwd_init["env"]}
                subprocess.run(["/bin/sh", "-c", script], env={**env, "PATH": os.environ["PATH"]}, check=True)
                notice = os.path.join(out, hooks.QUOTA_PROFILE_FILE)
                for shell in ("/bin/sh", "/bin/bash"):
                    interactive = subprocess.run([shell, "-i", "-c", f". {notice}"], capture_output=True, text=True, stdin=subprocess.DEVNULL, check=True)
                    self.assertEqual(interactive.stdout, expected, shell)
                    batch = subprocess.run([shell, "-c", f". {notice}"], capture_output=True, text=True, check=True)
                    self.assertEqual(batch.stdout, "", shell)

    def test_settings_validation(self):
        hooks.validate_lab_settings({**LAB_WITH_QUOTA, "identity": "github", "homesClaimName": "homes"})
        for bad in ({}, {"defaultGiB": "10", "overridesGiB": {}, "excluded": []}, {"defaultGiB": 10, "overridesGiB": {"a": 0}, "excluded": []},
                    {"defaultGiB": 10, "overridesGiB": {}, "excluded": "x"}, {"defaultGiB": True, "overridesGiB": {}, "excluded": []}):
            with self.assertRaisesRegex(hooks.LabSettingsError, "^setting lab.homeQuota must be", msg=bad):
                hooks.validate_lab_settings({**LAB, "homeQuota": bad})


class CullerTest(unittest.TestCase):
    def test_service_command_comes_from_settings(self):
        service = hooks.culler_service(LAB, "http://localhost:8081/hub/api")
        self.assertEqual(service, {"name": "jupyterhub-idle-culler", "command": [
            "python3", "-m", "jupyterhub_idle_culler", "--url=http://localhost:8081/hub/api",
            "--timeout=3600", "--cull-every=300", "--concurrency=10", "--max-age=259200",
        ]})

    def test_no_max_age_when_zero(self):
        lab = {**LAB, "culler": {**LAB["culler"], "maxAgeSeconds": 0}}
        self.assertFalse(any(a.startswith("--max-age") for a in hooks.culler_service(lab, "u")["command"]))

    def test_role_has_exactly_the_scopes_it_needs(self):
        self.assertEqual(hooks.culler_role(), {
            "name": "jupyterhub-idle-culler",
            "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
            "services": ["jupyterhub-idle-culler"],
        })


class SpawnerHooksTest(unittest.TestCase):
    class Spawner:
        def __init__(self, name):
            self.user = type("User", (), {"name": name})()
            self.environment = {"JUPYTERHUB_SINGLEUSER_APP": "jupyter_server.serverapp.ServerApp"}

    def test_auth_state_hook_applies_the_identity(self):
        spawner = self.Spawner("jane-doe")
        hooks.make_auth_state_hook(LAB)(spawner, auth_state(fixture("user_orgs_page1.json")))
        self.assertEqual(hooks.spawner_uid(spawner), 58374121)
        self.assertEqual(hooks.spawner_gid(spawner), 58374121)
        self.assertEqual(hooks.spawner_supplemental_gids(spawner), [5637302, 41000001, 77123456])
        self.assertEqual(hooks.spawner_pod_security_context(spawner)["runAsUser"], 58374121)
        self.assertEqual(hooks.spawner_container_security_context(spawner)["capabilities"], {"drop": ["ALL"]})
        self.assertEqual(spawner.working_dir, "/home/jane-doe")
        self.assertEqual(spawner.environment["JUPYTERHUB_SINGLEUSER_APP"], "jupyter_server.serverapp.ServerApp")
        self.assertEqual(spawner.environment["HOME"], "/home/jane-doe")
        self.assertEqual(spawner.init_containers[0]["image"], "quay.io/jupyter/scipy-notebook:2025-12-31")

    def test_spawn_without_identity_is_refused(self):
        spawner = self.Spawner("jane-doe")
        with self.assertRaises(hooks.IdentityError):
            hooks.make_auth_state_hook(LAB)(spawner, None)
        for f in (hooks.spawner_uid, hooks.spawner_gid, hooks.spawner_supplemental_gids, hooks.spawner_pod_security_context):
            with self.assertRaises(hooks.IdentityError):
                f(spawner)

    def test_local_identity_source(self):
        spawner = self.Spawner("alice")
        hooks.make_auth_state_hook({**LAB, "identity": "local"})(spawner, None)
        self.assertEqual(hooks.spawner_uid(spawner), hooks.local_id("alice"))


class SettingsValidationTest(unittest.TestCase):
    def test_valid(self):
        self.assertIs(hooks.validate_lab_settings(LAB), LAB)

    def test_errors_name_the_key(self):
        cases = {
            "lab.images": {**LAB, "images": []},
            "lab.sizes[0].memoryLimitBytes": {**LAB, "sizes": [{k: v for k, v in LAB["sizes"][0].items() if k != "memoryLimitBytes"}]},
            "lab.homesClaimName": {k: v for k, v in LAB.items() if k != "homesClaimName"},
            "exactly one": {**LAB, "images": [{**i, "default": True} for i in LAB["images"]]},
            "lab.identity": {**LAB, "identity": "ldap"},
        }
        for key, lab in cases.items():
            with self.assertRaisesRegex(hooks.LabSettingsError, re.escape(key)):
                hooks.validate_lab_settings(lab)


if __name__ == "__main__":
    unittest.main()

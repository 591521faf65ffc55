"""jupyterhub_config.py, run with fakes: what it configures, and how it fails."""

import json
import os
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from fakes import BASE_ENV, GITHUB_SETTINGS, dummy_settings, github_settings, run_config  # noqa: E402

#: The github stack's hub settings (the rendered fixture), for expected values.
HUB = GITHUB_SETTINGS["hub"]

#: A rendered hub-config ConfigMap written to a directory (set by test/hub-python.test.ts).
RENDERED_ENV = "HUB_RENDERED_CONFIG"


def settings_error(e):
    return type(e).__name__ == "SettingsError"


class GithubConfigTest(unittest.TestCase):
    def setUp(self):
        s = github_settings()
        # JupyterHub lowercases usernames: an admin given with capitals must still match.
        s["hub"]["github"]["adminUsers"] = ["Admin-Login"]
        self.c = run_config(settings=s, env={**BASE_ENV, "GITHUB_CLIENT_SECRET": "s3cret"})

    def test_github_authenticator_with_org_allow_list(self):
        c = self.c
        self.assertEqual(c.JupyterHub.authenticator_class, "github")
        self.assertEqual(c.GitHubOAuthenticator.allowed_organizations, set(HUB["github"]["allowedOrganizations"]))
        self.assertTrue(c.GitHubOAuthenticator.allowed_organizations)
        self.assertEqual(c.GitHubOAuthenticator.scope, ["read:org"])
        self.assertEqual(c.GitHubOAuthenticator.oauth_callback_url, f"https://{HUB['hostname']}/hub/oauth_callback")
        self.assertEqual(c.GitHubOAuthenticator.client_id, HUB["github"]["clientId"])
        self.assertEqual(c.GitHubOAuthenticator.client_secret, "s3cret")
        self.assertTrue(c.Authenticator.enable_auth_state)
        self.assertNotIn("allow_all", c.Authenticator)

    def test_public_url_makes_cookies_secure_behind_the_ingress(self):
        self.assertEqual(self.c.JupyterHub.public_url, f"https://{HUB['hostname']}/")
        self.assertEqual(self.c.JupyterHub.tornado_settings, {"xsrf_cookie_kwargs": {"secure": True}})

    def test_user_options_are_validated_and_orgs_refresh_with_grace(self):
        self.assertTrue(callable(self.c.KubeSpawner.apply_user_options))
        self.assertEqual(self.c.GitHubOAuthenticator.refresh_user_hook.__name__, "github_refresh_user_hook")

    def test_admins_are_lowercased_logins(self):
        self.assertEqual(self.c.Authenticator.admin_users, {"admin-login"})

    def test_hub_and_proxy_wiring(self):
        c = self.c
        self.assertEqual(c.JupyterHub.hub_bind_url, "http://:8081")
        self.assertEqual(c.JupyterHub.hub_connect_url, "http://hub:8081")
        self.assertIs(c.ConfigurableHTTPProxy.should_start, False)
        self.assertEqual(c.ConfigurableHTTPProxy.api_url, "http://proxy-api:8001")

    def test_lifecycle_database_and_spawner(self):
        c = self.c
        self.assertIs(c.JupyterHub.cleanup_servers, False)
        self.assertIs(c.JupyterHub.shutdown_on_logout, True)
        self.assertEqual(c.JupyterHub.db_url, "sqlite:////srv/jupyterhub/jupyterhub.sqlite")
        self.assertEqual(c.JupyterHub.spawner_class, "kubespawner.KubeSpawner")
        self.assertEqual(c.KubeSpawner.namespace, "jupyterhub")

    def test_secrets_are_not_copied_into_config(self):
        # JupyterHub reads these from its environment itself; the config only checks them.
        flat = json.dumps(self.c, default=lambda o: sorted(o) if isinstance(o, set) else str(o))
        for name in ("JPY_COOKIE_SECRET", "CONFIGPROXY_AUTH_TOKEN", "JUPYTERHUB_CRYPT_KEY"):
            self.assertNotIn(BASE_ENV[name], flat)


class SpawnerDefaultsTest(unittest.TestCase):
    def test_spawner_defaults_are_the_default_choices_overrides(self):
        """Before a menu choice is applied, the spawner has the default image and the default
        size's resources: the marked choices' kubespawner_override, wherever they sit."""
        s = github_settings()
        options = s["lab"]["profileList"][0]["profile_options"]
        for option in options.values():
            self.assertGreater(len(option["choices"]), 1, "the fixture menu offers a choice")
            last = list(option["choices"])[-1]
            for name, choice in option["choices"].items():
                choice["default"] = name == last
        c = run_config(settings=s, env={**BASE_ENV, "GITHUB_CLIENT_SECRET": "x"})
        image, size = (list(options[o]["choices"].values())[-1]["kubespawner_override"] for o in ("image", "size"))
        self.assertEqual(c.KubeSpawner.image, image["image"])
        self.assertEqual({trait: c.KubeSpawner.get(trait) for trait in size}, size)


class DummyConfigTest(unittest.TestCase):
    def test_shared_password_for_any_user(self):
        c = run_config(settings=dummy_settings(), env={**BASE_ENV, "DUMMY_PASSWORD": "local-pass"})
        self.assertEqual(c.JupyterHub.authenticator_class, "shared-password")
        self.assertEqual(c.SharedPasswordAuthenticator.user_password, "local-pass")
        self.assertIs(c.Authenticator.allow_all, True)
        self.assertNotIn("GitHubOAuthenticator", c)

    def test_needs_no_github_settings(self):
        # The program writes only the chosen authenticator's settings: no "github" block here.
        s = dummy_settings()
        self.assertNotIn("github", s["hub"])
        c = run_config(settings=s, env={**BASE_ENV, "DUMMY_PASSWORD": "local-pass"})
        self.assertEqual(c.JupyterHub.authenticator_class, "shared-password")

    def test_missing_password_is_a_clear_error(self):
        with self.assertRaises(Exception) as e:
            run_config(settings=dummy_settings())
        self.assertTrue(settings_error(e.exception))
        self.assertIn("DUMMY_PASSWORD", str(e.exception))


class FailureTest(unittest.TestCase):
    def assert_settings_error(self, mention, settings=GITHUB_SETTINGS, env=None):
        with self.assertRaises(Exception) as e:
            run_config(settings=settings, env=env if env is not None else {**BASE_ENV, "GITHUB_CLIENT_SECRET": "x"})
        self.assertTrue(settings_error(e.exception), repr(e.exception))
        self.assertIn(mention, str(e.exception))

    def test_each_secret_env_is_required(self):
        for name in ("CONFIGPROXY_AUTH_TOKEN", "JPY_COOKIE_SECRET", "JUPYTERHUB_CRYPT_KEY", "POD_NAMESPACE"):
            env = {**BASE_ENV, "GITHUB_CLIENT_SECRET": "x"}
            del env[name]
            with self.subTest(name=name):
                self.assert_settings_error(name, env=env)

    def test_client_secret_is_required(self):
        self.assert_settings_error("GITHUB_CLIENT_SECRET", env=dict(BASE_ENV))

    def test_only_the_chosen_authenticator_is_configured(self):
        # Dispatch runs one function: github's settings do not leak into the dummy hub, nor back.
        github = run_config(settings=GITHUB_SETTINGS, env={**BASE_ENV, "GITHUB_CLIENT_SECRET": "x", "DUMMY_PASSWORD": "local-pass"})
        self.assertNotIn("SharedPasswordAuthenticator", github)
        dummy = run_config(settings=dummy_settings(), env={**BASE_ENV, "GITHUB_CLIENT_SECRET": "x", "DUMMY_PASSWORD": "local-pass"})
        self.assertNotIn("admin_users", dummy.Authenticator)

def mismatch(change):
    """The github stack's settings with `change(settings)` applied."""
    s = github_settings()
    change(s)
    return s


#: Settings that break the contract, each with the JSON path the one line must name and what it
#: must say was expected. The old hand-written check saw none of these but the removed key.
MISMATCHES = {
    "$.hub: 'oauthCallbackUrl' is a required property": mismatch(lambda s: s["hub"].pop("oauthCallbackUrl")),
    # The schema's enum is the registry's names, which the dispatch table matches
    # (test/authenticators.test.ts): the line names them.
    "$.hub.authenticator: 'pam' is not one of ['github', 'dummy']": mismatch(lambda s: s["hub"].update(authenticator="pam")),
    "$.hub.github.allowedOrganizations: [] should be non-empty": mismatch(lambda s: s["hub"]["github"].update(allowedOrganizations=[])),
    "$.hub.github: 'adminUsers' is a required property": mismatch(lambda s: s["hub"]["github"].pop("adminUsers")),
    "$.hub.url: 'http://hub.example' does not match '^https:\\\\/\\\\/.*'": mismatch(lambda s: s["hub"].update(url="http://hub.example")),
    "$.lab.port: '8888' is not of type 'integer'": mismatch(lambda s: s["lab"].update(port="8888")),
    "$.lab.profileList[0].profile_options.size.choices.small.kubespawner_override.mem_limit: '4Gi' is not of type 'integer'": mismatch(
        lambda s: s["lab"]["profileList"][0]["profile_options"]["size"]["choices"]["small"]["kubespawner_override"].update(mem_limit="4Gi")
    ),
    "$.lab.homeQuota.defaultGiB: 0 is less than the minimum of 1": mismatch(lambda s: s["lab"]["homeQuota"].update(defaultGiB=0)),
    "$.lab: Additional properties are not allowed ('images' was unexpected)": mismatch(lambda s: s["lab"].update(images=[])),
}

#: Runs jupyterhub_config.py with the fakes, settings from stdin, as its own process: what the
#: hub's log would show, and the exit code.
RUN_CONFIG = (
    "import json, sys; sys.path.insert(0, sys.argv[1]); import fakes; "
    "fakes.run_config(settings=json.load(sys.stdin), env={**fakes.BASE_ENV, 'GITHUB_CLIENT_SECRET': 'x'})"
)


class ContractMismatchTest(unittest.TestCase):
    """settings.json that does not match the shipped schema stops the hub at start-up with one line
    naming the key (its JSON path) and what was expected: no traceback, no later KeyError."""

    def run_hub(self, settings):
        return subprocess.run(
            [sys.executable, "-B", "-c", RUN_CONFIG, HERE],
            input=json.dumps(settings), capture_output=True, text=True, timeout=60,
        )

    def assert_one_line(self, line, expected):
        self.assertEqual(len(line.splitlines()), 1, line)
        self.assertRegex(line, r"^jupyterlabdemo: \S+settings\.json does not match settings\.schema\.json at ")
        self.assertTrue(line.endswith(expected), line)

    def test_a_mismatch_stops_the_hub_process_with_one_line_naming_the_key(self):
        # As its own process, as the hub starts: exit code 1, nothing on stdout, one stderr line.
        expected, settings = next(iter(MISMATCHES.items()))
        out = self.run_hub(settings)
        self.assertEqual(out.returncode, 1, out.stderr)
        self.assertEqual(out.stdout, "")
        self.assert_one_line(out.stderr.rstrip("\n"), expected)

    def test_each_mismatch_names_the_key(self):
        # The same SystemExit in this process (the process-level behaviour is the test above):
        # its message is the one line the hub prints.
        for expected, settings in MISMATCHES.items():
            with self.subTest(expected=expected):
                with self.assertRaises(SystemExit) as e:
                    run_config(settings=settings, env={**BASE_ENV, "GITHUB_CLIENT_SECRET": "x"})
                self.assert_one_line(str(e.exception.code), expected)

    def test_the_rendered_settings_start_the_hub(self):
        out = self.run_hub(github_settings())
        self.assertEqual((out.returncode, out.stderr), (0, ""))


class RenderedConfigTest(unittest.TestCase):
    """The ConfigMaps the program renders run, each agreeing with its own settings.json."""

    def setUp(self):
        dirs = os.environ.get(RENDERED_ENV)
        if not dirs:
            self.skipTest(f"{RENDERED_ENV} not set (test/hub-python.test.ts sets it: one directory per stack)")
        self.dirs = dirs.split(os.pathsep)

    def test_rendered_config_runs(self):
        env = {**BASE_ENV, "GITHUB_CLIENT_SECRET": "x", "DUMMY_PASSWORD": "long-enough"}
        for config_dir in self.dirs:
            with self.subTest(config=os.path.basename(config_dir)):
                with open(os.path.join(config_dir, "settings.json"), encoding="utf-8") as f:
                    s = json.load(f)["hub"]
                c = run_config(config_dir=config_dir, env=env)
                self.assertEqual(c.JupyterHub.hub_connect_url, f"http://{s['services']['hub']['name']}:{s['services']['hub']['port']}")
                self.assertEqual(c.JupyterHub.spawner_class, "kubespawner.KubeSpawner")
                if s["authenticator"] == "github":
                    self.assertEqual(c.GitHubOAuthenticator.allowed_organizations, set(s["github"]["allowedOrganizations"]))
                    self.assertEqual(c.GitHubOAuthenticator.oauth_callback_url, f"https://{s['hostname']}/hub/oauth_callback")
                else:
                    self.assertEqual(c.JupyterHub.authenticator_class, "shared-password")


if __name__ == "__main__":
    unittest.main()

"""jupyterhub_config.py, run with fakes: what it configures, and how it fails."""

import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fakes import BASE_ENV, GITHUB_SETTINGS, dummy_settings, run_config  # noqa: E402

#: A rendered hub-config ConfigMap written to a directory (set by test/hub.test.ts).
RENDERED_ENV = "HUB_RENDERED_CONFIG"


def settings_error(e):
    return type(e).__name__ == "SettingsError"


class GithubConfigTest(unittest.TestCase):
    def setUp(self):
        self.c = run_config(settings=GITHUB_SETTINGS, env={**BASE_ENV, "GITHUB_CLIENT_SECRET": "s3cret"})

    def test_github_authenticator_with_org_allow_list(self):
        c = self.c
        self.assertEqual(c.JupyterHub.authenticator_class, "github")
        self.assertEqual(c.GitHubOAuthenticator.allowed_organizations, {"example-org", "other-org"})
        self.assertEqual(c.GitHubOAuthenticator.scope, ["read:org"])
        self.assertEqual(c.GitHubOAuthenticator.oauth_callback_url, "https://sandbox.example.org/hub/oauth_callback")
        self.assertEqual(c.GitHubOAuthenticator.client_id, "Ov23liTestClient")
        self.assertEqual(c.GitHubOAuthenticator.client_secret, "s3cret")
        self.assertTrue(c.Authenticator.enable_auth_state)
        self.assertNotIn("allow_all", c.Authenticator)

    def test_public_url_makes_cookies_secure_behind_the_ingress(self):
        self.assertEqual(self.c.JupyterHub.public_url, "https://sandbox.example.org/")
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
        del s["hub"]["github"]
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

    def test_missing_setting_is_named(self):
        s = json.loads(json.dumps(GITHUB_SETTINGS))
        del s["hub"]["oauthCallbackUrl"]
        self.assert_settings_error("hub.oauthCallbackUrl", settings=s)

    def test_empty_org_list_refused(self):
        s = json.loads(json.dumps(GITHUB_SETTINGS))
        s["hub"]["github"]["allowedOrganizations"] = []
        self.assert_settings_error("allowedOrganizations", settings=s)

    def test_unknown_authenticator_refused(self):
        s = json.loads(json.dumps(GITHUB_SETTINGS))
        s["hub"]["authenticator"] = "pam"
        self.assert_settings_error("'pam'", settings=s)
        # The message lists the dispatch table's names.
        self.assert_settings_error("must be github or dummy", settings=s)

    def test_only_the_chosen_authenticator_is_configured(self):
        # Dispatch runs one function: github's settings do not leak into the dummy hub, nor back.
        github = run_config(settings=GITHUB_SETTINGS, env={**BASE_ENV, "GITHUB_CLIENT_SECRET": "x", "DUMMY_PASSWORD": "local-pass"})
        self.assertNotIn("SharedPasswordAuthenticator", github)
        dummy = run_config(settings=dummy_settings(), env={**BASE_ENV, "GITHUB_CLIENT_SECRET": "x", "DUMMY_PASSWORD": "local-pass"})
        self.assertNotIn("admin_users", dummy.Authenticator)


class RenderedConfigTest(unittest.TestCase):
    """The ConfigMap the program renders runs, and agrees with its own settings.json."""

    def setUp(self):
        self.dir = os.environ.get(RENDERED_ENV)
        if not self.dir:
            self.skipTest(f"{RENDERED_ENV} not set (test/hub.test.ts sets it per stack)")
        with open(os.path.join(self.dir, "settings.json"), encoding="utf-8") as f:
            self.settings = json.load(f)["hub"]

    def test_rendered_config_runs(self):
        env = {**BASE_ENV, "GITHUB_CLIENT_SECRET": "x", "DUMMY_PASSWORD": "long-enough"}
        c = run_config(config_dir=self.dir, env=env)
        s = self.settings
        self.assertEqual(c.JupyterHub.hub_connect_url, f"http://{s['services']['hub']['name']}:{s['services']['hub']['port']}")
        self.assertEqual(c.JupyterHub.spawner_class, "kubespawner.KubeSpawner")
        if s["authenticator"] == "github":
            self.assertEqual(c.GitHubOAuthenticator.allowed_organizations, set(s["github"]["allowedOrganizations"]))
            self.assertEqual(c.GitHubOAuthenticator.oauth_callback_url, f"https://{s['hostname']}/hub/oauth_callback")
        else:
            self.assertEqual(c.JupyterHub.authenticator_class, "shared-password")


if __name__ == "__main__":
    unittest.main()

"""jupyterhub_config.py's metrics section: the collector's token is scoped to read:metrics only."""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fakes import BASE_ENV, GITHUB_SETTINGS, run_config  # noqa: E402

ENV = {**BASE_ENV, "GITHUB_CLIENT_SECRET": "s3cret"}


class MetricsConfigTest(unittest.TestCase):
    def test_metrics_stay_authenticated(self):
        c = run_config(settings=GITHUB_SETTINGS, env=ENV)
        self.assertIs(c.JupyterHub.authenticate_prometheus, True)

    def test_collector_token_has_only_the_read_metrics_scope(self):
        c = run_config(settings=GITHUB_SETTINGS, env={**ENV, "JUPYTERHUB_METRICS_TOKEN": "t0ken"})
        services = {s["name"]: s for s in c.JupyterHub.services}
        self.assertEqual(services["metrics-collector"], {"name": "metrics-collector", "api_token": "t0ken"})
        roles = [r for r in c.JupyterHub.load_roles if "metrics-collector" in r.get("services", [])]
        self.assertEqual(roles, [{"name": "metrics-collector", "scopes": ["read:metrics"], "services": ["metrics-collector"]}])
        # The culler keeps its own service and role.
        self.assertEqual(len(c.JupyterHub.services), 2)

    def test_no_token_no_service(self):
        c = run_config(settings=GITHUB_SETTINGS, env=ENV)
        self.assertNotIn("metrics-collector", [s["name"] for s in c.JupyterHub.services])
        self.assertFalse(any("read:metrics" in r.get("scopes", []) for r in c.JupyterHub.load_roles))


if __name__ == "__main__":
    unittest.main()

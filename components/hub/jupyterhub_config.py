"""JupyterHub configuration of jupyterlabdemo.

Mounted with the other files of the `hub-config` ConfigMap at /usr/local/etc/jupyterhub/ and run
by `jupyterhub --config /usr/local/etc/jupyterhub/jupyterhub_config.py`. It runs top to bottom in
short sections, one per concern. Values come from two places only:

- `settings.get("hub.<key>")`: non-secret settings the Pulumi program wrote to settings.json
  (see settings.py and components/hub/index.ts);
- `settings.env("<NAME>")`: secrets, as environment variables from the `hub-secrets` Secret.

A missing setting stops the hub at startup with one line naming it.
"""

import os
import sys

c = get_config()  # noqa: F821 (provided by traitlets when it runs this file)

# --- Module path ------------------------------------------------------------------------------
# The ConfigMap directory holds this file, settings.py and hooks.py: make them importable.
CONFIG_DIR = os.path.dirname(os.path.abspath(__file__))
if CONFIG_DIR not in sys.path:
    sys.path.insert(0, CONFIG_DIR)

import settings  # noqa: E402

# --- Hub and proxy networking ----------------------------------------------------------------
# The hub listens on every interface of its pod; labs and the proxy reach it through the `hub`
# Service. The proxy runs in its own Deployment: the hub must not start one, and talks to it
# through the `proxy-api` Service with CONFIGPROXY_AUTH_TOKEN (read from the env by JupyterHub).
hub_service = settings.get("hub.services.hub")
proxy_api_service = settings.get("hub.services.proxyApi")
c.JupyterHub.hub_bind_url = f"http://:{hub_service['port']}"
c.JupyterHub.hub_connect_url = f"http://{hub_service['name']}:{hub_service['port']}"
c.ConfigurableHTTPProxy.should_start = False
c.ConfigurableHTTPProxy.api_url = f"http://{proxy_api_service['name']}:{proxy_api_service['port']}"
settings.env("CONFIGPROXY_AUTH_TOKEN")  # fail early and clearly if the Secret key is missing
c.JupyterHub.last_activity_interval = 60

# --- Lifecycle ---------------------------------------------------------------------------------
# Labs keep running while the hub restarts (upgrade, config change, node move).
c.JupyterHub.cleanup_servers = False
# Logging out also stops the user's lab.
c.JupyterHub.shutdown_on_logout = settings.get("hub.shutdownOnLogout")

# --- Database and cookie secret ------------------------------------------------------------
# sqlite on the hub's own ReadWriteOnce claim (never NFS: "database is locked").
c.JupyterHub.db_url = "sqlite:///" + settings.get("hub.databasePath")
# JupyterHub reads the cookie secret (hex) from JPY_COOKIE_SECRET; check it is there, since a
# missing one would silently be generated per start and log everybody out on every restart.
settings.env("JPY_COOKIE_SECRET")

# --- Authentication ------------------------------------------------------------------------
# Auth state (the GitHub token and user record) is kept, encrypted with JUPYTERHUB_CRYPT_KEY.
settings.env("JUPYTERHUB_CRYPT_KEY")
c.Authenticator.enable_auth_state = True

authenticator = settings.get("hub.authenticator")
if authenticator == "github":
    # Members of the allowed organizations may log in; `read:org` lets the hub see private
    # memberships too. Admins are GitHub logins (JupyterHub lowercases usernames).
    c.JupyterHub.authenticator_class = "github"
    c.GitHubOAuthenticator.client_id = settings.get("hub.github.clientId")
    c.GitHubOAuthenticator.client_secret = settings.env("GITHUB_CLIENT_SECRET")
    c.GitHubOAuthenticator.oauth_callback_url = settings.get("hub.oauthCallbackUrl")
    c.GitHubOAuthenticator.scope = ["read:org"]
    allowed = settings.get("hub.github.allowedOrganizations")
    if not allowed:
        raise settings.SettingsError("setting hub.github.allowedOrganizations is empty: nobody could log in")
    c.GitHubOAuthenticator.allowed_organizations = set(allowed)
    c.Authenticator.admin_users = {login.lower() for login in settings.get("hub.github.adminUsers", [])}
elif authenticator == "dummy":
    # `local` stacks only (the program refuses it elsewhere): any username, one shared password.
    c.JupyterHub.authenticator_class = "shared-password"
    c.SharedPasswordAuthenticator.user_password = settings.env("DUMMY_PASSWORD")
    c.Authenticator.allow_all = True
else:
    raise settings.SettingsError(f"setting hub.authenticator must be github or dummy, got {authenticator!r}")

# --- Spawner -------------------------------------------------------------------------------
# One lab pod per user, in the hub's own namespace.
c.JupyterHub.spawner_class = "kubespawner.KubeSpawner"
c.KubeSpawner.namespace = settings.env("POD_NAMESPACE")

# --- Lab pods (see hooks.py) ---
# The lab section follows (issue 5): identity, volumes, profile list, init container, culler.

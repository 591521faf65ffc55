"""JupyterHub configuration of jupyterlabdemo.

Mounted with the other files of the `hub-config` ConfigMap at /usr/local/etc/jupyterhub/ and run
by `jupyterhub --config /usr/local/etc/jupyterhub/jupyterhub_config.py`. It runs top to bottom in
short sections, one per concern. Values come from two places only:

- `settings.get("hub.<key>")`: non-secret settings the Pulumi program wrote to settings.json
  (see settings.py and components/hub/settingsContract.ts);
- `settings.env("<NAME>")`: secrets, as environment variables from the `hub-secrets` Secret.

A missing setting stops the hub at startup with one line naming it.
"""

import os
import sys

c = get_config()  # noqa: F821 (provided by traitlets when it runs this file)

# --- Module path ------------------------------------------------------------------------------
# The ConfigMap directory holds this file, settings.py, hooks.py and the lab_*.py modules: make
# them importable.
CONFIG_DIR = os.path.dirname(os.path.abspath(__file__))
if CONFIG_DIR not in sys.path:
    sys.path.insert(0, CONFIG_DIR)

import settings  # noqa: E402

# The whole settings.json against the schema the program shipped beside it: a mismatch stops the
# hub here with one line naming the key.
settings.validate()

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
# The URL users reach through ingress -> proxy -> hub. TLS ends at the ingress, and the proxy
# appends its own "http" to X-Forwarded-Proto, so without this the hub thinks it is served over
# plain HTTP and sets its login cookies without `Secure`.
c.JupyterHub.public_url = settings.get("hub.url")
# public_url marks the login cookies Secure; the _xsrf cookie's options are tornado settings
# (hub.url is https:// by the schema, checked above).
c.JupyterHub.tornado_settings = {"xsrf_cookie_kwargs": {"secure": True}}

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


def configure_github(c):
    """GitHub OAuth: members of the allowed organizations may log in; `read:org` lets the hub see
    private memberships too. Admins are GitHub logins (JupyterHub lowercases usernames)."""
    c.JupyterHub.authenticator_class = "github"
    c.GitHubOAuthenticator.client_id = settings.get("hub.github.clientId")
    c.GitHubOAuthenticator.client_secret = settings.env("GITHUB_CLIENT_SECRET")
    c.GitHubOAuthenticator.oauth_callback_url = settings.get("hub.oauthCallbackUrl")
    c.GitHubOAuthenticator.scope = ["read:org"]
    # Never empty (the schema's minItems, checked at start-up): an empty list would let nobody in.
    c.GitHubOAuthenticator.allowed_organizations = set(settings.get("hub.github.allowedOrganizations"))
    c.Authenticator.admin_users = {login.lower() for login in settings.get("hub.github.adminUsers")}


def configure_dummy(c):
    """`local` stacks only (the program refuses it elsewhere): any username, one shared password."""
    c.JupyterHub.authenticator_class = "shared-password"
    c.SharedPasswordAuthenticator.user_password = settings.env("DUMMY_PASSWORD")
    c.Authenticator.allow_all = True


#: hub.authenticator -> the function that configures JupyterHub's login for it. The names are
#: those of the registry in components/authenticators.ts (a test keeps the two equal), which are
#: the schema's enum for hub.authenticator (checked at start-up); each function reads the settings
#: and the environment variables its registry entry declares.
AUTHENTICATORS = {
    "github": configure_github,
    "dummy": configure_dummy,
}

AUTHENTICATORS[settings.get("hub.authenticator")](c)

# --- Spawner -------------------------------------------------------------------------------
# One lab pod per user, in the hub's own namespace.
c.JupyterHub.spawner_class = "kubespawner.KubeSpawner"
c.KubeSpawner.namespace = settings.env("POD_NAMESPACE")

# --- Lab pods (see hooks.py) ---
# The lab section follows: identity, volumes, profile list, init container, culler. Everything a
# user's lab gets is computed by hooks.py (over the lab_*.py modules) from settings.json "lab"
# (built by components/hub/settingsContract.ts): see docs/lab.md for the identity model and the
# naming rules.
import hooks  # noqa: E402

lab = settings.get("lab")

# Identity: uid = GitHub user id, private group gid = uid, supplementary groups = the user's
# GitHub organizations (gid = org id). The org list is read with the user's token on every login
# and token refresh (modify_auth_state_hook) and kept in the encrypted auth state; before each
# spawn, auth_state_hook turns it into the pod's ids, passwd/group entries and home.
if lab["identity"] == "github":
    c.GitHubOAuthenticator.modify_auth_state_hook = hooks.github_auth_state_hook
    # Lets a refresh that cannot read GitHub keep the stored org list for a bounded grace period.
    c.GitHubOAuthenticator.refresh_user_hook = hooks.github_refresh_user_hook
c.KubeSpawner.auth_state_hook = hooks.make_auth_state_hook(lab)
c.KubeSpawner.modify_pod_hook = hooks.modify_pod_hook
c.KubeSpawner.uid = hooks.spawner_uid
c.KubeSpawner.gid = hooks.spawner_gid
c.KubeSpawner.supplemental_gids = hooks.spawner_supplemental_gids
c.KubeSpawner.pod_security_context = hooks.spawner_pod_security_context
c.KubeSpawner.container_security_context = hooks.spawner_container_security_context
c.KubeSpawner.privileged = False
c.KubeSpawner.allow_privilege_escalation = False
# No Kubernetes credentials in a lab.
c.KubeSpawner.service_account = None
c.KubeSpawner.automount_service_account_token = False

# Names: pinned, never to change (a changed pod name template orphans running pods; homes do not
# depend on it: their path is the login itself, see lab_identity.lab_login).
c.KubeSpawner.slug_scheme = lab["slugScheme"]
c.KubeSpawner.pod_name_template = lab["podNameTemplate"]
# No per-user claims: homes are subPaths of the one shared claim.
c.KubeSpawner.storage_pvc_ensure = False
c.KubeSpawner.delete_pvc = False

# Labels (the NetworkPolicies select lab pods on them) and placement on the user pool.
c.KubeSpawner.common_labels = lab["commonLabels"]
c.KubeSpawner.extra_labels = lab["podLabels"]
c.KubeSpawner.extra_annotations = lab["podAnnotations"]
c.KubeSpawner.component_label = lab["componentLabel"]
c.KubeSpawner.node_selector = lab["nodeSelector"]
c.KubeSpawner.tolerations = lab["tolerations"]

# The single-user server. `cmd` must be set, else KubeSpawner ignores the hub's arguments.
c.KubeSpawner.cmd = lab["cmd"]
c.KubeSpawner.port = lab["port"]
c.KubeSpawner.image_pull_policy = "IfNotPresent"

# The menu: images and sizes, defaults preselected, nothing off the list accepted (a choice off
# the list is a 400 with the reason, before KubeSpawner looks it up).
# A callable: the spawn page states the quota of the user's own home.
c.KubeSpawner.profile_list = hooks.make_profile_list(lab)
c.KubeSpawner.apply_user_options = hooks.make_apply_user_options(lab)
# Before a choice is applied, the spawner has the default image and the default size's
# resources: the size's kubespawner_override already uses KubeSpawner's trait names.
c.KubeSpawner.image = hooks.default_image(lab)
for trait, value in hooks.default_choice(lab, "size").items():
    setattr(c.KubeSpawner, trait, value)

# Multi-gigabyte images: a spawn may wait for a pull on a cold node.
c.KubeSpawner.start_timeout = lab["startTimeoutSeconds"]
c.KubeSpawner.http_timeout = lab["httpTimeoutSeconds"]

# --- Idle culler (a hub-managed service with only the scopes it needs) ---
c.JupyterHub.services = [hooks.culler_service(lab, f"http://localhost:{hub_service['port']}/hub/api")]
c.JupyterHub.load_roles = [hooks.culler_role()]

# --- Metrics (Managed Service for Prometheus) -----------------------------------------------
# /hub/metrics is served on the API port, which the proxy and the labs reach, and through the
# proxy on the public URL, so it stays authenticated (JupyterHub's default, stated here). The
# collector presents the token of the `metrics-collector` service, whose only scope is
# read:metrics; the token comes from the `hub-metrics-token` Secret (components/monitoring).
# Without it (local stacks have no collector) no such service exists.
c.JupyterHub.authenticate_prometheus = True
metrics_token = os.environ.get("JUPYTERHUB_METRICS_TOKEN", "")
if metrics_token:
    c.JupyterHub.services.append({"name": "metrics-collector", "api_token": metrics_token})
    c.JupyterHub.load_roles.append(
        {"name": "metrics-collector", "scopes": ["read:metrics"], "services": ["metrics-collector"]}
    )

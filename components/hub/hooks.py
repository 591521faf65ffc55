"""The lab pods' hooks: the callables JupyterHub, OAuthenticator and KubeSpawner call, wired in by
jupyterhub_config.py. Each is a thin wrapper over pure functions (no I/O, no JupyterHub import),
grouped by what they do, each module covered by its tests in test/hub/:

- lab_identity.py: GitHub identity as Unix identity (login, uid, private group, org groups);
- lab_github.py: the user's GitHub organizations, read at login and refresh (OAuthenticator hooks);
- lab_quota.py: the home's quota (spawn page, HOME_QUOTA_GIB, the terminals' notice);
- lab_pod.py: what a lab pod gets: passwd/group, volumes, init containers, security contexts;
- lab_menu.py: the menu (the program's profile_list), the check of a user's choice, the culler.

jupyterhub_config.py reaches the hooks, and the few lab_*.py names it wires in, as `hooks.<name>`.
The "lab" settings these functions read are validated as a whole at start-up (settings.py).

Stdlib only: the tests run without JupyterHub, KubeSpawner or tornado installed.
"""

# What this module uses, and (noqa F401) what jupyterhub_config.py, the tests' config probe and
# test/storageNfs.test.ts reach as `hooks.<name>`; the Python tests import each lab_*.py module.
from lab_github import GITHUB_ORGS_KEY, github_auth_state_hook, github_refresh_user_hook, http_error, parse_orgs  # noqa: F401
from lab_identity import IdentityError, identity_for
from lab_menu import culler_role, culler_service, default_choice, default_image, profile_list, user_options_problem  # noqa: F401
from lab_pod import HOME_INIT_MOUNT, HOME_SCRIPT, container_security_context, home_init_security_context, lab_pod_settings, pod_security_context, set_init_images  # noqa: F401


def make_profile_list(lab):
    """KubeSpawner `profile_list` as a callable: the spawn page is computed for the user who opens
    it (KubeSpawner calls it with the spawner, for the form and again for the submitted options)."""

    def profile_list_for(spawner):
        return profile_list(lab, spawner.user.name)

    return profile_list_for


def make_apply_user_options(lab):
    """Spawner `apply_user_options` (JupyterHub 5.3+, runs before each start): refuse what is not on
    the menu with HTTP 400 and the reason. KubeSpawner then applies the chosen profile options."""

    def apply_user_options(spawner, user_options):
        problem = user_options_problem(lab, user_options)
        if problem:
            raise http_error(400, f"Cannot start your lab: {problem}.", ValueError(problem))

    return apply_user_options


def make_auth_state_hook(lab):
    """KubeSpawner `auth_state_hook` (runs before each spawn): compute and apply the identity."""
    source = lab["identity"]
    image = default_image(lab)

    def auth_state_hook(spawner, auth_state):
        try:
            identity = identity_for(source, spawner.user.name, auth_state)
        except IdentityError as e:
            # Also runs when the spawn page renders: a 403 with the reason, not a bare 500.
            raise http_error(403, f"Cannot start your lab: {e}", e) from None
        spawner.lab_identity = identity
        for trait, value in lab_pod_settings(identity, lab, image).items():
            if trait == "environment":
                value = {**(spawner.environment or {}), **value}
            setattr(spawner, trait, value)

    return auth_state_hook


def _identity(spawner):
    identity = getattr(spawner, "lab_identity", None)
    if identity is None:
        raise IdentityError("the lab identity was not computed (auth_state_hook did not run): refusing to start")
    return identity


def spawner_uid(spawner):
    return _identity(spawner).uid


def spawner_gid(spawner):
    return _identity(spawner).gid


def spawner_supplemental_gids(spawner):
    return _identity(spawner).supplemental_gids


def spawner_container_security_context(spawner):
    return container_security_context(_identity(spawner))


def spawner_pod_security_context(spawner):
    return pod_security_context(_identity(spawner))


def modify_pod_hook(spawner, pod):
    return set_init_images(pod)

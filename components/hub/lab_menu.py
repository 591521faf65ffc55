"""The menu (KubeSpawner's profile_list, built by the program: settings.json "lab.profileList"),
the check of a user's choice, and the idle culler. Pure, stdlib only."""

import copy

from lab_quota import home_quota_text

#: The culler's role: exactly what jupyterhub-idle-culler needs to stop idle servers.
CULLER_NAME = "jupyterhub-idle-culler"
CULLER_SCOPES = ("list:users", "read:users:activity", "read:servers", "delete:servers")


def menu_option(lab, name):
    """The profile option `name` ("image" or "size") of the one profile: its choices, in menu order."""
    return lab["profileList"][0]["profile_options"][name]["choices"]


def default_choice(lab, name):
    """The `kubespawner_override` of the default choice of option `name` (the first default)."""
    choices = menu_option(lab, name)
    return next((c for c in choices.values() if c["default"]), next(iter(choices.values())))["kubespawner_override"]


def profile_list(lab, login=None):
    """KubeSpawner's profile_list: the program's (settings.json "lab.profileList", one profile with
    an image and a size option, defaults marked, nothing unlisted accepted), with the description
    of the user's own home quota appended given the user's `login` (where homes have quotas)."""
    profiles = copy.deepcopy(lab["profileList"])
    quota = login and home_quota_text(login, lab)
    if quota:
        profiles[0]["description"] = f"{profiles[0]['description']} {quota}"
    return profiles


def default_image(lab):
    return default_choice(lab, "image")["image"]


def default_size(lab):
    """The default size, in the keys jupyterhub_config.py reads for the spawner's own defaults."""
    o = default_choice(lab, "size")
    return {"cpuGuarantee": o["cpu_guarantee"], "cpuLimit": o["cpu_limit"], "memoryGuaranteeBytes": o["mem_guarantee"], "memoryLimitBytes": o["mem_limit"]}


#: The keys KubeSpawner's form parser gives `user_options` for the one profile (slug "lab").
USER_OPTION_KEYS = ("profile", "image", "size")


def user_options_problem(lab, user_options):
    """Why `user_options` (from the spawn form or the REST API) cannot start a lab, or None.

    Empty options mean the menu's defaults. Otherwise only the profile "lab" and an image and a
    size by their menu names; anything else, an unlisted choice included, is refused.
    """
    if not user_options:
        return None
    if not isinstance(user_options, dict):
        return "the options must be an object"
    unknown = sorted(str(k) for k in user_options if k not in USER_OPTION_KEYS)
    if unknown:
        return f"unknown option {_shown(unknown[0])} (allowed: {', '.join(USER_OPTION_KEYS)})"
    if user_options.get("profile") not in (None, "lab"):
        return f"profile {_shown(user_options['profile'])} is not on the menu (allowed: lab)"
    for key in ("image", "size"):
        names = list(menu_option(lab, key))
        value = user_options.get(key)
        if value is not None and value not in names:
            return f"{key} {_shown(value)} is not on the menu (choose one of: {', '.join(names)})"
    return None


def _shown(value, limit=80):
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def culler_service(lab, hub_api_url):
    """The idle culler as a hub-managed service (the hub starts it and gives it its token)."""
    culler = lab["culler"]
    command = [
        "python3",
        "-m",
        "jupyterhub_idle_culler",
        f"--url={hub_api_url}",
        f"--timeout={int(culler['timeoutSeconds'])}",
        f"--cull-every={int(culler['everySeconds'])}",
        f"--concurrency={int(culler['concurrency'])}",
    ]
    if int(culler["maxAgeSeconds"]) > 0:
        command.append(f"--max-age={int(culler['maxAgeSeconds'])}")
    return {"name": CULLER_NAME, "command": command}


def culler_role():
    return {"name": CULLER_NAME, "scopes": list(CULLER_SCOPES), "services": [CULLER_NAME]}


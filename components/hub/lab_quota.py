"""The home's quota (the rule of components/storage/quota.ts `quotaGiBFor`): for the spawn page,
the lab's HOME_QUOTA_GIB and the terminals' notice. Pure, stdlib only."""

import shlex

#: The lab's environment variable holding the home's quota in GiB (absent: the home has no quota).
HOME_QUOTA_ENV = "HOME_QUOTA_GIB"
#: The quota notice of terminals: a file of the lab-etc volume mounted into /etc/profile.d, which
#: the image's /etc/profile sources in login shells. Jupyter's terminals are login shells
#: (jupyter_server_terminals runs `$SHELL -l` when the server's stdout is not a TTY, as in a pod).
QUOTA_PROFILE_FILE = "home-quota.sh"
QUOTA_PROFILE_PATH = "/etc/profile.d/" + QUOTA_PROFILE_FILE


def home_quota_gib(login, lab):
    """The quota of `login`'s home in GiB, or None for none: the override if there is one, else
    none if the login is excluded, else the default. No `homeQuota` setting (a `local` stack,
    whose homes are not on XFS): None."""
    quota = lab.get("homeQuota")
    if quota is None:
        return None
    if login in quota["overridesGiB"]:
        return quota["overridesGiB"][login]
    if login in quota["excluded"]:
        return None
    return quota["defaultGiB"]


def home_quota_text(login, lab):
    """One sentence on the home's quota for the spawn page, or None where homes have no quotas.
    No braces, no markup: KubeSpawner's form and JupyterHub's page render it as a template."""
    if lab.get("homeQuota") is None:
        return None
    gib = home_quota_gib(login, lab)
    if gib is None:
        return "Your home: no quota."
    return f"Your home: {gib} GiB quota. In a terminal, du -sh ~ shows how much of it you use."


def quota_profile_script(home, gib, lab):
    """The /etc/profile.d script that tells a terminal's user the quota `gib` of the home at `home`
    (the user's home_quota_gib, computed once per spawn by the caller), or None where homes have no
    quotas. POSIX sh (login shells of any image source it); prints only when interactive."""
    if lab.get("homeQuota") is None:
        return None
    if gib is None:
        lines = [f"Your home {home} has no quota."]
    else:
        lines = [
            f"Your home {home} has a {gib} GiB quota; du -sh ~ shows your usage (df shows the whole shared disk, not your quota).",
            "When the quota is full, writes fail with: Disk quota exceeded. Delete files to free space.",
        ]
    body = "".join(f"    echo {shlex.quote(line)}\n" for line in lines)
    return f"case $- in\n  *i*)\n{body}    ;;\nesac\n"

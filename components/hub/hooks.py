"""The lab pods' hooks: GitHub identity as Unix identity, homes, the image and size menu, culling.

Two kinds of code live here:

- pure functions (no I/O, no JupyterHub import) that compute everything a lab pod needs from a
  user's identity and the "lab" settings: ids and group names, passwd/group lines, volumes, init
  containers, security contexts, the profile list, the culler service. test/hub/test_hooks.py
  covers each of them with recorded GitHub API responses;
- thin wrappers with the signatures JupyterHub, OAuthenticator and KubeSpawner call, at the end of
  the file. jupyterhub_config.py wires them in.

The identity model (docs/lab.md):

- login: the GitHub login, lowercased (JupyterHub lowercases usernames). It is the Unix user
  name, the home directory `/home/<login>` and the home's subPath on the homes claim, verbatim.
  A name that is not a lowercase GitHub login is refused, so no escaping rule is ever needed;
- uid: the GitHub user id; primary group: a private group named <login> with gid = uid;
- supplementary groups: the GitHub organizations the user belongs to, gid = the org's GitHub id,
  named by the org login made a valid Unix group name (`unix_group_name`).

Stdlib only: the tests run without JupyterHub, KubeSpawner or tornado installed.
"""

import asyncio
import contextvars
import hashlib
import json
import re
import shlex
import time
import urllib.error
import urllib.request

# ---------------------------------------------------------------------------------------------
# Constants (part of the contract: changing one changes users' homes or ids)
# ---------------------------------------------------------------------------------------------

#: Parent of every home directory inside a lab.
HOME_ROOT = "/home"

#: A lowercased GitHub login: alphanumerics and single inner hyphens, 1 to 39 characters. Safe as
#: a path component, a Unix user name and a KubeSpawner template value (no braces, dots, slashes).
LOGIN_RE = re.compile(r"^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){0,38}$")

#: A portable Unix group name (shadow-utils' default NAME_REGEX, at most 32 characters).
UNIX_GROUP_RE = re.compile(r"^[a-z_][a-z0-9_-]{0,31}$")

#: Ids must fit a signed 32-bit int and stay clear of root and of (uid_t)-1 / -2.
MIN_ID = 1
MAX_ID = 2**31 - 2

#: The lowest uid a lab may run as: the cluster's admission policy refuses lab pods below it
#: (LAB_MIN_UID in components/lab.ts; a test keeps the two equal), since ids below 1000 are the
#: images' system users. The first GitHub accounts have such ids: they get a clear refusal at
#: spawn instead of a pod the cluster rejects.
MIN_LAB_UID = 1000

#: Identity source "local" (the dummy authenticator, local stacks): uids in this range, derived
#: from the login; GitHub ids are far below it.
LOCAL_ID_BASE = 2_000_000_000
LOCAL_ID_SPAN = 100_000_000

#: Key of the organization list in the auth state: [{"login": str, "id": int}, ...].
GITHUB_ORGS_KEY = "github_orgs"
#: Key of the time (Unix seconds) that list was last read from GitHub.
GITHUB_ORGS_READ_AT_KEY = "github_orgs_read_at"
#: How long a stored org list stays usable when a refresh cannot read GitHub: a transient GitHub
#: outage neither logs users out nor breaks their labs' calls to the hub, yet someone removed from
#: an organization during an outage keeps its group for at most this long. Past it, fail closed.
ORG_REFRESH_GRACE_SECONDS = 3600
#: GitHub pages the org list (at most 100 per page); stop after this many pages.
GITHUB_PAGE_SIZE = 100
GITHUB_MAX_PAGES = 10
GITHUB_TIMEOUT_SECONDS = 10

#: Names of the volumes and init containers the hooks add to a lab pod.
HOME_VOLUME = "home"
ETC_VOLUME = "lab-etc"
ETC_MOUNT = "/lab-etc"
HOME_INIT = "lab-home"
PASSWD_INIT = "lab-passwd"
HOME_INIT_MOUNT = "/mnt/home"

#: The lab's environment variable holding the home's quota in GiB (absent: the home has no quota).
HOME_QUOTA_ENV = "HOME_QUOTA_GIB"
#: The quota notice of terminals: a file of the lab-etc volume mounted into /etc/profile.d, which
#: the image's /etc/profile sources in login shells. Jupyter's terminals are login shells
#: (jupyter_server_terminals runs `$SHELL -l` when the server's stdout is not a TTY, as in a pod).
QUOTA_PROFILE_FILE = "home-quota.sh"
QUOTA_PROFILE_PATH = "/etc/profile.d/" + QUOTA_PROFILE_FILE

#: The only capability the home init container keeps: chown of the new home to the user.
HOME_INIT_CAPABILITIES = ("CHOWN",)

#: Small, fixed resources of the init containers (they run for a second). A CPU limit too: a
#: shell script that mkdir/chowns one directory needs no more, and nothing in a lab pod is unbounded.
INIT_RESOURCES = {
    "requests": {"cpu": "50m", "memory": "32Mi"},
    "limits": {"cpu": "200m", "memory": "64Mi"},
}

#: The culler's role: exactly what jupyterhub-idle-culler needs to stop idle servers.
CULLER_NAME = "jupyterhub-idle-culler"
CULLER_SCOPES = ("list:users", "read:users:activity", "read:servers", "delete:servers")


class IdentityError(Exception):
    """A user's identity cannot be computed; the message is shown to the user."""


class GitHubAPIError(IdentityError):
    """The GitHub API did not give a usable answer."""


class LabSettingsError(RuntimeError):
    """The "lab" settings are malformed: the hub stops at startup with this message."""


# ---------------------------------------------------------------------------------------------
# Identity
# ---------------------------------------------------------------------------------------------


class Identity:
    """A lab user's Unix identity. `groups` are the supplementary groups, (name, gid) pairs."""

    __slots__ = ("login", "uid", "gid", "groups")

    def __init__(self, login, uid, gid, groups=()):
        self.login = login
        self.uid = uid
        self.gid = gid
        self.groups = tuple(groups)

    @property
    def home(self):
        return f"{HOME_ROOT}/{self.login}"

    @property
    def supplemental_gids(self):
        return [gid for _, gid in self.groups]

    def __eq__(self, other):
        return isinstance(other, Identity) and self.as_dict() == other.as_dict()

    def __repr__(self):
        return f"Identity({self.as_dict()!r})"

    def as_dict(self):
        return {
            "login": self.login,
            "uid": self.uid,
            "gid": self.gid,
            "groups": [list(g) for g in self.groups],
            "home": self.home,
        }


def lab_login(username):
    """The lab login of a JupyterHub username; refuses anything that is not a lowercase GitHub login."""
    if not isinstance(username, str) or not LOGIN_RE.match(username):
        raise IdentityError(
            f"username {username!r} cannot be a lab login: it must be a lowercase GitHub login "
            "(a-z, 0-9, single inner hyphens, at most 39 characters)"
        )
    return username


def checked_id(value, what):
    """An id usable as a uid or gid, or IdentityError."""
    if isinstance(value, bool) or not isinstance(value, int) or not MIN_ID <= value <= MAX_ID:
        raise IdentityError(f"{what} {value!r} is not usable as a Unix id (must be an integer in {MIN_ID}..{MAX_ID})")
    return value


def unix_group_name(org_login):
    """A valid Unix group name for a GitHub organization login.

    Lowercase; characters outside [a-z0-9_-] become "-"; a name that does not start with a
    letter or "_" gets a "g" prefix ("42-labs" -> "g42-labs"); a name longer than 32 characters
    keeps its first 23 and gets "-" and 8 hex digits of its sha256 (stable, collision-resistant).
    """
    lowered = str(org_login).lower()
    name = re.sub(r"[^a-z0-9_-]+", "-", lowered).strip("-")
    if not name or not (name[0].isalpha() or name[0] == "_"):
        name = "g" + name
    if len(name) > 32:
        digest = hashlib.sha256(lowered.encode("utf-8")).hexdigest()[:8]
        name = f"{name[:23].rstrip('-')}-{digest}"
    assert UNIX_GROUP_RE.match(name), name
    return name


def org_groups(orgs, login, uid):
    """Supplementary groups from an org list: (name, gid) pairs, sorted by gid, one per org.

    Orgs are sorted by id first, so on a name clash (two org logins mapping to one group name,
    or an org name equal to the user's own group) the older org keeps the name and the newer one
    is named "g<gid>". An org whose id equals the user's uid is skipped (GitHub ids are unique
    across users and orgs, so this only guards against a corrupt answer).
    """
    used = {login}
    seen_ids = {uid}
    groups = []
    for org in sorted(orgs, key=lambda o: o["id"]):
        gid = checked_id(org["id"], f"GitHub organization {org.get('login')!r} id")
        if gid in seen_ids:
            continue
        name = unix_group_name(org["login"])
        if name in used:
            name = f"g{gid}"
        used.add(name)
        seen_ids.add(gid)
        groups.append((name, gid))
    return tuple(groups)


def parse_orgs(value, where):
    """Validates an org list ([{"login": str, "id": int}, ...]) and keeps only those two keys."""
    if not isinstance(value, list):
        raise GitHubAPIError(f"{where}: expected a list of organizations, got {type(value).__name__}")
    orgs = []
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("login"), str) or isinstance(item.get("id"), bool) or not isinstance(item.get("id"), int):
            raise GitHubAPIError(f"{where}: an organization without a login and an integer id")
        orgs.append({"login": item["login"], "id": item["id"]})
    return orgs


def identity_from_github(username, auth_state):
    """The identity of a GitHub user from the hub's auth state.

    Needs `auth_state["github_user"]` (login and id, stored by GitHubOAuthenticator) and
    `auth_state["github_orgs"]` (stored at login by `github_auth_state_hook`). Anything missing
    or inconsistent raises IdentityError: better no lab than a lab with wrong ids.
    """
    login = lab_login(username)
    if not isinstance(auth_state, dict):
        raise IdentityError("no GitHub auth state is stored for this user: log out and log in again")
    user = auth_state.get("github_user")
    if not isinstance(user, dict):
        raise IdentityError("the stored auth state has no GitHub user record: log out and log in again")
    if str(user.get("login", "")).lower() != login:
        raise IdentityError(f"the stored GitHub user {user.get('login')!r} is not {login!r}: log out and log in again")
    uid = checked_id(user.get("id"), "GitHub user id")
    if uid < MIN_LAB_UID:
        raise IdentityError(
            f"GitHub user id {uid} is below {MIN_LAB_UID}: it would be a system user's uid in the lab image, "
            "so this platform cannot start a lab for this account"
        )
    if GITHUB_ORGS_KEY not in auth_state:
        raise IdentityError("the stored auth state has no organization list: log out and log in again")
    orgs = parse_orgs(auth_state[GITHUB_ORGS_KEY], "stored organization list")
    return Identity(login, uid, uid, org_groups(orgs, login, uid))


def local_id(login):
    """The uid of a login on stacks without GitHub: stable, in LOCAL_ID_BASE + [0, LOCAL_ID_SPAN)."""
    digest = hashlib.sha256(login.encode("utf-8")).hexdigest()
    return LOCAL_ID_BASE + int(digest[:12], 16) % LOCAL_ID_SPAN


def identity_local(username):
    """The identity of a user of the dummy authenticator (local stacks): no organizations."""
    login = lab_login(username)
    uid = local_id(login)
    return Identity(login, uid, uid, ())


def identity_for(source, username, auth_state):
    """The identity of `username` for the configured identity source ("github" or "local")."""
    if source == "github":
        return identity_from_github(username, auth_state)
    if source == "local":
        return identity_local(username)
    raise LabSettingsError(f"setting lab.identity must be github or local, got {source!r}")


# ---------------------------------------------------------------------------------------------
# GitHub organizations (read with the user's token at login)
# ---------------------------------------------------------------------------------------------


def org_page_url(api_url, page, page_size=GITHUB_PAGE_SIZE):
    return f"{api_url.rstrip('/')}/user/orgs?per_page={page_size}&page={page}"


async def fetch_github_orgs(fetch_page, api_url, page_size=GITHUB_PAGE_SIZE):
    """Every organization of the token's user, as [{"login", "id"}], following pages.

    `fetch_page(url)` is an async function returning the parsed JSON of one page (or raising
    GitHubAPIError). Pages are read until one holds fewer than `page_size` entries; more than
    GITHUB_MAX_PAGES pages is an error rather than a silently truncated group list.
    """
    orgs = []
    for page in range(1, GITHUB_MAX_PAGES + 1):
        url = org_page_url(api_url, page, page_size)
        items = parse_orgs(await fetch_page(url), f"GitHub API {url.split('?')[0]}")
        orgs.extend(items)
        if len(items) < page_size:
            return orgs
    raise GitHubAPIError(f"GitHub API: more than {GITHUB_MAX_PAGES * page_size} organizations")


def urllib_fetcher(token, timeout=GITHUB_TIMEOUT_SECONDS, opener=urllib.request.urlopen):
    """An async `fetch_page` for fetch_github_orgs: GET with the user's token, in a thread."""

    def get(url):
        request = urllib.request.Request(
            url,
            headers={
                "Accept": "application/vnd.github+json",
                "Authorization": f"Bearer {token}",
                "User-Agent": "jupyterlabdemo-hub",
                "X-GitHub-Api-Version": "2022-11-28",
            },
        )
        try:
            with opener(request, timeout=timeout) as response:
                body = response.read()
        except urllib.error.HTTPError as e:
            raise GitHubAPIError(f"GitHub API {url.split('?')[0]} answered HTTP {e.code}") from None
        except (urllib.error.URLError, OSError) as e:
            raise GitHubAPIError(f"GitHub API {url.split('?')[0]} unreachable: {e}") from None
        try:
            return json.loads(body)
        except ValueError:
            raise GitHubAPIError(f"GitHub API {url.split('?')[0]} answered with invalid JSON") from None

    async def fetch_page(url):
        return await asyncio.to_thread(get, url)

    return fetch_page


async def add_github_orgs(auth_state, fetch_page, api_url):
    """The auth state with its org list (re)read from GitHub; raises GitHubAPIError on failure."""
    if not isinstance(auth_state, dict) or not auth_state.get("access_token"):
        raise GitHubAPIError("GitHub login gave no access token")
    orgs = await fetch_github_orgs(fetch_page, api_url)
    return {**auth_state, GITHUB_ORGS_KEY: orgs}


# ---------------------------------------------------------------------------------------------
# The home's quota (the rule of components/storage/quota.ts `quotaGiBFor`)
# ---------------------------------------------------------------------------------------------


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


def quota_profile_script(login, lab):
    """The /etc/profile.d script that tells a terminal's user the home's quota, or None where homes
    have no quotas. POSIX sh (login shells of any image source it); prints only when interactive."""
    if lab.get("homeQuota") is None:
        return None
    home = f"{HOME_ROOT}/{login}"
    gib = home_quota_gib(login, lab)
    if gib is None:
        lines = [f"Your home {home} has no quota."]
    else:
        lines = [
            f"Your home {home} has a {gib} GiB quota; du -sh ~ shows your usage (df shows the whole shared disk, not your quota).",
            "When the quota is full, writes fail with: Disk quota exceeded. Delete files to free space.",
        ]
    body = "".join(f"    echo {shlex.quote(line)}\n" for line in lines)
    return f"case $- in\n  *i*)\n{body}    ;;\nesac\n"


# ---------------------------------------------------------------------------------------------
# What a lab pod gets: passwd/group entries, volumes, init containers, security contexts
# ---------------------------------------------------------------------------------------------


def passwd_line(identity, shell="/bin/bash"):
    return f"{identity.login}:x:{identity.uid}:{identity.gid}:{identity.login}:{identity.home}:{shell}"


def group_lines(identity):
    """/etc/group lines: the private group, then one per organization (the user as member)."""
    lines = [f"{identity.login}:x:{identity.gid}:"]
    lines += [f"{name}:x:{gid}:{identity.login}" for name, gid in identity.groups]
    return lines


# The passwd init container: keeps the image's own entries except those clashing with the user's
# names or ids, and appends the user's. No braces anywhere: KubeSpawner formats init container
# strings with str.format. Data comes in through environment variables, never the script text.
PASSWD_SCRIPT = "\n".join(
    [
        "set -eu",
        "shell=/bin/sh",
        "if [ -x /bin/bash ]; then shell=/bin/bash; fi",
        "awk -F: -v n=\"$LAB_USER\" -v i=\"$LAB_UID\" '$1 != n && $3 != i' /etc/passwd > " + ETC_MOUNT + "/passwd",
        "printf '%s:x:%s:%s:%s:%s:%s\\n' \"$LAB_USER\" \"$LAB_UID\" \"$LAB_GID\" \"$LAB_USER\" \"$LAB_HOME\" \"$shell\" >> "
        + ETC_MOUNT
        + "/passwd",
        "awk -F: -v n=\"$LAB_GROUP_NAMES\" -v i=\"$LAB_GROUP_IDS\" "
        "'index(n, \",\" $1 \",\") == 0 && index(i, \",\" $3 \",\") == 0' /etc/group > " + ETC_MOUNT + "/group",
        "printf '%s\\n' \"$LAB_GROUP_LINES\" >> " + ETC_MOUNT + "/group",
    ]
)

# The home init container: a home the kubelet just created is root's (0755): make it the user's,
# 0700. A home that belongs to another uid is refused, never handed over: GitHub logins can be
# renamed and then registered by someone else, and the new owner of a login must not inherit the
# old owner's files (an admin moves the directory). Needs CAP_CHOWN only (chmod runs while root
# still owns the directory). No braces: KubeSpawner formats init container strings.
HOME_SCRIPT = "\n".join(
    [
        "set -eu",
        "owner=$(stat -c %u " + HOME_INIT_MOUNT + ")",
        "if [ \"$owner\" = 0 ]; then chmod 0700 " + HOME_INIT_MOUNT + "; chown \"$LAB_UID:$LAB_GID\" " + HOME_INIT_MOUNT + "; exit 0; fi",
        "if [ \"$owner\" != \"$LAB_UID\" ]; then",
        "  echo \"refusing to start: this home belongs to uid $owner, not to uid $LAB_UID (a GitHub login renamed and "
        "taken by someone else?); an admin must move the old directory away\" >&2",
        "  exit 1",
        "fi",
        "chown \"$LAB_UID:$LAB_GID\" " + HOME_INIT_MOUNT,
    ]
)

SECCOMP = {"type": "RuntimeDefault"}


def container_security_context(identity):
    """The lab container's (and passwd init container's) security context: the user, no privileges."""
    return {
        "runAsUser": identity.uid,
        "runAsGroup": identity.gid,
        "runAsNonRoot": True,
        "allowPrivilegeEscalation": False,
        "privileged": False,
        "capabilities": {"drop": ["ALL"]},
        "seccompProfile": dict(SECCOMP),
    }


def pod_security_context(identity):
    """The lab pod's security context: the user's ids and org groups for every container."""
    return {
        "runAsUser": identity.uid,
        "runAsGroup": identity.gid,
        "runAsNonRoot": True,
        "fsGroup": identity.gid,
        "supplementalGroups": identity.supplemental_gids,
        "seccompProfile": dict(SECCOMP),
    }


def home_init_security_context():
    """Root, but only CAP_CHOWN, no escalation, read-only root filesystem."""
    return {
        "runAsUser": 0,
        "runAsGroup": 0,
        "runAsNonRoot": False,
        "allowPrivilegeEscalation": False,
        "privileged": False,
        "readOnlyRootFilesystem": True,
        "capabilities": {"drop": ["ALL"], "add": list(HOME_INIT_CAPABILITIES)},
        "seccompProfile": dict(SECCOMP),
    }


#: The passwd init container's extra line where homes have quotas: the terminal's quota notice.
QUOTA_PROFILE_WRITE = "printf '%s' \"$LAB_QUOTA_PROFILE\" > " + ETC_MOUNT + "/" + QUOTA_PROFILE_FILE


def init_containers(identity, image, quota_profile=None):
    """The two init containers, in order: make the home the user's, then write passwd/group (and,
    given `quota_profile`, the terminal's quota notice)."""
    names = [identity.login] + [name for name, _ in identity.groups]
    ids = [identity.gid] + identity.supplemental_gids
    home = {
        "name": HOME_INIT,
        "image": image,
        "command": ["/bin/sh", "-c", HOME_SCRIPT],
        "env": [
            {"name": "LAB_UID", "value": str(identity.uid)},
            {"name": "LAB_GID", "value": str(identity.gid)},
        ],
        "volumeMounts": [{"name": HOME_VOLUME, "mountPath": HOME_INIT_MOUNT, "subPath": identity.login}],
        "securityContext": home_init_security_context(),
        "resources": json.loads(json.dumps(INIT_RESOURCES)),
    }
    passwd = {
        "name": PASSWD_INIT,
        "image": image,
        "command": ["/bin/sh", "-c", PASSWD_SCRIPT],
        "env": [
            {"name": "LAB_USER", "value": identity.login},
            {"name": "LAB_UID", "value": str(identity.uid)},
            {"name": "LAB_GID", "value": str(identity.gid)},
            {"name": "LAB_HOME", "value": identity.home},
            {"name": "LAB_GROUP_NAMES", "value": "," + ",".join(names) + ","},
            {"name": "LAB_GROUP_IDS", "value": "," + ",".join(str(i) for i in ids) + ","},
            {"name": "LAB_GROUP_LINES", "value": "\n".join(group_lines(identity))},
        ],
        "volumeMounts": [{"name": ETC_VOLUME, "mountPath": ETC_MOUNT}],
        "securityContext": {**container_security_context(identity), "readOnlyRootFilesystem": True},
        "resources": json.loads(json.dumps(INIT_RESOURCES)),
    }
    if quota_profile is not None:
        passwd["command"] = ["/bin/sh", "-c", PASSWD_SCRIPT + "\n" + QUOTA_PROFILE_WRITE]
        passwd["env"].append({"name": "LAB_QUOTA_PROFILE", "value": quota_profile})
    return [home, passwd]


def lab_pod_settings(identity, lab, image):
    """KubeSpawner trait values for one user's lab: volumes, mounts, init containers, env.

    The ids and security contexts come from the `spawner_*` callables below. `image` is the
    default image; `set_init_images` swaps in the chosen one once KubeSpawner has applied the
    menu choice.
    """
    quota_profile = quota_profile_script(identity.login, lab)
    quota_gib = home_quota_gib(identity.login, lab)
    mounts = [
        {"name": HOME_VOLUME, "mountPath": identity.home, "subPath": identity.login},
        {"name": ETC_VOLUME, "mountPath": "/etc/passwd", "subPath": "passwd", "readOnly": True},
        {"name": ETC_VOLUME, "mountPath": "/etc/group", "subPath": "group", "readOnly": True},
    ]
    if quota_profile is not None:
        mounts.append({"name": ETC_VOLUME, "mountPath": QUOTA_PROFILE_PATH, "subPath": QUOTA_PROFILE_FILE, "readOnly": True})
    environment = {"HOME": identity.home, "USER": identity.login, "LOGNAME": identity.login}
    if quota_gib is not None:
        environment[HOME_QUOTA_ENV] = str(quota_gib)
    return {
        "working_dir": identity.home,
        "volumes": [
            {"name": HOME_VOLUME, "persistentVolumeClaim": {"claimName": lab["homesClaimName"]}},
            {"name": ETC_VOLUME, "emptyDir": {"medium": "Memory", "sizeLimit": "1Mi"}},
        ],
        "volume_mounts": mounts,
        "init_containers": init_containers(identity, image, quota_profile),
        "environment": environment,
    }


# ---------------------------------------------------------------------------------------------
# The menu and the culler
# ---------------------------------------------------------------------------------------------


def _default_first(items):
    return [i for i in items if i.get("default")] + [i for i in items if not i.get("default")]


def profile_list(lab, login=None):
    """KubeSpawner's profile_list: one profile, an image option and a size option.

    Choices keep the configured order; the configured default of each is marked; no unlisted
    choice is accepted, so a user cannot submit an image that is not on the list. Given the
    user's `login`, the description also states the home's quota (where homes have quotas).
    """
    images = {
        i["name"]: {
            "display_name": i["displayName"],
            "default": bool(i.get("default")),
            # An image that does not start with jupyterhub-singleuser names its own command.
            "kubespawner_override": {"image": i["image"], **({"cmd": list(i["command"])} if i.get("command") else {})},
        }
        for i in lab["images"]
    }
    sizes = {
        s["name"]: {
            "display_name": s["displayName"],
            "default": bool(s.get("default")),
            "kubespawner_override": {
                "cpu_guarantee": s["cpuGuarantee"],
                "cpu_limit": s["cpuLimit"],
                "mem_guarantee": s["memoryGuaranteeBytes"],
                "mem_limit": s["memoryLimitBytes"],
            },
        }
        for s in lab["sizes"]
    }
    return [
        {
            "display_name": "JupyterLab",
            "slug": "lab",
            "description": " ".join(t for t in ("Choose an image and a size.", login and home_quota_text(login, lab)) if t),
            "default": True,
            "profile_options": {
                "image": {"display_name": "Image", "choices": images, "unlisted_choice": {"enabled": False}},
                "size": {"display_name": "Size", "choices": sizes, "unlisted_choice": {"enabled": False}},
            },
        }
    ]


def make_profile_list(lab):
    """KubeSpawner `profile_list` as a callable: the spawn page is computed for the user who opens
    it (KubeSpawner calls it with the spawner, for the form and again for the submitted options)."""

    def profile_list_for(spawner):
        return profile_list(lab, spawner.user.name)

    return profile_list_for


def default_image(lab):
    return _default_first(lab["images"])[0]["image"]


def default_size(lab):
    return _default_first(lab["sizes"])[0]


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
    for key, items in (("image", lab["images"]), ("size", lab["sizes"])):
        names = [i["name"] for i in items]
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
        f"--concurrency={int(culler.get('concurrency', 10))}",
    ]
    if int(culler.get("maxAgeSeconds", 0)) > 0:
        command.append(f"--max-age={int(culler['maxAgeSeconds'])}")
    return {"name": CULLER_NAME, "command": command}


def culler_role():
    return {"name": CULLER_NAME, "scopes": list(CULLER_SCOPES), "services": [CULLER_NAME]}


def validate_lab_settings(lab):
    """Stops the hub with one line if the "lab" settings lack what the hooks need."""
    if not isinstance(lab, dict):
        raise LabSettingsError("setting lab must be an object")
    required = ["identity", "homesClaimName", "images", "sizes", "culler", "podLabels", "podAnnotations", "startTimeoutSeconds", "httpTimeoutSeconds"]
    for key in required:
        if key not in lab:
            raise LabSettingsError(f"setting lab.{key} is required")
    for menu, keys in (
        ("images", ("name", "displayName", "image")),
        ("sizes", ("name", "displayName", "cpuGuarantee", "cpuLimit", "memoryGuaranteeBytes", "memoryLimitBytes")),
    ):
        items = lab[menu]
        if not isinstance(items, list) or not items:
            raise LabSettingsError(f"setting lab.{menu} must be a non-empty list")
        for n, item in enumerate(items):
            for key in keys:
                if key not in item:
                    raise LabSettingsError(f"setting lab.{menu}[{n}].{key} is required")
        if sum(1 for i in items if i.get("default")) != 1:
            raise LabSettingsError(f"setting lab.{menu} must mark exactly one entry default")
    if lab["identity"] not in ("github", "local"):
        raise LabSettingsError(f"setting lab.identity must be github or local, got {lab['identity']!r}")
    if "homeQuota" in lab:
        quota = lab["homeQuota"]
        gib = lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 1  # noqa: E731
        if (
            not isinstance(quota, dict)
            or not gib(quota.get("defaultGiB"))
            or not isinstance(quota.get("overridesGiB"), dict)
            or not all(gib(v) for v in quota["overridesGiB"].values())
            or not isinstance(quota.get("excluded"), list)
        ):
            raise LabSettingsError(
                "setting lab.homeQuota must be {defaultGiB: whole GiB >= 1, overridesGiB: {login: whole GiB >= 1}, excluded: [login]}"
            )
    return lab


# ---------------------------------------------------------------------------------------------
# Thin wrappers: the signatures JupyterHub, OAuthenticator and KubeSpawner call
# ---------------------------------------------------------------------------------------------


def _http_error(status, message, fallback):
    """An HTTP error whose `message` the hub's error page shows (no `reason`: the page would show
    that instead); `fallback` where tornado is absent (the unit tests)."""
    try:
        from tornado.web import HTTPError
    except ImportError:
        return fallback
    return HTTPError(status, message.replace("%", "%%"))


def _login_failure(message):
    """The exception that fails a login with `message` on the hub's error page."""
    return _http_error(502, message, GitHubAPIError(message))


#: The auth state stored before the refresh that is running (set by `github_refresh_user_hook`,
#: read by `github_auth_state_hook` in the same task). Unset during a fresh login.
_stored_auth_state = contextvars.ContextVar("stored_auth_state", default=None)


def last_known_orgs(stored, current, now, grace=ORG_REFRESH_GRACE_SECONDS):
    """The stored org list and its read time, if a failed refresh may keep using them; else None.

    Only for the same GitHub user, only a list that was read from GitHub, and only while it was
    read at most `grace` seconds ago (repeated failures never extend the grace).
    """
    if not isinstance(stored, dict) or not isinstance(current, dict):
        return None
    read_at = stored.get(GITHUB_ORGS_READ_AT_KEY)
    stored_user = stored.get("github_user") or {}
    current_user = current.get("github_user") or {}
    if not isinstance(read_at, (int, float)) or isinstance(read_at, bool) or GITHUB_ORGS_KEY not in stored:
        return None
    if not isinstance(stored_user, dict) or stored_user.get("id") is None or stored_user.get("id") != (current_user or {}).get("id"):
        return None
    if not 0 <= now - read_at <= grace:
        return None
    return parse_orgs(stored[GITHUB_ORGS_KEY], "stored organization list"), read_at


def github_refresh_user_hook(authenticator, user, auth_state):
    """OAuthenticator `refresh_user_hook`: remember the stored auth state for the org hook, then let
    the default refresh run (None)."""
    _stored_auth_state.set(auth_state)
    return None


async def github_auth_state_hook(authenticator, auth_state, fetcher=urllib_fetcher, now=time.time, stored=None):
    """OAuthenticator `modify_auth_state_hook`: store the user's GitHub organizations.

    Runs on every login and every auth refresh (before each spawn, and every `auth_refresh_age`),
    so the list is re-read each time. When GitHub cannot be read:
    - at login: the login fails with a clear message (no lab without its groups);
    - at a refresh: the last list read from GitHub is kept if it was read at most
      ORG_REFRESH_GRACE_SECONDS ago (a warning is logged); past that the refresh fails closed
      with the same message, until GitHub answers again.
    """
    api_url = getattr(authenticator, "github_api", None) or "https://api.github.com"
    token = (auth_state or {}).get("access_token")
    log = getattr(authenticator, "log", None)
    try:
        state = await add_github_orgs(auth_state, fetcher(token), api_url)
        state[GITHUB_ORGS_READ_AT_KEY] = int(now())
        return state
    except GitHubAPIError as e:
        kept = last_known_orgs(stored if stored is not None else _stored_auth_state.get(), auth_state, now())
        if kept is not None:
            orgs, read_at = kept
            if log is not None:
                log.warning("keeping the organizations read at %s (within the %ss grace): cannot read GitHub organizations: %s", int(read_at), ORG_REFRESH_GRACE_SECONDS, e)
            return {**auth_state, GITHUB_ORGS_KEY: orgs, GITHUB_ORGS_READ_AT_KEY: read_at}
        if log is not None:
            log.error("login refused: cannot read GitHub organizations: %s", e)
        raise _login_failure(f"Cannot read your GitHub organizations ({e}); please try again later.") from None


def make_apply_user_options(lab):
    """Spawner `apply_user_options` (JupyterHub 5.3+, runs before each start): refuse what is not on
    the menu with HTTP 400 and the reason. KubeSpawner then applies the chosen profile options."""

    def apply_user_options(spawner, user_options):
        problem = user_options_problem(lab, user_options)
        if problem:
            raise _http_error(400, f"Cannot start your lab: {problem}.", ValueError(problem))

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
            raise _http_error(403, f"Cannot start your lab: {e}", e) from None
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


def set_init_images(pod):
    """KubeSpawner `modify_pod_hook` body: the init containers run the chosen lab image.

    They need the image's /etc/passwd and tools; using the lab image also means nothing extra
    to pull. Works on kubernetes_asyncio V1Pod objects (attributes) and on plain dicts (tests).
    """

    def get(obj, key):
        return obj.get(key) if isinstance(obj, dict) else getattr(obj, key)

    def put(obj, key, value):
        if isinstance(obj, dict):
            obj[key] = value
        else:
            setattr(obj, key, value)

    spec = get(pod, "spec")
    lab_image = get(get(spec, "containers")[0], "image")
    for container in get(spec, "init_containers") or []:
        if get(container, "name") in (HOME_INIT, PASSWD_INIT):
            put(container, "image", lab_image)
    return pod


def modify_pod_hook(spawner, pod):
    return set_init_images(pod)

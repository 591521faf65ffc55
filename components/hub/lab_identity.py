"""A lab user's Unix identity: GitHub identity as uid, private group and org groups.

The identity model (docs/lab.md):

- login: the GitHub login, lowercased (JupyterHub lowercases usernames). It is the Unix user
  name, the home directory `/home/<login>` and the home's subPath on the homes claim, verbatim.
  A name that is not a lowercase GitHub login is refused, so no escaping rule is ever needed;
- uid: the GitHub user id; primary group: a private group named <login> with gid = uid;
- supplementary groups: the GitHub organizations the user belongs to, gid = the org's GitHub id,
  named by the org login made a valid Unix group name (`unix_group_name`).

Pure functions, stdlib only (constants here are part of the contract: changing one changes
users' homes or ids).
"""

import hashlib
import re

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


class IdentityError(Exception):
    """A user's identity cannot be computed; the message is shown to the user."""


class GitHubAPIError(IdentityError):
    """The GitHub API did not give a usable answer."""


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
    """The identity of `username` for the identity source ("github" or "local"; settings.json's
    schema allows nothing else)."""
    if source == "github":
        return identity_from_github(username, auth_state)
    if source == "local":
        return identity_local(username)
    raise ValueError(f"unknown identity source {source!r}")

"""GitHub organizations: read with the user's token at login and on every refresh, kept in the
encrypted auth state, with a bounded grace when GitHub cannot be read. Holds OAuthenticator's
`modify_auth_state_hook` and `refresh_user_hook`.

Stdlib only (tornado's HTTPError where it is installed).
"""

import asyncio
import contextvars
import json
import time
import urllib.error
import urllib.request

from lab_identity import GITHUB_ORGS_KEY, GitHubAPIError, parse_orgs

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



def http_error(status, message, fallback):
    """An HTTP error whose `message` the hub's error page shows (no `reason`: the page would show
    that instead); `fallback` where tornado is absent (the unit tests)."""
    try:
        from tornado.web import HTTPError
    except ImportError:
        return fallback
    return HTTPError(status, message.replace("%", "%%"))


def _login_failure(message):
    """The exception that fails a login with `message` on the hub's error page."""
    return http_error(502, message, GitHubAPIError(message))


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


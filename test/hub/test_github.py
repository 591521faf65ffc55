"""GitHub organizations (lab_github.py): paging, errors, the auth-state hook and the refresh grace."""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from hooklib import Authenticator, FakeGitHub, auth_state, fetcher_for, fixture, run  # noqa: E402
import lab_github  # noqa: E402
import lab_identity  # noqa: E402


class GitHubOrgsTest(unittest.TestCase):
    def test_no_orgs(self):
        github = FakeGitHub(pages={1: fixture("user_orgs_none.json")})
        state = run(lab_github.github_auth_state_hook(Authenticator(), auth_state(None), fetcher_for(github)))
        self.assertEqual(state[lab_identity.GITHUB_ORGS_KEY], [])
        self.assertEqual(len(github.requests), 1)
        request = github.requests[0]
        self.assertEqual(request.full_url, "https://api.github.com/user/orgs?per_page=100&page=1")
        self.assertEqual(request.get_header("Authorization"), "Bearer gho_test")

    def test_orgs_are_kept_as_login_and_id_and_the_rest_of_the_state_is_untouched(self):
        github = FakeGitHub(pages={1: fixture("user_orgs_page1.json")})
        before = auth_state(None)
        state = run(lab_github.github_auth_state_hook(Authenticator(), before, fetcher_for(github)))
        self.assertEqual(state[lab_identity.GITHUB_ORGS_KEY], [
            {"login": "jupyterlabdemo", "id": 77123456},
            {"login": "lsst-sqre", "id": 5637302},
            {"login": "astro-data-lab", "id": 41000001},
        ])
        self.assertEqual({k: v for k, v in state.items() if k not in (lab_identity.GITHUB_ORGS_KEY, lab_github.GITHUB_ORGS_READ_AT_KEY)}, before)

    def test_refresh_replaces_a_stale_list(self):
        github = FakeGitHub(pages={1: fixture("user_orgs_none.json")})
        stale = auth_state(fixture("user_orgs_page1.json"))
        state = run(lab_github.github_auth_state_hook(Authenticator(), stale, fetcher_for(github)))
        self.assertEqual(state[lab_identity.GITHUB_ORGS_KEY], [])

    def test_many_orgs_follow_pages(self):
        github = FakeGitHub(pages={1: fixture("user_orgs_page1.json"), 2: fixture("user_orgs_page2.json")})
        orgs = run(lab_github.fetch_github_orgs(lab_github.urllib_fetcher("t", opener=github), "https://api.github.com", page_size=3))
        self.assertEqual([o["login"] for o in orgs], [
            "jupyterlabdemo", "lsst-sqre", "astro-data-lab", "Rubin-Observatory-Science-Collaborations",
        ])
        self.assertEqual([r.full_url.rsplit("page=", 1)[1] for r in github.requests], ["1", "2"])

    def test_endless_pages_are_an_error_not_a_truncated_list(self):
        github = FakeGitHub(pages={n: fixture("user_orgs_page1.json") for n in range(1, 50)})
        with self.assertRaises(lab_identity.GitHubAPIError):
            run(lab_github.fetch_github_orgs(lab_github.urllib_fetcher("t", opener=github), "https://api.github.com", page_size=3))

    def test_enterprise_api_url_is_used(self):
        github = FakeGitHub(pages={1: []})
        run(lab_github.github_auth_state_hook(Authenticator("https://ghe.example.org/api/v3"), auth_state(None), fetcher_for(github)))
        self.assertTrue(github.requests[0].full_url.startswith("https://ghe.example.org/api/v3/user/orgs?"))

    def test_api_errors_fail_the_login_with_a_clear_message(self):
        cases = {
            "HTTP 401": FakeGitHub(status=401, error_body=fixture("error_bad_credentials.json")),
            "HTTP 503": FakeGitHub(status=503),
            "unreachable": FakeGitHub(unreachable=True),
            "not JSON": FakeGitHub(raw=b"<html>"),
            "not a list": FakeGitHub(pages={1: fixture("error_bad_credentials.json")}),
        }
        for what, github in cases.items():
            authenticator = Authenticator()
            with self.assertRaises(Exception, msg=what) as caught:
                run(lab_github.github_auth_state_hook(authenticator, auth_state(None), fetcher_for(github)))
            message = str(caught.exception)
            self.assertIn("Cannot read your GitHub organizations", message, what)
            self.assertNotIn("gho_test", message, "the token never appears in messages")
            self.assertEqual(len(authenticator.log.errors), 1, what)

    def test_a_login_without_token_fails(self):
        with self.assertRaises(Exception):
            run(lab_github.github_auth_state_hook(Authenticator(), {"github_user": {}}, fetcher_for(FakeGitHub())))


class OrgRefreshGraceTest(unittest.TestCase):
    """A refresh that cannot read GitHub keeps the stored orgs for a bounded grace, then fails closed."""

    def stored(self, read_at):
        state = auth_state(fixture("user_orgs_page1.json"))
        state[lab_github.GITHUB_ORGS_READ_AT_KEY] = read_at
        return state

    def refresh(self, stored, now, github=None):
        authenticator = Authenticator()
        github = github or FakeGitHub(status=502)
        state = run(lab_github.github_auth_state_hook(authenticator, auth_state(None), fetcher_for(github), now=lambda: now, stored=stored))
        return state, authenticator

    def test_a_successful_read_records_its_time(self):
        state, _ = self.refresh(None, 1_000_000, FakeGitHub(pages={1: fixture("user_orgs_none.json")}))
        self.assertEqual(state[lab_github.GITHUB_ORGS_READ_AT_KEY], 1_000_000)
        self.assertEqual(state[lab_identity.GITHUB_ORGS_KEY], [])

    def test_within_grace_the_stored_orgs_are_kept_with_a_warning(self):
        stored = self.stored(1_000_000)
        state, authenticator = self.refresh(stored, 1_000_000 + lab_github.ORG_REFRESH_GRACE_SECONDS)
        self.assertEqual(state[lab_identity.GITHUB_ORGS_KEY], stored[lab_identity.GITHUB_ORGS_KEY])
        # The grace counts from the last successful read: failures never extend it.
        self.assertEqual(state[lab_github.GITHUB_ORGS_READ_AT_KEY], 1_000_000)
        self.assertEqual(len(authenticator.log.warnings), 1)
        self.assertIn("keeping the organizations read at 1000000", authenticator.log.warnings[0])

    def test_past_grace_the_refresh_fails_closed(self):
        with self.assertRaises(Exception) as caught:
            self.refresh(self.stored(1_000_000), 1_000_000 + lab_github.ORG_REFRESH_GRACE_SECONDS + 1)
        self.assertIn("Cannot read your GitHub organizations", str(caught.exception))

    def test_no_grace_at_login_or_for_another_user_or_an_unread_list(self):
        other = self.stored(1_000_000)
        other["github_user"] = {**other["github_user"], "id": 1}
        unread = self.stored(1_000_000)
        del unread[lab_github.GITHUB_ORGS_READ_AT_KEY]
        for what, stored in (("login", None), ("other user", other), ("never read", unread)):
            with self.assertRaises(Exception, msg=what):
                self.refresh(stored, 1_000_010)

    def test_the_refresh_hook_hands_the_stored_state_to_the_org_hook(self):
        stored = self.stored(1_000_000)

        async def refresh():
            self.assertIsNone(lab_github.github_refresh_user_hook(Authenticator(), None, stored))
            return await lab_github.github_auth_state_hook(Authenticator(), auth_state(None), fetcher_for(FakeGitHub(status=502)), now=lambda: 1_000_100)

        state = run(refresh())
        self.assertEqual(state[lab_identity.GITHUB_ORGS_KEY], stored[lab_identity.GITHUB_ORGS_KEY])



if __name__ == "__main__":
    unittest.main()

"""Identity (lab_identity.py): logins, Unix group names, uid/gid/groups from GitHub or local logins."""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from hooklib import auth_state, fixture  # noqa: E402
import lab_identity  # noqa: E402


class LoginTest(unittest.TestCase):
    def test_lowercase_github_logins_are_lab_logins(self):
        for login in ["jane-doe", "a", "4dn", "x" * 39, "a-b-c"]:
            self.assertEqual(lab_identity.lab_login(login), login)

    def test_anything_else_is_refused(self):
        for bad in ["Jane-Doe", "", "-a", "a-", "a--b", "x" * 40, "a.b", "a/b", "..", "a{b}", "a b", None, 42]:
            with self.assertRaises(lab_identity.IdentityError, msg=repr(bad)):
                lab_identity.lab_login(bad)


class UnixGroupNameTest(unittest.TestCase):
    def test_valid_names_are_kept_lowercased(self):
        self.assertEqual(lab_identity.unix_group_name("lsst-sqre"), "lsst-sqre")
        self.assertEqual(lab_identity.unix_group_name("Data-Science-Group"), "data-science-group")

    def test_leading_digit_gets_a_prefix(self):
        self.assertEqual(lab_identity.unix_group_name("42-Labs"), "g42-labs")

    def test_long_names_are_truncated_with_a_stable_hash(self):
        name = lab_identity.unix_group_name("an-organization-name-of-39-characters-x")
        self.assertEqual(len(name), 32)
        self.assertTrue(name.startswith("an-organization-name-of-"[:23]))
        self.assertRegex(name, r"-[0-9a-f]{8}$")
        self.assertEqual(name, lab_identity.unix_group_name("AN-organization-name-of-39-characters-x"))
        self.assertNotEqual(name, lab_identity.unix_group_name("an-organization-name-of-39-characters-y"))

    def test_every_result_is_a_valid_group_name(self):
        for raw in ["a", "Z", "9", "-", "", "a_b", "é-org", "x" * 39, "1" * 39, "a.b.c"]:
            self.assertRegex(lab_identity.unix_group_name(raw), lab_identity.UNIX_GROUP_RE)


class IdentityTest(unittest.TestCase):
    def test_user_without_orgs(self):
        identity = lab_identity.identity_from_github("jane-doe", auth_state(fixture("user_orgs_none.json")))
        self.assertEqual(identity.as_dict(), {
            "login": "jane-doe", "uid": 58374121, "gid": 58374121, "groups": [], "home": "/home/jane-doe",
        })

    def test_user_with_many_orgs_gets_one_group_each_named_by_org_login(self):
        orgs = fixture("user_orgs_page1.json") + fixture("user_orgs_page2.json")
        identity = lab_identity.identity_from_github("jane-doe", auth_state(orgs))
        self.assertEqual(identity.uid, 58374121)
        self.assertEqual(identity.gid, identity.uid)
        self.assertEqual(list(identity.groups), [
            ("lsst-sqre", 5637302),
            ("astro-data-lab", 41000001),
            ("jupyterlabdemo", 77123456),
            (lab_identity.unix_group_name("Rubin-Observatory-Science-Collaborations"), 90000002),
        ])
        self.assertEqual(identity.supplemental_gids, [5637302, 41000001, 77123456, 90000002])

    def test_org_names_that_are_not_unix_group_names(self):
        identity = lab_identity.identity_from_github("jane-doe", auth_state(fixture("user_orgs_odd_names.json")))
        groups = dict((gid, name) for name, gid in identity.groups)
        self.assertEqual(groups[60000001], "g42-labs")  # older org keeps the name
        self.assertEqual(groups[60000002], "data-science-group")
        self.assertEqual(len(groups[60000003]), 32)
        self.assertEqual(groups[60000004], "g60000004")  # "g42-labs" was taken
        self.assertEqual(groups[60000005], "jane-doe-lab")
        names = [name for name, _ in identity.groups] + [identity.login]
        self.assertEqual(len(names), len(set(names)), "group names are unique")
        for name, _ in identity.groups:
            self.assertRegex(name, lab_identity.UNIX_GROUP_RE)

    def test_missing_or_inconsistent_auth_state_refuses_the_spawn(self):
        cases = {
            "no auth state": None,
            "no user record": {"github_orgs": []},
            "no org list": auth_state(None),
            "another user": {**auth_state([]), "github_user": {**fixture("github_user.json"), "login": "someone"}},
            "uid zero": {**auth_state([]), "github_user": {**fixture("github_user.json"), "id": 0}},
            "uid of an early account, below the admission policy's floor": {**auth_state([]), "github_user": {**fixture("github_user.json"), "id": 999}},
            "uid too large": {**auth_state([]), "github_user": {**fixture("github_user.json"), "id": 2**31}},
            "uid not an int": {**auth_state([]), "github_user": {**fixture("github_user.json"), "id": "58374121"}},
            "org without id": {**auth_state([]), "github_orgs": [{"login": "x"}]},
        }
        for what, state in cases.items():
            with self.assertRaises(lab_identity.IdentityError, msg=what):
                lab_identity.identity_from_github("jane-doe", state)

    def test_the_lowest_github_id_a_lab_accepts_is_the_admission_floor(self):
        ok = {**auth_state([]), "github_user": {**fixture("github_user.json"), "id": lab_identity.MIN_LAB_UID}}
        self.assertEqual(lab_identity.identity_from_github("jane-doe", ok).uid, 1000)
        low = {**auth_state([]), "github_user": {**fixture("github_user.json"), "id": lab_identity.MIN_LAB_UID - 1}}
        with self.assertRaisesRegex(lab_identity.IdentityError, r"GitHub user id 999 is below 1000"):
            lab_identity.identity_from_github("jane-doe", low)

    def test_local_identity_is_stable_and_above_github_ids(self):
        a = lab_identity.identity_local("alice")
        self.assertEqual(a, lab_identity.identity_local("alice"))
        self.assertNotEqual(a.uid, lab_identity.identity_local("bob").uid)
        self.assertTrue(lab_identity.LOCAL_ID_BASE <= a.uid < lab_identity.LOCAL_ID_BASE + lab_identity.LOCAL_ID_SPAN)
        self.assertLessEqual(a.uid, lab_identity.MAX_ID)
        self.assertEqual(a.gid, a.uid)
        self.assertEqual(a.groups, ())
        # Pinned: changing the derivation would hand existing homes to other uids.
        self.assertEqual(lab_identity.local_id("alice"), lab_identity.LOCAL_ID_BASE + int("2bd806c97f0e", 16) % lab_identity.LOCAL_ID_SPAN)

    def test_identity_source_is_checked(self):
        with self.assertRaises(ValueError):
            lab_identity.identity_for("ldap", "alice", None)


if __name__ == "__main__":
    unittest.main()

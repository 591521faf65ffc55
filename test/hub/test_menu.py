"""The menu (lab_menu.py): the program's profile_list passed through, defaults, users' choices, the culler."""

import copy
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from hooklib import LAB, hooks  # noqa: E402
import lab_menu  # noqa: E402


def menu(images, sizes):
    """Lab settings whose menu offers `images` and `sizes` (names), the first of each the default."""
    lab = copy.deepcopy(LAB)
    for option, names in (("image", images), ("size", sizes)):
        first = next(iter(lab_menu.menu_option(LAB, option).values()))
        lab["profileList"][0]["profile_options"][option]["choices"] = {n: {**first, "default": i == 0} for i, n in enumerate(names)}
    return lab


class UserOptionsTest(unittest.TestCase):
    LAB = menu(["minimal", "scipy"], ["small", "medium"])

    def test_menu_choices_and_empty_options_are_accepted(self):
        for options in ({}, None, {"profile": "lab"}, {"profile": "lab", "image": "scipy", "size": "small"}, {"image": "minimal"}):
            self.assertIsNone(lab_menu.user_options_problem(self.LAB, options), options)

    def test_anything_else_is_refused_with_the_reason(self):
        cases = {
            "image 'docker.io/evil:latest' is not on the menu (choose one of: minimal, scipy)": {"profile": "lab", "image": "docker.io/evil:latest"},
            "size 'huge' is not on the menu (choose one of: small, medium)": {"size": "huge"},
            "profile 'other' is not on the menu (allowed: lab)": {"profile": "other"},
            "unknown option 'image--unlisted-choice' (allowed: profile, image, size)": {"image--unlisted-choice": "x"},
            "the options must be an object": ["image"],
        }
        for message, options in cases.items():
            self.assertEqual(lab_menu.user_options_problem(self.LAB, options), message)

    def test_long_values_are_shortened_in_messages(self):
        problem = lab_menu.user_options_problem(self.LAB, {"image": "x" * 500})
        self.assertLess(len(problem), 200)

    def test_the_hook_raises_on_a_problem_and_passes_otherwise(self):
        apply = hooks.make_apply_user_options(self.LAB)
        self.assertIsNone(apply(None, {"image": "scipy"}))
        with self.assertRaises(Exception) as caught:
            apply(None, {"image": "nope"})
        self.assertIn("is not on the menu", str(caught.exception))


class ProfileListTest(unittest.TestCase):
    def test_the_programs_profile_list_is_passed_through_unchanged(self):
        self.assertEqual(lab_menu.profile_list(LAB), LAB["profileList"])
        self.assertEqual(lab_menu.profile_list(LAB, "jane-doe"), LAB["profileList"], "no quota, nothing added for the user")
        self.assertIsNot(lab_menu.profile_list(LAB)[0], LAB["profileList"][0], "a copy: KubeSpawner may change it")

    def test_one_profile_nothing_unlisted(self):
        profiles = lab_menu.profile_list(LAB)
        self.assertEqual([p["slug"] for p in profiles], ["lab"])
        for option in profiles[0]["profile_options"].values():
            self.assertEqual(option["unlisted_choice"], {"enabled": False})

    def test_defaults_are_the_marked_choices_wherever_they_sit(self):
        lab = copy.deepcopy(LAB)
        for option in ("image", "size"):
            choices = lab_menu.menu_option(lab, option)
            last = list(choices)[-1]
            for name, choice in choices.items():
                choice["default"] = name == last
        self.assertEqual(lab_menu.default_image(lab), lab_menu.menu_option(lab, "image")[list(lab_menu.menu_option(lab, "image"))[-1]]["kubespawner_override"]["image"])
        large = lab_menu.menu_option(lab, "size")[list(lab_menu.menu_option(lab, "size"))[-1]]["kubespawner_override"]
        self.assertEqual(lab_menu.default_choice(lab, "size"), large)
        self.assertNotEqual(lab_menu.default_image(lab), lab_menu.default_image(LAB))


class CullerTest(unittest.TestCase):
    def test_service_command_comes_from_settings(self):
        lab = {**LAB, "culler": {"timeoutSeconds": 3600, "everySeconds": 300, "maxAgeSeconds": 259200, "concurrency": 10}}
        service = lab_menu.culler_service(lab, "http://localhost:8081/hub/api")
        self.assertEqual(service, {"name": "jupyterhub-idle-culler", "command": [
            "python3", "-m", "jupyterhub_idle_culler", "--url=http://localhost:8081/hub/api",
            "--timeout=3600", "--cull-every=300", "--concurrency=10", "--max-age=259200",
        ]})

    def test_no_max_age_when_zero(self):
        lab = {**LAB, "culler": {**LAB["culler"], "maxAgeSeconds": 0}}
        self.assertFalse(any(a.startswith("--max-age") for a in lab_menu.culler_service(lab, "u")["command"]))

    def test_role_has_exactly_the_scopes_it_needs(self):
        self.assertEqual(lab_menu.culler_role(), {
            "name": "jupyterhub-idle-culler",
            "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
            "services": ["jupyterhub-idle-culler"],
        })


if __name__ == "__main__":
    unittest.main()

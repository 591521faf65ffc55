"""The home's quota (lab_quota.py): the shared rule, the spawn page, the lab's environment, terminals."""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from hooklib import LAB, LAB_WITH_QUOTA, fixture, hooks, identity_with_orgs, passwd_init_run  # noqa: E402
import lab_identity  # noqa: E402
import lab_menu  # noqa: E402
import lab_pod  # noqa: E402
import lab_quota  # noqa: E402


class HomeQuotaTest(unittest.TestCase):
    """The home's quota: the same rule as quotaGiBFor (the shared table), shown on the spawn page,
    in the lab's environment and in terminals."""

    def test_rule_agrees_with_the_shared_table(self):
        table = fixture("home_quota_cases.json")
        self.assertGreater(sum(len(s["cases"]) for s in table["settings"]), 10)
        for setting in table["settings"]:
            lab = {**LAB, "homeQuota": setting["quota"]}
            for case in setting["cases"]:
                self.assertEqual(lab_quota.home_quota_gib(case["login"], lab), case["gib"], case)

    def test_no_quota_setting_means_no_quota_and_nothing_shown(self):
        self.assertIsNone(lab_quota.home_quota_gib("jane-doe", LAB))
        self.assertIsNone(lab_quota.home_quota_text("jane-doe", LAB))
        self.assertIsNone(lab_quota.quota_profile_script("/home/jane-doe", None, LAB))
        self.assertEqual(lab_menu.profile_list(LAB, "jane-doe")[0]["description"], "Choose an image and a size.")

    def test_lab_without_quota_setting_is_unchanged(self):
        pod = lab_pod.lab_pod_settings(identity_with_orgs(), LAB, "img:1")
        self.assertNotIn(lab_quota.HOME_QUOTA_ENV, pod["environment"])
        self.assertNotIn(lab_quota.QUOTA_PROFILE_PATH, [m["mountPath"] for m in pod["volume_mounts"]])
        self.assertEqual(pod["init_containers"][1]["command"], ["/bin/sh", "-c", lab_pod.PASSWD_SCRIPT])
        self.assertNotIn("LAB_QUOTA_PROFILE", [e["name"] for e in pod["init_containers"][1]["env"]])

    def test_spawn_page_states_the_users_quota(self):
        self.assertEqual(
            lab_menu.profile_list(LAB_WITH_QUOTA, "jane-doe")[0]["description"],
            "Choose an image and a size. Your home: 10 GiB quota. In a terminal, du -sh ~ shows how much of it you use.",
        )
        self.assertIn("Your home: 50 GiB quota.", lab_menu.profile_list(LAB_WITH_QUOTA, "octocat")[0]["description"])
        self.assertEqual(lab_menu.profile_list(LAB_WITH_QUOTA, "jane-doe-shared")[0]["description"], "Choose an image and a size. Your home: no quota.")

    def test_profile_list_callable_uses_the_spawners_user(self):
        spawner = type("Spawner", (), {"user": type("User", (), {"name": "octocat"})()})()
        profiles = hooks.make_profile_list(LAB_WITH_QUOTA)(spawner)
        self.assertIn("Your home: 50 GiB quota.", profiles[0]["description"])
        self.assertEqual(profiles[0]["profile_options"], lab_menu.profile_list(LAB_WITH_QUOTA)[0]["profile_options"])

    def test_lab_gets_the_quota_in_its_environment_and_the_terminal_notice_read_only(self):
        pod = lab_pod.lab_pod_settings(identity_with_orgs(), LAB_WITH_QUOTA, "img:1")
        self.assertEqual(pod["environment"][lab_quota.HOME_QUOTA_ENV], "10")
        self.assertIn(
            {"name": "lab-etc", "mountPath": "/etc/profile.d/home-quota.sh", "subPath": "home-quota.sh", "readOnly": True},
            pod["volume_mounts"],
        )
        excluded = lab_identity.Identity("jane-doe-shared", 4242, 4242)
        pod = lab_pod.lab_pod_settings(excluded, LAB_WITH_QUOTA, "img:1")
        self.assertNotIn(lab_quota.HOME_QUOTA_ENV, pod["environment"])

    def test_no_braces_in_what_kubespawner_or_the_spawn_page_formats(self):
        def strings(value):
            if isinstance(value, dict):
                return [t for k, v in value.items() for t in strings(k) + strings(v)]
            if isinstance(value, list):
                return [t for v in value for t in strings(v)]
            return [value] if isinstance(value, str) else []

        for login in ("jane-doe", "octocat", "jane-doe-shared"):
            identity = lab_identity.Identity(login, 4242, 4242)
            for text in strings(lab_pod.lab_pod_settings(identity, LAB_WITH_QUOTA, "img:1")):
                self.assertFalse(set(text) & set("{}"), text)
            for text in strings(lab_menu.profile_list(LAB_WITH_QUOTA, login)):
                self.assertFalse(set(text) & set("{}<>&"), text)

    def test_terminal_notice_written_by_the_init_container_prints_in_interactive_shells_only(self):
        import subprocess

        for login, expected in (
            ("jane-doe", "Your home /home/jane-doe has a 10 GiB quota; du -sh ~ shows your usage (df shows the whole shared disk, not your quota).\n"
                         "When the quota is full, writes fail with: Disk quota exceeded. Delete files to free space.\n"),
            ("jane-doe-shared", "Your home /home/jane-doe-shared has no quota.\n"),
        ):
            identity = lab_identity.Identity(login, 4242, 4242)
            passwd_init = lab_pod.lab_pod_settings(identity, LAB_WITH_QUOTA, "img:1")["init_containers"][1]
            with passwd_init_run(passwd_init, {name: "root:x:0:0:root:/root:/bin/bash\n" for name in ("passwd", "group")}) as out:
                notice = os.path.join(out, lab_quota.QUOTA_PROFILE_FILE)
                for shell in ("/bin/sh", "/bin/bash"):
                    interactive = subprocess.run([shell, "-i", "-c", f". {notice}"], capture_output=True, text=True, stdin=subprocess.DEVNULL, check=True)
                    self.assertEqual(interactive.stdout, expected, shell)
                    batch = subprocess.run([shell, "-c", f". {notice}"], capture_output=True, text=True, check=True)
                    self.assertEqual(batch.stdout, "", shell)


if __name__ == "__main__":
    unittest.main()

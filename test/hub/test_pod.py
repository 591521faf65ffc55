"""What a lab pod gets (lab_pod.py) and the spawner hooks that apply it (hooks.py)."""

import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from hooklib import LAB, auth_state, fixture, hooks, identity_with_orgs, passwd_init_run, read_lines  # noqa: E402
import lab_identity  # noqa: E402
import lab_menu  # noqa: E402
import lab_pod  # noqa: E402


class LabPodTest(unittest.TestCase):
    def setUp(self):
        self.identity = identity_with_orgs()
        self.pod = lab_pod.lab_pod_settings(self.identity, LAB, "quay.io/jupyter/scipy-notebook:2025-12-31")

    def test_home_is_the_login_subpath_of_the_homes_claim(self):
        self.assertIn({"name": "home", "persistentVolumeClaim": {"claimName": "homes"}}, self.pod["volumes"])
        self.assertIn({"name": "home", "mountPath": "/home/jane-doe", "subPath": "jane-doe"}, self.pod["volume_mounts"])
        self.assertEqual(self.pod["working_dir"], "/home/jane-doe")
        self.assertEqual(self.pod["environment"]["HOME"], "/home/jane-doe")
        self.assertEqual(self.pod["environment"]["USER"], "jane-doe")

    def test_passwd_and_group_are_mounted_read_only_from_the_init_written_volume(self):
        mounts = {m["mountPath"]: m for m in self.pod["volume_mounts"]}
        self.assertEqual(mounts["/etc/passwd"], {"name": "lab-etc", "mountPath": "/etc/passwd", "subPath": "passwd", "readOnly": True})
        self.assertEqual(mounts["/etc/group"], {"name": "lab-etc", "mountPath": "/etc/group", "subPath": "group", "readOnly": True})
        self.assertIn({"name": "lab-etc", "emptyDir": {"medium": "Memory", "sizeLimit": "1Mi"}}, self.pod["volumes"])

    def test_security_contexts_run_as_the_user_without_privileges(self):
        pod = lab_pod.pod_security_context(self.identity)
        self.assertEqual(pod["runAsUser"], 58374121)
        self.assertEqual(pod["runAsGroup"], 58374121)
        self.assertEqual(pod["fsGroup"], 58374121)
        self.assertTrue(pod["runAsNonRoot"])
        self.assertEqual(pod["supplementalGroups"], [5637302, 41000001, 77123456])
        container = lab_pod.container_security_context(self.identity)
        self.assertEqual(container["runAsUser"], 58374121)
        self.assertTrue(container["runAsNonRoot"])
        self.assertFalse(container["allowPrivilegeEscalation"])
        self.assertFalse(container["privileged"])
        self.assertEqual(container["capabilities"], {"drop": ["ALL"]})

    def test_only_the_home_init_container_has_more_rights_and_only_chown(self):
        home, passwd = self.pod["init_containers"]
        self.assertEqual([home["name"], passwd["name"]], ["lab-home", "lab-passwd"])
        sc = home["securityContext"]
        self.assertEqual(sc["runAsUser"], 0)
        self.assertEqual(sc["capabilities"], {"drop": ["ALL"], "add": ["CHOWN"]})
        self.assertFalse(sc["allowPrivilegeEscalation"])
        self.assertTrue(sc["readOnlyRootFilesystem"])
        self.assertEqual(home["volumeMounts"], [{"name": "home", "mountPath": "/mnt/home", "subPath": "jane-doe"}])
        env = {e["name"]: e["value"] for e in home["env"]}
        self.assertEqual(env, {"LAB_UID": "58374121", "LAB_GID": "58374121"})
        psc = passwd["securityContext"]
        self.assertEqual(psc["runAsUser"], 58374121)
        self.assertEqual(psc["capabilities"], {"drop": ["ALL"]})
        self.assertEqual(passwd["volumeMounts"], [{"name": "lab-etc", "mountPath": "/lab-etc"}])
        for c in (home, passwd):
            self.assertEqual(c["resources"]["limits"], {"cpu": "200m", "memory": "64Mi"})

    def test_nothing_kubespawner_templates_contains_braces(self):
        # KubeSpawner runs str.format over volumes, mounts and init containers: a brace would
        # fail the spawn or, worse, be substituted.
        text = json.dumps([self.pod["volumes"], self.pod["volume_mounts"], self.pod["init_containers"], self.pod["environment"]])
        self.assertNotIn("{", text.replace('{"', "").replace("{}", ""))
        for container in self.pod["init_containers"]:
            for part in container["command"] + [e["value"] for e in container["env"]]:
                self.assertNotIn("{", part)
                self.assertNotIn("}", part)

    def test_passwd_and_group_lines(self):
        self.assertEqual(lab_pod.passwd_line(self.identity), "jane-doe:x:58374121:58374121:jane-doe:/home/jane-doe:/bin/bash")
        self.assertEqual(lab_pod.group_lines(self.identity), [
            "jane-doe:x:58374121:",
            "lsst-sqre:x:5637302:jane-doe",
            "astro-data-lab:x:41000001:jane-doe",
            "jupyterlabdemo:x:77123456:jane-doe",
        ])

    def test_init_images_follow_the_chosen_image(self):
        pod = {"spec": {
            "containers": [{"name": "notebook", "image": "quay.io/jupyter/minimal-notebook:2025-11-24"}],
            "init_containers": [dict(c) for c in self.pod["init_containers"]] + [{"name": "other", "image": "x:1"}],
        }}
        lab_pod.set_init_images(pod)
        self.assertEqual([c["image"] for c in pod["spec"]["init_containers"]], [
            "quay.io/jupyter/minimal-notebook:2025-11-24", "quay.io/jupyter/minimal-notebook:2025-11-24", "x:1",
        ])


@unittest.skipUnless(os.path.exists("/bin/sh") and os.path.exists("/usr/bin/awk"), "needs sh and awk")
class InitScriptTest(unittest.TestCase):
    """Runs the passwd init script for real against a copy of an image's /etc files."""

    def test_passwd_script_keeps_image_entries_and_adds_the_user(self):
        identity = lab_identity.identity_from_github("jane-doe", auth_state(fixture("user_orgs_odd_names.json")))
        image_etc = {
            "passwd": "root:x:0:0:root:/root:/bin/bash\njovyan:x:1000:100::/home/jovyan:/bin/bash\njane-doe:x:4242:4242::/x:/bin/sh\n",
            "group": "root:x:0:\nusers:x:100:\ng42-labs:x:777:\nold:x:60000002:\n",
        }
        with passwd_init_run(lab_pod.init_containers(identity, "img:1")[1], image_etc) as out:
            passwd = read_lines(os.path.join(out, "passwd"))
            group = read_lines(os.path.join(out, "group"))
        self.assertEqual(passwd[:2], ["root:x:0:0:root:/root:/bin/bash", "jovyan:x:1000:100::/home/jovyan:/bin/bash"])
        self.assertRegex(passwd[2], r"^jane-doe:x:58374121:58374121:jane-doe:/home/jane-doe:/bin/(ba)?sh$")
        self.assertEqual(len(passwd), 3, "the image's clashing jane-doe entry is gone")
        self.assertEqual(group[:2], ["root:x:0:", "users:x:100:"])
        self.assertEqual(group[2:], lab_pod.group_lines(identity), "clashing names and gids replaced")


    def _run_home_script(self, uid, gid, owner):
        """Runs the home script on a 0750 directory owned by `owner`; returns (rc, owner, mode)."""
        import subprocess
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            home = os.path.join(tmp, "home")
            os.mkdir(home, 0o750)
            os.chmod(home, 0o750)
            if owner != (os.getuid(), os.getgid()):
                os.chown(home, *owner)
            script = lab_pod.HOME_SCRIPT.replace(lab_pod.HOME_INIT_MOUNT, home)
            env = {"LAB_UID": str(uid), "LAB_GID": str(gid), "PATH": os.environ["PATH"]}
            done = subprocess.run(["/bin/sh", "-c", script], env=env, capture_output=True)
            st = os.stat(home)
            return done.returncode, (st.st_uid, st.st_gid), oct(st.st_mode & 0o777)

    @unittest.skipUnless(os.getuid() == 0, "needs root to chown, like the init container")
    def test_home_script_makes_a_fresh_root_owned_home_the_users_0700(self):
        self.assertEqual(self._run_home_script(58374121, 58374121, (0, 0)), (0, (58374121, 58374121), "0o700"))

    @unittest.skipUnless(os.getuid() == 0, "needs root to chown, like the init container")
    def test_home_script_refuses_a_home_that_belongs_to_another_uid(self):
        # A GitHub login renamed and registered by someone else must not inherit the old home.
        self.assertEqual(self._run_home_script(58374121, 58374121, (1000, 100)), (1, (1000, 100), "0o750"))

    def test_home_script_leaves_a_home_the_user_owns_alone(self):
        me = (os.getuid(), os.getgid())
        if me == (0, 0):
            me = (58374121, 58374121)
        self.assertEqual(self._run_home_script(me[0], me[1], me), (0, me, "0o750"))


class SpawnerHooksTest(unittest.TestCase):
    class Spawner:
        def __init__(self, name):
            self.user = type("User", (), {"name": name})()
            self.environment = {"JUPYTERHUB_SINGLEUSER_APP": "jupyter_server.serverapp.ServerApp"}

    def test_auth_state_hook_applies_the_identity(self):
        spawner = self.Spawner("jane-doe")
        hooks.make_auth_state_hook(LAB)(spawner, auth_state(fixture("user_orgs_page1.json")))
        self.assertEqual(hooks.spawner_uid(spawner), 58374121)
        self.assertEqual(hooks.spawner_gid(spawner), 58374121)
        self.assertEqual(hooks.spawner_supplemental_gids(spawner), [5637302, 41000001, 77123456])
        self.assertEqual(hooks.spawner_pod_security_context(spawner)["runAsUser"], 58374121)
        self.assertEqual(hooks.spawner_container_security_context(spawner)["capabilities"], {"drop": ["ALL"]})
        self.assertEqual(spawner.working_dir, "/home/jane-doe")
        self.assertEqual(spawner.environment["JUPYTERHUB_SINGLEUSER_APP"], "jupyter_server.serverapp.ServerApp")
        self.assertEqual(spawner.environment["HOME"], "/home/jane-doe")
        self.assertEqual(spawner.init_containers[0]["image"], lab_menu.default_image(LAB))

    def test_spawn_without_identity_is_refused(self):
        spawner = self.Spawner("jane-doe")
        # IdentityError, or tornado's HTTP 403 carrying its message where tornado is installed.
        with self.assertRaises(Exception) as caught:
            hooks.make_auth_state_hook(LAB)(spawner, None)
        self.assertIn("no GitHub auth state is stored for this user", str(caught.exception))
        for f in (hooks.spawner_uid, hooks.spawner_gid, hooks.spawner_supplemental_gids, hooks.spawner_pod_security_context):
            with self.assertRaises(lab_identity.IdentityError):
                f(spawner)

    def test_local_identity_source(self):
        spawner = self.Spawner("alice")
        hooks.make_auth_state_hook({**LAB, "identity": "local"})(spawner, None)
        self.assertEqual(hooks.spawner_uid(spawner), lab_identity.local_id("alice"))


if __name__ == "__main__":
    unittest.main()

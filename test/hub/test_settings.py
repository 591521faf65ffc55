"""settings.py: dotted lookups in settings.json, required keys, secrets from the environment."""

import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fakes import SCHEMA_FILE, SOURCE_DIR, github_settings, patched_env, rendered  # noqa: E402

sys.path.insert(0, SOURCE_DIR)
import settings  # noqa: E402


class SettingsTest(unittest.TestCase):
    def setUp(self):
        settings.reset()
        self.dir = tempfile.TemporaryDirectory()
        self.path = os.path.join(self.dir.name, "settings.json")
        self.write({"hub": {"a": {"b": 1, "none": None, "empty": []}, "name": "x"}, "lab": {}})

    def tearDown(self):
        settings.reset()
        self.dir.cleanup()

    def write(self, data, raw=None):
        with open(self.path, "w", encoding="utf-8") as f:
            f.write(raw if raw is not None else json.dumps(data))
        settings.reset()

    def test_nested_lookup(self):
        self.assertEqual(settings.get("hub.a.b", path=self.path), 1)
        self.assertEqual(settings.get("hub.name", path=self.path), "x")
        self.assertEqual(settings.get("lab", path=self.path), {})

    def test_empty_values_are_values(self):
        self.assertEqual(settings.get("hub.a.empty", path=self.path), [])

    def test_missing_key_without_default_names_the_key(self):
        with self.assertRaises(settings.SettingsError) as e:
            settings.get("hub.a.c", path=self.path)
        self.assertIn("hub.a.c", str(e.exception))
        self.assertIn(self.path, str(e.exception))

    def test_missing_parent_names_where_the_path_stops(self):
        with self.assertRaises(settings.SettingsError) as e:
            settings.get("hub.nothere.deeper", path=self.path)
        self.assertIn("hub.nothere is missing", str(e.exception))

    def test_default_for_missing_key_or_parent_or_null(self):
        self.assertEqual(settings.get("hub.a.c", 7, path=self.path), 7)
        self.assertEqual(settings.get("hub.x.y.z", None, path=self.path), None)
        self.assertEqual(settings.get("hub.a.none", "d", path=self.path), "d")

    def test_walking_into_a_scalar_is_missing(self):
        with self.assertRaises(settings.SettingsError):
            settings.get("hub.name.deeper", path=self.path)

    def test_env_var_path_override(self):
        with patched_env({settings.SETTINGS_PATH_ENV: self.path}):
            self.assertEqual(settings.settings_path(), self.path)
            self.assertEqual(settings.get("hub.a.b"), 1)

    def test_default_path_is_beside_the_module(self):
        with patched_env({}):
            self.assertEqual(settings.settings_path(), os.path.join(SOURCE_DIR, "settings.json"))

    def test_missing_file(self):
        with self.assertRaises(settings.SettingsError) as e:
            settings.get("hub", path=os.path.join(self.dir.name, "absent.json"))
        self.assertIn("is missing", str(e.exception))

    def test_bad_json(self):
        self.write(None, raw="{not json")
        with self.assertRaises(settings.SettingsError) as e:
            settings.get("hub", path=self.path)
        self.assertIn("not valid JSON", str(e.exception))

    def test_document_must_be_an_object(self):
        self.write([1, 2])
        with self.assertRaises(settings.SettingsError) as e:
            settings.get("hub", path=self.path)
        self.assertIn("JSON object", str(e.exception))

    def test_env_required_and_default(self):
        with patched_env({"X_SECRET": "v", "X_EMPTY": ""}):
            self.assertEqual(settings.env("X_SECRET"), "v")
            self.assertEqual(settings.env("X_EMPTY", "d"), "d")
            with self.assertRaises(settings.SettingsError) as e:
                settings.env("X_EMPTY")
            self.assertIn("X_EMPTY", str(e.exception))
            with self.assertRaises(settings.SettingsError):
                settings.env("X_UNSET")



class SchemaTest(unittest.TestCase):
    """The whole document against the schema the program ships (the rendered copy)."""

    def setUp(self):
        settings.reset()
        self.schema = rendered(SCHEMA_FILE)
        self.dir = tempfile.TemporaryDirectory()
        self.path = os.path.join(self.dir.name, "settings.json")

    def tearDown(self):
        settings.reset()
        self.dir.cleanup()

    def problem(self, change):
        s = github_settings()
        change(s)
        return settings.schema_problem(s, self.schema)

    def test_rendered_settings_match(self):
        self.assertIsNone(settings.schema_problem(github_settings(), self.schema))
        self.assertIsNone(settings.schema_problem(rendered("local.settings.json"), self.schema))

    def test_shipped_schema_is_a_valid_schema(self):
        # The hub does not check the schema against its metaschema at start-up: it is checked here,
        # where the program's render produces it.
        import jsonschema

        validator_class = jsonschema.validators.validator_for(self.schema)
        self.assertIs(validator_class, jsonschema.Draft202012Validator)
        validator_class.check_schema(self.schema)
        with self.assertRaises(jsonschema.exceptions.SchemaError):
            validator_class.check_schema({**self.schema, "type": "objekt"})

    def test_authenticator_union_names_the_tag_or_the_chosen_branch(self):
        cases = {
            "$.hub: 'authenticator' is a required property": lambda h: h.pop("authenticator"),
            "$.hub.authenticator: 'pam' is not one of ['github', 'dummy']": lambda h: h.update(authenticator="pam"),
            "$.hub.github: 'clientId' is a required property": lambda h: h["github"].pop("clientId"),
            "$.hub.github.allowedOrganizations: [] should be non-empty": lambda h: h["github"].update(allowedOrganizations=[]),
        }
        for expected, change in cases.items():
            with self.subTest(expected=expected):
                self.assertEqual(self.problem(lambda s: change(s["hub"])), expected)

    def test_home_quota_must_be_whole_gib_and_lists(self):
        cases = {
            "$.lab.homeQuota: 'defaultGiB' is a required property": lambda q: q.pop("defaultGiB"),
            "$.lab.homeQuota.defaultGiB: '10' is not of type 'integer'": lambda q: q.update(defaultGiB="10"),
            "$.lab.homeQuota.defaultGiB: True is not of type 'integer'": lambda q: q.update(defaultGiB=True),
            "$.lab.homeQuota.overridesGiB.a: 0 is less than the minimum of 1": lambda q: q.update(overridesGiB={"a": 0}),
            "$.lab.homeQuota.excluded: 'x' is not of type 'array'": lambda q: q.update(excluded="x"),
        }
        for expected, change in cases.items():
            with self.subTest(expected=expected):
                self.assertEqual(self.problem(lambda s: change(s["lab"]["homeQuota"])), expected)

    def test_long_values_stay_one_short_line(self):
        problem = self.problem(lambda s: s["lab"].update(podNameTemplate=["x\ny" * 500]))
        self.assertNotIn("\n", problem)
        self.assertLessEqual(len(problem), len("$.lab.podNameTemplate: ") + settings.PROBLEM_LIMIT)

    def test_validate_stops_with_one_line_when_the_schema_is_missing(self):
        with open(self.path, "w", encoding="utf-8") as f:
            json.dump(github_settings(), f)
        with self.assertRaises(SystemExit) as e:
            settings.validate(self.path)
        self.assertRegex(str(e.exception), r"^jupyterlabdemo: cannot read the schema of .*settings\.json: ")
        self.assertNotIn("\n", str(e.exception))


if __name__ == "__main__":
    unittest.main()

"""traitlets' Config as the hub's configuration uses it, for running it without JupyterHub.

Stdlib only and free of side effects at import: lab_config_probe.py imports it for every rendered
ConfigMap it runs, and must not pay for fakes.py's render of the fixture stacks.
fakes.py re-exports both classes.
"""


class Section(dict):
    """One class's config (`c.JupyterHub`): attribute writes become items."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name, value):
        self[name] = value


class FakeConfig(dict):
    """traitlets' Config as the configuration uses it: `c.<Class>.<trait> = value`."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return self.setdefault(name, Section())

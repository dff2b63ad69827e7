"""pytest's root: the shared fixtures serve tests/ and every feature's tests
(src/<package>/features/<name>/tests/), wherever a test file lives."""

pytest_plugins = ["tests.fixtures"]

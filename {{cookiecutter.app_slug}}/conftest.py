"""pytest's root: the shared fixtures serve tests/ and every feature's tests
(src/<package>/features/<name>/tests/), wherever a test file lives.

tests/fixtures.py serves every bake. A generation option that needs fixtures of its own
brings tests/<option>_fixtures.py (post_gen_project deletes those of options not chosen);
each is loaded after the shared module, so a fixture of the same name replaces the shared one.
"""

from pathlib import Path

OPTION_FIXTURES = sorted(Path(__file__).parent.glob("tests/*_fixtures.py"))

pytest_plugins = ["tests.fixtures", *(f"tests.{path.stem}" for path in OPTION_FIXTURES)]

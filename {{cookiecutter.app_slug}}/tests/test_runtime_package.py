"""The package holds only what runs in production, and ships alone.

`pip install .` and the container image (deploy/Dockerfile) get src/<package>/ and its
runtime dependencies. The development toolkit (devtools/: simulator, compliance self-test,
bench, loopback stack) and every test stay in the checkout, and the test and audit tools
come only with the dev extra.
"""

from __future__ import annotations

import ast
import email
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from . import fixtures

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "{{ cookiecutter.__package_name }}"
PACKAGE_SOURCE = PROJECT_ROOT / "src" / PACKAGE
# Top-level modules of the checkout that production never has.
OUTSIDE_THE_PACKAGE = ("devtools", "tests")
# Test and audit tools: the dev extra brings them, `pip install .` must not.
DEV_TOOLS = ("pytest", "ruff", "bandit", "pip-audit", "schemathesis", "hypothesis", "sslyze",
             "pillow", "openapi-spec-validator")
# A feature slice with its own tests, added to the copy the wheel is built from.
SAMPLE_FEATURE = "sample_feature"


# ---- what the package imports ---------------------------------------------------------

def imported_modules(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """(line, module) for every absolute import, `importlib.import_module("…")` included."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module
        elif (isinstance(node, ast.Call) and node.args
              and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
              and getattr(node.func, "attr", getattr(node.func, "id", None))
              in ("import_module", "__import__")):
            yield node.lineno, node.args[0].value


def runtime_modules() -> list[Path]:
    """The package's modules that ship: a feature's own tests/ stays in the checkout."""
    return [path for path in sorted(PACKAGE_SOURCE.rglob("*.py"))
            if "tests" not in path.relative_to(PACKAGE_SOURCE).parts]


def test_the_package_imports_neither_the_toolkit_nor_the_tests():
    found = [f"{path.relative_to(PROJECT_ROOT)}:{line} imports {module}"
             for path in runtime_modules()
             for line, module in imported_modules(ast.parse(path.read_text(encoding="utf-8")))
             if module.split(".")[0] in OUTSIDE_THE_PACKAGE]
    assert found == []


def test_the_import_walk_sees_every_kind_of_import():
    source = ("import devtools.bench\nfrom tests.fixtures import app\nfrom . import cli\n"
              "def later():\n    importlib.import_module('devtools.compliance')\n")
    assert list(imported_modules(ast.parse(source))) == [
        (1, "devtools.bench"), (2, "tests.fixtures"), (5, "devtools.compliance")]


def test_the_compliance_self_test_lives_in_the_toolkit():
    assert not (PACKAGE_SOURCE / "compliance").exists()
    assert (PROJECT_ROOT / "devtools" / "compliance" / "__init__.py").is_file()


# ---- what `pip install .` ships -------------------------------------------------------

@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Iterator[zipfile.ZipFile]:
    """The wheel `pip install .` installs, built offline (the dev extra's setuptools) from
    a copy of the project, whose package has a feature slice with its own tests."""
    source = tmp_path_factory.mktemp("project")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(PROJECT_ROOT / name, source)
    shutil.copytree(PROJECT_ROOT / "src", source / "src",
                    ignore=shutil.ignore_patterns("__pycache__", "instance", "*.egg-info"))
    feature = source / "src" / PACKAGE / SAMPLE_FEATURE
    (feature / "tests").mkdir(parents=True)
    for module in ("__init__.py", "tests/__init__.py", "tests/test_sample.py"):
        (feature / module).write_text('"""A feature slice."""\n', encoding="utf-8")
    output = tmp_path_factory.mktemp("wheel")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--no-index", "--wheel-dir", str(output), str(source)],
        capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stdout + built.stderr
    (path,) = output.glob("*.whl")
    with zipfile.ZipFile(path) as archive:
        yield archive


def test_the_wheel_ships_the_package_without_toolkit_or_tests(wheel):
    names = wheel.namelist()
    assert {name.split("/")[0] for name in names if not name.split("/")[0].endswith(
        ".dist-info")} == {PACKAGE}
    assert f"{PACKAGE}/__init__.py" in names and f"{PACKAGE}/templates/home.html" in names
    assert f"{PACKAGE}/{SAMPLE_FEATURE}/__init__.py" in names
    folders = {part for name in names for part in name.split("/")[:-1]}
    assert folders.isdisjoint({"tests", "devtools", "compliance", "bench"}), sorted(folders)


def requirements(wheel: zipfile.ZipFile, extra: str = "") -> list[Requirement]:
    """The wheel's Requires-Dist that `pip install .[extra]` adds (none: plain `pip install .`)."""
    (name,) = [name for name in wheel.namelist() if name.endswith(".dist-info/METADATA")]
    fields = email.message_from_bytes(wheel.read(name)).get_all("Requires-Dist") or []
    found = [Requirement(field) for field in fields]
    if not extra:
        return [r for r in found if r.marker is None or r.marker.evaluate({"extra": ""})]
    return [r for r in found
            if r.marker is not None and "extra" in str(r.marker)
            and r.marker.evaluate({"extra": extra})]


def installed_with(wanted: list[Requirement]) -> set[str]:
    """Every distribution installing `wanted` brings, read from this environment's metadata
    (offline; the dev environment has all of them installed)."""
    seen: set[tuple[str, str]] = set()
    names: set[str] = set()
    todo = [(requirement, extra) for requirement in wanted
            for extra in ("", *requirement.extras)]
    while todo:
        requirement, extra = todo.pop()
        name = canonicalize_name(requirement.name)
        if (name, extra) in seen:
            continue
        seen.add((name, extra))
        names.add(name)
        for text in metadata.distribution(name).requires or []:
            dependency = Requirement(text)
            if dependency.marker is None or dependency.marker.evaluate({"extra": extra}):
                todo += [(dependency, each) for each in ("", *dependency.extras)]
    return names


def test_pip_install_without_extras_brings_no_test_or_audit_tool(wheel):
    runtime = installed_with(requirements(wheel))
    assert {"flask", "gunicorn", "sqlalchemy"} <= runtime
    assert sorted(runtime.intersection(DEV_TOOLS)) == []


def test_the_dev_extra_brings_the_test_and_audit_tools(wheel):
    """dev = test + check: the two extras `make test` and `make check` install."""
    tools = {canonicalize_name(r.name) for extra in ("test", "check")
             for r in requirements(wheel, extra)}
    assert set(DEV_TOOLS) <= tools
    dev = [str(r) for r in requirements(wheel, "dev")]
    assert any("test" in entry and "check" in entry for entry in dev), dev


def test_the_dependency_walk_follows_extras_and_markers():
    walked = installed_with([Requirement("flask==99")])
    assert {"flask", "werkzeug", "jinja2", "markupsafe", "click"} <= walked
    assert "asgiref" not in walked  # flask[async] only


# ---- which commands `flask --app wsgi` has ---------------------------------------------

def project_copy(folder: Path, *parts: str) -> Path:
    """wsgi.py, src/ and `parts` of this checkout, copied to `folder` (whose instance/ the
    app then creates, not this checkout's)."""
    skip = shutil.ignore_patterns("__pycache__", "instance", "*.egg-info")
    folder.mkdir()
    shutil.copy(PROJECT_ROOT / "wsgi.py", folder)
    for part in ("src", *parts):
        shutil.copytree(PROJECT_ROOT / part, folder / part, ignore=skip)
    return folder


def flask_commands(folder: Path, tmp_path: Path) -> set[str]:
    """The commands `flask --app wsgi --help` lists in `folder`, with production settings."""
    environ = {key: value for key, value in os.environ.items()
               if not key.startswith(("YWXT_", "APP_", "FLASK_", "DATABASE_"))}
    environ.update(fixtures.PRODUCTION_ENV, DATABASE_URL=fixtures.test_database_url(tmp_path),
                   FLASK_SKIP_DOTENV="1", PYTHONPATH=str(folder / "src"))
    listed = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "--help"],
                            cwd=folder, env=environ, capture_output=True, text=True, timeout=120)
    assert listed.returncode == 0 and "Error" not in listed.stderr, listed.stderr
    return set(re.findall(r"(?m)^  ([a-z][\w-]*)", listed.stdout.split("Commands:", 1)[1]))


def test_a_checkout_adds_the_toolkit_commands_and_production_has_the_apps_only(tmp_path):
    in_checkout = flask_commands(project_copy(tmp_path / "checkout", "devtools"), tmp_path)
    # The image holds wsgi.py and the package, no devtools/ (deploy/Dockerfile).
    in_production = flask_commands(project_copy(tmp_path / "image"), tmp_path)
    assert {"db", "outbox", "contacts", "settings"} <= in_production
    assert "compliance" in in_checkout
    # The self-test and the feature scaffold (devtools/cli.py) exist only in a checkout.
    assert in_checkout - in_production == {"compliance", "feature"}

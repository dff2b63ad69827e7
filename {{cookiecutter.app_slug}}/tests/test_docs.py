"""The docs are tested like code: a learner who follows them finds what they name.

Every internal link resolves; every `make` target they mention is in the Makefile; every
project path they mention exists (apart from the few a learner creates in the tutorial);
the shell blocks marked `<!-- runnable -->` run, in a temporary copy of the project.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "{{ cookiecutter.__package_name }}"
PAGES = sorted([PROJECT_ROOT / "README.md", *(PROJECT_ROOT / "docs").rglob("*.md")])
LINK = re.compile(r"\]\(([^)\s]+)\)")
MAKE_TARGET = re.compile(r"\bmake ((?:[a-z][a-z-]*)(?: [a-z][a-z-]*)*)")
CODE_SPAN = re.compile(r"`([^`\n]+)`")
TOP_DIRS = ("src/", "devtools/", "frontend/", "deploy/", "docs/", "tests/", "migrations/")
# Made by the learner (tutorial) or by a command the page explains: not in a fresh project.
CREATED_BY_THE_READER = (
    f"src/{PACKAGE}/features/leave", "frontend/src/features/leave", "src/instance",
    "docs/self-test-report.md", "docs/self-test-report.json", "docs/openapi.json",
    "frontend/dist", "frontend/perf/results.json", "walkthrough/", "devtools/bench/results.json",
    "instance/dev-cert",
)
RUNNABLE = re.compile(r"<!-- runnable -->\s*\n```(?:bash|sh)\n(.*?)```", re.S)
COPY_IGNORED = shutil.ignore_patterns(".venv", "node_modules", "dist", "instance", ".git",
                                      "__pycache__", ".pytest_cache", ".ruff_cache")


def page_id(path: Path) -> str:
    return path.relative_to(PROJECT_ROOT).as_posix()


def makefile_targets() -> set[str]:
    text = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([a-z][a-z-]*):", text, re.M))


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_internal_links_resolve(page):
    broken = []
    for target in LINK.findall(page.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue  # http(s), mailto and in-page anchors
        if not (page.parent / target.split("#")[0]).exists():
            broken.append(target)
    assert not broken, f"{page_id(page)}: 链接指向不存在的文件 {broken}"


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_mentioned_make_targets_exist(page):
    targets = makefile_targets()
    missing = set()
    # A test named by its title (`file::title`) is prose, not a command.
    text = re.sub(r"`[^`]*::[^`]*`", "", page.read_text(encoding="utf-8"))
    for words in MAKE_TARGET.findall(text):
        first = words.split()[0]
        if first not in targets:
            missing.add(first)
    assert not missing, f"{page_id(page)}: Makefile 中没有这些目标 {sorted(missing)}"


def mentioned_paths(text: str) -> set[str]:
    found = set()
    for span in CODE_SPAN.findall(text):
        for word in span.split():
            # A pytest node id (file::test) names its file.
            word = word.replace("<包名>", PACKAGE).split("::")[0].rstrip("/.,，。；：")
            if word.startswith(TOP_DIRS) and not re.search(r"[<>…*{}$]", word):
                found.add(word)
    return found


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_mentioned_paths_exist(page):
    missing = sorted(path for path in mentioned_paths(page.read_text(encoding="utf-8"))
                     if not path.startswith(CREATED_BY_THE_READER)
                     and not (PROJECT_ROOT / path).exists())
    assert not missing, f"{page_id(page)}: 提到的文件或目录不存在 {missing}"


def runnable_blocks() -> list[tuple[str, str]]:
    return [(page_id(page), block) for page in PAGES
            for block in RUNNABLE.findall(page.read_text(encoding="utf-8"))]


def test_some_blocks_are_marked_runnable():
    assert len(runnable_blocks()) >= 3


@pytest.fixture
def own_database(tmp_path) -> Iterator[dict[str, str]]:
    """The copy's own database. SQLite bakes have one already (the copy's instance/); a
    PostgreSQL bake gets a fresh database on the test server (TEST_DATABASE_URL), or a SQLite
    file when there is none, as its test suite does: never the developer's database in .env."""
    example = (PROJECT_ROOT / ".env.example").read_text(encoding="utf-8")
    if not re.search(r"^DATABASE_URL=postgresql", example, re.M):
        yield {}
        return
    server = os.environ.get("TEST_DATABASE_URL", "")
    if not server.startswith("postgresql"):
        yield {"DATABASE_URL": f"sqlite:///{tmp_path / 'docs.db'}"}
        return
    name = f"docs_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(server).set(database=name)
        yield {"DATABASE_URL": url.render_as_string(hide_password=False)}
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.parametrize(("page", "block"), runnable_blocks(),
                         ids=[f"{page}#{number}" for number, (page, _block)
                              in enumerate(runnable_blocks())])
def test_runnable_blocks_run(page, block, tmp_path, own_database):
    """Each line, as a reader types it, in a copy of this project (its own database)."""
    project = tmp_path / "project"
    shutil.copytree(PROJECT_ROOT, project, ignore=COPY_IGNORED)
    if not (project / ".env").exists():
        shutil.copy(PROJECT_ROOT / ".env.example", project / ".env")
    tools = Path(sys.executable).parent
    environ = {key: value for key, value in os.environ.items()
               if not key.startswith(("YWXT_", "APP_", "FLASK_", "DATABASE_", "TEST_DATABASE"))}
    # The copy's package, not the one installed in the virtualenv (it points here).
    environ.update(PYTHONPATH=str(project / "src"), APP_ENV="development",
                   FLASK_SECRET_KEY="docs-test-" + "k" * 40,
                   PATH=f"{tools}{os.pathsep}{environ['PATH']}", **own_database)
    for line in block.replace("\\\n", " ").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        words = shlex.split(line, comments=True)
        if words[0].startswith(".venv/bin/"):
            words[0] = str(tools / words[0].removeprefix(".venv/bin/"))
        done = subprocess.run(words, cwd=project, env=environ, capture_output=True, text=True,
                              timeout=120, check=False)
        assert done.returncode == 0, f"{page}: `{line}` 失败：\n{done.stdout}{done.stderr}"

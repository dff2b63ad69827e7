"""Helpers for checking baked projects: list text files, find placeholders, run ruff."""

from __future__ import annotations

import fnmatch
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

TEMPLATE = Path(__file__).resolve().parent.parent
RUFF = Path(sys.executable).parent / "ruff"
PLACEHOLDER = re.compile(r"{{(\s?cookiecutter)[.](.*?)}}|{%-?\s*(if|for|endif|endfor|raw)\b")
BINARY_SUFFIXES = {".png", ".jpg", ".jpeg", ".ico", ".woff", ".woff2", ".db", ".pyc"}
SKIPPED_DIRS = {".venv", "__pycache__", "node_modules", ".pytest_cache", ".ruff_cache"}

# `make test` runs on two pytest workers (pytest-xdist, --dist loadgroup); the slow tests go
# down two lanes, one per worker, split so that both end at about the same time (by the
# minutes each took in CI), each lane's tests in file order. The default bake's tests build on
# each other, so they share one. Lane 2 starts with the PostgreSQL backend suite, so that the
# no-demo bake's browser tests come after lane 1's: two Playwright suites at once on 2 cores
# pushed a toast past its 1.5 s and a real-stack spec past its minute.
LANE_1 = pytest.mark.xdist_group("lane_1")  # the default bake's tests, the workshop
LANE_2 = pytest.mark.xdist_group("lane_2")  # the bakes without the demo, on PostgreSQL, + Redis


def build_files_list(base: Path) -> list[Path]:
    """Every text file of a baked project, skipping virtualenvs, caches and binaries."""
    return [
        path
        for path in base.rglob("*")
        if path.is_file()
        and not SKIPPED_DIRS.intersection(path.relative_to(base).parts)
        and path.suffix not in BINARY_SUFFIXES
    ]


def copied_without_render(base: Path, path: Path) -> bool:
    """Files listed in `_copy_without_render` keep their own {{ }} and {% %} on purpose."""
    settings = json.loads((TEMPLATE / "cookiecutter.json").read_text(encoding="utf-8"))
    relative = path.relative_to(base).as_posix()
    return any(fnmatch.fnmatch(relative, pattern) for pattern in settings["_copy_without_render"])


def leftover_placeholders(base: Path) -> list[str]:
    found = []
    for path in build_files_list(base):
        if copied_without_render(base, path):
            continue
        text = path.read_text(encoding="utf-8")
        found += [f"{path.relative_to(base)}: {m.group(0)}" for m in PLACEHOLDER.finditer(text)]
    return found


def ruff_check(project: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(RUFF), "check", "--no-cache", "."],
        cwd=project, capture_output=True, text=True, timeout=120,
    )

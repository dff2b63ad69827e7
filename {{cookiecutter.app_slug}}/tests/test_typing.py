"""mypy --strict holds for what `flask --app wsgi feature new` writes, as for the rest of src/.

`make lint` (and CI's lint job) checks the package as it is; this checks the scaffold, so
that a team's first new feature does not start with a failing pipeline.
"""

from __future__ import annotations

import shutil
import subprocess
import sys

from devtools import PROJECT_ROOT
from devtools.scaffold import create_feature

PACKAGE = "{{ cookiecutter.__package_name }}"


def test_a_scaffolded_feature_passes_mypy_strict(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(PROJECT_ROOT / "src", project / "src",
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    shutil.copytree(PROJECT_ROOT / "frontend" / "src", project / "frontend" / "src")
    shutil.copy(PROJECT_ROOT / "pyproject.toml", project)
    written = create_feature(project, project / "src" / PACKAGE, "leave", "请假申请")
    assert project / "src" / PACKAGE / "features" / "leave" / "routes.py" in written
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "mypy-cache")],
        cwd=project, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout

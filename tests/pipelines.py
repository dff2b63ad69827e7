"""Validators of the generated CI files: gitlab-ci-local, check-jsonschema, kubernetes-validate.

They are installed by the template's `make test` (requirements-dev.txt, and gitlab-ci-local
from npm into .venv/gitlab-ci-local); GITLAB_CI_LOCAL may point at another copy.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from .bakery import TEMPLATE

TOOLS = Path(sys.executable).parent
GITLAB_CI_LOCAL = Path(os.environ.get(
    "GITLAB_CI_LOCAL", TEMPLATE / ".venv/gitlab-ci-local/node_modules/.bin/gitlab-ci-local"))


def tool_environment() -> dict[str, str]:
    """The environment with the template's virtualenv first (its node, when from PyPI)."""
    return {**os.environ, "PATH": f"{TOOLS}{os.pathsep}{os.environ['PATH']}"}


def git_init(project: Path) -> None:
    """gitlab-ci-local and pre-commit read the project's files through git."""
    for command in (["git", "init", "-q"], ["git", "add", "-A"]):
        subprocess.run(command, cwd=project, check=True, capture_output=True)


def gitlab_ci_local(project: Path, *args: str, environ: dict[str, str] | None = None,
                    timeout: int = 120) -> subprocess.CompletedProcess:
    assert GITLAB_CI_LOCAL.exists(), f"未安装 {GITLAB_CI_LOCAL}，请运行 make test"
    return subprocess.run([str(GITLAB_CI_LOCAL), *args], cwd=project,
                          env=environ or tool_environment(), capture_output=True, text=True,
                          timeout=timeout)


def gitlab_jobs(project: Path, *variables: str) -> dict[str, str]:
    """{job: when} as GitLab would plan the pipeline (schema-checked, rules evaluated)."""
    args = ["--list-json"]
    for variable in variables:
        args += ["--variable", variable]
    result = gitlab_ci_local(project, *args)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    start = next(index for index, line in enumerate(lines) if line.startswith("["))
    listing = json.loads("\n".join(lines[start:]))  # after the tool's notices
    return {job["name"]: job["when"] for job in listing}


def gitlab_preview(project: Path) -> str:
    """The pipeline as GitLab reads it: `extends`, anchors and defaults expanded."""
    result = gitlab_ci_local(project, "--preview")
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout[result.stdout.index("---"):]


def run_tool(name: str, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    """A validator from the template's virtualenv (check-jsonschema, kubernetes-validate)."""
    return subprocess.run([str(TOOLS / name), *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)

"""The workshop (docs/tutorial/ of the app) holds together: each step's check fails before
the step and passes after it, on the reference solution in tests/workshop_solution/.

One include_demo=false bake, one virtualenv; the learner's path: scaffold `leave`, then the
patches of steps 2-6 in order, running `make workshop-check STEP=n` around each.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from .bakery import LANE_1
from .test_generated_app import bake, make, run_in

pytestmark = pytest.mark.slow

SOLUTION = Path(__file__).parent / "workshop_solution"
PACKAGE = "xietong_shixiang"
STEPS = range(1, 7)


def check(project: Path, step: int) -> subprocess.CompletedProcess:
    return run_in(project, "make", "--no-print-directory", "workshop-check", f"STEP={step}")


def apply(project: Path, step: int) -> None:
    if step == 1:
        done = run_in(project, "flask", "--app", "wsgi", "feature", "new", "leave",
                      "--title", "请假申请")
    else:
        done = subprocess.run(
            ["git", "apply", f"--directory=src/{PACKAGE}/features/leave",
             str(SOLUTION / f"step{step}.patch")],
            cwd=project, capture_output=True, text=True, check=False)
    assert done.returncode == 0, (step, done.stdout + done.stderr)


@LANE_1
def test_each_step_check_fails_before_and_passes_after_its_solution(tmp_path_factory):
    project = bake(tmp_path_factory.mktemp("workshop"), include_demo=False)
    installed = make(project, ".venv/.tools-installed")
    assert installed.returncode == 0, (installed.stdout + installed.stderr)[-3000:]

    for step in STEPS:  # a fresh bake: every step has something missing, said in Chinese
        fresh = check(project, step)
        assert fresh.returncode != 0 and "还差" in fresh.stdout, (step, fresh.stdout)
        assert "Traceback" not in fresh.stdout + fresh.stderr, (step, fresh.stderr)

    for step in STEPS:
        if step > 1:
            before = check(project, step)
            assert before.returncode != 0 and "还差" in before.stdout, (step, before.stdout)
        apply(project, step)
        after = check(project, step)
        assert after.returncode == 0 and "通过" in after.stdout, (
            step, (after.stdout + after.stderr)[-3000:])

    # The finished feature is a good citizen of the app: lint, migrations, interface document.
    for command in (["ruff", "check", "."],
                    ["pytest", "-q", "-p", "no:cacheprovider", f"src/{PACKAGE}/features/leave",
                     "tests/test_migrations.py", "tests/test_openapi.py",
                     "tests/test_data_export.py", "tests/test_features.py"]):
        done = run_in(project, *command)
        assert done.returncode == 0, (command, (done.stdout + done.stderr)[-3000:])

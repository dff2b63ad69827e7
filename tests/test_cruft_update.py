"""`cruft update` brings template changes into an app baked from the previous commit.

The app is baked with plain cookiecutter from the template's previous commit (HEAD~1), as a
team would have done, and committed to its own git repository. `.cruft.json` is then pointed
at a clone of the template whose last commit holds the working tree, and `cruft update`
moves the app to it. The update must apply cleanly (no conflicts, no .rej files), leave the
app identical to a fresh bake of the working tree, and keep the team's .env (its secret).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .bakery import TEMPLATE, build_files_list

pytestmark = pytest.mark.slow

CRUFT = Path(sys.executable).parent / "cruft"
COOKIECUTTER = Path(sys.executable).parent / "cookiecutter"
SLUG = "xietong-shixiang"
# Files each bake makes its own: a random secret, and cruft's record of the template.
PER_BAKE = {".env", ".cruft.json"}
GIT_IDENTITY = {"GIT_AUTHOR_NAME": "template test", "GIT_AUTHOR_EMAIL": "test@example.gov.cn",
                "GIT_COMMITTER_NAME": "template test",
                "GIT_COMMITTER_EMAIL": "test@example.gov.cn"}


def run(*command: str | Path, cwd: Path) -> str:
    environ = {**os.environ, **GIT_IDENTITY, "GIT_CONFIG_NOSYSTEM": "1"}
    result = subprocess.run([str(part) for part in command], cwd=cwd, env=environ,
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, f"{command}: {result.stdout}\n{result.stderr}"
    return result.stdout


def working_tree_files(repo: Path) -> list[str]:
    """What `git add -A` would commit: tracked and untracked files, ignored ones left out."""
    listing = run("git", "ls-files", "--cached", "--others", "--exclude-standard", "-z", cwd=repo)
    return [name for name in listing.split("\0") if name and (repo / name).is_file()]


@pytest.fixture(scope="module")
def template_clone(tmp_path_factory) -> tuple[Path, str, str]:
    """(a clone of the template with the working tree committed on top, previous, current)."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    previous = run("git", "rev-parse", "HEAD~1", cwd=TEMPLATE).strip()
    clone = tmp_path_factory.mktemp("template") / "cookiecutter-ywxt"
    run("git", "clone", "--quiet", "--no-hardlinks", TEMPLATE, clone, cwd=clone.parent)
    run("git", "rm", "-r", "-q", "--cached", ".", cwd=clone)
    for name in working_tree_files(clone):
        (clone / name).unlink()
    for name in working_tree_files(TEMPLATE):
        target = clone / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(TEMPLATE / name, target)
    run("git", "add", "-A", cwd=clone)
    run("git", "commit", "--quiet", "--allow-empty", "-m", "working tree", cwd=clone)
    current = run("git", "rev-parse", "HEAD", cwd=clone).strip()
    return clone, previous, current


def bake(template: Path, output: Path) -> Path:
    run(COOKIECUTTER, "--no-input", "-o", output, template, cwd=output.parent)
    return output / SLUG


def text_files(project: Path) -> dict[str, bytes]:
    return {str(path.relative_to(project)): path.read_bytes()
            for path in build_files_list(project)
            if ".git" not in path.relative_to(project).parts
            and str(path.relative_to(project)) not in PER_BAKE}


def test_cruft_update_from_the_previous_commit_applies_cleanly(template_clone, tmp_path):
    clone, previous, current = template_clone
    old_template = tmp_path / "old-template"
    run("git", "clone", "--quiet", clone, old_template, cwd=tmp_path)
    run("git", "checkout", "--quiet", previous, cwd=old_template)
    app = bake(old_template, tmp_path / "apps")
    secret_before = (app / ".env").read_text(encoding="utf-8")

    # The team's repository; cruft now follows the template clone (as it would a remote).
    state = json.loads((app / ".cruft.json").read_text(encoding="utf-8"))
    assert state["commit"] == previous
    state["template"] = str(clone)
    (app / ".cruft.json").write_text(json.dumps(state, ensure_ascii=False, indent=2) + "\n",
                                     encoding="utf-8")
    run("git", "init", "--quiet", cwd=app)
    run("git", "add", "-A", cwd=app)
    run("git", "commit", "--quiet", "-m", "baked from the previous template", cwd=app)

    output = run(CRUFT, "update", "--skip-apply-ask", "--checkout", current, cwd=app)
    assert "Failed" not in output and "conflict" not in output.lower(), output
    assert list(app.rglob("*.rej")) == []
    assert json.loads((app / ".cruft.json").read_text(encoding="utf-8"))["commit"] == current
    run(CRUFT, "check", "--checkout", current, cwd=app)
    # The team's settings and secret are theirs: the update never regenerates .env.
    assert (app / ".env").read_text(encoding="utf-8") == secret_before

    fresh_app = bake(clone, tmp_path / "fresh")
    fresh, updated = text_files(fresh_app), text_files(app)
    assert sorted(set(fresh) ^ set(updated)) == []
    assert [name for name in fresh if fresh[name] != updated[name]] == []
    # Binary files (the logo) travel too.
    for image in fresh_app.rglob("*.png"):
        assert (app / image.relative_to(fresh_app)).read_bytes() == image.read_bytes()

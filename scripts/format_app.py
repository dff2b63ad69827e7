"""Format the generated app's Python code in the template with ruff, as its pre-commit would.

The app's .py files are Jinja templates, so ruff cannot run on them directly. Each option
set below is baked (together they render every Jinja branch), ruff formats the bake with the
app's own settings, and each change is carried back: a file without Jinja is copied back
whole; a file with Jinja gets the change as a patch, which works unless the change touches a
Jinja line. Those files are listed at the end, to be formatted by hand. Run the template's
ruff checks after it (`make lint`): a reflowed call can leave its `# noqa` on another line.

    .venv/bin/python scripts/format_app.py           format the template's app code
    .venv/bin/python scripts/format_app.py --check   only say what would change (exit 1 if any)
"""

from __future__ import annotations

import argparse
import difflib
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from cookiecutter.main import cookiecutter

TEMPLATE = Path(__file__).resolve().parent.parent
APP = TEMPLATE / "{{cookiecutter.app_slug}}"
RUFF = Path(sys.executable).parent / "ruff"
SLUG, PACKAGE = "xietong-shixiang", "xietong_shixiang"
# Together these render every {% if %} branch of the app's Python files.
OPTION_SETS = (
    {},
    {"database": "postgresql", "cache": "redis", "oidc": True},
    {"include_demo": False},
)
JINJA_MARKS = ("{{", "{%")


def template_path(relative: Path) -> Path:
    """The template file a baked file came from."""
    parts = ["{{cookiecutter.__package_name}}" if part == PACKAGE else part
             for part in relative.parts]
    return APP.joinpath(*parts)


def python_files(root: Path) -> dict[Path, str]:
    skipped = {".venv", "node_modules", "__pycache__"}
    return {path.relative_to(root): path.read_text(encoding="utf-8")
            for path in root.rglob("*.py") if not skipped.intersection(path.parts)}


def formatted_bake(options: dict[str, object], workdir: Path) -> tuple[dict, dict]:
    """(baked, formatted) Python sources of one bake, by path inside the project."""
    project = Path(cookiecutter(str(TEMPLATE), no_input=True, output_dir=str(workdir),
                                extra_context={"app_slug": SLUG, **options}))
    before = python_files(project)
    subprocess.run([str(RUFF), "format", "--quiet", "--no-cache", "."], cwd=project,
                   check=True)
    return before, python_files(project)


def carry_back(relative: Path, before: str, after: str) -> bool:
    """Bring one file's formatting into the template; False when it must be done by hand."""
    target = template_path(relative)
    if not target.exists():
        return True  # written by the post-generation hook, not a template file
    source = target.read_text(encoding="utf-8")
    if not any(mark in source for mark in JINJA_MARKS):
        target.write_text(after, encoding="utf-8")
        return True
    diff = "".join(difflib.unified_diff(before.splitlines(keepends=True),
                                        after.splitlines(keepends=True),
                                        str(target), str(target), n=3))
    result = subprocess.run(["patch", "--forward", "--silent", "--no-backup-if-mismatch",
                             "--reject-file=-", "-p0", str(target)], input=diff, text=True,
                            capture_output=True, cwd="/")
    return result.returncode == 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="只报告，不修改")
    args = parser.parse_args(argv)
    by_hand: set[Path] = set()
    would_change: set[Path] = set()
    with tempfile.TemporaryDirectory() as workdir:
        for options in OPTION_SETS:
            before, after = formatted_bake(options, Path(workdir))
            for relative in sorted(before):
                if before[relative] == after[relative]:
                    continue
                would_change.add(template_path(relative))
                if not args.check and not carry_back(relative, before[relative],
                                                     after[relative]):
                    by_hand.add(template_path(relative))
            shutil.rmtree(workdir, ignore_errors=True)
            Path(workdir).mkdir(exist_ok=True)
    names = sorted(str(path.relative_to(TEMPLATE)) for path in would_change)
    if args.check:
        print("\n".join(names) or "已是 ruff 格式")
        return 1 if names else 0
    print(f"已格式化 {len(would_change - by_hand)} 个文件")
    if by_hand:
        print("以下文件的格式变动涉及 Jinja 行，请手工格式化（生成应用后看 ruff format --diff）：")
        print("\n".join(sorted(str(path.relative_to(TEMPLATE)) for path in by_hand)))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

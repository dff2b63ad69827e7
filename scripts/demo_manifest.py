"""Re-bake `make demo`'s app without losing anything: edits, installs or builds.

    python scripts/demo_manifest.py check PROJECT MANIFEST        # exit 1 listing edited files
    python scripts/demo_manifest.py sync FRESH PROJECT MANIFEST   # after baking into FRESH

The manifest holds a SHA-256 of every file the last bake wrote. `check` refuses when any of
them was changed since, so a template update never overwrites an edit silently. `sync` copies
only the files whose content differs from FRESH (a new bake of the template) into PROJECT:
unchanged files keep their times, so `make dev` reinstalls and rebuilds only what changed.
What `make dev` makes (.venv, node_modules, dist, instance/, .env) is not the template's: it
is never copied, compared or removed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from pathlib import Path

SKIPPED_DIRS = {".venv", "node_modules", "dist", "instance", "__pycache__", ".pytest_cache",
                ".ruff_cache", "test-results", "playwright-report", ".git"}
SKIPPED_FILES = {".env"}


def baked_files(project: Path) -> dict[str, str]:
    """Relative path -> SHA-256 of the files a bake writes (what make dev makes is pruned)."""
    digests = {}
    for folder, dirs, files in os.walk(project):
        dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS and not d.endswith(".egg-info")]
        for name in files:
            if name not in SKIPPED_FILES:
                path = Path(folder, name)
                digests[str(path.relative_to(project))] = hashlib.sha256(
                    path.read_bytes()).hexdigest()
    return digests


def edited_files(project: Path, manifest: Path) -> list[str]:
    if not project.exists():
        return []
    if not manifest.is_file():  # baked by an older `make demo`: cannot tell, so assume edits
        return ["（没有生成记录，无法确认是否改动过）"]
    recorded = json.loads(manifest.read_text(encoding="utf-8"))
    current = baked_files(project)
    return sorted(name for name, digest in recorded.items() if current.get(name) != digest)


def sync(fresh: Path, project: Path, manifest: Path) -> list[str]:
    """Bring PROJECT to FRESH's template files; return the paths that changed."""
    if not project.exists():
        shutil.move(str(fresh), str(project))
        changed = []
    else:
        old = json.loads(manifest.read_text(encoding="utf-8")) if manifest.is_file() else {}
        new = baked_files(fresh)
        changed = sorted(name for name, digest in new.items() if old.get(name) != digest)
        for name in changed:
            (project / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(fresh / name, project / name)
        for name in sorted(set(old) - set(new)):  # gone from the template, unedited (checked)
            (project / name).unlink(missing_ok=True)
            changed.append(name)
    manifest.write_text(json.dumps(baked_files(project), indent=0), encoding="utf-8")
    return changed


def main(argv: list[str]) -> int:
    if argv[0] == "sync":
        changed = sync(Path(argv[1]), Path(argv[2]), Path(argv[3]))
        done = f"已按模板更新 {len(changed)} 个文件" if changed else "已生成"
        print(f"示例应用{done}：{argv[2]}")
        return 0
    project, manifest = Path(argv[1]), Path(argv[2])
    edited = edited_files(project, manifest)
    if not edited:
        return 0
    shown = "、".join(edited[:5]) + (f" 等 {len(edited)} 个文件" if len(edited) > 5 else "")
    print(f"模板已更新，但 {project} 中有改动（{shown}），为免覆盖，没有重新生成。\n"
          f"  保留改动、直接运行：make -C {project} dev\n"
          f"  放弃改动、按新模板重新生成：rm -rf {project} {manifest} && make demo",
          file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

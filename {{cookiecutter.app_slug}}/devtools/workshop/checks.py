"""What each step must have: file checks here, behaviour in probes/stepN.py (run by pytest)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

FEATURE = "leave"
PROBES = Path(__file__).parent / "probes"
COLLECTOR = "devtools.workshop.collector"
# The learner's tests (step 6) must exercise these, found in the test sources.
TESTED = {
    "/approve": "同意（POST /api/leave/<id>/approve）",
    "/reject": "驳回（POST /api/leave/<id>/reject）",
    "contact_mobile": "联系电话对他人脱敏（contact_mobile）",
    "_sim/messages": "同意后发给申请人的消息（模拟器的 /_sim/messages）",
}
PROBE_TIMEOUT = 600


def package_root(project: Path) -> Path | None:
    found = sorted(project.glob("src/*/features/__init__.py"))
    return found[0].parent.parent if found else None


def installed_features(registry: Path) -> list[str]:
    text = registry.read_text(encoding="utf-8")
    start = text.find("INSTALLED_FEATURES")
    end = text.find("\n)", start)
    return re.findall(r'"([a-z][a-z0-9_]*)"', text[start:end]) if start >= 0 else []


def scaffold_problems(project: Path) -> list[str]:
    """Step 1's files: the slice, its registration, its pages."""
    package = package_root(project)
    if package is None:
        return ["找不到 src/<包名>/features/：请在生成的应用根目录运行 make workshop-check。"]
    problems = []
    feature = package / "features" / FEATURE
    if not (feature / "__init__.py").exists():
        problems.append("还没有 features/leave/：运行 "
                        "flask --app wsgi feature new leave --title 请假申请")
    elif FEATURE not in installed_features(package / "features" / "__init__.py"):
        problems.append("features/__init__.py 的 INSTALLED_FEATURES 中没有 \"leave\"："
                        "功能没有登记，应用不会加载它")
    writes_pages = (project / "devtools" / "scaffold" / "templates" / "frontend").is_dir()
    if writes_pages and not (project / "frontend" / "src" / "features" / FEATURE).is_dir():
        problems.append("还没有 frontend/src/features/leave/（页面）：脚手架会同时写前端，"
                        "请不要删除它")
    return problems


def tested_problems(project: Path) -> list[str]:
    """Step 6: the learner's tests mention each behaviour they must cover."""
    package = package_root(project)
    tests = package / "features" / FEATURE / "tests" if package else None
    if tests is None or not tests.is_dir():
        return ["还没有 features/leave/tests/。"]
    sources = "\n".join(path.read_text(encoding="utf-8") for path in tests.glob("test_*.py"))
    return [f"features/leave/tests/ 里还没有测试覆盖：{what}（测试代码中应出现 {needle}）"
            for needle, what in TESTED.items() if needle not in sources]


def run_probe(project: Path, *targets: str) -> list[str]:
    """Run pytest on `targets` with the collector; the Chinese problems it reports."""
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        environ = {**os.environ, "WORKSHOP_REPORT": str(report),
                   "PYTHONPATH": os.pathsep.join(filter(None, [
                       str(project / "src"), str(project), os.environ.get("PYTHONPATH")]))}
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                   "-p", COLLECTOR, "-o", "addopts=", "--rootdir", str(project), *targets]
        try:
            # This interpreter and fixed arguments: no shell, nothing from outside.
            done = subprocess.run(command, cwd=project, env=environ,  # noqa: S603
                                  capture_output=True, text=True, timeout=PROBE_TIMEOUT)
        except subprocess.TimeoutExpired:
            return [f"检查运行超过 {PROBE_TIMEOUT} 秒仍未结束：代码里是否有死循环或在等待网络？"]
        if report.exists():
            found = json.loads(report.read_text(encoding="utf-8"))
            if found or done.returncode == 0:
                return found
        tail = "\n      ".join((done.stdout + done.stderr).strip().splitlines()[-15:])
        return [f"测试无法运行（pytest 退出码 {done.returncode}），输出的最后几行：\n      {tail}"]


def run_step(step: int, project: Path) -> list[str]:
    problems = scaffold_problems(project)
    if step == 1:
        if problems:
            return problems
        package = package_root(project)
        return run_probe(project, str(package / "features" / FEATURE / "tests"))
    if problems:
        return [f"请先完成第 1 步（make workshop-check STEP=1）：{problem}" for problem in problems]
    if step == 6:
        problems = tested_problems(project)
        package = package_root(project)
        return problems + run_probe(project, str(package / "features" / FEATURE / "tests"))
    return run_probe(project, str(PROBES / f"step{step}.py"))

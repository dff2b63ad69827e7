"""Known-vulnerability audit of the pinned dependencies (DB31DSJ/Z 003 §8.3 a 安全自测).

Both tools ask an online advisory database. Without the network they cannot answer, and
the check says so (`manual`) instead of failing: every command works offline.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from .results import FAIL, MANUAL, PASS, SKIPPED, CheckResult

CLAUSE = "§8.3 a"
PIP_AUDIT_SECONDS = 240
NPM_AUDIT_SECONDS = 120
OFFLINE = "离线模式（--offline），未查询漏洞库；上线前请联网运行 make check"


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:200] if lines else "无输出"


def check_python_dependencies(offline: bool) -> CheckResult:
    requirement = "后端依赖无已知漏洞（pip-audit）"
    if offline:
        return CheckResult("pip-audit", CLAUSE, requirement, SKIPPED, OFFLINE)
    command = [sys.executable, "-m", "pip_audit", "--format", "json", "--progress-spinner", "off",
               "--skip-editable"]
    try:
        result = subprocess.run(command, capture_output=True, text=True,  # noqa: S603
                                timeout=PIP_AUDIT_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        return CheckResult("pip-audit", CLAUSE, requirement, MANUAL,
                           f"pip-audit {PIP_AUDIT_SECONDS} 秒内未完成（网络慢或不可用），"
                           "请联网重试")
    if "No module named pip_audit" in result.stderr:
        return CheckResult("pip-audit", CLAUSE, requirement, MANUAL,
                           "未安装 pip-audit（pip install -e '.[dev]'），请安装后重试")
    try:
        report = json.loads(result.stdout)
    except ValueError:
        return CheckResult("pip-audit", CLAUSE, requirement, MANUAL,
                           f"pip-audit 未能查询漏洞库（可能无法联网）：{_last_line(result.stderr)}")
    dependencies = report.get("dependencies", [])
    vulnerable = [f"{dep['name']} {dep['version']}（"
                  + "、".join(vuln["id"] for vuln in dep["vulns"]) + "）"
                  for dep in dependencies if dep.get("vulns")]
    if vulnerable:
        return CheckResult("pip-audit", CLAUSE, requirement, FAIL,
                           "存在已知漏洞：" + "；".join(vulnerable) + "。请升级到已修复的版本")
    return CheckResult("pip-audit", CLAUSE, requirement, PASS,
                       f"已审计 {len(dependencies)} 个已安装的包，无已知漏洞")


def check_frontend_dependencies(frontend: Path, offline: bool) -> CheckResult:
    requirement = "前端依赖无高危漏洞（npm audit）"
    if offline:
        return CheckResult("npm-audit", CLAUSE, requirement, SKIPPED, OFFLINE)
    npm = shutil.which("npm")
    if npm is None:
        return CheckResult("npm-audit", CLAUSE, requirement, MANUAL,
                           "未找到 npm（make setup 会安装 Node），请安装后重试")
    if not (frontend / "package-lock.json").is_file():
        return CheckResult("npm-audit", CLAUSE, requirement, FAIL,
                           "缺少 frontend/package-lock.json，依赖版本未锁定")
    try:
        result = subprocess.run([npm, "audit", "--json"], cwd=frontend,  # noqa: S603
                                capture_output=True, text=True, timeout=NPM_AUDIT_SECONDS,
                                check=False)
    except subprocess.TimeoutExpired:
        return CheckResult("npm-audit", CLAUSE, requirement, MANUAL,
                           f"npm audit {NPM_AUDIT_SECONDS} 秒内未完成（网络慢或不可用），"
                           "请联网重试")
    try:
        report = json.loads(result.stdout)
    except ValueError:
        report = {}
    counts = report.get("metadata", {}).get("vulnerabilities")
    if counts is None:
        error = report.get("error", {})
        reason = (report.get("message") or error.get("summary") or error.get("code")
                  or _last_line(result.stderr))
        return CheckResult("npm-audit", CLAUSE, requirement, MANUAL,
                           f"npm audit 未能查询漏洞库（可能无法联网）：{reason}")
    serious = counts.get("high", 0) + counts.get("critical", 0)
    shown = "，".join(f"{level} {counts.get(level, 0)}"
                     for level in ("critical", "high", "moderate", "low"))
    if serious:
        return CheckResult("npm-audit", CLAUSE, requirement, FAIL,
                           f"存在高危漏洞（{shown}），请运行 npm audit 查看并升级")
    return CheckResult("npm-audit", CLAUSE, requirement, PASS, f"无高危漏洞（{shown}）")

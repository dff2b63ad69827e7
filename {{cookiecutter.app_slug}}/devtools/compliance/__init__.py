"""Compliance as code: the self-test of DB31DSJ/Z 003—2026 (§8.3 a) and its inspection (§8.3 c).

`flask --app wsgi compliance check` runs every automated check on this code base, prints a
table and writes docs/self-test-report.md with a JSON twin; `--url` adds the live checks
of a deployed app. Each check is a plain function returning `CheckResult`s, so tests call
them directly. docs/compliance.md maps every clause to its code, test or manual step.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from {{ cookiecutter.__package_name }}.config import Config

from .. import PROJECT_ROOT
from . import audit, backend, branding, h5, live
from .matrix import load_matrix
from .registration import check_registration, load_registration
from .report import Report, format_table, write_report
from .results import FAIL, MANUAL, PASS, SKIPPED, CheckResult

__all__ = ["CHECK_IDS", "FAIL", "MANUAL", "PASS", "SKIPPED", "CheckResult", "Report",
           "format_table", "offline_checks", "run_compliance_check", "write_report"]

# Every check's id, as docs/compliance.md cites them (`compliance:<id>`).
OFFLINE_CHECK_IDS = ("registration", "app-name", "logo", "icon-corners", "https-urls",
                     "tls-settings", "health-endpoint", "page-width", "no-red", "contrast", "toast",
                     "route-depth", "lazy-routes", "bundle-budget", "no-sensitive-columns",
                     "pip-audit", "npm-audit")
LIVE_CHECK_IDS = ("live-headers", "live-tls", "live-health", "live-redirect")
CHECK_IDS = OFFLINE_CHECK_IDS + LIVE_CHECK_IDS

Check = Callable[[], "CheckResult | list[CheckResult]"]


def offline_checks(project_root: Path, settings: Config | None, app_name: str,
                   *, offline: bool) -> list[tuple[str, Check]]:
    """(name, check) for every check of the code base, in report order."""
    registration = load_registration(project_root)
    frontend = project_root / "frontend"
    name = (registration or {}).get("app_name") or app_name
    return [
        ("registration", lambda: check_registration(project_root)),
        ("app-name", lambda: branding.check_app_name(name, project_root)),
        ("logo", lambda: branding.check_logo(branding.logo_path(project_root, registration))),
        ("https-urls", lambda: backend.check_https_urls(registration, settings)),
        ("tls-settings", lambda: backend.check_tls_settings(project_root)),
        ("health-endpoint", lambda: backend.check_health_endpoint(settings)
         if settings else CheckResult("health-endpoint", "§6.2.4 d", "健康状态监测地址",
                                      SKIPPED, "没有应用配置")),
        ("page-width", lambda: backend.check_page_width(registration, settings)),
        ("no-red", lambda: h5.check_no_red(frontend)),
        ("contrast", lambda: h5.check_colour_contrast(frontend)),
        ("toast", lambda: h5.check_toast_duration(frontend)),
        ("routes", lambda: h5.check_routes(frontend)),
        ("bundle-budget", lambda: h5.check_initial_bundle(frontend)),
        ("no-sensitive-columns", lambda: backend.check_no_sensitive_columns()),
        ("pip-audit", lambda: audit.check_python_dependencies(offline)),
        ("npm-audit", lambda: audit.check_frontend_dependencies(frontend, offline)),
    ]


def run_check(name: str, check: Check) -> list[CheckResult]:
    """Run one check; a check that crashes is a failure with its error as evidence."""
    try:
        outcome = check()
    except Exception as error:  # noqa: BLE001 - one broken check must not hide the others
        return [CheckResult(name, "—", f"自检项 {name}", FAIL,
                            f"检查出错：{type(error).__name__}: {error}")]
    return outcome if isinstance(outcome, list) else [outcome]


def git_commit(project_root: Path) -> str | None:
    try:
        answer = subprocess.run(["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
                                cwd=project_root, capture_output=True, text=True, check=False,
                                timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if answer.returncode != 0:
        return None
    return answer.stdout.strip() or None


def run_compliance_check(settings: Config | None, app_name: str, *,
                         project_root: Path = PROJECT_ROOT, url: str | None = None,
                         offline: bool = False, live_only: bool = False,
                         cafile: str | None = None, http_url: str | None = None,
                         now: Callable[[], datetime] = lambda: datetime.now().astimezone()
                         ) -> Report:
    """Every check (offline ones unless `live_only`, live ones when `url` is given)."""
    results: list[CheckResult] = []
    if not live_only:
        for name, check in offline_checks(project_root, settings, app_name, offline=offline):
            results += run_check(name, check)
    if url:
        results += run_check("live", lambda: live.run_live_checks(url, cafile=cafile,
                                                                   http_url=http_url))
    manual_rows = [row for row in load_matrix(project_root) if not row.automated]
    return Report(app_name=app_name, generated_at=now().isoformat(timespec="seconds"),
                  results=results, url=url, commit=git_commit(project_root),
                  manual_rows=manual_rows)

"""`flask --app wsgi compliance check`: each check passes on this app and fails on a bad one."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import ssl
import subprocess
import threading
import warnings
from pathlib import Path

import pytest
from devtools import PROJECT_ROOT, cli
from devtools.compliance import (
    CHECK_IDS,
    FAIL,
    MANUAL,
    OFFLINE_CHECK_IDS,
    PASS,
    SKIPPED,
    audit,
    backend,
    branding,
    h5,
    live,
    run_compliance_check,
)
from devtools.compliance.colours import (
    check_contrast,
    contrast_ratio,
    find_red,
    is_red,
    parse_colour,
)
from devtools.compliance.registration import check_registration
from devtools.dev_cert import ensure_dev_cert
from sqlalchemy import Column, Integer, MetaData, String, Table
from werkzeug.serving import make_server

from {{ cookiecutter.__package_name }} import health
from {{ cookiecutter.__package_name }}.security.tls import server_context

from .fixtures import tables_created


@pytest.fixture
def runner(app):
    """The app's commands plus the toolkit's, as `flask --app wsgi` has them in a checkout."""
    cli.register_toolkit_commands(app)
    return app.test_cli_runner()


def statuses(results) -> dict[str, str]:
    return {result.check: result.status for result in results}


# ---- the command ------------------------------------------------------------------------

def test_check_command_prints_the_table_writes_both_reports_and_passes(runner, tmp_path):
    output = tmp_path / "docs" / "self-test-report.md"
    result = runner.invoke(args=["compliance", "check", "--offline", "--output", str(output)])
    assert result.exit_code == 0, result.output
    for heading in ("条款", "要求", "结果", "依据"):
        assert heading in result.output
    assert "§6.2.2" in result.output and "附录 D·应用名称" in result.output
    report = json.loads(output.with_suffix(".json").read_text(encoding="utf-8"))
    assert report["failed"] is False
    found = statuses_from_json(report)
    assert set(found) == set(OFFLINE_CHECK_IDS)
    assert found["pip-audit"] == found["npm-audit"] == SKIPPED  # --offline: not a failure
    for check in ("registration", "app-name", "logo", "https-urls", "tls-settings",
                  "health-endpoint", "page-width", "route-depth", "lazy-routes",
                  "no-sensitive-columns"):
        assert found[check] == PASS, report
    markdown = output.read_text(encoding="utf-8")
    assert "| 条款 | 要求 | 结果 | 依据 |" in markdown
    assert "## 需人工完成的条款" in markdown and "§8.1 b" in markdown


def statuses_from_json(report: dict) -> dict[str, str]:
    return {item["check"]: item["status"] for item in report["results"]}


def test_check_command_exits_non_zero_on_a_failure(runner, tmp_path, monkeypatch):
    project = tmp_path / "project"
    project.mkdir()
    registration = json.loads((PROJECT_ROOT / "registration.json").read_text(encoding="utf-8"))
    registration["home_url"] = "http://xietong.example.gov.cn/"
    (project / "registration.json").write_text(json.dumps(registration), encoding="utf-8")
    monkeypatch.setattr(cli, "run_compliance_check",
                        functools.partial(run_compliance_check, project_root=project))
    output = tmp_path / "report.md"
    result = runner.invoke(args=["compliance", "check", "--offline", "--output", str(output)])
    assert result.exit_code == 1
    found = statuses_from_json(json.loads(output.with_suffix(".json").read_text("utf-8")))
    assert found["https-urls"] == found["registration"] == found["logo"] == FAIL
    assert "**不通过**" in output.read_text(encoding="utf-8")


def test_a_check_that_crashes_is_a_failure_and_the_others_still_run(app, monkeypatch):
    def broken():
        raise RuntimeError("boom")

    monkeypatch.setattr(backend, "check_no_sensitive_columns", broken)
    with app.app_context():
        report = run_compliance_check(app.config["SETTINGS"], "协同事项", offline=True)
    crashed = [result for result in report.results if "boom" in result.evidence]
    assert [result.status for result in crashed] == [FAIL]
    assert report.failed and len(report.results) == len(OFFLINE_CHECK_IDS)


def test_live_only_needs_a_url(runner):
    result = runner.invoke(args=["compliance", "check", "--live-only"])
    assert result.exit_code == 2 and "--url" in result.output


# ---- 附录 D: name, logo, icon -------------------------------------------------------------

@pytest.mark.parametrize(("name", "problem"), [
    ("协同事项", None),
    ("Ywxt2026", None),
    ("协", "共 1 个字"),
    ("协同事项管理平台系统", "共 10 个字"),
    ("协同·事项", "特殊字符“·”"),
    ("事项 办理", "特殊字符“ ”"),
    ("免费办事", "禁用词“免费”"),
    ("测试助手", "禁用词“测试”"),
])
def test_app_name_rules(tmp_path, name, problem):
    result = branding.check_app_name(name, tmp_path)
    if problem is None:
        assert result.status == PASS, result.evidence
    else:
        assert result.status == FAIL and problem in result.evidence


def test_app_name_banned_words_come_from_the_saved_answers(tmp_path):
    state = {"context": {"cookiecutter": {"_banned_name_words": {"政务": "平台要求"}}}}
    (tmp_path / ".cruft.json").write_text(json.dumps(state, ensure_ascii=False), "utf-8")
    assert branding.check_app_name("政务通", tmp_path).status == FAIL
    assert branding.check_app_name("测试助手", tmp_path).status == PASS  # the list replaced


def _image(path: Path, size: tuple[int, int], fmt: str, mode: str = "RGB") -> Path:
    from PIL import Image

    Image.new(mode, size, (31, 95, 191) if mode == "RGB" else (31, 95, 191, 255)).save(
        path, fmt)
    return path


def test_the_shipped_logo_passes():
    results = branding.check_logo(PROJECT_ROOT / "branding" / "logo.png")
    assert statuses(results) == {"logo": PASS, "icon-corners": MANUAL}


def test_logo_of_the_wrong_size_or_format_fails(tmp_path):
    small = branding.check_logo(_image(tmp_path / "small.png", (512, 512), "PNG"))
    assert small[0].status == FAIL and "512×512" in small[0].evidence
    gif = branding.check_logo(_image(tmp_path / "logo.gif", (750, 750), "GIF"))
    assert gif[0].status == FAIL and "GIF" in gif[0].evidence
    assert branding.check_logo(tmp_path / "missing.png")[0].status == FAIL
    square = branding.check_logo(_image(tmp_path / "square.png", (750, 750), "PNG", "RGBA"))
    assert statuses(square) == {"logo": PASS, "icon-corners": FAIL}  # square corners


# ---- §6.2.2, §6.2.3: registration.json ----------------------------------------------------

def _registration(tmp_path: Path, **changes) -> Path:
    data = json.loads((PROJECT_ROOT / "registration.json").read_text(encoding="utf-8"))
    for key, value in changes.items():
        if value is None:
            data.pop(key)
        else:
            data[key] = value
    (tmp_path / "registration.json").write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return tmp_path


def test_registration_json_of_this_app_matches_the_schema():
    assert check_registration(PROJECT_ROOT).status == PASS


@pytest.mark.parametrize(("changes", "problem"), [
    ({"visible_scope": None}, "visible_scope"),
    ({"developer_org": "  "}, "developer_org"),
    ({"app_category": "娱乐应用"}, "app_category"),
    ({"page_width": {"mode": "fixed", "width": 1000}}, "page_width"),
    ({"health_url": "https://other.example.gov.cn/healthz"}, "health_url"),
    ({"terminals": []}, "terminals"),
])
def test_registration_with_a_missing_field_fails(tmp_path, changes, problem):
    result = check_registration(_registration(tmp_path, **changes))
    assert result.status == FAIL and problem in result.evidence


def test_registration_needs_the_audit_documents_of_its_category(tmp_path):
    office = check_registration(_registration(
        tmp_path, app_category="办公应用", audit_documents=["软件测试报告", "安全测试报告"]))
    assert office.status == FAIL and "密码应用" in office.evidence
    secrets = check_registration(_registration(
        tmp_path, handles_work_secrets=True, audit_documents=["软件测试报告"]))
    assert secrets.status == FAIL and "三级" in secrets.evidence


# ---- §8.3 b: HTTPS and TLS ---------------------------------------------------------------

def test_an_http_address_in_the_registration_fails(app):
    registration = {"home_url": "http://xietong.example.gov.cn/",
                    "health_url": "https://10.0.0.8/healthz", "portal_origins": []}
    result = backend.check_https_urls(registration, app.config["SETTINGS"])
    assert result.status == FAIL
    assert "不是 HTTPS" in result.evidence and "IP 地址" in result.evidence


def test_production_config_refuses_every_http_address(tmp_path):
    assert backend.http_settings_refused(tmp_path) == []


def test_tls_settings_of_this_app_pass():
    assert backend.check_tls_settings(PROJECT_ROOT).status == PASS


def test_nginx_allowing_tls_1_0_fails(tmp_path):
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "nginx.conf").write_text(
        "server {\n  # ssl_protocols TLSv1.3;\n  ssl_protocols TLSv1 TLSv1.2;\n}\n", "utf-8")
    result = backend.check_tls_settings(tmp_path)
    assert result.status == FAIL and "TLSv1" in result.evidence


# ---- §6.2.4 d: health --------------------------------------------------------------------

def test_health_check_of_this_app_passes(app):
    result = backend.check_health_endpoint(app.config["SETTINGS"])
    assert result.status == PASS, result.evidence
    assert "503" in result.evidence


def test_a_healthz_that_does_not_look_at_the_database_fails(app, monkeypatch):
    monkeypatch.setattr(health, "CHECKS", (health.check_outbox,))
    result = backend.check_health_endpoint(app.config["SETTINGS"])
    assert result.status == FAIL and "缺少检查项：database:responseTime" in result.evidence


# ---- 附录 D 页面框架 ------------------------------------------------------------------------

def test_page_width_must_match_the_registration(app):
    settings = app.config["SETTINGS"]
    expected = ({"mode": "fixed", "width": settings.fixed_page_width}
                if settings.page_width_mode == "fixed" else {"mode": "adaptive"})
    assert backend.check_page_width({"page_width": expected}, settings).status == PASS
    other = {"mode": "adaptive"} if expected["mode"] == "fixed" else {"mode": "fixed",
                                                                       "width": 800}
    assert backend.check_page_width({"page_width": other}, settings).status == FAIL


@pytest.mark.parametrize(("colour", "red"), [
    ("#f00", True), ("#ee0a24", True), ("rgb(238 10 36)", True), ("rgba(255,0,0,.5)", True),
    ("hsl(350 80% 40%)", True), ("crimson", True), ("tomato", True),
    ("#9c5a00", False), ("#1f5fbf", False), ("rgba(255,0,0,0)", False), ("#fff", False),
    ("#808080", False),
])
def test_red_is_hue_within_20_degrees_and_saturated(colour, red):
    channels = parse_colour(colour)
    assert channels is not None and is_red(*channels) is red


def _frontend(tmp_path: Path, css: str) -> Path:
    assets = tmp_path / "dist" / "assets"
    assets.mkdir(parents=True)
    (tmp_path / "dist" / "index.html").write_text("<html></html>", encoding="utf-8")
    (assets / "index.css").write_text(css, encoding="utf-8")
    return tmp_path


def test_red_in_the_built_css_fails(tmp_path):
    result = h5.check_no_red(_frontend(tmp_path, ".tag{border:1px solid #e4393c}"))
    assert result.status == FAIL and "#e4393c" in result.evidence


def test_a_red_token_that_the_theme_replaces_is_not_red(tmp_path):
    css = (":root{--van-red:#ee0a24;--van-danger-color:var(--van-red)}"
           ".b{color:var(--van-red)}:root:root{--van-red:#9c5a00}")
    assert find_red({"a.css": css})[0] == []
    assert h5.check_no_red(_frontend(tmp_path, css)).status == PASS
    # The same token only inside a media query does not replace it everywhere.
    media = ":root{--van-red:#ee0a24}@media (max-width:600px){:root:root{--van-red:#9c5a00}}"
    assert len(find_red({"a.css": media})[0]) == 1


THEME = (":root{--app-text:#1f2329;--app-text-2:#545b66;--app-text-3:#5f6672;--app-primary:#1f5fbf;"
         "--app-primary-active:#194e9e;--app-attention:#9c5a00;--app-success:#1b7348;--app-bg:#f4f6f9;"
         "--app-surface:#fff;--app-primary-soft:#eaf1fb;--app-attention-soft:#fbf1e1;"
         "--app-success-soft:#e5f3eb;--van-active-color:#e8ecf1;--app-focus:var(--app-primary);"
         "--app-input-border:#7b8390}.app-button--primary{color:#fff}")


@pytest.mark.parametrize(("first", "second", "ratio"), [
    ("#000", "#fff", 21.0), ("#7d8591", "#ffffff", 3.72), ("#7d8591", "#f4f6f9", 3.44),
    ("#fff", "#1f5fbf", 6.09),
])
def test_contrast_ratio_is_wcag_s(first, second, ratio):
    assert contrast_ratio(first, second) == pytest.approx(ratio, abs=0.01)


def test_the_theme_colours_pass_the_contrast_check(tmp_path):
    findings, lowest = check_contrast({"a.css": THEME})
    assert findings == []
    assert lowest["--app-text-3"] == pytest.approx(4.88, abs=0.01)  # on --van-active-color
    assert h5.check_colour_contrast(_frontend(tmp_path, THEME)).status == PASS


def test_low_contrast_text_a_weak_focus_ring_and_light_text_on_a_pale_fill_fail(tmp_path):
    grey = THEME + ":root:root{--app-text-3:#7d8591}"
    findings, _ = check_contrast({"a.css": grey})
    assert {(f.foreground, f.background) for f in findings} >= {("--app-text-3", "--app-bg"),
                                                                 ("--app-text-3", "--app-surface")}
    result = h5.check_colour_contrast(_frontend(tmp_path, grey))
    assert result.status == FAIL and "#7d8591" in result.evidence and "3.44:1" in result.evidence

    ring = THEME + ":root:root{--app-focus:#b9c1cc}"
    assert [f.foreground for f in check_contrast({"a.css": ring})[0]][:1] == ["--app-focus"]
    pale = THEME + ":root:root{--app-primary-active:#8fb1e3}"
    assert any(f.foreground.endswith("color") for f in check_contrast({"a.css": pale})[0])
    # A theme without a token is a finding, not a silent pass.
    assert check_contrast({"a.css": ":root{--app-text:#000}"})[0]


def test_css_checks_are_skipped_before_the_build(tmp_path):
    assert h5.check_no_red(tmp_path).status == SKIPPED
    assert h5.check_colour_contrast(tmp_path).status == SKIPPED
    assert h5.check_initial_bundle(tmp_path).status == SKIPPED


def _toast(tmp_path: Path, duration: int, fade: str = "0.2s") -> Path:
    (tmp_path / "src" / "ui").mkdir(parents=True)
    (tmp_path / "src" / "styles").mkdir(parents=True)
    (tmp_path / "src" / "ui" / "toast.ts").write_text(
        f"export const TOAST_DURATION_MS = {duration}\n", encoding="utf-8")
    (tmp_path / "src" / "styles" / "theme.css").write_text(
        ":root { --van-duration-base: " + fade + "; }\n", encoding="utf-8")
    return tmp_path


def test_a_toast_longer_than_one_and_a_half_seconds_fails(tmp_path):
    assert h5.check_toast_duration(_toast(tmp_path / "ok", 1000)).status == PASS
    long = h5.check_toast_duration(_toast(tmp_path / "long", 1400))
    assert long.status == FAIL and "1600 ms" in long.evidence
    bypass = _toast(tmp_path / "bypass", 1000)
    (bypass / "src" / "Page.vue").write_text("showToast({ duration: 3000 })", encoding="utf-8")
    result = h5.check_toast_duration(bypass)
    assert result.status == FAIL and "Page.vue" in result.evidence


def test_the_toast_of_this_app_passes():
    assert h5.check_toast_duration(PROJECT_ROOT / "frontend").status == PASS


ROUTES = """import type { RouteRecordRaw } from 'vue-router'
import HomeView from '../views/HomeView.vue'
EXTRA_IMPORT
export const routes: RouteRecordRaw[] = [
  { path: '/', name: 'home', component: HomeView },
  { path: '/items', component: () => import('../views/ItemsView.vue'), children: [
    { path: ':id', component: CHILD },
  ] },
  { path: '/:pathMatch(.*)*', component: () => import('../views/NotFoundView.vue') },
]
"""


def _router(tmp_path: Path, child: str = "() => import('../views/ItemView.vue')",
            extra_import: str = "") -> Path:
    """A front end whose route table (src/router/routes.ts) has a nested page."""
    table = tmp_path / "src" / "router" / "routes.ts"
    table.parent.mkdir(parents=True, exist_ok=True)
    table.write_text(ROUTES.replace("CHILD", child).replace("EXTRA_IMPORT", extra_import),
                     encoding="utf-8")
    return tmp_path


def test_the_routes_of_this_app_pass():
    assert statuses(h5.check_routes(PROJECT_ROOT / "frontend")) == {
        "route-depth": PASS, "lazy-routes": PASS}


def test_the_core_pages_are_read_from_this_apps_route_table():
    """The check reads the route table itself, not only the features' pages: an app without
    any feature still has its three tabs and the catch-all."""
    table = (PROJECT_ROOT / "frontend/src/router/routes.ts").read_text("utf-8")
    paths = [route.path for route in h5.parse_routes(table)]
    assert paths[:3] == ["/", "/messages", "/me"] and paths[-1] == "/:pathMatch(.*)*"


def test_nested_routes_are_parsed_with_their_full_path(tmp_path):
    expected = [("/", False), ("/items", True), ("/items/:id", True),
                ("/:pathMatch(.*)*", True)]
    table = (_router(tmp_path) / "src/router/routes.ts").read_text("utf-8")
    assert [(route.path, route.lazy) for route in h5.parse_routes(table)] == expected
    # The same table as createRouter's option (and a feature descriptor's `routes:`).
    option = table.replace("export const routes: RouteRecordRaw[] = [",
                           "const router = createRouter({ routes: [").rstrip() + "})\n"
    assert [(route.path, route.lazy) for route in h5.parse_routes(option)] == expected


def test_a_front_end_without_a_route_table_fails(tmp_path):
    results = h5.check_routes(tmp_path)
    assert statuses(results) == {"route-depth": FAIL, "lazy-routes": FAIL}
    assert all("routes.ts" in result.evidence for result in results)


def test_an_eager_route_other_than_the_landing_page_fails(tmp_path):
    results = h5.check_routes(_router(tmp_path, child="ItemView",
                                      extra_import="import ItemView from '../views/ItemView.vue'"))
    lazy = next(result for result in results if result.check == "lazy-routes")
    assert lazy.status == FAIL and "/items/:id" in lazy.evidence


def test_route_depth_over_five_fails(tmp_path):
    router = _router(tmp_path)
    path = router / "src" / "router" / "routes.ts"
    path.write_text(path.read_text("utf-8").replace("':id'", "':id/a/b/c/d'"), "utf-8")
    depth = next(result for result in h5.check_routes(router) if result.check == "route-depth")
    assert depth.status == FAIL and "6 层" in depth.evidence


def _dist(tmp_path: Path, js_bytes: bytes) -> Path:
    assets = tmp_path / "dist" / "assets"
    assets.mkdir(parents=True)
    (tmp_path / "dist" / "index.html").write_text(
        '<script type="module" crossorigin src="/assets/index.js"></script>'
        '<link rel="modulepreload" crossorigin href="/assets/core.js">'
        '<link rel="stylesheet" crossorigin href="/assets/index.css">', encoding="utf-8")
    (assets / "index.js").write_bytes(js_bytes)
    (assets / "core.js").write_bytes(b"export const core = 1;\n" * 100)
    (assets / "index.css").write_text("body{margin:0}", encoding="utf-8")
    return tmp_path


def test_initial_bundle_over_budget_fails(tmp_path):
    assert h5.check_initial_bundle(_dist(tmp_path / "small", b"console.log(1)")).status == PASS
    big = h5.check_initial_bundle(_dist(tmp_path / "big", os.urandom(60_000)))
    assert big.status == FAIL and "超出预算" in big.evidence
    broken = _dist(tmp_path / "broken", b"1")
    (broken / "dist" / "assets" / "core.js").unlink()
    assert "core.js" in h5.check_initial_bundle(broken).evidence


# ---- §8.2 c: no sensitive column ---------------------------------------------------------

def test_this_apps_schema_has_no_sensitive_column(app):
    with app.app_context():
        assert backend.check_no_sensitive_columns().status == PASS


def test_a_sensitive_column_fails():
    metadata = MetaData()
    Table("person", metadata, Column("id", Integer, primary_key=True),
          Column("user_mobile", String), Column("id_card_no", String), Column("nickname", String),
          Column("qr_code_url", String, info={"not_sensitive": "平台公开的二维码地址"}))
    result = backend.check_no_sensitive_columns(metadata)
    assert result.status == FAIL
    assert "person.user_mobile" in result.evidence and "person.id_card_no" in result.evidence
    assert "nickname" not in result.evidence and "qr_code_url" not in result.evidence


# ---- §8.3 a: dependency audit ------------------------------------------------------------

def _answer(stdout: str, stderr: str = "", code: int = 0):
    return lambda *args, **kwargs: subprocess.CompletedProcess(args, code, stdout, stderr)


def test_dependency_audit_without_network_is_manual_not_a_failure(monkeypatch, tmp_path):
    monkeypatch.setattr(audit.subprocess, "run", _answer("", "ConnectionError: pypi.org", 1))
    assert audit.check_python_dependencies(offline=False).status == MANUAL
    (tmp_path / "package-lock.json").write_text("{}", encoding="utf-8")
    monkeypatch.setattr(audit.shutil, "which", lambda name: "/usr/bin/npm")
    monkeypatch.setattr(audit.subprocess, "run",
                        _answer('{"error": {"code": "EAI_AGAIN", "summary": ""}}', "", 1))
    npm = audit.check_frontend_dependencies(tmp_path, offline=False)
    assert npm.status == MANUAL and "EAI_AGAIN" in npm.evidence


def test_a_known_vulnerability_fails(monkeypatch, tmp_path):
    report = {"dependencies": [{"name": "flask", "version": "0.1", "vulns": [{"id": "PYSEC-1"}]},
                               {"name": "click", "version": "8.0", "vulns": []}]}
    monkeypatch.setattr(audit.subprocess, "run", _answer(json.dumps(report), code=1))
    result = audit.check_python_dependencies(offline=False)
    assert result.status == FAIL and "flask 0.1（PYSEC-1）" in result.evidence
    (tmp_path / "package-lock.json").write_text("{}", encoding="utf-8")
    monkeypatch.setattr(audit.shutil, "which", lambda name: "/usr/bin/npm")
    counts = {"metadata": {"vulnerabilities": {"high": 1, "critical": 0, "moderate": 2}}}
    monkeypatch.setattr(audit.subprocess, "run", _answer(json.dumps(counts), code=1))
    assert audit.check_frontend_dependencies(tmp_path, offline=False).status == FAIL


def test_offline_audits_are_skipped(tmp_path):
    assert audit.check_python_dependencies(offline=True).status == SKIPPED
    assert audit.check_frontend_dependencies(tmp_path, offline=True).status == SKIPPED


# ---- §8.3 c: live checks against a loopback deployment -----------------------------------

@contextlib.contextmanager
def serving(app, context: ssl.SSLContext | None = None):
    """`app` on 127.0.0.1 and a free port (TLS when `context` is given), stopped after."""
    server = make_server("127.0.0.1", 0, app, threaded=True, ssl_context=context)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        thread.join(5)


@pytest.fixture(scope="module")
def dev_cert(tmp_path_factory):
    return ensure_dev_cert(tmp_path_factory.mktemp("dev-cert"))


def test_live_checks_pass_against_a_hardened_https_server(platform_app, dev_cert):
    context = server_context(dev_cert.cert, dev_cert.key)
    with serving(platform_app, context) as https_port, serving(platform_app) as http_port:
        results = live.run_live_checks(f"https://127.0.0.1:{https_port}/", cafile=str(dev_cert.ca),
                                       http_url=f"http://127.0.0.1:{http_port}/")
    found = statuses(results)
    assert set(found) == {"live-headers", "live-tls", "live-health", "live-redirect"}
    assert found == dict.fromkeys(found, PASS), results
    tls = next(result for result in results if result.check == "live-tls")
    assert "TLS 1.0 被拒绝" in tls.evidence and "TLS 1.3 可用" in tls.evidence


def test_live_tls_fails_when_the_server_still_speaks_tls_1_0(app, dev_cert):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        context.minimum_version = ssl.TLSVersion.TLSv1
    context.set_ciphers("ALL:@SECLEVEL=0")
    context.load_cert_chain(dev_cert.cert, dev_cert.key)
    with serving(app, context) as port:
        result = live.check_live_tls(f"https://127.0.0.1:{port}/", cafile=str(dev_cert.ca))
    assert result.status == FAIL and "TLS 1.0 被接受" in result.evidence


def test_live_checks_fail_on_plain_http_and_missing_headers(make_config, make_app):
    config = make_config(app_base_url="http://127.0.0.1")  # development-like: no HSTS
    with tables_created(make_app(config)) as plain, serving(plain) as port:
        url = f"http://127.0.0.1:{port}/"
        assert statuses(live.run_live_checks(url)) == {"live-url": FAIL}
        headers = live.check_live_headers(url)
        redirect = live.check_http_redirect(f"https://127.0.0.1:{port}/", http_url=url)
    assert headers.status == FAIL and "hsts-not-implemented" in headers.evidence
    assert redirect.status == FAIL


def test_every_check_id_is_listed_once():
    assert len(set(CHECK_IDS)) == len(CHECK_IDS)
    assert set(OFFLINE_CHECK_IDS) < set(CHECK_IDS)

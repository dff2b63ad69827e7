"""Checks on the server side: addresses, TLS settings, health endpoint, page width, schema."""

from __future__ import annotations

import contextlib
import dataclasses
import ipaddress
import logging
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

from {{ cookiecutter.__package_name }} import create_app
from {{ cookiecutter.__package_name }}.config import (
    FIXED_PAGE_WIDTH,
    PAGE_WIDTH_MODE,
    Config,
    ConfigError,
)
from {{ cookiecutter.__package_name }}.extensions import db
from {{ cookiecutter.__package_name }}.privacy import SENSITIVE_PROFILE_FIELDS

from .results import FAIL, PASS, SKIPPED, CheckResult

HTTPS_CLAUSE = "§8.3 b"
# Every URL setting Config reads; production must refuse each one over plain http.
URL_SETTINGS = ("APP_BASE_URL", "YWXT_API_BASE", "YWXT_OAUTH_AUTHORIZE_URL",
                "YWXT_WEB_LOGIN_URL", "YWXT_JSSDK_URL")
ALLOWED_TLS = {"TLSv1.2", "TLSv1.3"}
HEALTH_KEYS = ("database:responseTime", "platform:responseTime", "outbox:backlog")
# A loopback port nothing listens on: the health probe must not reach a real platform.
CLOSED_PORT_URL = "http://127.0.0.1:9"
# DB31DSJ/Z 003 §8.2 c: 不保存、不落地. Column names that would hold such data, besides the
# platform's sensitive profile fields (privacy.SENSITIVE_PROFILE_FIELDS).
EXTRA_SENSITIVE_NAMES = ("id_card", "idcard", "id_number", "id_no", "passport", "bank_card",
                         "bankcard", "birthday", "phone")


def _is_public_https(url: str) -> str | None:
    """None when `url` is https with a domain name; else what is wrong."""
    parts = urlsplit(url)
    if parts.scheme != "https":
        return f"{url} 不是 HTTPS"
    host = parts.hostname or ""
    try:
        ipaddress.ip_address(host)
        return f"{url} 使用 IP 地址而非域名"
    except ValueError:
        pass
    if host == "localhost" or "." not in host:
        return f"{url} 不是安全域名"
    return None


def _production_environ(overrides: dict[str, str]) -> dict[str, str]:
    environ = {
        "APP_ENV": "production",
        "FLASK_SECRET_KEY": "compliance-probe-" + "k" * 40,
        "DATABASE_URL": "sqlite://",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "YWXT_CORP_ID": "probe",
        "YWXT_AGENT_ID": "1000002",
        "YWXT_SECRET": "probe",
        "YWXT_PORTAL_ORIGINS": "",
    }
    for name in URL_SETTINGS:
        environ[name] = "https://probe.example.gov.cn/"
    return {**environ, **overrides}


def http_settings_refused(instance_path: Path) -> list[str]:
    """Settings that production still accepts over http (empty when all are refused)."""
    accepted = []
    overrides = {name: "http://probe.example.gov.cn/" for name in URL_SETTINGS}
    overrides["YWXT_PORTAL_ORIGINS"] = "http://portal.example.gov.cn"
    try:
        Config.from_env(_production_environ(overrides), instance_path=instance_path)
    except ConfigError as error:
        problems = "\n".join(error.problems)
        accepted = [name for name in (*URL_SETTINGS, "YWXT_PORTAL_ORIGINS")
                    if name not in problems]
    else:
        accepted = [*URL_SETTINGS, "YWXT_PORTAL_ORIGINS"]
    return accepted


def check_https_urls(registration: dict | None, settings: Config | None) -> CheckResult:
    requirement = "应用链接地址为 HTTPS 安全域名（注册地址与生产配置）"
    problems, facts = [], []
    if registration is not None:
        urls = [registration.get("home_url", ""), registration.get("health_url", ""),
                *registration.get("portal_origins", [])]
        problems += [problem for url in urls if (problem := _is_public_https(url))]
        facts.append(f"registration.json 中 {len(urls)} 个地址均为 HTTPS 域名")
    else:
        problems.append("缺少 registration.json")
    with tempfile.TemporaryDirectory() as instance:
        accepted = http_settings_refused(Path(instance))
    if accepted:
        problems.append("生产环境仍接受 http 地址：" + "、".join(accepted))
    else:
        facts.append(f"生产环境配置拒绝 http 地址（{len(URL_SETTINGS) + 1} 项）")
    if settings is not None:
        if settings.is_production:
            current = [settings.app_base_url, settings.ywxt_api_base,
                       settings.ywxt_oauth_authorize_url, settings.ywxt_web_login_url,
                       settings.ywxt_jssdk_url, *settings.ywxt_portal_origins]
            insecure = [url for url in current if urlsplit(url).scheme != "https"]
            if insecure:
                problems.append("当前生产配置含 http 地址：" + "、".join(insecure))
            else:
                facts.append("当前生产配置全部为 HTTPS")
        else:
            facts.append("当前为开发环境（本地模拟器可用 http，仅限开发）")
    if problems:
        return CheckResult("https-urls", HTTPS_CLAUSE, requirement, FAIL, "；".join(problems))
    return CheckResult("https-urls", HTTPS_CLAUSE, requirement, PASS, "；".join(facts))


def nginx_protocols(text: str) -> list[list[str]]:
    """The values of every active `ssl_protocols` directive."""
    lines = (line.split("#", 1)[0] for line in text.splitlines())
    return [match.group(1).split() for line in lines
            if (match := re.search(r"^\s*ssl_protocols\s+([^;]+);", line))]


def _throwaway_certificate(folder: Path) -> tuple[Path, Path] | None:
    """A self-signed certificate to build the server context with, if cryptography is here."""
    try:
        import datetime as dt

        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID
    except ImportError:
        return None
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "compliance-probe")])
    now = dt.datetime.now(dt.UTC)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                   .public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now).not_valid_after(now + dt.timedelta(days=1))
                   .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def server_context_versions() -> tuple[str, str] | None:
    """(minimum, maximum) TLS versions of security/tls.py's context, or None if unknown.

    Imported here, not at the top: an app without security/tls.py gets that reported
    (check_tls_settings) instead of a self-test that cannot start.
    """
    from {{ cookiecutter.__package_name }}.security import tls

    with tempfile.TemporaryDirectory() as folder:
        files = _throwaway_certificate(Path(folder))
        if files is None:
            return None
        context = tls.server_context(*files)
    return context.minimum_version.name, context.maximum_version.name


def check_tls_settings(project_root: Path) -> CheckResult:
    requirement = "HTTPS 仅支持 TLS v1.2 或 v1.3（deploy/ 与 security/tls.py）"
    problems, facts = [], []
    nginx = project_root / "deploy" / "nginx.conf"
    if nginx.is_file():
        directives = nginx_protocols(nginx.read_text(encoding="utf-8"))
        if not directives:
            problems.append("deploy/nginx.conf 未设置 ssl_protocols"
                            "（旧版 nginx 默认含 TLS 1.0/1.1）")
        for protocols in directives:
            extra = sorted(set(protocols) - ALLOWED_TLS)
            if extra:
                problems.append(f"deploy/nginx.conf 的 ssl_protocols 含 {' '.join(extra)}")
        if directives and not problems:
            facts.append("nginx.conf ssl_protocols " + " ".join(directives[0]))
    versions = None
    try:
        versions = server_context_versions()
    except ImportError:
        facts.append("security/tls.py 不存在")
    if versions is not None:
        minimum, maximum = versions
        if minimum not in ("TLSv1_2", "TLSv1_3"):
            problems.append(f"security/tls.py 的最低版本为 {minimum}，应为 TLSv1_2 或更高")
        else:
            facts.append(f"security/tls.py 最低 {minimum.replace('_', '.')}")
    gunicorn = project_root / "deploy" / "gunicorn.conf.py"
    if gunicorn.is_file():
        text = gunicorn.read_text(encoding="utf-8")
        if "certfile" in text and "server_context" not in text:
            problems.append("deploy/gunicorn.conf.py 启用 TLS 时未使用 "
                            "security/tls.py 的 server_context")
        elif "server_context" in text:
            facts.append("gunicorn 直连 TLS 使用同一 server_context")
    if problems:
        return CheckResult("tls-settings", HTTPS_CLAUSE, requirement, FAIL, "；".join(problems))
    if not facts:
        return CheckResult("tls-settings", HTTPS_CLAUSE, requirement, SKIPPED,
                           "deploy/ 中没有 TLS 配置")
    return CheckResult("tls-settings", HTTPS_CLAUSE, requirement, PASS, "；".join(facts))


def _health_answer(settings: Config, database_url: str, instance: Path) -> tuple[int, dict, str]:
    """Build a throwaway app on `database_url` and GET /healthz in-process."""
    config = dataclasses.replace(
        settings, database_url=database_url, ywxt_api_base=CLOSED_PORT_URL,
        health_cache_seconds=0, testing=True, frontend_dist=instance / "no-frontend",
        redis_url=settings.redis_url and "redis://127.0.0.1:9/0",
    )
    app = create_app(config, instance_path=instance / "instance")
    # The failures provoked here are expected: keep their log lines out of the report.
    logging.disable(logging.CRITICAL)
    try:
        return _get_health(app)
    finally:
        logging.disable(logging.NOTSET)


def _get_health(app) -> tuple[int, dict, str]:
    with app.app_context():
        # An unreachable database is the point of the second probe.
        with contextlib.suppress(Exception):
            db.create_all()
        response = app.test_client().get("/healthz")
        db.engine.dispose()
    body = response.get_json(force=True, silent=True) or {}
    return response.status_code, body, response.mimetype


def check_health_endpoint(settings: Config) -> CheckResult:
    requirement = "提供健康状态监测地址 /healthz，反馈检查后的真实状态"
    clause = "§6.2.4 d"
    with tempfile.TemporaryDirectory() as folder:
        instance = Path(folder)
        code, body, mimetype = _health_answer(settings, f"sqlite:///{instance / 'health.db'}",
                                              instance)
        down_code, down_body, _ = _health_answer(
            settings, f"sqlite:///{instance / 'missing' / 'no.db'}", instance)
    checks = body.get("checks", {})
    problems = []
    if mimetype != "application/health+json":
        problems.append(f"/healthz 的类型为 {mimetype}，应为 application/health+json")
    missing = [key for key in HEALTH_KEYS if key not in checks]
    if missing:
        problems.append("/healthz 缺少检查项：" + "、".join(missing))
    database = (checks.get("database:responseTime") or [{}])[0]
    if database.get("status") != "pass" or "observedValue" not in database:
        problems.append("数据库可用时 database:responseTime 未报告 pass 和实测耗时")
    if down_code != 503 or down_body.get("status") != "fail":
        problems.append(f"数据库不可用时应返回 503 和 fail，实际为 {down_code} "
                        f"{down_body.get('status')}")
    if problems:
        return CheckResult("health-endpoint", clause, requirement, FAIL, "；".join(problems))
    return CheckResult(
        "health-endpoint", clause, requirement, PASS,
        f"/healthz 检查 {'、'.join(sorted(checks))}；数据库往返 {database['observedValue']} ms；"
        f"数据库不可用时返回 503 fail（已实测）；平台不可达时为 "
        f"{(checks.get('platform:responseTime') or [{}])[0].get('status')}",
    )


def check_page_width(registration: dict | None, settings: Config | None) -> CheckResult:
    requirement = "页面宽度为 760-950 px 的固定宽度或宽度自适应"
    clause = "附录 D·页面框架"
    mode = settings.page_width_mode if settings else PAGE_WIDTH_MODE
    width = settings.fixed_page_width if settings else FIXED_PAGE_WIDTH
    problems = []
    if mode not in ("adaptive", "fixed"):
        problems.append(f"未知的宽度模式 {mode!r}")
    elif mode == "fixed" and not 760 <= width <= 950:
        problems.append(f"固定宽度 {width} px 不在 760-950 之间")
    expected = {"mode": "fixed", "width": width} if mode == "fixed" else {"mode": "adaptive"}
    registered = (registration or {}).get("page_width")
    if registered != expected:
        problems.append(f"registration.json 的 page_width {registered} "
                        f"与应用配置 {expected} 不一致")
    if problems:
        return CheckResult("page-width", clause, requirement, FAIL, "；".join(problems))
    shown = f"固定宽度 {width} px" if mode == "fixed" else "宽度自适应"
    return CheckResult("page-width", clause, requirement, PASS,
                       f"{shown}，与 registration.json 一致")


def _tokens(name: str) -> list[str]:
    return [token for token in re.split(r"[_\W]+", name.lower()) if token]


def sensitive_match(column: str, fields: Iterable[str]) -> str | None:
    """The sensitive field a column name stands for (whole words only), or None."""
    words = _tokens(column)
    for field in fields:
        wanted = _tokens(field)
        for start in range(len(words) - len(wanted) + 1):
            if words[start : start + len(wanted)] == wanted:
                return field
    return None


def check_no_sensitive_columns(metadata=None) -> CheckResult:
    """§8.2 c: no table has a column for sensitive personal data.

    A column whose name only looks sensitive can be marked with
    `mapped_column(..., info={"not_sensitive": "why"})`; the reason shows in the report.
    """
    metadata = db.metadata if metadata is None else metadata
    fields = (*SENSITIVE_PROFILE_FIELDS, *EXTRA_SENSITIVE_NAMES)
    requirement = "敏感个人信息不保存、不落地（数据库结构中无敏感字段）"
    found, excused, columns = [], [], 0
    for table in metadata.sorted_tables:
        for column in table.columns:
            columns += 1
            field = sensitive_match(column.name, fields)
            if field is None:
                continue
            reason = column.info.get("not_sensitive")
            target = excused if reason else found
            target.append(f"{table.name}.{column.name}" + (f"（{reason}）" if reason else ""))
    tables = len(metadata.tables)
    if found:
        return CheckResult("no-sensitive-columns", "§8.2 c", requirement, FAIL,
                           "这些列保存敏感信息：" + "、".join(found))
    note = f"；人工确认非敏感：{'、'.join(excused)}" if excused else ""
    return CheckResult("no-sensitive-columns", "§8.2 c", requirement, PASS,
                       f"{tables} 张表 {columns} 列，无 {len(fields)} 类敏感字段{note}")

"""Live checks of a deployed app: the periodic security inspection of DB31DSJ/Z 003 §8.3 c.

`flask --app wsgi compliance check --url https://app.example.gov.cn` runs them after the
offline checks; schedule it (docs/compliance.md) to inspect production every day.
"""

from __future__ import annotations

import socket
import ssl
import warnings
from urllib.parse import urlsplit, urlunsplit

import requests

from .observatory import grade, score_headers
from .results import FAIL, MANUAL, PASS, CheckResult

CLAUSE = "§8.3 c"
TIMEOUT_SECONDS = 10
REFUSED_VERSIONS = (ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1_1)
ACCEPTED_VERSIONS = (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3)
VERSION_NAMES = {ssl.TLSVersion.TLSv1: "TLS 1.0", ssl.TLSVersion.TLSv1_1: "TLS 1.1",
                 ssl.TLSVersion.TLSv1_2: "TLS 1.2", ssl.TLSVersion.TLSv1_3: "TLS 1.3"}
ACCEPTED, REFUSED, UNTESTABLE = "accepted", "refused", "untestable"


def _verify(cafile: str | None) -> str | bool:
    return cafile or True


def check_live_headers(url: str, cafile: str | None = None) -> CheckResult:
    requirement = "线上安全响应头达到 Observatory A+，无扣分项"
    try:
        answer = requests.get(url, headers={"Accept": "text/html"}, allow_redirects=False,
                              timeout=TIMEOUT_SECONDS, verify=_verify(cafile))
    except requests.RequestException as error:
        return CheckResult("live-headers", CLAUSE, requirement, FAIL,
                           f"无法访问 {url}：{type(error).__name__}")
    html = answer.text if answer.headers.get("Content-Type", "").startswith("text/html") else None
    cookies = answer.raw.headers.getlist("Set-Cookie") if answer.raw is not None else []
    total, results = score_headers(answer.headers, cookies, html)
    penalties = [f"{result.outcome} {result.modifier:+d}" for result in results
                 if result.modifier < 0]
    evidence = f"{url} 得分 {total}（{grade(total)}）"
    if penalties or grade(total) != "A+":
        return CheckResult("live-headers", CLAUSE, requirement, FAIL,
                           evidence + "；扣分项：" + "、".join(penalties or ["无"]))
    return CheckResult("live-headers", CLAUSE, requirement, PASS, evidence + "，无扣分项")


def probe_tls(host: str, port: int, version: ssl.TLSVersion, cafile: str | None = None
              ) -> tuple[str, str]:
    """(accepted | refused | untestable, detail) of a handshake offering only `version`.

    `@SECLEVEL=0` lets this client offer TLS 1.0/1.1 even where the local OpenSSL forbids
    them by default, so a refusal is the server's. A certificate problem after the server
    agreed on the version still counts as that version being accepted.
    """
    context = ssl.create_default_context(cafile=cafile)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # TLSv1 and 1.1, on purpose
            context.minimum_version = version
            context.maximum_version = version
        context.set_ciphers("ALL:@SECLEVEL=0")
    except (ValueError, ssl.SSLError) as error:
        return UNTESTABLE, f"本机无法发起 {VERSION_NAMES[version]}：{error}"
    try:
        with socket.create_connection((host, port), timeout=TIMEOUT_SECONDS) as raw, \
                context.wrap_socket(raw, server_hostname=host) as tls:
            return ACCEPTED, tls.version() or ""
    except ssl.SSLCertVerificationError as error:
        return ACCEPTED, f"证书校验失败：{error.verify_message}"
    except ssl.SSLError as error:
        if error.reason == "NO_PROTOCOLS_AVAILABLE":
            return UNTESTABLE, f"本机 OpenSSL 不支持发起 {VERSION_NAMES[version]}"
        return REFUSED, error.reason or str(error)
    except OSError as error:
        return UNTESTABLE, f"无法连接：{type(error).__name__}"


def check_live_tls(url: str, cafile: str | None = None) -> CheckResult:
    requirement = "线上 HTTPS 只接受 TLS 1.2 和 1.3"
    parts = urlsplit(url)
    host, port = parts.hostname or "", parts.port or 443
    problems, facts, untestable = [], [], []
    for version in (*REFUSED_VERSIONS, *ACCEPTED_VERSIONS):
        name = VERSION_NAMES[version]
        outcome, detail = probe_tls(host, port, version, cafile)
        if outcome == UNTESTABLE:
            untestable.append(f"{name}：{detail}")
        elif version in REFUSED_VERSIONS:
            (problems if outcome == ACCEPTED else facts).append(
                f"{name} {'被接受' if outcome == ACCEPTED else '被拒绝'}")
        elif outcome != ACCEPTED or detail.startswith("证书"):
            problems.append(f"{name} 握手失败（{detail}）")
        else:
            facts.append(f"{name} 可用")
    if problems:
        return CheckResult("live-tls", CLAUSE, requirement, FAIL, "；".join(problems + untestable))
    if untestable:
        return CheckResult("live-tls", CLAUSE, requirement, MANUAL,
                           "；".join(facts + untestable) + "；请用 sslyze 或 testssl.sh 复核")
    return CheckResult("live-tls", CLAUSE, requirement, PASS, "，".join(facts))


def check_live_health(url: str, cafile: str | None = None) -> CheckResult:
    requirement = "线上健康监测地址 /healthz 报告 pass"
    health_url = url.rstrip("/") + "/healthz"
    try:
        answer = requests.get(health_url, timeout=TIMEOUT_SECONDS, verify=_verify(cafile))
        body = answer.json()
    except (requests.RequestException, ValueError) as error:
        return CheckResult("live-health", "§6.2.4 d", requirement, FAIL,
                           f"{health_url} 无法访问或不是 JSON：{type(error).__name__}")
    status = body.get("status") if isinstance(body, dict) else None
    failing = [key for key, items in (body.get("checks") or {}).items()
               if any(item.get("status") != "pass" for item in items)] if status else []
    evidence = f"{health_url} HTTP {answer.status_code}，status={status}"
    if failing:
        evidence += "；未通过：" + "、".join(failing)
    if answer.status_code == 200 and status == "pass":
        return CheckResult("live-health", "§6.2.4 d", requirement, PASS, evidence)
    if answer.status_code == 200 and status == "warn":
        return CheckResult("live-health", "§6.2.4 d", requirement, MANUAL,
                           evidence + "（应用可用但有告警，请人工处理）")
    return CheckResult("live-health", "§6.2.4 d", requirement, FAIL, evidence)


def check_http_redirect(url: str, http_url: str | None = None) -> CheckResult:
    """Plain http either is not served at all or sends the browser to https, permanently."""
    requirement = "http 访问永久跳转到 HTTPS"
    parts = urlsplit(url)
    http_url = http_url or urlunsplit(("http", parts.hostname or "", parts.path or "/", "", ""))
    try:
        answer = requests.get(http_url, allow_redirects=False, timeout=TIMEOUT_SECONDS)
    except requests.ConnectionError:
        return CheckResult("live-redirect", "§8.3 b", requirement, PASS,
                           f"{http_url} 不提供服务（连接被拒绝），只有 HTTPS")
    except requests.RequestException as error:
        return CheckResult("live-redirect", "§8.3 b", requirement, MANUAL,
                           f"{http_url} 无法判断：{type(error).__name__}")
    location = answer.headers.get("Location", "")
    if answer.status_code in (301, 308) and location.startswith("https://"):
        return CheckResult("live-redirect", "§8.3 b", requirement, PASS,
                           f"{http_url} → {answer.status_code} {location}")
    return CheckResult("live-redirect", "§8.3 b", requirement, FAIL,
                       f"{http_url} 返回 {answer.status_code} {location or '（无跳转）'}，"
                       "应为 301/308 跳转到 https://")


def run_live_checks(url: str, *, cafile: str | None = None, http_url: str | None = None
                    ) -> list[CheckResult]:
    if urlsplit(url).scheme != "https":
        return [CheckResult("live-url", "§8.3 b", "巡检地址为 HTTPS", FAIL,
                            f"{url} 不是 https:// 地址")]
    return [check_live_headers(url, cafile), check_live_tls(url, cafile),
            check_live_health(url, cafile), check_http_redirect(url, http_url)]

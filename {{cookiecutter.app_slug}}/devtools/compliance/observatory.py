"""The Mozilla HTTP Observatory's header rules, scored on one HTTP answer.

A pass-through of the scoring table (https://developer.mozilla.org/en-US/observatory/
docs/tests_and_scoring) for the tests an HTTP response can answer: a baseline of 100
plus or minus each test's modifier. Bonuses count only when the score is already
at least 90, as on the Observatory. Used by the live compliance check (DB31DSJ/Z 003
§8.3 c) on a deployed app and by the tests on the test client's responses.
"""

from __future__ import annotations

import dataclasses
import re

from werkzeug.http import parse_dict_header

PRIVATE_REFERRERS = {"no-referrer", "same-origin", "strict-origin",
                     "strict-origin-when-cross-origin"}
ONE_HALF_YEAR = 15_768_000


@dataclasses.dataclass(frozen=True)
class Result:
    test: str
    outcome: str
    modifier: int


def parse_csp(value: str) -> dict[str, list[str]]:
    policy = {}
    for directive in filter(None, (part.strip() for part in value.split(";"))):
        name, *sources = directive.split()
        policy[name.lower()] = sources
    return policy


def csp_test(headers) -> Result:
    raw = headers.get("Content-Security-Policy")
    if not raw:
        return Result("content-security-policy", "csp-not-implemented", -25)
    policy = parse_csp(raw)
    script = policy.get("script-src", policy.get("default-src", []))
    if "'unsafe-inline'" in script or "data:" in script:
        return Result("content-security-policy", "csp-implemented-with-unsafe-inline", -20)
    if "'unsafe-eval'" in script:
        return Result("content-security-policy", "csp-implemented-with-unsafe-eval", -10)
    style = policy.get("style-src", policy.get("default-src", []))
    if "'unsafe-inline'" in style:
        return Result("content-security-policy",
                      "csp-implemented-with-unsafe-inline-in-style-src-only", 0)
    if policy.get("default-src") == ["'none'"]:
        return Result("content-security-policy",
                      "csp-implemented-with-no-unsafe-default-src-none", 10)
    return Result("content-security-policy", "csp-implemented-with-no-unsafe", 5)


def cookies_test(set_cookies: list[str]) -> Result:
    if not set_cookies:
        return Result("cookies", "cookies-not-found", 0)
    for cookie in set_cookies:
        attributes = cookie.lower()
        if "; secure" not in attributes:
            return Result("cookies", "cookies-without-secure-flag", -20)
        if "session" in cookie.split("=", 1)[0].lower() and "; httponly" not in attributes:
            return Result("cookies", "cookies-session-without-httponly-flag", -30)
        if "samesite=none" in attributes:
            return Result("cookies", "cookies-samesite-flag-invalid", -20)
    if all("samesite=" in cookie.lower() for cookie in set_cookies):
        return Result("cookies", "cookies-secure-with-httponly-sessions-and-samesite", 5)
    return Result("cookies", "cookies-secure-with-httponly-sessions", 0)


def referrer_test(headers) -> Result:
    value = headers.get("Referrer-Policy")
    if not value:
        return Result("referrer-policy", "referrer-policy-not-implemented", 0)
    last = value.split(",")[-1].strip().lower()
    if last in PRIVATE_REFERRERS:
        return Result("referrer-policy", "referrer-policy-private", 5)
    return Result("referrer-policy", "referrer-policy-unsafe", -5)


def hsts_test(headers) -> Result:
    value = headers.get("Strict-Transport-Security")
    if not value:
        return Result("strict-transport-security", "hsts-not-implemented", -20)
    directives = parse_dict_header(value.replace(";", ","))
    max_age = int(directives.get("max-age") or 0)
    if max_age < ONE_HALF_YEAR:
        return Result("strict-transport-security",
                      "hsts-implemented-max-age-less-than-six-months", -10)
    if "preload" in directives:
        return Result("strict-transport-security", "hsts-preloaded", 5)
    return Result("strict-transport-security", "hsts-implemented-max-age-at-least-six-months", 0)


def nosniff_test(headers) -> Result:
    if headers.get("X-Content-Type-Options", "").lower() == "nosniff":
        return Result("x-content-type-options", "x-content-type-options-nosniff", 0)
    return Result("x-content-type-options", "x-content-type-options-not-implemented", -5)


def framing_test(headers) -> Result:
    policy = parse_csp(headers.get("Content-Security-Policy", ""))
    if "frame-ancestors" in policy:
        return Result("x-frame-options", "x-frame-options-implemented-via-csp", 5)
    value = headers.get("X-Frame-Options", "").upper()
    if value in ("DENY", "SAMEORIGIN"):
        return Result("x-frame-options", "x-frame-options-sameorigin-or-deny", 0)
    return Result("x-frame-options", "x-frame-options-not-implemented", -20)


def sri_test(html: str | None) -> Result:
    """Scripts in the HTML: same-origin ones need no SRI; external ones without it cost 5."""
    if html is None:
        return Result("subresource-integrity", "sri-not-implemented-response-not-html", 0)
    sources = re.findall(r"<script[^>]*\ssrc=[\"']([^\"']+)", html)
    external = [src for src in sources if src.startswith(("http:", "https:", "//"))]
    if external:
        return Result("subresource-integrity",
                      "sri-not-implemented-but-external-scripts-loaded-securely", -5)
    return Result("subresource-integrity",
                  "sri-not-implemented-but-all-scripts-loaded-from-secure-origin", 0)


def corp_test(headers) -> Result:
    value = headers.get("Cross-Origin-Resource-Policy", "").lower()
    if value in ("same-origin", "same-site"):
        return Result("cross-origin-resource-policy", "corp-implemented-with-same-origin", 0)
    return Result("cross-origin-resource-policy", "corp-not-implemented", 0)


def score_headers(headers, set_cookies: list[str], html: str | None
                  ) -> tuple[int, list[Result]]:
    """(score, results) for one answer: its headers (case-insensitive `.get`), its
    Set-Cookie values and, when it is an HTML page, its body."""
    results = [
        csp_test(headers), cookies_test(set_cookies), referrer_test(headers),
        hsts_test(headers), nosniff_test(headers), framing_test(headers), sri_test(html),
        corp_test(headers),
    ]
    penalties = sum(result.modifier for result in results if result.modifier < 0)
    bonuses = sum(result.modifier for result in results if result.modifier > 0)
    total = 100 + penalties
    if total >= 90:
        total += bonuses
    return total, results


def grade(total: int) -> str:
    for floor, letter in ((100, "A+"), (90, "A"), (85, "A-"), (80, "B+"), (70, "B"),
                          (65, "B-"), (60, "C+"), (50, "C"), (45, "C-"), (40, "D+"),
                          (30, "D"), (25, "D-")):
        if total >= floor:
            return letter
    return "F"

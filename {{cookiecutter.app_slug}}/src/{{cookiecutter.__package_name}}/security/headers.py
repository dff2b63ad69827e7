"""HTTP security headers (DB31DSJ/Z 003 §8.3, ASVS 3.4), rendered once at start.

Every header here is the same on every answer, so each is rendered once and the
after-request hook only adds them: flask-talisman rendered and set its headers on every
request and looked up per-view options three times per request, about 5 % of /healthz's
worker time under `make bench`. What depends on the request is two decisions: HSTS only on
answers over HTTPS, and plain HTTP sent to HTTPS (`request.is_secure`, which ProxyFix sets
from X-Forwarded-Proto of a trusted proxy only: security/proxies.py).

The goal is the Mozilla HTTP Observatory's A+ with no negative modifier:
HSTS for two years, a strict CSP with no inline script, frame-ancestors instead of
X-Frame-Options (the web portal embeds the app, §6.3.2 b), nosniff, a referrer
policy, cross-origin isolation of our resources and windows, and no caching of
answers that name a person.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from flask import Flask, Response, redirect, request
from werkzeug.wrappers import Response as BaseResponse

from ..config import Config

HSTS_SECONDS = 63_072_000  # two years, Mozilla's recommendation (ASVS 3.4.1 asks ≥ 1 year)
PERMISSIONS_POLICY = {
    # The platform's JS-SDK provides location and camera through the client, not the page.
    "geolocation": "()", "camera": "()", "microphone": "()", "payment": "()",
    "usb": "()", "browsing-topics": "()",
}


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(settings: Config) -> dict[str, str]:
    """The CSP: same-origin only, plus the platform's JS-SDK and the portals that frame us."""
    sdk = origin_of(settings.ywxt_jssdk_url)
    frame_ancestors = " ".join(["'self'", *settings.ywxt_portal_origins])
    return {
        "default-src": "'none'",
        # The built Vite app has no inline script; the SDK script comes from the platform.
        "script-src": f"'self' {sdk}",
        "style-src": "'self'",
        "img-src": f"'self' data: {sdk}",
        "font-src": "'self'",
        # The SDK reports to its own origin (in development the simulator verifies there).
        "connect-src": f"'self' {sdk}",
        "manifest-src": "'self'",
        "base-uri": "'none'",
        "form-action": "'self'",
        "object-src": "'none'",
        "frame-ancestors": frame_ancestors,
    }


def fixed_headers(settings: Config) -> dict[str, str]:
    """The headers every answer carries unchanged, over HTTP and HTTPS alike."""
    return {
        "Content-Security-Policy": "; ".join(
            f"{directive} {sources}"
            for directive, sources in content_security_policy(settings).items()),
        "Permissions-Policy": ", ".join(
            f"{feature}={allowed}" for feature, allowed in PERMISSIONS_POLICY.items()),
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cross-Origin-Resource-Policy": "same-origin",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
    }


# ASVS 3.4.1; browsers ignore it over plain HTTP, so it is sent over HTTPS only.
STRICT_TRANSPORT_SECURITY = f"max-age={HSTS_SECONDS}; includeSubDomains"


def add_security_headers(plain: dict[str, str], secure: dict[str, str]
                         ) -> Callable[[Response], Response]:
    """An after-request hook adding `secure` to answers over HTTPS, `plain` to the others
    (a view may set its own), and no-store on answers that can name the user."""
    plain_list = [(name.lower(), name, value) for name, value in plain.items()]
    secure_list = [(name.lower(), name, value) for name, value in secure.items()]

    def add(response: Response) -> Response:
        headers = response.headers
        present = {name.lower() for name, _value in headers.items()}
        for lower, name, value in secure_list if request.is_secure else plain_list:
            if lower not in present:
                headers.add(name, value)
        if request.path.startswith(("/api/", "/auth/")):
            # ASVS 14.3.2: answers here can name the user; no browser or proxy keeps them.
            headers["Cache-Control"] = "no-store"
        return response

    return add


def redirect_to_https() -> BaseResponse | None:
    """Plain HTTP is sent to the same URL over HTTPS, permanently (§8.3 b)."""
    if request.is_secure:
        return None
    return redirect(request.url.replace("http://", "https://", 1), code=301)


def init_app(app: Flask) -> None:
    settings: Config = app.config["SETTINGS"]
    plain = fixed_headers(settings)
    if settings.app_base_url.startswith("https://"):
        app.before_request(redirect_to_https)
        # Flask's cookie session is off (auth/sessions.py); should one ever be set, HTTPS only.
        app.config["SESSION_COOKIE_SECURE"] = True
        secure = {**plain, "Strict-Transport-Security": STRICT_TRANSPORT_SECURITY}
    else:
        secure = plain  # development over HTTP: no HSTS, which would pin the browser to HTTPS
    app.after_request(add_security_headers(plain, secure))

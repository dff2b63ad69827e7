"""HTTP security headers: flask-talisman plus fixed headers (DB31DSJ/Z 003 §8.3, ASVS 3.4).

talisman sets what depends on the request (HSTS over HTTPS, the redirect to HTTPS) and the
simple headers; the CSP, the permissions policy and the cross-origin policies are the same
on every answer and are rendered once, at start.

The goal is the Mozilla HTTP Observatory's A+ with no negative modifier:
HSTS for two years, a strict CSP with no inline script, frame-ancestors instead of
X-Frame-Options (the web portal embeds the app, §6.3.2 b), nosniff, a referrer
policy, cross-origin isolation of our resources and windows, and no caching of
answers that name a person.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from flask import Flask, Response, request
from flask_talisman import Talisman

from ..config import Config

HSTS_SECONDS = 63_072_000  # two years, Mozilla's recommendation (ASVS 3.4.1 asks ≥ 1 year)
PERMISSIONS_POLICY = {
    # The platform's JS-SDK provides location and camera through the client, not the page.
    "geolocation": "()", "camera": "()", "microphone": "()", "payment": "()",
    "usb": "()", "browsing-topics": "()",
}

talisman = Talisman()


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
    """The headers every answer carries unchanged, rendered once at start: talisman would
    render the CSP and the permissions policy again on every request (`make bench`)."""
    return {
        "Content-Security-Policy": "; ".join(
            f"{directive} {sources}"
            for directive, sources in content_security_policy(settings).items()),
        "Permissions-Policy": ", ".join(
            f"{feature}={allowed}" for feature, allowed in PERMISSIONS_POLICY.items()),
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cross-Origin-Resource-Policy": "same-origin",
    }


def add_fixed_headers(headers: dict[str, str]) -> Callable[[Response], Response]:
    """An after-request hook adding `headers` (a view may set its own) and no-store on
    personal data."""

    def add(response: Response) -> Response:
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        if request.path.startswith(("/api/", "/auth/")):
            # ASVS 14.3.2: answers here can name the user; no browser or proxy keeps them.
            response.headers["Cache-Control"] = "no-store"
        return response

    return add


def init_app(app: Flask) -> None:
    settings: Config = app.config["SETTINGS"]
    https = settings.app_base_url.startswith("https://")
    talisman.init_app(
        app,
        # Behind nginx, ProxyFix turns X-Forwarded-Proto into request.is_secure first.
        force_https=https,
        force_https_permanent=True,
        strict_transport_security=https,
        strict_transport_security_max_age=HSTS_SECONDS,
        strict_transport_security_include_subdomains=True,
        # The CSP and the permissions policy never change: fixed_headers renders them once.
        content_security_policy=None,
        # frame-ancestors replaces X-Frame-Options, which cannot list the portal origins.
        frame_options=None,
        referrer_policy="strict-origin-when-cross-origin",
        permissions_policy=None,
        session_cookie_secure=https,
    )
    app.after_request(add_fixed_headers(fixed_headers(settings)))

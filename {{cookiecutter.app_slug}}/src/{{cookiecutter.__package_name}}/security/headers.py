"""HTTP security headers (DB31DSJ/Z 003 §8.3, ASVS 3.4), rendered once at start.

Every header here is the same on every answer, so each is rendered once and a WSGI
middleware only appends them: flask-talisman rendered and set its headers on every
request and looked up per-view options three times per request, about 5 % of /healthz's
worker time under `make bench`. What depends on the request is two decisions: HSTS only on
answers over HTTPS, and plain HTTP sent to HTTPS (the WSGI scheme, which ProxyFix sets
from X-Forwarded-Proto of a trusted proxy only: security/proxies.py).

The goal is the Mozilla HTTP Observatory's A+ with no negative modifier:
HSTS for two years, a strict CSP with no inline script, frame-ancestors instead of
X-Frame-Options (the web portal embeds the app, §6.3.2 b), nosniff, a referrer
policy, cross-origin isolation of our resources and windows, and no caching of
answers that name a person.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

from flask import Flask
from werkzeug.utils import redirect

from ..config import Config

if TYPE_CHECKING:
    from _typeshed import OptExcInfo
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

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


# ASVS 14.3.2: answers under these paths can name the user; no browser or proxy keeps them.
PRIVATE_PATHS = ("/api/", "/auth/")
NO_STORE = ("Cache-Control", "no-store")


class SecurityHeaders:
    """WSGI middleware: every answer gets the fixed headers (`secure` over HTTPS, `plain`
    otherwise) unless it set its own, and no-store under PRIVATE_PATHS. With `https_origin`,
    plain HTTP is sent to the same path there, permanently (§8.3 b).

    It wraps Flask inside the trusted-proxy fix, so the scheme is the client's. At this
    layer the headers are appended as they are: Flask's after-request hook paid for
    header-object checks of every header and for a request-context lookup, about a tenth of
    /api/me's time in the app (`make bench`). Answers Flask did not make (a request
    refused before routing) get them too.
    """

    def __init__(self, app: WSGIApplication, plain: dict[str, str], secure: dict[str, str],
                 *, https_origin: str | None):
        self.app = app
        self.plain = [(name.lower(), (name, value)) for name, value in plain.items()]
        self.secure = [(name.lower(), (name, value)) for name, value in secure.items()]
        self.https_origin = https_origin  # None: plain HTTP is served (development)

    def __call__(self, environ: WSGIEnvironment,
                 start_response: StartResponse) -> Iterable[bytes]:
        is_secure = environ.get("wsgi.url_scheme") == "https"
        fixed = self.secure if is_secure else self.plain
        private = environ.get("PATH_INFO", "").startswith(PRIVATE_PATHS)

        def start(status: str, headers: list[tuple[str, str]],
                  exc_info: OptExcInfo | None = None) -> Callable[[bytes], object]:
            own = {name.lower() for name, _value in headers}
            if private:
                headers = [header for header in headers if header[0].lower() != "cache-control"]
                headers.append(NO_STORE)
            headers.extend(header for lower, header in fixed if lower not in own)
            return start_response(status, headers, exc_info)

        if self.https_origin and not is_secure:
            return redirect(self.over_https(environ), code=301)(environ, start)
        return self.app(environ, start)

    def over_https(self, environ: WSGIEnvironment) -> str:
        """The same path and query on the app's own HTTPS origin (APP_BASE_URL), never on
        the Host the request named. WSGI gives the path decoded, as Latin-1 of its bytes."""
        path = quote((environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""))
                     .encode("latin-1"), safe="/:@!$&'()*+,;=-._~")
        query = quote(environ.get("QUERY_STRING", "").encode("latin-1"),
                      safe="/?:@!$&'()*+,;=-._~%")
        return f"{self.https_origin}{path}{'?' + query if query else ''}"


def init_app(app: Flask) -> None:
    settings: Config = app.config["SETTINGS"]
    plain = fixed_headers(settings)
    https_only = settings.app_base_url.startswith("https://")
    if https_only:
        # Flask's cookie session is off (auth/sessions.py); should one ever be set, HTTPS only.
        app.config["SESSION_COOKIE_SECURE"] = True
        secure = {**plain, "Strict-Transport-Security": STRICT_TRANSPORT_SECURITY}
    else:
        secure = plain  # development over HTTP: no HSTS, which would pin the browser to HTTPS
    app.wsgi_app = SecurityHeaders(  # type: ignore[method-assign]
        app.wsgi_app, plain, secure,
        https_origin=origin_of(settings.app_base_url) if https_only else None)

"""Local 一网协同 platform simulator: a Flask app for development and tests, never deployed.

It stands on its own: it never imports the app in src/, and the app never imports it, so a
mistake shared by both sides cannot make a test pass. Run it with
`python -m devtools.platform_sim --port 5001`, or in tests with
`devtools.platform_sim.server.serve()`.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from flask import Flask, Response

from . import api, control, gateway, jssdk, oauth, {% if cookiecutter.oidc %}oidc, {% endif %}platform_api
from .settings import SimSettings
from .state import SimState

__all__ = ["SimSettings", "SimState", "create_app", "get_sim_state"]

# The simulator's own pages use no inline script or style: they must pass a strict CSP.
PAGE_CSP = "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'"
MAX_UPLOAD_BYTES = 21 * 1024 * 1024  # the largest media/upload (file: 20 MB) plus headroom


def create_app(settings: SimSettings | None = None, *,
               clock: Callable[[], float] | None = None) -> Flask:
    """Build the simulator; `clock` (seconds, like time.time) lets tests control time."""
    if settings is None:
        settings = SimSettings.from_env(os.environ)
    app = Flask(__name__, static_url_path="/_sim/static")
    app.config["MAX_CONTENT_LENGTH"] = MAX_UPLOAD_BYTES
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    app.extensions["platform_sim"] = (
        SimState(settings) if clock is None else SimState(settings, clock=clock)
    )
    register_blueprints(app)
    register_favicon(app)
    register_headers(app)
    return app


def register_blueprints(app: Flask) -> None:
    for blueprint in (gateway.bp, api.bp, platform_api.bp, oauth.bp, jssdk.bp, control.bp):
        app.register_blueprint(blueprint)
{%- if cookiecutter.oidc %}
    app.register_blueprint(oidc.bp)  # OpenID Connect provider mode (the `oidc` option)
{%- endif %}


def register_favicon(app: Flask) -> None:
    # Browsers ask every origin for one; an empty answer keeps specs' consoles free of 404s.
    app.add_url_rule("/favicon.ico", "favicon", lambda: Response(status=204))


def register_headers(app: Flask) -> None:
    @app.after_request
    def page_headers(response: Response) -> Response:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        if response.mimetype == "text/html":
            response.headers.setdefault("Content-Security-Policy", PAGE_CSP)
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def get_sim_state(app: Flask) -> SimState:
    """The simulator state of an app built by create_app."""
    return app.extensions["platform_sim"]

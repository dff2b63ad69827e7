"""The app as deployed plus one bare Flask route to compare with: for `make bench` only.

`/_bench/me` answers what `/api/me` answers, from a plain Flask app with nothing of the
security stack: no security headers, no server-side session lookup, no CSRF token, no
masking log filter. The same gunicorn workers serve both behind the same nginx, so the
ratio of the two in one run is the cost of the security stack alone. The route exists only
in this harness (gunicorn is started with
`devtools.bench.harness:create_app_with_bare_route`).
"""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from {{ cookiecutter.__package_name }} import create_app

BARE_PREFIX = "/_bench"


def create_bare_app() -> Flask:
    bare = Flask("bench_bare")

    @bare.get("/me")
    def me():
        return {"userid": "zhangwei", "name": "张伟", "csrf_token": "c" * 43}

    return bare


def create_app_with_bare_route(instance_path: str | None = None):
    app = create_app(instance_path=instance_path)
    app.wsgi_app = DispatcherMiddleware(app.wsgi_app, {BARE_PREFIX: create_bare_app()})
    return app

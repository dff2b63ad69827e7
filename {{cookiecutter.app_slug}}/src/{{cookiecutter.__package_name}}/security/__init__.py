"""Security policy of the app: headers, hostile bodies, rate limits, trusted proxies, and the
TLS context for gunicorn."""

from flask import Flask

from . import bodies, headers, proxies, rate_limits
from .headers import content_security_policy

__all__ = ["content_security_policy", "init_app"]


def init_app(app: Flask) -> None:
    bodies.init_app(app)
    headers.init_app(app)
    rate_limits.init_app(app)
    proxies.init_app(app)  # last: the outermost WSGI layer

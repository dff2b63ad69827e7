"""Security policy of the app: headers now, the TLS context for gunicorn in deploy/."""

from .headers import content_security_policy, init_app

__all__ = ["content_security_policy", "init_app"]

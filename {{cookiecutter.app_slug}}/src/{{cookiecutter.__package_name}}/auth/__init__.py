"""Login through the platform, server-side sessions and CSRF protection."""

from flask import Flask

from .sessions import CurrentUser, check_csrf, current_user, login_required
from .views import bp

__all__ = ["CurrentUser", "current_user", "init_app", "login_required"]


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.before_request(check_csrf)

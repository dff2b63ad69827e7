"""Login through the platform, server-side sessions and CSRF protection."""

from flask import Flask

{% if cookiecutter.oidc %}from . import oidc
{% endif %}from .sessions import CurrentUser, NoCookieSession, check_csrf, current_user, login_required
from .views import bp

__all__ = ["CurrentUser", "current_user", "init_app", "login_required"]


def init_app(app: Flask) -> None:
    app.session_interface = NoCookieSession()
    app.register_blueprint(bp)
{%- if cookiecutter.oidc %}
    oidc.init_app(app)  # a standard OpenID Connect provider, when OIDC_ISSUER is set
{%- endif %}
    app.before_request(check_csrf)

"""Login through the platform, server-side sessions and CSRF protection."""

from flask import Flask, abort

{% if cookiecutter.oidc %}from . import oidc
{% endif %}from .sessions import CurrentUser, NoCookieSession, check_csrf, current_user, login_required
from .views import bp

__all__ = ["CurrentUser", "current_user", "init_app", "login_required", "signed_in_user"]


def signed_in_user() -> CurrentUser:
    """The user of a view behind `login_required`: never None there.

    A view that forgot `login_required` answers 401 here instead of failing on None.
    """
    user = current_user()
    if user is None:
        abort(401)
    return user


def init_app(app: Flask) -> None:
    app.session_interface = NoCookieSession()
    app.register_blueprint(bp)
{%- if cookiecutter.oidc %}
    oidc.init_app(app)  # a standard OpenID Connect provider, when OIDC_ISSUER is set
{%- endif %}
    app.before_request(check_csrf)

"""Login through the platform, server-side sessions and CSRF protection."""

from types import ModuleType

from flask import Flask, abort

{% if cookiecutter.oidc -%}
from . import oidc
{% endif -%}
from .sessions import CurrentUser, NoCookieSession, check_csrf, current_user, login_required
from .views import bp

{% if cookiecutter.oidc -%}
# Ways in besides the platform's own login, each set up by its init_app (the option's
# module; post_gen_project removes it from bakes without the option).
LOGIN_PROVIDERS: tuple[ModuleType, ...] = (oidc,)
{%- else -%}
# Ways in besides the platform's own login (OpenID Connect is one, chosen at generation).
LOGIN_PROVIDERS: tuple[ModuleType, ...] = ()
{%- endif %}

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
    for provider in LOGIN_PROVIDERS:
        provider.init_app(app)  # active when its settings are given
    app.before_request(check_csrf)

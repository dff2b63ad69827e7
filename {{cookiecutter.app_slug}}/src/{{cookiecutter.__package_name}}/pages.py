"""Server-rendered pages: the home page shown after login through the platform."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from .auth import login_required, signed_in_user

bp = Blueprint("pages", __name__)


@bp.get("/")
@login_required
def home() -> ResponseReturnValue:
    # DB31DSJ/Z 003 附录 D 主页 URL: the platform's workbench opens this page.
    return render_template("home.html", user=signed_in_user())

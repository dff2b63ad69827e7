"""Server-rendered pages: the home page shown after login through the platform."""

from __future__ import annotations

from flask import Blueprint, render_template

from .auth import current_user, login_required

bp = Blueprint("pages", __name__)


@bp.get("/")
@login_required
def home():
    # DB31DSJ/Z 003 附录 D 主页 URL: the platform's workbench opens this page.
    return render_template("home.html", user=current_user())

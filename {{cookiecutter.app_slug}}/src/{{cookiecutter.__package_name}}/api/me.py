"""Who is logged in (no-store like every /api/ answer: security/headers.py)."""

from __future__ import annotations

from flask import Blueprint

from ..auth import current_user, login_required

bp = Blueprint("api_me", __name__, url_prefix="/api")


@bp.get("/me")
@login_required
def me():
    user = current_user()
    return {"userid": user.userid, "name": user.name, "csrf_token": user.csrf_token}

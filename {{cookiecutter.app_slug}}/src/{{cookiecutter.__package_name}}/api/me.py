"""Who is logged in (no-store like every /api/ answer: security/headers.py)."""

from __future__ import annotations

from flask import Blueprint

from ..auth import CurrentUser, current_user, login_required

bp = Blueprint("api_me", __name__, url_prefix="/api")


def me_answer(user: CurrentUser) -> dict:
    """GET /api/me's answer; index.html carries the same for the first screen (frontend.py)."""
    return {"userid": user.userid, "name": user.name, "csrf_token": user.csrf_token}


@bp.get("/me")
@login_required
def me():
    return me_answer(current_user())

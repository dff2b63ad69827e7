"""Who is logged in (no-store like every /api/ answer: security/headers.py)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask.typing import ResponseReturnValue

from ..auth import CurrentUser, login_required, signed_in_user
from ..auth.sessions import CSRF_HEADER
from ..openapi import TEXT, Component, Operation, Tag, answer, documented, obj

bp = Blueprint("api_me", __name__, url_prefix="/api")

USER_TAG = Tag("用户", "当前用户、个人信息与授权、通讯录")
ME = Component("Me", obj({"userid": TEXT, "name": TEXT, "csrf_token": {
    "type": "string",
    "description": f"本会话的 CSRF 令牌：改变数据的请求放在 {CSRF_HEADER} 头里"}}))


def me_answer(user: CurrentUser) -> dict[str, Any]:
    """GET /api/me's answer; index.html carries the same for the first screen (frontend.py)."""
    return {"userid": user.userid, "name": user.name, "csrf_token": user.csrf_token}


@bp.get("/me")
@documented(Operation(USER_TAG, "当前登录用户",
                      {200: answer("当前用户及本会话的 CSRF 令牌", ME)}))
@login_required
def me() -> ResponseReturnValue:
    return me_answer(signed_in_user())

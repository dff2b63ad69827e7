"""Who is logged in, and the signatures the front end needs for the platform JS-SDK."""

from __future__ import annotations

from flask import Blueprint, current_app, request

from ..auth import current_user, login_required
from ..errors import FriendlyError
from ..platform import get_client
from ..platform.jssdk import is_signable, signature_for

bp = Blueprint("api_me", __name__, url_prefix="/api")


@bp.after_request
def no_store(response):
    # Answers here name the user: never cached by the browser or a proxy.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/me")
@login_required
def me():
    user = current_user()
    return {"userid": user.userid, "name": user.name, "csrf_token": user.csrf_token}


@bp.get("/jssdk/signature")
@login_required
def jssdk_signature():
    """Sign a page URL for wx.config (type=corp) or wx.agentConfig (type=agent)."""
    kind = request.args.get("type", "corp")
    if kind not in ("corp", "agent"):
        raise FriendlyError(400, "参数有误", "type 只能是 corp 或 agent。")
    url = request.args.get("url", "")
    settings = current_app.config["SETTINGS"]
    # Only pages of this app get a signature: a foreign URL would lend it our identity.
    if not is_signable(url, settings.app_base_url):
        raise FriendlyError(400, "参数有误", "只能为本应用的页面地址签名。")
    return signature_for(get_client(), url, kind)

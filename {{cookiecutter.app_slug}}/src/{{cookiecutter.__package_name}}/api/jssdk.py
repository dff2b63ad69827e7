"""The signatures the front end needs for the platform JS-SDK (wx.config, wx.agentConfig)."""

from __future__ import annotations

from flask import Blueprint, current_app, request

from ..auth import login_required
from ..errors import FriendlyError
from ..platform import get_client
from ..platform.jssdk import is_signable, signature_for

bp = Blueprint("api_jssdk", __name__, url_prefix="/api/jssdk")


@bp.get("/signature")
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

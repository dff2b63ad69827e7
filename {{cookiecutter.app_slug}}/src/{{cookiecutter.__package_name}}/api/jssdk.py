"""The signatures the front end needs for the platform JS-SDK (wx.config, wx.agentConfig)."""

from __future__ import annotations

from flask import Blueprint, current_app, request
from flask.typing import ResponseReturnValue

from ..auth import login_required
from ..errors import FriendlyError
from ..openapi import (
    COUNT,
    PLATFORM_ERRORS,
    TEXT,
    Component,
    Operation,
    Tag,
    answer,
    documented,
    obj,
    query,
)
from ..platform import get_client
from ..platform.jssdk import MAX_SIGNABLE_URL_LENGTH, is_signable, signature_for

bp = Blueprint("api_jssdk", __name__, url_prefix="/api/jssdk")

TAG = Tag("JS-SDK", "平台前端接口（JS-SDK）的签名")
SHA1 = {"type": "string", "pattern": "^[0-9a-f]{40}$"}
CORP_SIGNATURE = Component("CorpSignature", obj(
    {"appId": TEXT, "timestamp": COUNT, "nonceStr": TEXT, "signature": SHA1},
    description="wx.config 的参数"))
AGENT_SIGNATURE = Component("AgentSignature", obj(
    {"corpid": TEXT, "agentid": TEXT, "timestamp": COUNT, "nonceStr": TEXT, "signature": SHA1},
    description="wx.agentConfig 的参数"))
SIGNATURE = Operation(
    TAG, "页面地址的 JS-SDK 签名",
    {200: answer("wx.config（type=corp）或 wx.agentConfig（type=agent）的参数",
                 {"oneOf": [CORP_SIGNATURE, AGENT_SIGNATURE]})},
    errors=(400, *PLATFORM_ERRORS),
    business_rule="只为本应用（APP_BASE_URL 之下）的页面签名",
    parameters=(
        query("url", "要签名的页面地址（不含 # 之后部分也可）；只能是本应用的页面",
              {"type": "string", "format": "uri", "maxLength": MAX_SIGNABLE_URL_LENGTH,
               "examples": ["{{ cookiecutter.app_domain }}/"]},
              required=True),
        query("type", "corp：wx.config；agent：wx.agentConfig",
              {"enum": ["corp", "agent"], "default": "corp"}),
    ))


@bp.get("/signature")
@documented(SIGNATURE)
@login_required
def jssdk_signature() -> ResponseReturnValue:
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

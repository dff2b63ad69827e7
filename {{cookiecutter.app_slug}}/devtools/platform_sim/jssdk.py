"""The JS-SDK side: the jweixin shim, and the endpoint that checks its signatures.

The shim (templates/jweixin.js) sends what `wx.config` / `wx.agentConfig` received to
POST /jssdk/verify, which recomputes the signature with the simulator's CURRENT corp or agent
ticket. So an app that signs with a stale ticket, the wrong ticket, or an encoded URL fails
here as it would in the client.
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlsplit

from flask import Blueprint, Response, jsonify, render_template, request, url_for

from .gateway import get_state
from .state import SimState

bp = Blueprint("jssdk", __name__, url_prefix="/jssdk")

# Fixed answers of the device APIs, so specs can assert on them.
SIM_LOCATION = {"latitude": 31.2304, "longitude": 121.4737, "speed": 0, "accuracy": 30}
SIM_SCAN_RESULT = "https://127.0.0.1/sim-qrcode-content"


def jsapi_signature(ticket: str, noncestr: str, timestamp: str | int, url: str) -> str:
    """WeCom's JS-SDK signature: sha1 over this exact key order, nothing URL-encoded."""
    plain = f"jsapi_ticket={ticket}&noncestr={noncestr}&timestamp={timestamp}&url={url}"
    return hashlib.sha1(plain.encode()).hexdigest()  # noqa: S324 - the platform's algorithm


def check_signature(state: SimState, body: dict) -> tuple[bool, str, str]:
    """(ok, errMsg as the client reports it, reason for the developer)."""
    kind = body.get("kind")
    if kind not in ("config", "agentConfig"):
        return False, "config:fail", "kind 应为 config 或 agentConfig"
    settings = state.settings
    if kind == "config" and body.get("appId") != settings.corp_id:
        return False, "config:invalid corpid", "appId 应为 CorpID"
    if kind == "agentConfig":
        if body.get("corpid") != settings.corp_id:
            return False, "agentConfig:invalid corpid", "corpid 应为 CorpID"
        if str(body.get("agentid")) != settings.agent_id:
            return False, "agentConfig:invalid agentid", "agentid 与签名所用应用不一致"
    url = str(body.get("url") or "")
    host = urlsplit(url).hostname
    if not host or host.lower() not in settings.trusted_hosts:
        return False, f"{kind}:invalid url domain", "页面地址不在应用可信域名内"
    ticket = state.current_jsapi_ticket("corp" if kind == "config" else "agent")
    if ticket is None:
        which = "get_jsapi_ticket" if kind == "config" else "ticket/get?type=agent_config"
        return False, f"{kind}:invalid signature", f"没有有效的票据，请先调用 {which}"
    expected = jsapi_signature(ticket, str(body.get("nonceStr") or ""),
                               str(body.get("timestamp") or ""), url)
    if not hmac.compare_digest(expected, str(body.get("signature") or "")):
        return False, f"{kind}:invalid signature", "签名与当前票据、页面地址不匹配"
    return True, f"{kind}:ok", ""


def _allow_origin(response: Response) -> Response:
    """CORS for the app's pages: only origins on a trusted host."""
    origin = request.headers.get("Origin", "")
    host = urlsplit(origin).hostname
    if host and host.lower() in get_state().settings.trusted_hosts:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Methods"] = "POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "Content-Type"
        response.headers["Access-Control-Max-Age"] = "600"
    response.headers["Vary"] = "Origin"
    return response


def shim_config(state: SimState) -> dict:
    """What the shim needs to know: where to verify, and the contacts the picker shows."""
    with state.lock:
        visible = set(state.visible_user_ids())
        departments = [
            {"id": d, "name": state.departments[d]["name"],
             "parentid": state.departments[d]["parentid"]}
            for d in state.department_subtree(1)
        ]
        users = [
            {"userid": u["userid"], "name": u["name"], "department": u["department"],
             "main_department": u["main_department"],
             "avatar": url_for("oauth.profile_image", kind="avatar", userid=u["userid"],
                               _external=True)}
            for u in state.users.values()
            if u["userid"] in visible
        ]
    return {
        "base": request.host_url.rstrip("/"),
        "corpId": state.settings.corp_id,
        "agentId": state.settings.agent_id,
        "departments": departments,
        "users": users,
        "location": SIM_LOCATION,
        "scanResult": SIM_SCAN_RESULT,
    }


@bp.get("/jweixin.js")
def shim() -> Response:
    script = render_template("jweixin.js", sim=shim_config(get_state()))
    response = Response(script, mimetype="application/javascript")
    # The picker reflects the current organisation: never serve a cached copy.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/verify", methods=["POST", "OPTIONS"])
def verify() -> Response:
    if request.method == "OPTIONS":
        return _allow_origin(Response(status=204))
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        body = {}
    ok, err_msg, reason = check_signature(get_state(), body)
    return _allow_origin(jsonify({"ok": ok, "errMsg": err_msg, "reason": reason}))


@bp.route("/event", methods=["POST", "OPTIONS"])
def event() -> Response:
    """The shim reports each API it ran; the gateway's call record keeps it for specs."""
    if request.method == "OPTIONS":
        return _allow_origin(Response(status=204))
    return _allow_origin(jsonify({"ok": True}))

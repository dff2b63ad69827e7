"""The WeCom-compatible server API under /cgi-bin (flat `errcode`/`errmsg` shape).

Behaviours follow the WeCom documentation the app is written against: tokens and tickets are
cached and expire, codes are single use, sensitive profile fields come only from
getuserdetail, message/send succeeds partially, and so on (see DESIGN.md §2).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, request, url_for

from .errors import SimError
from .gateway import answer, get_state, json_body, token_required
from .messages import MessageRules
from .state import Chat, Media, Message, SimState

bp = Blueprint("api", __name__, url_prefix="/cgi-bin")

# user/get returns only these since 2022-06-20; the rest needs getuserdetail.
PUBLIC_USER_FIELDS = (
    "userid", "name", "department", "order", "position", "main_department",
    "is_leader_in_dept", "direct_leader", "status",
)

MAX_RECIPIENTS = 1000
MEMBER_LIMIT_PER_MIN = 30  # WeCom drops the excess silently
RECALL_WINDOW = 24 * 3600
DUPLICATE_INTERVAL_DEFAULT = 1800
DUPLICATE_INTERVAL_MAX = 4 * 3600

CHATID = re.compile(r"^[0-9A-Za-z]{1,32}$")

# media/upload: (largest size in bytes, accepted file name endings or None for any).
MEDIA_RULES: dict[str, tuple[int, tuple[str, ...] | None]] = {
    "image": (10 * 1024 * 1024, (".jpg", ".jpeg", ".png")),
    "voice": (2 * 1024 * 1024, (".amr",)),
    "video": (10 * 1024 * 1024, (".mp4",)),
    "file": (20 * 1024 * 1024, None),
}
MEDIA_MIN_BYTES = 5  # files must be larger than 5 bytes


# -- token and identity ------------------------------------------------------------------


@bp.get("/gettoken")
def gettoken() -> Response:
    state = get_state()
    token = state.issue_token(request.args.get("corpid", ""), request.args.get("corpsecret", ""))
    return answer({"access_token": token.value,
                   "expires_in": state.seconds_left(token.expires_at)})


@bp.get("/auth/getuserinfo")
@token_required
def getuserinfo() -> Response:
    return answer(get_state().consume_code(request.args.get("code")))


@bp.get("/user/getuserinfo")
@token_required
def legacy_getuserinfo() -> Response:
    """The pre-2022 code exchange, still called by wechatpy: capitalised `UserId`, `DeviceId`."""
    identity = get_state().consume_code(request.args.get("code"))
    legacy = {"UserId": identity.pop("userid"), "DeviceId": ""}
    return answer({**legacy, **identity})


@bp.post("/auth/getuserdetail")
@token_required
def getuserdetail() -> Response:
    state = get_state()
    body = json_body()
    with state.lock:
        userid = state.read_user_ticket(body.get("user_ticket"))
        user = state.find_user(userid)
        if user is None:  # removed from the organisation after consenting
            raise SimError(60111)
        private = user["private"]
        detail = {
            "userid": user["userid"],
            "gender": private["gender"],
            "avatar": profile_image_url("avatar", user["userid"]),
            "qr_code": profile_image_url("qrcode", user["userid"]),
            "mobile": private["mobile"],
            "email": private["email"],
            "biz_mail": private["biz_mail"],
            "address": private["address"],
        }
        if private["extattr"]["attrs"]:
            detail["extattr"] = private["extattr"]
    return answer(detail)


def profile_image_url(kind: str, userid: str) -> str:
    return url_for("oauth.profile_image", kind=kind, userid=userid, _external=True)


@bp.get("/get_api_domain_ip")
@token_required
def get_api_domain_ip() -> Response:
    """The platform's API addresses (path/92520): the app's light, authenticated health probe."""
    return answer({"ip_list": ["127.0.0.1"]})


# -- contacts ----------------------------------------------------------------------------


def _public_user(user: dict) -> dict:
    return {name: user[name] for name in PUBLIC_USER_FIELDS}


@bp.get("/user/get")
@token_required
def user_get() -> Response:
    state = get_state()
    userid = request.args.get("userid")
    if not userid:
        raise SimError(41009)
    with state.lock:
        user = state.find_user(userid)
        if user is None:
            raise SimError(60111)
        if not state.is_visible_user(userid):
            raise SimError(60011)
        return answer(_public_user(user))


@bp.get("/user/list")
@token_required
def user_list() -> Response:
    """Direct members with the user/get fields (the same 2022-06-20 restrictions)."""
    return answer({"userlist": _department_members(_public_user)})


def _department_id(raw: str | None) -> int:
    try:
        return int(raw or "")
    except ValueError:
        raise SimError(40058, "department id must be an integer") from None


@bp.get("/department/list")
@token_required
def department_list() -> Response:
    """Recursive from `id`; without `id`, every department the app may see."""
    state = get_state()
    with state.lock:
        if request.args.get("id"):
            start = _department_id(request.args["id"])
            if start not in state.departments:
                raise SimError(60003)
            if not state.is_visible_department(start):
                raise SimError(60011)
            ids = state.department_subtree(start)
        else:
            ids = [d for d in state.department_subtree(1) if state.is_visible_department(d)]
        departments = [dict(state.departments[d]) for d in ids]
    return answer({"department": departments})


@bp.get("/user/simplelist")
@token_required
def user_simplelist() -> Response:
    """Direct members only: WeCom's fetch_child is deprecated, callers walk sub-departments."""
    return answer({"userlist": _department_members(
        lambda u: {"userid": u["userid"], "name": u["name"], "department": list(u["department"])})})


def _department_members(view: Callable[[dict], dict]) -> list[dict]:
    state = get_state()
    dept = _department_id(request.args.get("department_id"))
    with state.lock:
        if dept not in state.departments:
            raise SimError(60003)
        if not state.is_visible_department(dept):
            raise SimError(60011)
        return [view(u) for u in state.users.values() if dept in u["department"]]


# -- jsapi tickets -----------------------------------------------------------------------


@bp.get("/get_jsapi_ticket")
@token_required
def get_jsapi_ticket() -> Response:
    return _ticket_answer("corp")


@bp.get("/ticket/get")
@token_required
def ticket_get() -> Response:
    if request.args.get("type") != "agent_config":
        raise SimError(40058, "type must be agent_config")
    return _ticket_answer("agent")


def _ticket_answer(kind: str) -> Response:
    state = get_state()
    ticket = state.fetch_jsapi_ticket(kind)
    return answer({"ticket": ticket.value, "expires_in": state.seconds_left(ticket.expires_at)})


# -- messages ----------------------------------------------------------------------------


def _check_agentid(value: Any) -> str:
    agentid = str(value if value is not None else "")
    if agentid != get_state().settings.agent_id:
        raise SimError(40056)
    return agentid


def validate_content(body: dict, channel: str = "app") -> tuple[str, dict]:
    """Check msgtype and its content object; returns (msgtype, content as delivered)."""
    state = get_state()
    return MessageRules(state.media.get, state.now, channel).check(body)


def _split(raw: Any) -> list[str]:
    return [part.strip() for part in str(raw or "").split("|") if part.strip()]


def resolve_recipients(state: SimState, body: dict) -> tuple[list[str], dict[str, list[str]]]:
    """Valid userids, and the invalid user/party/tag ids (users lower-cased, as WeCom does)."""
    valid: list[str] = []
    invalid: dict[str, list[str]] = {"invaliduser": [], "invalidparty": [], "invalidtag": []}

    def add(userid: str) -> None:
        if userid not in valid:
            valid.append(userid)

    for userid in _split(body.get("touser")):
        if userid == "@all":
            for visible in state.visible_user_ids():
                add(visible)
        elif state.is_visible_user(userid):
            add(userid.lower())
        else:
            invalid["invaliduser"].append(userid.lower())
    for party in _split(body.get("toparty")):
        dept = int(party) if party.isdigit() else None
        if dept not in state.departments or not state.is_visible_department(dept):
            invalid["invalidparty"].append(party)
            continue
        subtree = set(state.department_subtree(dept))
        for user in state.users.values():
            if subtree.intersection(user["department"]):
                add(user["userid"])
    # The simulator has no tags: every tag id is invalid.
    invalid["invalidtag"].extend(_split(body.get("totag")))
    return valid, invalid


def _deliver(state: SimState, recipients: list[str]) -> tuple[list[str], list[str]]:
    """Split recipients into delivered and silently dropped (over 30 a minute per member)."""
    now = state.now()
    delivered, dropped = [], []
    for userid in recipients:
        window = state.member_deliveries[userid]
        while window and window[0] <= now - 60:
            window.popleft()
        if len(window) >= MEMBER_LIMIT_PER_MIN:
            dropped.append(userid)
        else:
            window.append(now)
            delivered.append(userid)
    return delivered, dropped


@bp.post("/message/send")
@token_required
def message_send() -> Response:
    state = get_state()
    body = json_body()
    agentid = _check_agentid(body.get("agentid"))
    msgtype, content = validate_content(body)
    if not any(body.get(k) for k in ("touser", "toparty", "totag")):
        raise SimError(82001)
    if len(_split(body.get("touser"))) > MAX_RECIPIENTS:
        raise SimError(40032)
    with state.lock:
        valid, invalid = resolve_recipients(state, body)
        listed = {k: "|".join(v) for k, v in invalid.items()}
        if not valid:
            raise SimError(81013, **listed)
        now = state.now()
        dedupe_key = None
        if str(body.get("enable_duplicate_check", 0)) == "1":
            interval = int(body.get("duplicate_check_interval") or DUPLICATE_INTERVAL_DEFAULT)
            interval = min(max(interval, 1), DUPLICATE_INTERVAL_MAX)
            dedupe_key = state.dumps(body)
            seen = state.dedupe_index.get(dedupe_key)
            if seen and now - seen[1] < interval:
                # Identical JSON inside the window: not delivered again.
                original = next(m for m in state.messages if m.msgid == seen[0])
                original.duplicates_suppressed += 1
                return answer({**listed, "unlicenseduser": "", "msgid": original.msgid})
        delivered, dropped = _deliver(state, valid)
        message = Message(
            msgid=secrets.token_urlsafe(24), channel="app", msgtype=msgtype, content=content,
            recipients=delivered, sent_at=now, agentid=agentid, dropped=dropped, **invalid,
        )
        state.messages.append(message)
        if dedupe_key:
            state.dedupe_index[dedupe_key] = (message.msgid, now)
    return answer({**listed, "unlicenseduser": "", "msgid": message.msgid})


@bp.post("/message/recall")
@token_required
def message_recall() -> Response:
    state = get_state()
    msgid = json_body().get("msgid")
    with state.lock:
        message = next((m for m in state.messages
                        if m.msgid == msgid and m.channel == "app"), None)
        # WeCom documents no code for these; 40058 (invalid parameter) with a clear errmsg.
        if message is None:
            raise SimError(40058, "msgid not found")
        if message.recalled_at is not None:
            raise SimError(40058, "message already recalled")
        if state.now() - message.sent_at > RECALL_WINDOW:
            raise SimError(40058, "only messages sent in the last 24 hours can be recalled")
        message.recalled_at = state.now()
    return answer({})


# -- group chats -------------------------------------------------------------------------


@bp.post("/appchat/create")
@token_required
def appchat_create() -> Response:
    state = get_state()
    body = json_body()
    with state.lock:
        # WeCom: only apps whose visible range is the whole organisation may create chats.
        if 1 not in state.visible_departments:
            raise SimError(48002, "app visible range must be the root department")
        userlist = body.get("userlist")
        if not isinstance(userlist, list) or not 2 <= len(userlist) <= 2000:
            raise SimError(86006)
        members = [str(u).lower() for u in userlist]
        if any(not state.is_visible_user(u) for u in members):
            raise SimError(86007)
        name = str(body.get("name") or "")
        if len(name) > 50:
            raise SimError(86004)
        owner = str(body.get("owner") or members[0]).lower()
        if owner not in members:
            raise SimError(86005)
        chatid = body.get("chatid")
        if chatid is None or chatid == "":
            chatid = secrets.token_hex(16)
        elif not isinstance(chatid, str) or not CHATID.match(chatid):
            raise SimError(86001)
        elif chatid in state.chats:
            raise SimError(86215)
        state.chats[chatid] = Chat(chatid, name, owner, members, state.now())
    return answer({"chatid": chatid})


@bp.post("/appchat/send")
@token_required
def appchat_send() -> Response:
    state = get_state()
    body = json_body()
    msgtype, content = validate_content(body, "appchat")
    with state.lock:
        chat = state.chats.get(str(body.get("chatid") or ""))
        if chat is None:
            raise SimError(86003)
        delivered, dropped = _deliver(state, chat.userlist)
        chat.has_message = True
        state.messages.append(Message(
            msgid=secrets.token_urlsafe(24), channel="appchat", msgtype=msgtype,
            content=content, recipients=delivered, sent_at=state.now(), chatid=chat.chatid,
            dropped=dropped,
        ))
    return answer({})


# -- media -------------------------------------------------------------------------------


@bp.post("/media/upload")
@token_required
def media_upload() -> Response:
    state = get_state()
    media_type = request.args.get("type", "")
    if media_type not in MEDIA_RULES:
        raise SimError(40005)
    upload = request.files.get("media")
    if upload is None:
        raise SimError(44001)
    data = upload.read()
    max_size, endings = MEDIA_RULES[media_type]
    if len(data) <= MEDIA_MIN_BYTES:
        raise SimError(40006, "media must be larger than 5 bytes")
    if len(data) > max_size:
        raise SimError(45001)
    filename = upload.filename or ""
    if endings and not filename.lower().endswith(endings):
        raise SimError(40004)
    with state.lock:
        media = Media(secrets.token_urlsafe(32), media_type, filename, len(data), state.now())
        state.media[media.media_id] = media
    return answer({"type": media_type, "media_id": media.media_id,
                   "created_at": str(int(media.created_at))})

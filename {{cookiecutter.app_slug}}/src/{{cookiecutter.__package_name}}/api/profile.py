"""我的: the profile, the consent flow for the sensitive fields, and the contact search."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue
from sqlalchemy import or_, select

from ..auth import login_required, signed_in_user
from ..auth.user_ticket import current_user_ticket, drop_user_ticket
from ..auth.views import SCOPE_PRIVATEINFO, begin_login, bind_browser, safe_next
from ..contacts import Contact, find_contact
from ..extensions import db
from ..openapi import (
    MAYBE_TIME,
    PLATFORM_ERRORS,
    TEXT,
    Component,
    Operation,
    answer,
    array,
    documented,
    obj,
    query,
)
from ..platform import get_client
from ..privacy import mask_address, mask_email, mask_mobile
from ..privacy.consent import current_consent, withdraw_consent
from ..timestamps import iso
from .me import USER_TAG

bp = Blueprint("api_profile", __name__, url_prefix="/api")

CONTACT_LIMIT = 50
# The 我的 page of the front end (frontend/src/router/index.ts, hash history), where the
# consent starts: where the platform's consent page comes back to unless told otherwise.
PROFILE_PAGE = "/#/me"
CONTACT_QUERY_MAX = 32
MASKS = {"mobile": mask_mobile, "email": mask_email, "address": mask_address}

CONTACT = Component("Contact", obj({"userid": TEXT, "name": TEXT, "department": TEXT,
                                    "position": TEXT}))
CONTACT_LIST = Component("ContactList", obj({"users": array(CONTACT, CONTACT_LIMIT)}))
PROFILE = Component("Profile", obj({
    "userid": TEXT, "name": TEXT, "department": TEXT, "position": TEXT,
    "sensitive": {"oneOf": [{"type": "null"}, obj({"mobile": TEXT, "email": TEXT,
                                                   "address": TEXT})],
                  "description": "脱敏后的手机、邮箱、地址；仅在用户授权后（§8.2 d），否则为 null"},
    "consent": obj({"granted": {"type": "boolean"}, "granted_at": MAYBE_TIME}),
}))
AUTHORIZE_URL = Component("AuthorizeUrl", obj({"authorize_url": {
    "type": "string", "format": "uri",
    "description": "平台授权页：浏览器前往此地址，同意后回到本应用"}}))


def masked_sensitive_profile() -> dict[str, Any] | None:
    """The sensitive fields, masked, read from the platform now and kept nowhere (§8.2 c).

    Only while the session holds a valid user_ticket, i.e. after the user's consent.
    """
    ticket = current_user_ticket()
    if ticket is None:
        return None
    detail = get_client().user_detail(ticket)
    return {field: mask(str(detail.get(field) or "")) for field, mask in MASKS.items()}


@bp.get("/profile")
@documented(Operation(USER_TAG, "我的：个人信息", {
    200: answer("个人信息；授权后含脱敏的敏感字段", PROFILE)}, errors=PLATFORM_ERRORS))
@login_required
def profile() -> ResponseReturnValue:
    user = signed_in_user()
    contact = find_contact(user.userid)
    db.session.commit()  # a contact fetched from the platform is kept (按应获得)
    consent = current_consent(user.userid)
    return {
        "userid": user.userid,
        "name": user.name,
        "department": contact.department_name if contact else "",
        "position": contact.position if contact else "",
        "sensitive": masked_sensitive_profile() if consent else None,
        "consent": {"granted": consent is not None,
                    "granted_at": iso(consent.granted_at) if consent else None},
    }


@bp.post("/consent")
@documented(Operation(
    USER_TAG, "开始授权读取敏感个人信息", {200: answer("平台授权页的地址", AUTHORIZE_URL)},
    description="用户在本应用内同意后调用；浏览器前往 authorize_url，在平台的授权页确认"
                "（snsapi_privateinfo，§8.2 d）后回到 next 指定的页面（默认“我的”页面）。"
                "授权页上须确认当前登录的用户，否则授权不生效。",
    errors=(429, 503),
    parameters=(query("next", f"授权后回到的本站页面（默认 {PROFILE_PAGE}，即“我的”）；"
                              "不是本站路径时回到首页", {"type": "string"}),)))
@login_required
def grant_consent() -> ResponseReturnValue:
    """Start the platform's consent (snsapi_privateinfo); the user agreed in the app first.

    The answer comes back to the page the consent started from: `next`, by default 我的.
    """
    requested = request.args.get("next")
    back = safe_next(requested) if requested else PROFILE_PAGE
    url, browser = begin_login(back, scope=SCOPE_PRIVATEINFO, in_client=True)
    return bind_browser(jsonify(authorize_url=url), browser)


@bp.delete("/consent")
@documented(Operation(USER_TAG, "撤回授权", {204: answer("已撤回，敏感字段不再读取")}))
@login_required
def revoke_consent() -> ResponseReturnValue:
    withdraw_consent(signed_in_user().userid)
    drop_user_ticket()
    return "", 204


@bp.get("/contacts")
@documented(Operation(
    USER_TAG, "通讯录：查找同事",
    {200: answer(f"可见范围内的同事，最多 {CONTACT_LIMIT} 位", CONTACT_LIST)},
    parameters=(query("q", f"姓名、userid 或部门中的文字（只取前 {CONTACT_QUERY_MAX} 个字）；"
                           "不填则列出全部", {"type": "string"}),)))
@login_required
def search_contacts() -> ResponseReturnValue:
    """Colleagues in the app's visible range, for the picker outside the platform client."""
    query = select(Contact).order_by(Contact.department_id, Contact.name).limit(CONTACT_LIMIT)
    # Printable characters only: a NUL would make PostgreSQL refuse the query (a 500).
    text = "".join(char for char in request.args.get("q", "") if char.isprintable())
    text = text.strip()[:CONTACT_QUERY_MAX]
    if text:
        like = f"%{text}%"
        query = query.where(or_(Contact.name.like(like), Contact.userid.like(like),
                                Contact.department_name.like(like)))
    return {"users": [contact.as_json() for contact in db.session.scalars(query)]}

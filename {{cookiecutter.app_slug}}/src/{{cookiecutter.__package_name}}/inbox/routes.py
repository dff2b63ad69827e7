"""GET /api/messages and POST /api/messages/<id>/read: the 消息 page's API."""

from __future__ import annotations

from flask import Blueprint
from flask.typing import ResponseReturnValue

from ..api.validation import ID_CONVERTER
from ..auth import login_required, signed_in_user
from ..openapi import (
    COUNT,
    ID,
    TEXT,
    TIME,
    Component,
    Operation,
    Tag,
    answer,
    array,
    documented,
    obj,
)
from .service import LIST_LIMIT, mark_read, message_list_answer

bp = Blueprint("inbox", __name__, url_prefix="/api")

TAG = Tag("消息", "应用内消息")
MESSAGE = Component("Message", obj({
    "id": ID, "title": TEXT, "description": TEXT,
    "url": {"type": "string", "description": "应用内的页面地址"},
    "created_at": TIME, "read": {"type": "boolean"}}))
MESSAGE_LIST = Component("MessageList", obj({"messages": array(MESSAGE, LIST_LIMIT),
                                             "unread": COUNT}))


@bp.get("/messages")
@documented(Operation(TAG, "我的消息", {
    200: answer(f"最新的在前，最多 {LIST_LIMIT} 条；unread 为未读总数", MESSAGE_LIST)}))
@login_required
def list_messages() -> ResponseReturnValue:
    return message_list_answer(signed_in_user())


@bp.post(f"/messages/<{ID_CONVERTER}:message_id>/read")
@documented(Operation(TAG, "标为已读", {204: answer("已读")}, errors=(404,)))
@login_required
def read_message(message_id: int) -> ResponseReturnValue:
    mark_read(signed_in_user(), message_id)
    return "", 204

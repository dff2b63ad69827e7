"""GET /api/messages and POST /api/messages/<id>/read: the 消息 page's API."""

from __future__ import annotations

from flask import Blueprint
from flask.typing import ResponseReturnValue

from ..api.validation import ID_CONVERTER, ID_IN_QUERY, query_id
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
    query,
)
from .service import PAGE_SIZE, mark_read, message_list_answer

bp = Blueprint("inbox", __name__, url_prefix="/api")

TAG = Tag("消息", "应用内消息")
MESSAGE = Component("Message", obj({
    "id": ID, "title": TEXT, "description": TEXT,
    "url": {"type": "string", "description": "应用内的页面地址"},
    "created_at": TIME, "read": {"type": "boolean"}}))
MESSAGE_LIST = Component("MessageList", obj({
    "messages": array(MESSAGE, PAGE_SIZE), "unread": COUNT,
    "next_before": {"type": ["integer", "null"], "minimum": 1,
                    "description": "下一页：作为 before 再请求；null 表示没有更多了"}}))


@bp.get("/messages")
@documented(Operation(TAG, "我的消息", {
    200: answer(f"最新的在前，每页 {PAGE_SIZE} 条；unread 为未读总数", MESSAGE_LIST)},
    errors=(400,),
    parameters=(query("before", "翻页：上一页回答的 next_before；不填为第一页", ID_IN_QUERY),)))
@login_required
def list_messages() -> ResponseReturnValue:
    return message_list_answer(signed_in_user(), query_id("before"))


@bp.post(f"/messages/<{ID_CONVERTER}:message_id>/read")
@documented(Operation(TAG, "标为已读", {204: answer("已读")}, errors=(404,)))
@login_required
def read_message(message_id: int) -> ResponseReturnValue:
    mark_read(signed_in_user(), message_id)
    return "", 204

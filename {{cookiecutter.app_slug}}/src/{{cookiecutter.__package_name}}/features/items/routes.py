"""The 事项 API: create, list, read and complete items. Thin: the work is in service.py."""

from __future__ import annotations

from flask import Blueprint, request
from flask.typing import ResponseReturnValue

from ...api.validation import ID_CONVERTER, ID_IN_QUERY, query_id, validate_body
from ...auth import login_required, signed_in_user
from ...openapi import PLATFORM_ERRORS, Operation, answer, documented, query
from .schemas import ITEM_ANSWER, ITEM_LIST, NEW_ITEM, NEW_ITEM_BODY, TAG
from .service import BOXES, PAGE_SIZE, complete_item, create_item, item_list_answer, load_item

bp = Blueprint("items", __name__, url_prefix="/api")


@bp.post("/items")
@documented(Operation(
    TAG, "发起事项", {201: answer("新事项；办理人的待办随后经一网协同送达", ITEM_ANSWER)},
    body=NEW_ITEM_BODY, errors=PLATFORM_ERRORS,
    business_rule="办理人须在本应用的可见范围内（通讯录中）"))
@login_required
def create() -> ResponseReturnValue:
    user = signed_in_user()
    item = create_item(user, validate_body(NEW_ITEM))
    return {"item": item.as_json(user.userid)}, 201


@bp.get("/items")
@documented(Operation(
    TAG, "事项列表", {200: answer(f"最新的在前，每页 {PAGE_SIZE} 项", ITEM_LIST)}, errors=(400,),
    parameters=(query("box", "todo：我的待办（未办结）；created：我发起的",
                      {"enum": list(BOXES), "default": "todo"}),
                query("before", "翻页：上一页回答的 next_before；不填为第一页", ID_IN_QUERY))))
@login_required
def list_items() -> ResponseReturnValue:
    return item_list_answer(signed_in_user(), request.args.get("box", "todo"), query_id("before"))


@bp.get(f"/items/<{ID_CONVERTER}:item_id>")
@documented(Operation(TAG, "事项详情", {200: answer("事项", ITEM_ANSWER)}, errors=(404,),
                      description="只有发起人和办理人能看到；其他人得到 404。"))
@login_required
def get_item(item_id: int) -> ResponseReturnValue:
    user = signed_in_user()
    return {"item": load_item(user, item_id).as_json(user.userid)}


@bp.post(f"/items/<{ID_CONVERTER}:item_id>/complete")
@documented(Operation(TAG, "办结事项", {200: answer("已办结的事项", ITEM_ANSWER)},
                      errors=(404, 409),
                      description="只有办理人可以办结（否则 403）；已办结的再办结为 409。"))
@login_required
def complete(item_id: int) -> ResponseReturnValue:
    user = signed_in_user()
    return {"item": complete_item(user, item_id).as_json(user.userid)}

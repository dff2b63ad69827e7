"""The 事项 API: create, list, read and complete items.

Every change that the platform must hear about (a todo for the assignee, its
completion, a message to the creator) is written to the outbox in the SAME
transaction as the change itself (DB31DSJ/Z 003 §6.2.4 f, Appendix C), so it is
delivered exactly when the change is committed and never lost in between.
"""

from __future__ import annotations

import time
import uuid
from datetime import date

from flask import Blueprint, request
from sqlalchemy import func, or_, select, update

from ..api.validation import validate_body
from ..auth import CurrentUser, current_user, login_required
from ..contacts import find_contact
from ..errors import FriendlyError
from ..extensions import db
from ..outbox import enqueue
from .messages import AppMessage
from .models import DONE, OPEN, PRIORITIES, Item

bp = Blueprint("api_items", __name__, url_prefix="/api")

TITLE_MAX = 40
DESCRIPTION_MAX = 500
USERID_MAX = 64
LIST_LIMIT = 100
# Ids are database integers (PostgreSQL `integer`): a larger one is no item (404), never an
# overflow in the database driver (500). The route converter checks it.
MAX_ID = 2**31 - 1
ID = f"int(min=1, max={MAX_ID})"
# The end of the text: `$` would also let a final newline through in Python's dialect.
END = r"(?![\s\S])"
# One line of text: no control characters, and something besides spaces.
ONE_LINE = r"^[^\u0000-\u001f\u007f]*[^\s\u0000-\u001f\u007f][^\u0000-\u001f\u007f]*" + END

# A new item, as the interface document publishes it and `validate_body` checks it.
NEW_ITEM = {
    "type": "object",
    "required": ["title", "assignee_userid"],
    "properties": {
        "title": {
            "type": "string", "maxLength": TITLE_MAX, "pattern": ONE_LINE,
            "description": f"标题，一行，不超过 {TITLE_MAX} 个字", "examples": ["报送季度统计表"],
            "x-messages": {"maxLength": f"标题不能超过 {TITLE_MAX} 个字",
                           "default": "请填写事项标题"},
        },
        "description": {
            "type": ["string", "null"], "maxLength": DESCRIPTION_MAX,
            "pattern": r"^[^\u0000]*" + END,
            "description": f"说明，不超过 {DESCRIPTION_MAX} 个字", "examples": ["请于周五前报送。"],
            "x-messages": {"maxLength": f"说明不能超过 {DESCRIPTION_MAX} 个字",
                           "default": "说明应为文字"},
        },
        "assignee_userid": {
            # The platform's userid: 1-64 letters, digits and _-@. (case-insensitive).
            "type": "string", "minLength": 1, "maxLength": USERID_MAX,
            "pattern": r"^[A-Za-z0-9_@.-]+" + END,
            "description": "办理人的 userid，须在本应用的可见范围内", "examples": ["lina"],
            "x-messages": {"pattern": "办理人不在本应用的可见范围内",
                           "maxLength": "办理人不在本应用的可见范围内",
                           "default": "请选择办理人"},
        },
        "due_date": {
            "anyOf": [{"type": "string", "format": "date"}, {"const": ""}, {"type": "null"}],
            "description": "截止日期 YYYY-MM-DD；不填表示不限", "examples": ["2026-12-31"],
            "x-messages": {"default": "截止日期格式应为 YYYY-MM-DD"},
        },
        "priority": {
            "enum": [*PRIORITIES, None], "default": "normal",
            "description": "紧急程度：normal 普通，urgent 紧急", "examples": ["urgent"],
            "x-messages": {"default": "紧急程度只能是普通或紧急"},
        },
    },
}


@bp.after_request
def no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/items")
@login_required
def create_item():
    user = current_user()
    body = validate_body(NEW_ITEM)
    assignee = find_contact(body["assignee_userid"])
    if assignee is None:
        raise FriendlyError(422, "内容有误", "提交的内容未通过校验，请按提示修改。",
                            {"assignee_userid": "办理人不在本应用的可见范围内"})
    item = Item(title=body["title"].strip(), description=(body.get("description") or "").strip(),
                priority=body.get("priority") or "normal",
                due_date=date.fromisoformat(body["due_date"]) if body.get("due_date") else None,
                status=OPEN,
                creator_userid=user.userid, creator_name=user.name,
                assignee_userid=assignee.userid, assignee_name=assignee.name,
                task_num=uuid.uuid4().hex, created_at=int(time.time()))
    db.session.add(item)
    db.session.flush()  # the id, for the outbox reference
    enqueue("todo_add", f"item:{item.id}", f"todo-add-{item.task_num}", item_id=item.id)
    db.session.add(AppMessage(recipient_userid=item.assignee_userid, title="新的待办事项",
                              description=f"{user.name}请您办理“{item.title}”",
                              item_id=item.id, created_at=item.created_at))
    db.session.commit()
    return {"item": item.as_json(user.userid)}, 201


def visible_items():
    user = current_user()
    return select(Item).where(or_(Item.creator_userid == user.userid,
                                  Item.assignee_userid == user.userid))


def item_list_answer(user: CurrentUser, box: str) -> dict:
    """GET /api/items?box=…'s answer.

    index.html carries the todo box's for a logged-in user's first screen (frontend.py).
    """
    query = select(Item)
    if box == "todo":
        query = query.where(Item.assignee_userid == user.userid, Item.status == OPEN)
    elif box == "created":
        query = query.where(Item.creator_userid == user.userid)
    else:
        raise FriendlyError(400, "参数有误", "box 只能是 todo 或 created。")
    items = db.session.scalars(query.order_by(Item.id.desc()).limit(LIST_LIMIT))
    return {"items": [item.as_json(user.userid) for item in items]}


@bp.get("/items")
@login_required
def list_items():
    return item_list_answer(current_user(), request.args.get("box", "todo"))


def load_item(item_id: int) -> Item:
    # Someone else's item answers 404, not 403: its existence is not disclosed.
    item = db.session.scalars(visible_items().where(Item.id == item_id)).first()
    if item is None:
        raise FriendlyError(404, "事项不存在", "该事项不存在，或您无权查看。")
    return item


@bp.get(f"/items/<{ID}:item_id>")
@login_required
def get_item(item_id: int):
    return {"item": load_item(item_id).as_json(current_user().userid)}


@bp.post(f"/items/<{ID}:item_id>/complete")
@login_required
def complete_item(item_id: int):
    user = current_user()
    item = load_item(item_id)
    if item.assignee_userid != user.userid:
        raise FriendlyError(403, "无法办理", "只有办理人可以办结该事项。")
    if item.status == DONE:
        raise FriendlyError(409, "已经办结", "该事项已经办结，无需重复操作。")
    now = int(time.time())
    # Compare-and-set: of two requests racing past the check above, only one may
    # complete the item (the other would enqueue the same deliveries again).
    changed = db.session.execute(
        update(Item).where(Item.id == item.id, Item.status == OPEN)
        .values(status=DONE, completed_at=now)
        .execution_options(synchronize_session=False))
    if changed.rowcount != 1:
        db.session.rollback()
        raise FriendlyError(409, "已经办结", "该事项已经办结，无需重复操作。")
    db.session.refresh(item)
    aggregate = f"item:{item.id}"
    enqueue("todo_update", aggregate, f"todo-done-{item.task_num}", item_id=item.id)
    enqueue("message_send", aggregate, f"msg-done-{item.task_num}", item_id=item.id,
            template="item_completed")
    db.session.add(AppMessage(recipient_userid=item.creator_userid, title="事项已办结",
                              description=f"{user.name}已办结“{item.title}”",
                              item_id=item.id, created_at=now))
    db.session.commit()
    return {"item": item.as_json(user.userid)}


def message_list_answer(user: CurrentUser) -> dict:
    """GET /api/messages's answer.

    index.html carries it for a logged-in user's first screen: the tab bar's unread count
    (frontend.py).
    """
    rows = db.session.scalars(select(AppMessage)
                              .where(AppMessage.recipient_userid == user.userid)
                              .order_by(AppMessage.id.desc()).limit(LIST_LIMIT)).all()
    unread = db.session.scalar(select(func.count()).select_from(AppMessage).where(
        AppMessage.recipient_userid == user.userid, AppMessage.read_at.is_(None)))
    return {"messages": [row.as_json() for row in rows], "unread": unread}


@bp.get("/messages")
@login_required
def list_messages():
    return message_list_answer(current_user())


@bp.post(f"/messages/<{ID}:message_id>/read")
@login_required
def read_message(message_id: int):
    row = db.session.get(AppMessage, message_id)
    if row is None or row.recipient_userid != current_user().userid:
        raise FriendlyError(404, "消息不存在", "该消息不存在。")
    row.read_at = row.read_at or int(time.time())
    db.session.commit()
    return "", 204

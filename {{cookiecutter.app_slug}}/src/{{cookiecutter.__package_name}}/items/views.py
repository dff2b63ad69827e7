"""The 事项 API: create, list, read and complete items.

Every change that the platform must hear about (a todo for the assignee, its
completion, a message to the creator) is written to the outbox in the SAME
transaction as the change itself (DB31DSJ/Z 003 §6.2.4 f, Appendix C), so it is
delivered exactly when the change is committed and never lost in between.
"""

from __future__ import annotations

import re
import time
import uuid
from datetime import date

from flask import Blueprint, request
from sqlalchemy import func, or_, select, update

from ..auth import current_user, login_required
from ..contacts import find_contact
from ..errors import FriendlyError
from ..extensions import db
from ..outbox import enqueue
from .messages import AppMessage
from .models import DONE, OPEN, PRIORITIES, Item

bp = Blueprint("api_items", __name__, url_prefix="/api")

TITLE_MAX = 40
DESCRIPTION_MAX = 500
LIST_LIMIT = 100
# Only the calendar form: date.fromisoformat alone would also take "20260101" or a number.
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@bp.after_request
def no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


def json_body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise FriendlyError(400, "请求有误", "请以 JSON 对象提交。")
    return body


def validate_new_item(body: dict) -> tuple[dict, dict[str, str]]:
    """Clean the fields of a new item; return (values, {field: 中文问题})."""
    problems: dict[str, str] = {}
    title = body.get("title")
    title = title.strip() if isinstance(title, str) else ""
    if not title:
        problems["title"] = "请填写事项标题"
    elif len(title) > TITLE_MAX:
        problems["title"] = f"标题不能超过 {TITLE_MAX} 个字"
    description = body.get("description") or ""
    if not isinstance(description, str):
        problems["description"] = "说明应为文字"
        description = ""
    elif len(description.strip()) > DESCRIPTION_MAX:
        problems["description"] = f"说明不能超过 {DESCRIPTION_MAX} 个字"
    assignee = body.get("assignee_userid")
    if not isinstance(assignee, str) or not assignee.strip():
        problems["assignee_userid"] = "请选择办理人"
    due_date = None
    raw_due = body.get("due_date")
    if raw_due not in (None, ""):
        try:
            if not (isinstance(raw_due, str) and ISO_DATE.fullmatch(raw_due)):
                raise ValueError(raw_due)
            due_date = date.fromisoformat(raw_due)
        except ValueError:
            problems["due_date"] = "截止日期格式应为 YYYY-MM-DD"
    priority = body.get("priority") or "normal"
    if priority not in PRIORITIES:
        problems["priority"] = "紧急程度只能是普通或紧急"
    values = {"title": title, "description": description.strip(),
              "assignee_userid": (assignee or "").strip() if isinstance(assignee, str) else "",
              "due_date": due_date, "priority": priority}
    return values, problems


@bp.post("/items")
@login_required
def create_item():
    user = current_user()
    values, problems = validate_new_item(json_body())
    assignee = None
    if "assignee_userid" not in problems:
        assignee = find_contact(values["assignee_userid"])
        if assignee is None:
            problems["assignee_userid"] = "办理人不在本应用的可见范围内"
    if problems:
        raise FriendlyError(422, "内容有误", "提交的内容未通过校验，请按提示修改。", problems)
    item = Item(title=values["title"], description=values["description"],
                priority=values["priority"], due_date=values["due_date"], status=OPEN,
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


@bp.get("/items")
@login_required
def list_items():
    user = current_user()
    box = request.args.get("box", "todo")
    query = select(Item)
    if box == "todo":
        query = query.where(Item.assignee_userid == user.userid, Item.status == OPEN)
    elif box == "created":
        query = query.where(Item.creator_userid == user.userid)
    else:
        raise FriendlyError(400, "参数有误", "box 只能是 todo 或 created。")
    items = db.session.scalars(query.order_by(Item.id.desc()).limit(LIST_LIMIT))
    return {"items": [item.as_json(user.userid) for item in items]}


def load_item(item_id: int) -> Item:
    # Someone else's item answers 404, not 403: its existence is not disclosed.
    item = db.session.scalars(visible_items().where(Item.id == item_id)).first()
    if item is None:
        raise FriendlyError(404, "事项不存在", "该事项不存在，或您无权查看。")
    return item


@bp.get("/items/<int:item_id>")
@login_required
def get_item(item_id: int):
    return {"item": load_item(item_id).as_json(current_user().userid)}


@bp.post("/items/<int:item_id>/complete")
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


@bp.get("/messages")
@login_required
def list_messages():
    user = current_user()
    rows = db.session.scalars(select(AppMessage)
                              .where(AppMessage.recipient_userid == user.userid)
                              .order_by(AppMessage.id.desc()).limit(LIST_LIMIT)).all()
    unread = db.session.scalar(select(func.count()).select_from(AppMessage).where(
        AppMessage.recipient_userid == user.userid, AppMessage.read_at.is_(None)))
    return {"messages": [row.as_json() for row in rows], "unread": unread}


@bp.post("/messages/<int:message_id>/read")
@login_required
def read_message(message_id: int):
    row = db.session.get(AppMessage, message_id)
    if row is None or row.recipient_userid != current_user().userid:
        raise FriendlyError(404, "消息不存在", "该消息不存在。")
    row.read_at = row.read_at or int(time.time())
    db.session.commit()
    return "", 204

"""事项's actions: what the routes, the first screen and other code may call.

Every change that the platform must hear about (a todo for the assignee, its completion, a
message to the creator) is written to the outbox in the SAME transaction as the change
itself (DB31DSJ/Z 003 §6.2.4 f, Appendix C), so it is delivered exactly when the change is
committed and never lost in between. The in-app copy of each message goes to the inbox in
that transaction too.
"""

from __future__ import annotations

import dataclasses
import time
import uuid
from datetime import date
from typing import Any, cast

from sqlalchemy import BindParameter, CursorResult, Select, bindparam, or_, select, update

from ...auth import CurrentUser
from ...contacts import find_contact
from ...errors import FriendlyError
from ...extensions import db, read_rows
from ...inbox import post_message
from ...outbox import enqueue
from .models import DONE, LISTED_COLUMNS, OPEN, Item, ListedItem, item_json

# A phone shows a few cards a screen; more come a page at a time (GET /api/items?before=).
PAGE_SIZE = 20
BOXES = ("todo", "created")
# Outbox kinds: "<feature>.<what>", answered by deliveries.DELIVERIES.
SEND_TODO = "items.todo_add"
MARK_TODO_DONE = "items.todo_update"
TELL_CREATOR = "items.message_send"

ASSIGNEE_OUT_OF_RANGE = FriendlyError(
    422, "内容有误", "提交的内容未通过校验，请按提示修改。",
    {"assignee_userid": "办理人不在本应用的可见范围内"})
ALREADY_DONE = FriendlyError(409, "已经办结", "该事项已经办结，无需重复操作。")


def page_link(item_id: int) -> str:
    """The item's page in the app (hash route), for messages and the platform's todos."""
    return f"/#/items/{item_id}"


def create_item(user: CurrentUser, body: dict[str, Any]) -> Item:
    """A new item for a colleague in the visible range, with its todo and message queued."""
    assignee = find_contact(body["assignee_userid"])
    if assignee is None:
        raise ASSIGNEE_OUT_OF_RANGE
    item = Item(title=body["title"].strip(), description=(body.get("description") or "").strip(),
                priority=body.get("priority") or "normal",
                due_date=date.fromisoformat(body["due_date"]) if body.get("due_date") else None,
                status=OPEN,
                creator_userid=user.userid, creator_name=user.name,
                assignee_userid=assignee.userid, assignee_name=assignee.name,
                task_num=uuid.uuid4().hex, created_at=int(time.time()))
    db.session.add(item)
    db.session.flush()  # the id, for the outbox reference
    enqueue(SEND_TODO, f"item:{item.id}", f"todo-add-{item.task_num}", item_id=item.id)
    post_message(item.assignee_userid, "新的待办事项", f"{user.name}请您办理“{item.title}”",
                 page_link(item.id), created_at=item.created_at)
    db.session.commit()
    return item


# Each box's queries are built once (their SQL is compiled once, `read_rows`) and read as
# plain rows: an ORM object per item (identity map, instance state, instrumented attributes)
# and a statement rebuilt per request were half of GET /api/items' cost (`make bench`).
_ITEMS = Item.__table__.c
_VIEWER: BindParameter[str] = bindparam("userid")
_BEFORE: BindParameter[int] = bindparam("before")


@dataclasses.dataclass(frozen=True)
class BoxPages:
    """A box's first page and the page after a given item: newest first, by id (keyset
    paging: a page stays right while items are added, and costs the same however deep).
    One row more than a page tells whether another page follows."""

    first: Select[Any]
    after: Select[Any]


def _box(*conditions: Any) -> BoxPages:
    newest_first = select(*LISTED_COLUMNS).order_by(_ITEMS.id.desc()).limit(PAGE_SIZE + 1)
    return BoxPages(first=newest_first.where(*conditions),
                    after=newest_first.where(*conditions, _ITEMS.id < _BEFORE))


BOX_PAGES = {
    "todo": _box(_ITEMS.assignee_userid == _VIEWER, _ITEMS.status == OPEN),
    "created": _box(_ITEMS.creator_userid == _VIEWER),
}


def item_list_answer(user: CurrentUser, box: str, before: int | None = None) -> dict[str, Any]:
    """GET /api/items?box=…&before=…'s answer: a page of the box, and `next_before` to ask
    for the next one (None on the last). index.html carries the todo box's first page
    (first screen).

    One query, whatever the page: every field an answer shows is a column of the item's
    own row.
    """
    pages = BOX_PAGES.get(box)
    if pages is None:
        raise FriendlyError(400, "参数有误", "box 只能是 todo 或 created。")
    if before is None:
        rows = read_rows(pages.first, userid=user.userid)
    else:
        rows = read_rows(pages.after, userid=user.userid, before=before)
    page = [ListedItem._make(row) for row in rows[:PAGE_SIZE]]
    return {"items": [item_json(item, user.userid) for item in page],
            "next_before": page[-1].id if len(rows) > PAGE_SIZE else None}


def load_item(user: CurrentUser, item_id: int) -> Item:
    """An item its creator or assignee may see; anyone else gets 404, not 403: its
    existence is not disclosed."""
    visible = select(Item).where(or_(Item.creator_userid == user.userid,
                                     Item.assignee_userid == user.userid))
    item = db.session.scalars(visible.where(Item.id == item_id)).first()
    if item is None:
        raise FriendlyError(404, "事项不存在", "该事项不存在，或您无权查看。")
    return item


def complete_item(user: CurrentUser, item_id: int) -> Item:
    """The assignee completes the item: its todo is marked done and the creator told."""
    item = load_item(user, item_id)
    if item.assignee_userid != user.userid:
        raise FriendlyError(403, "无法办理", "只有办理人可以办结该事项。")
    if item.status == DONE:
        raise ALREADY_DONE
    now = int(time.time())
    # Compare-and-set: of two requests racing past the check above, only one may
    # complete the item (the other would enqueue the same deliveries again).
    changed = cast("CursorResult[Any]", db.session.execute(
        update(Item).where(Item.id == item.id, Item.status == OPEN)
        .values(status=DONE, completed_at=now)
        .execution_options(synchronize_session=False)))
    if changed.rowcount != 1:
        db.session.rollback()
        raise ALREADY_DONE
    db.session.refresh(item)
    aggregate = f"item:{item.id}"
    enqueue(MARK_TODO_DONE, aggregate, f"todo-done-{item.task_num}", item_id=item.id)
    enqueue(TELL_CREATOR, aggregate, f"msg-done-{item.task_num}", item_id=item.id,
            template="item_completed")
    post_message(item.creator_userid, "事项已办结", f"{user.name}已办结“{item.title}”",
                 page_link(item.id), created_at=now)
    db.session.commit()
    return item

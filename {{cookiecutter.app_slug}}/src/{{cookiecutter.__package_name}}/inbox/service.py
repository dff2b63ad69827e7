"""The inbox's actions, for the routes, the first screen and the features."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import func, select

from ..auth import CurrentUser
from ..errors import FriendlyError
from ..extensions import db
from .models import AppMessage

PAGE_SIZE = 20


def post_message(recipient_userid: str, title: str, description: str, link: str,
                 *, created_at: int | None = None) -> AppMessage:
    """Add a message to the current transaction; the caller commits it with its change."""
    message = AppMessage(recipient_userid=recipient_userid, title=title,
                         description=description, link=link,
                         created_at=created_at or int(time.time()))
    db.session.add(message)
    return message


def message_list_answer(user: CurrentUser, before: int | None = None) -> dict[str, Any]:
    """GET /api/messages?before=…'s answer: a page of messages, newest first, `next_before`
    to ask for the next (None on the last), and how many are unread in all. index.html
    carries the first page for the first screen (frontend.py).

    Keyset paging by id: a page stays right while messages arrive, and costs the same however
    deep. One row more than a page tells whether another follows.
    """
    query = select(AppMessage).where(AppMessage.recipient_userid == user.userid)
    if before is not None:
        query = query.where(AppMessage.id < before)
    rows = db.session.scalars(query.order_by(AppMessage.id.desc()).limit(PAGE_SIZE + 1)).all()
    page = rows[:PAGE_SIZE]
    unread = db.session.scalar(select(func.count()).select_from(AppMessage).where(
        AppMessage.recipient_userid == user.userid, AppMessage.read_at.is_(None)))
    return {"messages": [row.as_json() for row in page], "unread": unread,
            "next_before": page[-1].id if len(rows) > PAGE_SIZE else None}


def mark_read(user: CurrentUser, message_id: int) -> None:
    row = db.session.get(AppMessage, message_id)
    if row is None or row.recipient_userid != user.userid:
        raise FriendlyError(404, "消息不存在", "该消息不存在。")
    row.read_at = row.read_at or int(time.time())
    db.session.commit()


"""事项 (items): the small business flow a team reads and replaces with its own."""

from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple, Protocol

from sqlalchemy import Date, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ...extensions import Model
from ...timestamps import iso

OPEN = "open"
DONE = "done"
PRIORITIES = ("normal", "urgent")
TITLE_MAX = 40
DESCRIPTION_MAX = 500


class Item(Model):
    __tablename__ = "item"
    # A box's page (service.py BoxPages) walks one of these in id order and stops after a page:
    # without them the database sorted every item of the box for each page, a cost that grew
    # with the box (`make bench`: the list's rate fell by half as a run created thousands).
    __table_args__ = (
        Index("ix_item_todo_box", "assignee_userid", "status", "id"),
        Index("ix_item_created_box", "creator_userid", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(8), default=OPEN, index=True)
    priority: Mapped[str] = mapped_column(String(8), default="normal")
    due_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    creator_userid: Mapped[str] = mapped_column(String(64))
    creator_name: Mapped[str] = mapped_column(String(64))
    assignee_userid: Mapped[str] = mapped_column(String(64))
    assignee_name: Mapped[str] = mapped_column(String(64))
    # The platform todo's identity (Appendix C taskNum): fixed once, reused on every retry.
    task_num: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[int] = mapped_column(Integer)
    completed_at: Mapped[int | None] = mapped_column(Integer, nullable=True)

    def as_json(self, viewer_userid: str) -> dict[str, Any]:
        return item_json(self, viewer_userid)


class ItemFields(Protocol):
    """What an item's answer is made of: an `Item`, or a row of LISTED_COLUMNS."""

    @property
    def id(self) -> int: ...
    @property
    def title(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def priority(self) -> str: ...
    @property
    def due_date(self) -> date | None: ...
    @property
    def creator_userid(self) -> str: ...
    @property
    def creator_name(self) -> str: ...
    @property
    def assignee_userid(self) -> str: ...
    @property
    def assignee_name(self) -> str: ...
    @property
    def created_at(self) -> int: ...
    @property
    def completed_at(self) -> int | None: ...


def item_json(item: ItemFields, viewer_userid: str) -> dict[str, Any]:
    """An item as the API answers it, for whoever `viewer_userid` is: the one place that
    decides what an item shows (the list, the detail and every action answer with it)."""
    return {
        "id": item.id,
        "title": item.title,
        "description": item.description,
        "status": item.status,
        "priority": item.priority,
        "due_date": item.due_date.isoformat() if item.due_date else None,
        "creator": {"userid": item.creator_userid, "name": item.creator_name},
        "assignee": {"userid": item.assignee_userid, "name": item.assignee_name},
        "created_at": iso(item.created_at),
        "completed_at": iso(item.completed_at),
        "can_complete": item.status == OPEN and viewer_userid == item.assignee_userid,
    }


class ListedItem(NamedTuple):
    """An item as a list reads it: its answer's columns (not the todo's taskNum), by name.

    Lists read rows, not `Item`s; a named tuple's fields are read several times faster than
    a database row's by name (`make bench`).
    """

    id: int
    title: str
    description: str
    status: str
    priority: str
    due_date: date | None
    creator_userid: str
    creator_name: str
    assignee_userid: str
    assignee_name: str
    created_at: int
    completed_at: int | None


LISTED_COLUMNS = tuple(Item.__table__.c[name] for name in ListedItem._fields)

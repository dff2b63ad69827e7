"""事项 (items): the small business flow a team reads and replaces with its own."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Date, Integer, String, Text
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

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(8), default=OPEN, index=True)
    priority: Mapped[str] = mapped_column(String(8), default="normal")
    due_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    creator_userid: Mapped[str] = mapped_column(String(64), index=True)
    creator_name: Mapped[str] = mapped_column(String(64))
    assignee_userid: Mapped[str] = mapped_column(String(64), index=True)
    assignee_name: Mapped[str] = mapped_column(String(64))
    # The platform todo's identity (Appendix C taskNum): fixed once, reused on every retry.
    task_num: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[int] = mapped_column(Integer)
    completed_at: Mapped[int | None] = mapped_column(Integer, nullable=True)

    def as_json(self, viewer_userid: str) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "description": self.description,
            "status": self.status,
            "priority": self.priority,
            "due_date": self.due_date.isoformat() if self.due_date else None,
            "creator": {"userid": self.creator_userid, "name": self.creator_name},
            "assignee": {"userid": self.assignee_userid, "name": self.assignee_name},
            "created_at": iso(self.created_at),
            "completed_at": iso(self.completed_at),
            "can_complete": self.status == OPEN and viewer_userid == self.assignee_userid,
        }

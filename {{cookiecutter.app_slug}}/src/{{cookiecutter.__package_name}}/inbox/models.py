"""In-app copies of the messages the app sends, for the 消息 page and its unread count."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from ..timestamps import iso

TITLE_MAX = 64
DESCRIPTION_MAX = 256
LINK_MAX = 256


class AppMessage(Model):
    __tablename__ = "app_message"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recipient_userid: Mapped[str] = mapped_column(String(64), index=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str] = mapped_column(String(DESCRIPTION_MAX))
    # Where the message opens in the app, e.g. "/#/items/42" (a feature's page).
    link: Mapped[str] = mapped_column(String(LINK_MAX))
    created_at: Mapped[int] = mapped_column(Integer)
    read_at: Mapped[int | None] = mapped_column(Integer, nullable=True)

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "description": self.description,
                "url": self.link, "created_at": iso(self.created_at),
                "read": self.read_at is not None}

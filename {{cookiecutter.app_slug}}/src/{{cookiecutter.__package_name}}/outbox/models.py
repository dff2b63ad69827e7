"""The outbox: platform deliveries written in the same transaction as the business change.

A row holds references only (ids and a template name), never personal data
(DB31DSJ/Z 003 §8.2 c), and is deleted once delivered (用完清除, §8.2 b). Rows of one
aggregate (e.g. "item:42") are delivered in order: a todo is updated only after it
was added.
"""

from __future__ import annotations

import json
import time
from typing import Any

from sqlalchemy import Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model, db


class OutboxMessage(Model):
    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    aggregate: Mapped[str] = mapped_column(String(64), index=True)
    # Fixed when the row is written and sent on every attempt: the platform dedupes on it.
    delivery_key: Mapped[str] = mapped_column(String(64), unique=True)
    payload: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[int] = mapped_column(Integer, index=True)
    last_error: Mapped[str | None] = mapped_column(String(64), nullable=True)
    dead: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    created_at: Mapped[int] = mapped_column(Integer)

    @property
    def data(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.payload)
        return data


def enqueue(kind: str, aggregate: str, delivery_key: str, **references: str | int) -> OutboxMessage:
    """Add a delivery to the current transaction; the caller commits it with its change."""
    now = int(time.time())
    row = OutboxMessage(kind=kind, aggregate=aggregate, delivery_key=delivery_key,
                        payload=json.dumps(references, sort_keys=True), attempts=0,
                        next_attempt_at=now, dead=False, created_at=now)
    db.session.add(row)
    return row

"""Key-operation reports (DB31DSJ/Z 003 §6.2.4 e): every platform call, sent in batches.

The platform client reports each call (api, duration, outcome, errcode) to
`event_recorder`, which stores it; `flush_reports` sends stored events to the
platform's data collection in batches and deletes what was accepted. An event holds
no personal data: an api path, numbers and an outcome word.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

from flask import Flask
from sqlalchemy import Boolean, Float, Integer, String, delete, insert, select
from sqlalchemy.orm import Mapped, mapped_column

from .extensions import Model, db
from .platform import (
    DEFAULT_PATHS,
    CallEvent,
    PlatformClient,
    PlatformError,
    PlatformUnavailable,
)

log = logging.getLogger(__name__)

BATCH_SIZE = 200  # the platform takes at most 500 events per report
REPORT_PATH = DEFAULT_PATHS["datacollect_report"]


class OperationEvent(Model):
    __tablename__ = "operation_event"

    event_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    api: Mapped[str] = mapped_column(String(128))
    outcome: Mapped[str] = mapped_column(String(16))
    errcode: Mapped[int | None] = mapped_column(Integer, nullable=True)
    duration_ms: Mapped[float] = mapped_column(Float)
    is_async: Mapped[bool] = mapped_column(Boolean, default=False)
    occurred_at: Mapped[int] = mapped_column(Integer, index=True)

    def as_report(self) -> dict[str, Any]:
        return {"eventId": self.event_id, "operation": self.api, "outcome": self.outcome,
                "errcode": self.errcode, "durationMs": self.duration_ms,
                "async": self.is_async, "occurredAt": self.occurred_at}


def event_recorder(app: Flask) -> Callable[[CallEvent], None]:
    """The client's `on_event` hook: store each call in its own short transaction."""

    def record(event: CallEvent) -> None:
        if event.api == REPORT_PATH:
            return  # reporting the reports would never end
        with app.app_context(), db.engine.begin() as connection:
            connection.execute(insert(OperationEvent).values(
                event_id=uuid.uuid4().hex, api=event.api[:128], outcome=event.outcome,
                errcode=event.errcode, duration_ms=event.duration_ms,
                is_async=event.is_async, occurred_at=int(time.time())))

    return record


def flush_reports(client: PlatformClient, batch_size: int = BATCH_SIZE) -> int:
    """Send stored events in batches; returns how many the platform accepted."""
    sent = 0
    while True:
        events = db.session.scalars(select(OperationEvent).order_by(OperationEvent.occurred_at)
                                    .limit(batch_size)).all()
        if not events:
            return sent
        try:
            client.report_events([event.as_report() for event in events])
        except (PlatformUnavailable, PlatformError) as error:
            # Kept for the next round; eventIds make a resend harmless.
            log.warning("key-operation report not accepted: %s", type(error).__name__)
            db.session.rollback()
            return sent
        ids = [event.event_id for event in events]
        db.session.execute(delete(OperationEvent).where(OperationEvent.event_id.in_(ids)))
        db.session.commit()
        sent += len(ids)

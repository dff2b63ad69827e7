"""The relay: delivers outbox rows to the platform, in order per aggregate, at least once.

Nothing lost: a row leaves the table only after the platform accepted it. Nothing
doubled: every row carries a delivery key fixed when it was written (a todo's taskNum,
a message sent with the platform's duplicate check), so a row resent after a crash
between "sent" and "deleted" is recognised by the platform. Failures back off with
jitter; a platform that keeps failing opens a circuit breaker instead of being hammered.
Several relays may run against PostgreSQL (rows are claimed with SKIP LOCKED); with
SQLite run one.
"""

from __future__ import annotations

import dataclasses
import logging
import random
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import aliased

from ..extensions import db
from ..platform import (
    PlatformClient,
    PlatformError,
    PlatformGatewayError,
    PlatformRateLimited,
    PlatformUnavailable,
    TokenExpired,
)
from .models import OutboxMessage

log = logging.getLogger(__name__)

Delivery = Callable[[PlatformClient, dict[str, Any]], None]

# Failures that say the platform itself is unwell (unreachable, busy, throttling, its
# gateway refusing, a token refused even after a refresh): they open the breaker. Any
# other errcode refuses this one request (a receiver out of range, say); the row is
# retried with backoff, but the other rows keep flowing.
PLATFORM_FAILURES = (PlatformUnavailable, PlatformRateLimited, PlatformGatewayError, TokenExpired)


@dataclasses.dataclass(frozen=True)
class Backoff:
    """Capped exponential backoff with equal jitter; rows past `max_attempts` are dead."""

    base_delay: float = 5.0
    max_delay: float = 900.0
    max_attempts: int = 12

    def delay(self, attempts: int, rand: float) -> float:
        ceiling = min(self.max_delay, self.base_delay * 2.0 ** (attempts - 1))
        return ceiling / 2 + ceiling / 2 * rand


class CircuitBreaker:
    """Stops delivering for `reset_timeout` seconds after `fail_max` failures in a row.

    After the pause one row is tried (half-open): success closes the breaker, failure
    opens it again.
    """

    def __init__(self, fail_max: int = 5, reset_timeout: float = 60.0):
        self.fail_max = fail_max
        self.reset_timeout = reset_timeout
        self.failures = 0
        self.opened_at: float | None = None

    def allows(self, now: float) -> bool:
        return self.opened_at is None or now - self.opened_at >= self.reset_timeout

    def record_success(self) -> None:
        self.failures = 0
        self.opened_at = None

    def record_failure(self, now: float) -> None:
        self.failures += 1
        if self.failures >= self.fail_max or self.opened_at is not None:
            self.opened_at = now

    @property
    def is_open(self) -> bool:
        return self.opened_at is not None


@dataclasses.dataclass
class RelayStats:
    delivered: int = 0
    retried: int = 0
    dead: int = 0
    paused: bool = False


class Relay:
    """Delivers due outbox rows with the functions in `deliveries` (kind → function)."""

    def __init__(self, client: PlatformClient, deliveries: Mapping[str, Delivery], *,
                 backoff: Backoff = Backoff(), breaker: CircuitBreaker | None = None,  # noqa: B008
                 clock: Callable[[], float] = time.time, rand: Callable[[], float] = random.random):
        self.client = client
        self.deliveries = dict(deliveries)
        self.backoff = backoff
        self.breaker = breaker or CircuitBreaker()
        self.clock = clock
        self.rand = rand

    def claim_next(self, now: int) -> OutboxMessage | None:
        """The oldest due row that heads its aggregate, locked for this relay.

        A row waits while an older row of the same aggregate exists, dead or alive, so a
        todo is never updated before it was added.
        """
        older = aliased(OutboxMessage)
        head = (select(func.min(older.id)).where(older.aggregate == OutboxMessage.aggregate)
                .scalar_subquery())
        query = (select(OutboxMessage)
                 .where(OutboxMessage.dead.is_(False), OutboxMessage.next_attempt_at <= now,
                        OutboxMessage.id == head)
                 .order_by(OutboxMessage.id).limit(1)
                 .with_for_update(skip_locked=True))
        return db.session.scalars(query).first()

    def run_once(self, limit: int = 100) -> RelayStats:
        """Deliver up to `limit` due rows, one transaction each."""
        stats = RelayStats()
        for _ in range(limit):
            now = self.clock()
            if not self.breaker.allows(now):
                stats.paused = True
                break
            row = self.claim_next(int(now))
            if row is None:
                db.session.rollback()
                break
            self._deliver(row, now, stats)
        return stats

    def _deliver(self, row: OutboxMessage, now: float, stats: RelayStats) -> None:
        delivery = self.deliveries.get(row.kind)
        try:
            if delivery is None:
                raise LookupError(f"no delivery for kind {row.kind!r}")
            delivery(self.client, row.data)
        except (PlatformUnavailable, PlatformError) as error:
            if isinstance(error, PLATFORM_FAILURES):
                self.breaker.record_failure(now)
            self._retry_later(row, now, _describe(error), stats)
        except SQLAlchemyError:
            # Our own database failed, not the row: leave it untouched for the next round.
            db.session.rollback()
            raise
        except Exception as error:  # noqa: BLE001 - one bad row must not stop the relay
            # A bug or a bad link (UntrustedLinkError) will not heal by retrying: keep the
            # row, marked dead, for a person to look at (`flask outbox replay`).
            log.error("outbox row %s (%s) cannot be delivered: %s", row.id, row.kind,
                      type(error).__name__, exc_info=not isinstance(error, ValueError))
            row.dead, row.last_error = True, type(error).__name__
            stats.dead += 1
        else:
            self.breaker.record_success()
            db.session.delete(row)  # 用完清除 (§8.2 b): delivered rows are not kept
            stats.delivered += 1
        db.session.commit()

    def _retry_later(self, row: OutboxMessage, now: float, reason: str,
                     stats: RelayStats) -> None:
        row.attempts += 1
        row.last_error = reason
        if row.attempts >= self.backoff.max_attempts:
            row.dead = True
            stats.dead += 1
            log.error("outbox row %s (%s) is dead after %s attempts: %s",
                      row.id, row.kind, row.attempts, reason)
            return
        row.next_attempt_at = int(now + self.backoff.delay(row.attempts, self.rand()))
        stats.retried += 1

    def run_forever(self, stop: threading.Event, idle_seconds: float = 1.0,
                    after_each: Callable[[], object] | None = None) -> None:
        """Deliver until `stop` is set; `after_each` runs after every round (reports).

        A database error (a restart, a lock timeout) is logged and the round retried
        after the idle wait: the relay outlives what it cannot fix itself.
        """
        while not stop.is_set():
            try:
                stats = self.run_once()
                if after_each is not None:
                    after_each()
            except SQLAlchemyError as error:
                db.session.rollback()
                log.error("outbox relay: database error, retrying: %s", type(error).__name__)
                stats = RelayStats()
            if stats.delivered == 0:
                stop.wait(idle_seconds)


def _describe(error: Exception) -> str:
    if isinstance(error, PlatformError):
        return f"errcode {error.errcode}"
    return str(getattr(error, "reason", type(error).__name__))[:64]


def replay_dead(row_id: int | None = None) -> int:
    """Give dead rows a fresh retry budget; returns how many."""
    query = select(OutboxMessage).where(OutboxMessage.dead.is_(True))
    if row_id is not None:
        query = query.where(OutboxMessage.id == row_id)
    rows = db.session.scalars(query).all()
    now = int(time.time())
    for row in rows:
        row.dead, row.attempts, row.next_attempt_at = False, 0, now
    db.session.commit()
    return len(rows)


@dataclasses.dataclass(frozen=True)
class Backlog:
    pending: int
    dead: int
    oldest_age_seconds: int


def backlog(now: int | None = None) -> Backlog:
    """How much waits for delivery and for how long (for /healthz and `outbox status`)."""
    now = int(time.time()) if now is None else now
    pending, dead, oldest = db.session.execute(select(
        func.count().filter(OutboxMessage.dead.is_(False)),
        func.count().filter(OutboxMessage.dead.is_(True)),
        func.min(OutboxMessage.created_at),
    )).one()
    return Backlog(pending or 0, dead or 0, max(0, now - oldest) if oldest else 0)

"""A cache of login sessions in front of the database, and the embedded answer: none.

The database is the record of every session (auth/sessions.py). A cache may keep copies
so that a request reads its session without a query, but two rules bind every cache:

- It may forget anything at any time (`get` answers None): the database then decides.
- Once a session has ended, it never hands that session out again, not even if a request
  that read the row before the logout puts it back afterwards (ASVS 3.3.1: logout is
  final). `get` answers False for an ended session it remembers.

Every implementation passes the same contract tests (tests/contracts.py).
"""

from __future__ import annotations

from typing import Any, Literal, Protocol

from flask import current_app

ENDED: Literal[False] = False
"""What `get` answers for a session that has ended."""


class SessionCache(Protocol):
    """Copies of sessions' fields (never their ticket), keyed by the token's digest."""

    def get(self, token_digest: str) -> dict[str, Any] | None | Literal[False]:
        """The cached fields; `ENDED` once the session has ended; None when not cached."""

    def put(self, token_digest: str, fields: dict[str, Any]) -> None:
        """Cache a session's fields, unless it has ended meanwhile."""

    def end(self, token_digest: str) -> None:
        """The session has ended: never hand it out again."""


class NoSessionCache:
    """The embedded cache keeps no copies: every request reads its session from the database.

    A copy in each worker's memory would be cheap, but a logout handled by one worker could
    not remove the copies the others hold, and logout must be final at once. On one
    machine the database is a local file or a nearby server, so the read is cheap anyway.
    """

    def get(self, token_digest: str) -> None:
        return None

    def put(self, token_digest: str, fields: dict[str, Any]) -> None:
        pass  # nothing kept: the next request reads the database

    def end(self, token_digest: str) -> None:
        pass  # nothing kept, so nothing to forget


def get_session_cache() -> SessionCache:
    """The session cache of the current app, bound by its cache at start."""
    cache: SessionCache = current_app.extensions["session_cache"]
    return cache

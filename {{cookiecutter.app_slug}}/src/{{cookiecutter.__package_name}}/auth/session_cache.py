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
    """No copies: every request reads its session from the database.

    The embedded cache with a PostgreSQL database: other machines may share that database
    and end sessions there, and nothing would tell this machine's workers to drop their
    copies, while logout must be final at once. (With the embedded database, every worker
    that can end a session is on this machine: auth/worker_session_cache.py.)
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

"""Copies of sessions in each worker's memory, kept honest by a count every worker shares.

Reading its session from the database was a third of what a logged-in request cost the app
(`make bench`: /api/me, 0.14 ms in the app, 0.09 ms from a copy). A worker may keep copies
only if a logout handled by any other worker reaches it at once (auth/session_cache.py's
rules). On one machine that costs one memory read per request:

- Every process that uses the embedded database (SQLite) maps one small file beside the
  database file into memory: a count of the sessions that have ended (`EndedSessions`).
  Ending a session anywhere adds one to it.
- A worker's copy carries the count it read before it read the row. It is handed out
  only while the count still reads the same: once any session ends, every copy in every
  worker is dropped, and the database decides again.

Sessions end seldom next to the requests they make (a logout, a timeout), so dropping
every copy each time costs little. A session's row never changes after login but for its
activity time (auth/sessions.py reads a copy older than the touch interval afresh).

Only a database file binds every process that could end a session to this machine: a
PostgreSQL server may serve several machines, which share no memory, so there the
embedded cache keeps no copies (embedded_store.py) and a cache server shares them.
"""

from __future__ import annotations

import fcntl
import mmap
import os
import struct
import threading
from pathlib import Path
from typing import Any

# Beside the database file, as SQLite's own -wal and -shm are.
ENDED_SESSIONS_SUFFIX = "-ended-sessions"
COUNT = struct.Struct("<Q")
# A bound on each worker's memory (a copy is about half a kilobyte): when full, it starts over.
MAX_COPIES = 10_000


class EndedSessions:
    """How many sessions have ended: one number in a file, mapped into every process's
    memory. Reading it is a memory read; adding one holds an exclusive `flock`."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if os.fstat(descriptor).st_size < COUNT.size:
                os.ftruncate(descriptor, COUNT.size)
            # MAP_SHARED: a worker forked after this (gunicorn's preload) shares the pages.
            self._memory = mmap.mmap(descriptor, COUNT.size)
        finally:
            os.close(descriptor)

    @classmethod
    def beside(cls, database: Path) -> EndedSessions:
        return cls(database.with_name(database.name + ENDED_SESSIONS_SUFFIX))

    def count(self) -> int:
        count: int = COUNT.unpack_from(self._memory)[0]
        return count

    def add_one(self) -> None:
        # A fresh open file for each lock: forked workers share their inherited descriptors,
        # and flock does not exclude holders of the same one.
        lock = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX)
            COUNT.pack_into(self._memory, 0, self.count() + 1)
        finally:
            os.close(lock)  # and with it the lock


class WorkerSessionCache:
    """A `SessionCache` of this worker's copies, each valid while no session has ended."""

    def __init__(self, ended: EndedSessions, max_copies: int = MAX_COPIES) -> None:
        self._ended = ended
        self._max_copies = max_copies
        self._copies: dict[str, tuple[int, dict[str, Any]]] = {}
        # The count each thread read at its last `get`, before it read the row it may `put`.
        self._read_at = threading.local()

    def get(self, token_digest: str) -> dict[str, Any] | None:
        count = self._ended.count()
        self._read_at.count = count
        copy = self._copies.get(token_digest)
        if copy is None or copy[0] != count:
            return None
        return copy[1]

    def put(self, token_digest: str, fields: dict[str, Any]) -> None:
        """Keep `fields`, read after this thread's last `get`: if a session ended since that
        `get`, the count has moved on and this copy is never handed out."""
        count = getattr(self._read_at, "count", None)
        if count is None:
            return  # no `get` before it on this thread: nothing says when the row was read
        if len(self._copies) >= self._max_copies:
            self._copies.clear()
        self._copies[token_digest] = (count, fields)

    def end(self, token_digest: str) -> None:
        self._copies.pop(token_digest, None)
        self._ended.add_one()

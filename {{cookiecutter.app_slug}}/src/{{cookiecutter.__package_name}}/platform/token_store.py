"""Caches for the access_token and the two jsapi tickets, shared by every worker process.

The platform limits how often tokens and tickets may be fetched (jsapi tickets: 400 per
hour per corp, 100 per hour per app), so every worker reads one shared copy and only ONE
of them fetches a new value when it is due (a single flight): the others wait for it and
then read what it wrote. A value is refreshed a few minutes before it expires, and a
value the platform refused (40001 / 40014 / 42001) is refreshed at once, but only if it
is still the cached one, so N workers hitting 42001 together cause exactly one fetch.

`TokenStore` holds that logic; an implementation says where values live and how to
lock, in three methods. The stores:

- `MemoryTokenStore` (below): one process only (scripts, tests, the client's default).
- `FileTokenStore` (file_token_store.py): a JSON file in the instance folder, for the
  workers of one machine. No server needed.
- Any other store the cache chosen at generation brings, in its own module.

Every store passes the same contract tests (tests/contracts.py).
"""

from __future__ import annotations

import abc
import contextlib
import dataclasses
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

# Refresh this long before expiry, so no request carries a token that dies in flight.
REFRESH_MARGIN_SECONDS = 300.0

Fetch = Callable[[], tuple[str, int]]
"""Fetches a fresh value from the platform: returns (value, expires_in seconds)."""


@dataclasses.dataclass(frozen=True)
class CachedValue:
    """A token or ticket with its wall-clock expiry (epoch seconds, shared across processes)."""

    value: str = dataclasses.field(repr=False)
    expires_at: float
    refresh_at: float

    def fresh(self, now: float, refused: str | None) -> bool:
        """Usable without refreshing: not due for refresh and not the value just refused."""
        return now < self.refresh_at and self.value != refused

    def usable(self, now: float, refused: str | None) -> bool:
        """Still valid, though due for refresh: fine while another worker fetches."""
        return now < self.expires_at and self.value != refused

    @classmethod
    def from_json(cls, item: Any) -> CachedValue | None:
        """A value as stores save it (`dataclasses.asdict`); None when damaged."""
        try:
            return cls(str(item["value"]), float(item["expires_at"]), float(item["refresh_at"]))
        except (TypeError, KeyError, ValueError):
            return None


class TokenStore(abc.ABC):
    """The single-flight refresh logic; subclasses say where values live and how to lock."""

    def __init__(self, *, clock: Callable[[], float] = time.time,
                 refresh_margin: float = REFRESH_MARGIN_SECONDS) -> None:
        self._clock = clock
        self._refresh_margin = refresh_margin

    def get(self, key: str, fetch: Fetch, *, refused: str | None = None) -> str:
        """The cached value for `key`, fetched with `fetch` (by one worker only) when due.

        `refused`: the value the platform just refused; it is refreshed only if it is still
        the cached one (another worker may already have replaced it).
        """
        cached = self._read(key)
        if cached is not None and cached.fresh(self._clock(), refused):
            return cached.value
        # Early refresh: while the old value is still valid, a worker that finds the lock
        # taken keeps using it instead of queueing behind the fetch.
        usable = cached is not None and cached.usable(self._clock(), refused)
        with self._exclusive(key, wait=not usable) as held:
            if not held:  # only when not waiting, that is with a usable cached value
                assert cached is not None
                return cached.value
            # Another worker may have refreshed while we waited for the lock.
            cached = self._read(key)
            if cached is not None and cached.fresh(self._clock(), refused):
                return cached.value
            value, expires_in = fetch()
            self._write(key, self._entry(value, expires_in), expires_in)
            return value

    def peek(self, key: str) -> str | None:
        """The cached value if it is still valid, without fetching (for health checks)."""
        cached = self._read(key)
        if cached is not None and cached.usable(self._clock(), None):
            return cached.value
        return None

    def _entry(self, value: str, expires_in: int) -> CachedValue:
        now = self._clock()
        # Short-lived values (a simulator, a test) refresh halfway instead of never.
        margin = min(self._refresh_margin, expires_in / 2)
        return CachedValue(value, expires_at=now + expires_in, refresh_at=now + expires_in - margin)

    # Storage: each store implements these three.

    @abc.abstractmethod
    def _read(self, key: str) -> CachedValue | None:
        """The value saved for `key`; None when there is none or it cannot be read."""

    @abc.abstractmethod
    def _write(self, key: str, entry: CachedValue, expires_in: int) -> None:
        """Save `entry` for every worker; called with the refresh lock held."""

    @abc.abstractmethod
    def _exclusive(self, key: str, *, wait: bool) -> contextlib.AbstractContextManager[bool]:
        """Hold the refresh lock for `key`; yields False if `wait` is False and it is taken."""


class MemoryTokenStore(TokenStore):
    """Values in this process only: for scripts and tests, not for several workers."""

    def __init__(self, *, clock: Callable[[], float] = time.time,
                 refresh_margin: float = REFRESH_MARGIN_SECONDS) -> None:
        super().__init__(clock=clock, refresh_margin=refresh_margin)
        self._values: dict[str, CachedValue] = {}
        # Re-entrant: fetching a ticket may need to refresh the token under the same lock.
        self._lock = threading.RLock()

    def _read(self, key: str) -> CachedValue | None:
        return self._values.get(key)

    def _write(self, key: str, entry: CachedValue, expires_in: int) -> None:
        self._values[key] = entry

    @contextlib.contextmanager
    def _exclusive(self, key: str, *, wait: bool) -> Iterator[bool]:
        if not self._lock.acquire(blocking=wait):
            yield False
            return
        try:
            yield True
        finally:
            self._lock.release()

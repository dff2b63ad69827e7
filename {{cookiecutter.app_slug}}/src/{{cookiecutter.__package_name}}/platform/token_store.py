"""Caches for the access_token and the two jsapi tickets, shared by every worker process.

The platform limits how often tokens and tickets may be fetched (jsapi tickets: 400 per
hour per corp, 100 per hour per app), so every worker reads one shared copy and only ONE
of them fetches a new value when it is due (a single flight): the others wait for it and
then read what it wrote. A value is refreshed a few minutes before it expires, and a
value the platform refused (40001 / 40014 / 42001) is refreshed at once, but only if it
is still the cached one, so N workers hitting 42001 together cause exactly one fetch.

Three stores share that logic and the `get()` interface:

- `MemoryTokenStore`: one process only (scripts, tests).
- `FileTokenStore`: the embedded default; a JSON file in the instance folder guarded by
  `fcntl.flock`, for the workers of one machine. No server needed.
{%- if cookiecutter.cache == "redis" %}
- `RedisTokenStore`: several machines; `SET NX` lock with expiry, values with a TTL.
{%- endif %}
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import json
import logging
import os
{%- if cookiecutter.cache == "redis" %}
import secrets
{%- endif %}
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
{%- if cookiecutter.cache == "redis" %}

from .errors import PlatformUnavailable
{%- endif %}

log = logging.getLogger(__name__)

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


class TokenStore:
    """The single-flight refresh logic; subclasses say where values live and how to lock."""

    def __init__(self, *, clock: Callable[[], float] = time.time,
                 refresh_margin: float = REFRESH_MARGIN_SECONDS):
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
            if not held:
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

    # Storage: subclasses implement these three.

    def _read(self, key: str) -> CachedValue | None:
        raise NotImplementedError

    def _write(self, key: str, entry: CachedValue, expires_in: int) -> None:
        raise NotImplementedError

    def _exclusive(self, key: str, *, wait: bool) -> contextlib.AbstractContextManager[bool]:
        """Hold the refresh lock for `key`; yields False if `wait` is False and it is taken."""
        raise NotImplementedError


class MemoryTokenStore(TokenStore):
    """Values in this process only: for scripts and tests, not for several workers."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
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


class FileTokenStore(TokenStore):
    """Values in one JSON file shared by the workers of one machine, locked with flock.

    Readers never lock: the file is replaced atomically, so they see the old or the new
    version, never half of one. Refreshes hold an exclusive `flock` on a lock file beside
    it; the kernel drops the lock if its holder dies, so a crashed worker blocks nobody.
    """

    def __init__(self, path: str | os.PathLike[str], **kwargs):
        super().__init__(**kwargs)
        self.path = Path(path)
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        # The lock is held per thread: a ticket fetch that refreshes the token re-enters it.
        self._held = threading.local()

    def _read(self, key: str) -> CachedValue | None:
        raw = self._load().get(key)
        try:
            return CachedValue(str(raw["value"]), float(raw["expires_at"]),
                               float(raw["refresh_at"]))
        except (TypeError, KeyError, ValueError):
            return None

    def _load(self) -> dict:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            log.warning("token cache %s unreadable; values will be fetched again", self.path)
            return {}
        return data if isinstance(data, dict) else {}

    def _write(self, key: str, entry: CachedValue, expires_in: int) -> None:
        # Called with the lock held, so this read-modify-write loses no other key.
        data = self._load()
        now = self._clock()
        data = {k: v for k, v in data.items() if isinstance(v, dict)
                and isinstance(v.get("expires_at"), int | float) and v["expires_at"] > now}
        data[key] = dataclasses.asdict(entry)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # mkstemp creates the file 0600: only the app's own user may read credentials.
        fd, temp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, self.path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)
            raise

    @contextlib.contextmanager
    def _exclusive(self, key: str, *, wait: bool) -> Iterator[bool]:
        if getattr(self._held, "depth", 0):
            self._held.depth += 1
            try:
                yield True
            finally:
                self._held.depth -= 1
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # A fresh descriptor per acquisition: flock excludes other threads' descriptors too.
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError:
                yield False
                return
            self._held.depth = 1
            try:
                yield True
            finally:
                self._held.depth = 0
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
{%- if cookiecutter.cache == "redis" %}


# Deletes the lock only if we still own it (it may have expired and been taken over).
_RELEASE_LOCK = """
if redis.call("get", KEYS[1]) == ARGV[1] then
    return redis.call("del", KEYS[1])
end
return 0
"""


class RedisTokenStore(TokenStore):
    """Values in Redis, shared by every worker on every machine (cache = redis).

    The refresh lock is `SET NX` with an expiry longer than one fetch can take (timeouts
    included), so a worker that dies while fetching blocks the others for that long at most.
    Values carry a TTL, so Redis drops them once they have expired.
    """

    def __init__(self, redis_client, *, prefix: str = "ywxt:", lock_seconds: float = 60.0,
                 poll_seconds: float = 0.05, sleep: Callable[[float], None] = time.sleep,
                 **kwargs):
        super().__init__(**kwargs)
        self._redis = redis_client
        self._prefix = prefix
        self._lock_seconds = lock_seconds
        self._poll_seconds = poll_seconds
        self._sleep = sleep

    def _read(self, key: str) -> CachedValue | None:
        raw = self._redis.get(self._prefix + key)
        if raw is None:
            return None
        try:
            item = json.loads(raw)
            return CachedValue(str(item["value"]), float(item["expires_at"]),
                               float(item["refresh_at"]))
        except (TypeError, KeyError, ValueError):
            return None

    def _write(self, key: str, entry: CachedValue, expires_in: int) -> None:
        payload = json.dumps(dataclasses.asdict(entry))
        self._redis.set(self._prefix + key, payload, ex=max(1, int(expires_in)))

    @contextlib.contextmanager
    def _exclusive(self, key: str, *, wait: bool) -> Iterator[bool]:
        lock_key = f"{self._prefix}{key}:lock"
        owner = secrets.token_hex(16)
        lock_ms = int(self._lock_seconds * 1000)
        polls = int(self._lock_seconds / self._poll_seconds) + 1
        for _ in range(polls):
            if self._redis.set(lock_key, owner, nx=True, px=lock_ms):
                break
            if not wait:
                yield False
                return
            self._sleep(self._poll_seconds)
        else:
            # The holder kept the lock for its whole expiry: something is badly wrong.
            raise PlatformUnavailable("token refresh lock not released", retryable=True)
        try:
            yield True
        finally:
            self._redis.eval(_RELEASE_LOCK, 1, lock_key, owner)
{%- endif %}

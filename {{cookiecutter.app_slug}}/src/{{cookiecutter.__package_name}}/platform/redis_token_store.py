"""The token store on Redis (cache = redis): one copy for every worker on every machine."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import secrets
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from .errors import PlatformUnavailable
from .token_store import REFRESH_MARGIN_SECONDS, CachedValue, TokenStore

if TYPE_CHECKING:
    import redis

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

    def __init__(self, redis_client: redis.Redis, *, prefix: str = "ywxt:",
                 lock_seconds: float = 60.0, poll_seconds: float = 0.05,
                 sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.time,
                 refresh_margin: float = REFRESH_MARGIN_SECONDS) -> None:
        super().__init__(clock=clock, refresh_margin=refresh_margin)
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
            return CachedValue.from_json(json.loads(raw))
        except ValueError:
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

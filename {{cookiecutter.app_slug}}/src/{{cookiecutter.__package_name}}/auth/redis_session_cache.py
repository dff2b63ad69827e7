"""Login sessions cached in Redis, in front of the database (cache = redis).

Every API call looks its session up. From Redis that is one GET; from the database it is
a pooled connection, a transaction and a query, the largest cost of a request like
/api/me under load (`make bench`). The database stays the record: a miss, an unreadable
entry or a Redis failure falls back to it, so a Redis outage never logs anyone out.

Logout must stay final (ASVS 3.3.1). A request that read the row just before the logout
could otherwise write it back into the cache after the logout removed it. So ending a
session writes a tombstone, and a cached copy is only ever written where no tombstone is
(one Lua script, atomic in Redis). Entries live at most `TTL_SECONDS`: even a tombstone
lost to a Redis failure at logout leaves a stale copy for one minute at most.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Literal

import redis

from .session_cache import ENDED

PREFIX = "ywxt:session:"
TTL_SECONDS = 60
TOMBSTONE = b"-"
# SET unless the key holds the tombstone: an ended session is never cached again.
_SET_UNLESS_ENDED = """
if redis.call("get", KEYS[1]) == ARGV[2] then
    return 0
end
redis.call("set", KEYS[1], ARGV[1], "EX", ARGV[3])
return 1
"""

log = logging.getLogger(__name__)


class RedisSessionCache:
    """Sessions' fields in Redis for `TTL_SECONDS`, shared by every worker on every machine."""

    def __init__(self, redis_client: redis.Redis) -> None:
        self._redis = redis_client

    def get(self, token_digest: str) -> dict[str, Any] | None | Literal[False]:
        try:
            raw = self._redis.get(PREFIX + token_digest)
        except redis.RedisError as error:
            log.warning("session cache unavailable, reading the database: %s", error)
            return None
        if raw is None:
            return None
        if raw == TOMBSTONE:
            return ENDED
        try:
            fields = json.loads(raw)
        except ValueError:
            return None
        return fields if isinstance(fields, dict) else None

    def put(self, token_digest: str, fields: dict[str, Any]) -> None:
        payload = json.dumps(fields, ensure_ascii=False)
        try:
            self._redis.eval(_SET_UNLESS_ENDED, 1, PREFIX + token_digest, payload, TOMBSTONE,
                             TTL_SECONDS)
        except redis.RedisError as error:
            log.warning("session not cached: %s", error)

    def end(self, token_digest: str) -> None:
        try:
            self._redis.set(PREFIX + token_digest, TOMBSTONE, ex=TTL_SECONDS)
        except redis.RedisError as error:
            log.warning("session end not cached (a copy may live %d s): %s", TTL_SECONDS, error)

"""The Redis cache (cache = redis): tokens, tickets and session copies for every machine.

One connection per app serves the platform token store (platform/redis_token_store.py)
and the session cache (auth/redis_session_cache.py); /healthz PINGs it.
"""

from __future__ import annotations

import redis
from flask import Flask, current_app

from .auth.redis_session_cache import RedisSessionCache
from .health import CheckResult, register_check, timed_check
from .platform.redis_token_store import RedisTokenStore


def init_app(app: Flask) -> None:
    """Connect (lazily) and bind the app's token store and session cache."""
    settings = app.config["SETTINGS"]
    # Short timeouts: a dead Redis must make /healthz fail fast, not hang a worker.
    client = redis.Redis.from_url(settings.redis_url, socket_timeout=2, socket_connect_timeout=2)
    app.extensions["redis"] = client
    app.extensions["token_store"] = RedisTokenStore(client)
    app.extensions["session_cache"] = RedisSessionCache(client)
    register_check(app, check_cache)


def get_redis() -> redis.Redis:
    client: redis.Redis = current_app.extensions["redis"]
    return client


def check_cache() -> CheckResult:
    """A PING to Redis, which holds the shared tokens and sessions."""
    return timed_check("cache:responseTime", "datastore", lambda: get_redis().ping(), "缓存不可达")


def unreachable_line(error: BaseException) -> str | None:
    """`flask` commands that cannot reach Redis end with this line, not a traceback
    (create_app's report_unreachable_services)."""
    if not isinstance(error, redis.ConnectionError | redis.TimeoutError):
        return None
    reason = str(error).strip().splitlines()[0].rstrip("。.")
    return (f"无法连接 Redis（REDIS_URL）：{reason}。开发时 make dev 会启动本机开发用 Redis；"
            "否则请检查 .env 中的 REDIS_URL 和 Redis 服务")

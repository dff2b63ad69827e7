"""The Redis connection shared by every worker (cache = redis): tokens, tickets, sessions."""

from __future__ import annotations

import redis
from flask import Flask, current_app


def init_app(app: Flask) -> None:
    settings = app.config["SETTINGS"]
    # Short timeouts: a dead Redis must make /healthz fail fast, not hang a worker.
    app.extensions["redis"] = redis.Redis.from_url(
        settings.redis_url, socket_timeout=2, socket_connect_timeout=2
    )


def get_redis() -> redis.Redis:
    return current_app.extensions["redis"]

"""Fixtures of the Redis cache (cache = redis): a throwaway redis-server for the test session.

Loaded after tests/fixtures.py by the project's conftest.py, so `cache_environ` and
`empty_cache` here replace the embedded ones: every app a test builds talks to this server.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading

import pytest
import redis

from .fixtures import PRODUCTION_ENV

# A complete production environment names the Redis server too (tests that build a
# Config straight from PRODUCTION_ENV); apps under test get the live one (cache_environ).
PRODUCTION_ENV["REDIS_URL"] = "redis://127.0.0.1:6379/0"


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A throwaway redis-server on 127.0.0.1 and a random port, for this test session."""
    executable = shutil.which("redis-server")
    if executable is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    workdir = tmp_path_factory.mktemp("redis")
    server = subprocess.Popen(
        [executable, "--bind", "127.0.0.1", "--port", str(port), "--save", "",
         "--appendonly", "no", "--dir", str(workdir), "--logfile", ""],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        # Wait for its own "ready" line instead of sleeping and polling; EOF = it exited.
        ready = any("Ready to accept connections" in line for line in server.stdout)
        if not ready:
            pytest.fail("redis-server exited at start")
        # Keep draining its log so a full pipe never blocks it.
        threading.Thread(target=server.stdout.read, daemon=True).start()
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(10)


@pytest.fixture(scope="session")
def cache_environ(redis_url) -> dict[str, str]:
    return {"REDIS_URL": redis_url}


@pytest.fixture
def redis_client(redis_url):
    """A client of the test server, emptied before and after the test."""
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


@pytest.fixture
def empty_cache(redis_client) -> None:
    """Every test starts with empty counters and caches (rate limits, tokens, sessions)."""

"""The Redis token store (cache = redis): the shared contract, then its TTLs and its lock."""

from __future__ import annotations

import functools

import pytest
import redis

from {{ cookiecutter.__package_name }}.platform.errors import PlatformUnavailable
from {{ cookiecutter.__package_name }}.platform.redis_token_store import RedisTokenStore

from .contracts import (
    KEY,
    CountingFetch,
    SharedByProcessesContract,
    TokenStoreContract,
    WallClock,
)


def store_on(redis_url: str) -> RedisTokenStore:
    """A worker process's own store, on its own connection to the shared server."""
    return RedisTokenStore(redis.Redis.from_url(redis_url))


class TestRedisTokenStore(TokenStoreContract, SharedByProcessesContract):
    @pytest.fixture
    def make_store(self, redis_client):
        return functools.partial(RedisTokenStore, redis_client)

    @pytest.fixture
    def store_builder(self, redis_url, redis_client):  # redis_client: an empty server
        return functools.partial(store_on, redis_url)

    def test_values_expire_with_the_value(self, redis_client):
        store = RedisTokenStore(redis_client, clock=WallClock())

        store.get(KEY, CountingFetch(expires_in=7200))

        assert 7190 <= redis_client.ttl(f"ywxt:{KEY}") <= 7200
        assert redis_client.exists(f"ywxt:{KEY}:lock") == 0  # released after the fetch

    def test_a_damaged_entry_is_fetched_again(self, redis_client):
        redis_client.set(f"ywxt:{KEY}", b"{not json")
        store = RedisTokenStore(redis_client, clock=WallClock())

        assert store.get(KEY, CountingFetch()) == "tok-1"
        assert store.get(KEY, CountingFetch()) == "tok-1"

    def test_the_lock_wait_is_bounded(self, redis_client):
        """A lock that is never released (expiry included) ends in an error, not a hung worker."""
        waits: list[float] = []
        store = RedisTokenStore(redis_client, clock=WallClock(), lock_seconds=1.0,
                                poll_seconds=0.25, sleep=waits.append)
        redis_client.set(f"ywxt:{KEY}:lock", "another-worker", px=60_000)

        with pytest.raises(PlatformUnavailable):
            store.get(KEY, CountingFetch())
        assert waits == [0.25] * 5
        redis_client.delete(f"ywxt:{KEY}:lock")
        assert store.get(KEY, CountingFetch()) == "tok-1"

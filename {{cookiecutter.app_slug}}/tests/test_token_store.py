"""Token and ticket caches: refreshed early, refused values replaced once, one fetch at a time.

The platform limits how often tokens and tickets may be fetched, so the property that
matters is the number of fetches: one for any number of threads, processes and refusals.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable

import pytest
{% if cookiecutter.cache == "redis" %}
from {{ cookiecutter.__package_name }}.platform.errors import PlatformUnavailable
{%- endif %}
from {{ cookiecutter.__package_name }}.platform.token_store import (
    FileTokenStore,
    MemoryTokenStore,
{%- if cookiecutter.cache == "redis" %}
    RedisTokenStore,
{%- endif %}
    TokenStore,
)

KEY = "ww5f3c2b1a0d9e8f7a:0123456789abcdef:access_token"
START = 1_800_000_000.0


class WallClock:
    """A wall clock that moves only when told to."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now


class CountingFetch:
    """A fetch that hands out tok-1, tok-2, ... and counts its calls (thread-safe)."""

    def __init__(self, expires_in: int = 7200, delay: float = 0.0) -> None:
        self.calls = 0
        self.expires_in = expires_in
        self.delay = delay
        self._lock = threading.Lock()

    def __call__(self) -> tuple[str, int]:
        if self.delay:
            time.sleep(self.delay)  # a slow platform, so that workers really overlap
        with self._lock:
            self.calls += 1
            return f"tok-{self.calls}", self.expires_in


STORE_KINDS = ["memory", "file"]
{%- if cookiecutter.cache == "redis" %}
STORE_KINDS.append("redis")
{%- endif %}


@pytest.fixture
def clock() -> WallClock:
    return WallClock()


@pytest.fixture(params=STORE_KINDS)
def make_store(request, tmp_path) -> Callable[..., TokenStore]:
    """Build stores of one kind; several built by one test share their values."""
    kind = request.param
{%- if cookiecutter.cache == "redis" %}
    redis_client = request.getfixturevalue("redis_client") if kind == "redis" else None
{%- endif %}
    shared: dict[str, TokenStore] = {}

    def build(**kwargs) -> TokenStore:
        if kind == "memory":
            # One process only: every "worker" of a test uses the same memory store.
            return shared.setdefault("memory", MemoryTokenStore(**kwargs))
{%- if cookiecutter.cache == "redis" %}
        if kind == "redis":
            return RedisTokenStore(redis_client, **kwargs)
{%- endif %}
        return FileTokenStore(tmp_path / "instance" / "ywxt-tokens.json", **kwargs)

    return build


# -- caching and refreshing -------------------------------------------------------------


def test_a_cached_value_is_reused(make_store, clock):
    store, fetch = make_store(clock=clock), CountingFetch()

    assert store.get(KEY, fetch) == "tok-1"
    clock.now += 3600
    assert store.get(KEY, fetch) == "tok-1"
    assert fetch.calls == 1


def test_a_value_is_refreshed_five_minutes_before_expiry(make_store, clock):
    store, fetch = make_store(clock=clock), CountingFetch(expires_in=7200)
    store.get(KEY, fetch)

    clock.now = START + 7200 - 301
    assert store.get(KEY, fetch) == "tok-1"
    clock.now = START + 7200 - 299
    assert store.get(KEY, fetch) == "tok-2"
    assert fetch.calls == 2


def test_a_short_lived_value_is_refreshed_halfway(make_store, clock):
    store, fetch = make_store(clock=clock), CountingFetch(expires_in=60)
    store.get(KEY, fetch)

    clock.now = START + 29
    assert store.get(KEY, fetch) == "tok-1"
    clock.now = START + 31
    assert store.get(KEY, fetch) == "tok-2"


def test_keys_are_cached_separately(make_store, clock):
    store = make_store(clock=clock)

    assert store.get("a", lambda: ("value-a", 7200)) == "value-a"
    assert store.get("b", lambda: ("value-b", 7200)) == "value-b"
    assert store.get("a", CountingFetch()) == "value-a"
    assert store.peek("b") == "value-b"
    assert store.peek("c") is None


def test_a_refused_value_is_refreshed(make_store, clock):
    store, fetch = make_store(clock=clock), CountingFetch()
    refused = store.get(KEY, fetch)

    assert store.get(KEY, fetch, refused=refused) == "tok-2"
    assert fetch.calls == 2


def test_a_refusal_of_an_already_replaced_value_fetches_nothing(make_store, clock):
    # Two workers both sent tok-1 and both got 42001: only the first refusal refetches.
    first, second = make_store(clock=clock), make_store(clock=clock)
    fetch = CountingFetch()
    seen = first.get(KEY, fetch)
    assert second.get(KEY, fetch) == seen

    assert first.get(KEY, fetch, refused=seen) == "tok-2"
    assert second.get(KEY, fetch, refused=seen) == "tok-2"
    assert fetch.calls == 2


def test_a_failed_fetch_is_not_cached(make_store, clock):
    store = make_store(clock=clock)

    def failing() -> tuple[str, int]:
        raise ConnectionError("platform down")

    with pytest.raises(ConnectionError):
        store.get(KEY, failing)
    assert store.get(KEY, CountingFetch()) == "tok-1"


def test_a_value_due_for_refresh_is_served_while_another_worker_fetches(make_store, clock):
    """Early refresh: nobody queues behind the fetch while the old value is still valid."""
    first, second = make_store(clock=clock), make_store(clock=clock)
    first.get(KEY, CountingFetch())  # tok-1
    clock.now = START + 7200 - 60  # due for refresh, still valid
    fetching, finish = threading.Event(), threading.Event()

    def slow_fetch() -> tuple[str, int]:
        fetching.set()
        finish.wait(5)
        return "tok-new", 7200

    worker = threading.Thread(target=first.get, args=(KEY, slow_fetch))
    worker.start()
    assert fetching.wait(5)
    try:
        unused = CountingFetch()
        assert second.get(KEY, unused) == "tok-1"
        assert unused.calls == 0
    finally:
        finish.set()
        worker.join(5)
    assert second.get(KEY, CountingFetch()) == "tok-new"


def test_nested_get_inside_a_fetch_does_not_deadlock(make_store, clock):
    """A ticket fetch may refresh the access token: the stores must allow that nesting."""
    store = make_store(clock=clock)
    results: list[str] = []

    def fetch_ticket() -> tuple[str, int]:
        token = store.get("token", lambda: ("tok", 7200))
        return f"ticket-for-{token}", 7200

    worker = threading.Thread(target=lambda: results.append(store.get("ticket", fetch_ticket)),
                              daemon=True)
    worker.start()
    worker.join(5)
    assert results == ["ticket-for-tok"]


# -- single flight ----------------------------------------------------------------------


def test_concurrent_threads_fetch_once(make_store):
    threads, gets_each = 16, 50
    fetch = CountingFetch(delay=0.05)
    stores = [make_store() for _ in range(threads)]
    barrier = threading.Barrier(threads)
    seen: set[str] = set()

    def worker(store: TokenStore) -> None:
        barrier.wait()
        for _ in range(gets_each):
            seen.add(store.get(KEY, fetch))

    pool = [threading.Thread(target=worker, args=(store,)) for store in stores]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(30)

    assert fetch.calls == 1
    assert seen == {"tok-1"}


def test_concurrent_refusals_fetch_once(make_store):
    """N workers hitting 42001 with the same token at once cause exactly one refetch."""
    threads = 8
    fetch = CountingFetch(delay=0.05)
    refused = make_store().get(KEY, fetch)
    barrier = threading.Barrier(threads)
    seen: set[str] = set()

    def worker(store: TokenStore) -> None:
        barrier.wait()
        seen.add(store.get(KEY, fetch, refused=refused))

    pool = [threading.Thread(target=worker, args=(make_store(),)) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(30)

    assert fetch.calls == 2
    assert seen == {"tok-2"}


PROCESSES = 4
GETS_PER_PROCESS = 250


def process_worker(spec: tuple[str, str], barrier, fetches, results) -> None:
    """One worker process: 250 gets against the shared store, counting its fetches."""
    kind, location = spec
    if kind == "file":
        store: TokenStore = FileTokenStore(location)
{%- if cookiecutter.cache == "redis" %}
    else:
        import redis

        store = RedisTokenStore(redis.Redis.from_url(location))
{%- endif %}

    def slow_fetch() -> tuple[str, int]:
        time.sleep(0.05)  # the platform takes its time: the other workers must wait
        with fetches.get_lock():
            fetches.value += 1
            return f"tok-{fetches.value}", 7200

    barrier.wait()
    values = {store.get(KEY, slow_fetch) for _ in range(GETS_PER_PROCESS)}
    results.put(sorted(values))


def store_specs() -> list:
    specs = [pytest.param("file", id="file")]
{%- if cookiecutter.cache == "redis" %}
    specs.append(pytest.param("redis", id="redis"))
{%- endif %}
    return specs


@pytest.mark.parametrize("kind", store_specs())
def test_worker_processes_fetch_once(kind, tmp_path, request):
    """4 worker processes × 250 requests against one shared store: exactly one fetch."""
    if kind == "file":
        spec = ("file", str(tmp_path / "instance" / "ywxt-tokens.json"))
    else:
        spec = ("redis", request.getfixturevalue("redis_url"))
    context = multiprocessing.get_context("spawn")  # fresh interpreters, like real workers
    barrier = context.Barrier(PROCESSES)
    fetches = context.Value("i", 0)
    results = context.Queue()
    workers = [context.Process(target=process_worker, args=(spec, barrier, fetches, results))
               for _ in range(PROCESSES)]
    for worker in workers:
        worker.start()
    seen = [results.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join(30)

    print(f"gettoken calls for {PROCESSES * GETS_PER_PROCESS:,} requests across "
          f"{PROCESSES} worker processes ({kind} store): {fetches.value}")
    assert [worker.exitcode for worker in workers] == [0] * PROCESSES
    assert fetches.value == 1
    assert seen == [["tok-1"]] * PROCESSES


# -- the file store ---------------------------------------------------------------------


def test_file_store_keeps_credentials_private(tmp_path, clock):
    path = tmp_path / "instance" / "ywxt-tokens.json"
    store = FileTokenStore(path, clock=clock)

    store.get(KEY, CountingFetch())

    assert os.stat(path).st_mode & 0o777 == 0o600
    assert os.stat(store.lock_path).st_mode & 0o777 == 0o600
    assert store.lock_path.parent == path.parent
    # Written by replacing the file: no temporary file is left beside it.
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name, store.lock_path.name]


def test_file_store_is_read_by_another_process_instance(tmp_path, clock):
    path = tmp_path / "ywxt-tokens.json"
    FileTokenStore(path, clock=clock).get(KEY, CountingFetch())

    unused = CountingFetch()
    assert FileTokenStore(path, clock=clock).get(KEY, unused) == "tok-1"
    assert unused.calls == 0


def test_file_store_recovers_from_a_damaged_file(tmp_path, clock):
    path = tmp_path / "ywxt-tokens.json"
    path.write_text("{not json", encoding="utf-8")
    store = FileTokenStore(path, clock=clock)

    assert store.get(KEY, CountingFetch()) == "tok-1"
    assert store.get(KEY, CountingFetch()) == "tok-1"


def test_file_store_drops_expired_values_when_writing(tmp_path, clock):
    path = tmp_path / "ywxt-tokens.json"
    store = FileTokenStore(path, clock=clock)
    store.get("old", lambda: ("old-value", 60))
    clock.now += 120

    store.get("new", lambda: ("new-value", 7200))

    assert "old-value" not in path.read_text(encoding="utf-8")
    assert store.peek("new") == "new-value"
{%- if cookiecutter.cache == "redis" %}


# -- the Redis store (cache = redis) ----------------------------------------------------


def test_redis_values_expire_with_the_value(redis_client, clock):
    store = RedisTokenStore(redis_client, clock=clock)

    store.get(KEY, CountingFetch(expires_in=7200))

    assert 7190 <= redis_client.ttl(f"ywxt:{KEY}") <= 7200
    assert redis_client.exists(f"ywxt:{KEY}:lock") == 0  # released after the fetch


def test_redis_lock_wait_is_bounded(redis_client, clock):
    """A lock that is never released (expiry included) ends in an error, not a hung worker."""
    waits: list[float] = []
    store = RedisTokenStore(redis_client, clock=clock, lock_seconds=1.0, poll_seconds=0.25,
                            sleep=waits.append)
    redis_client.set(f"ywxt:{KEY}:lock", "another-worker", px=60_000)

    with pytest.raises(PlatformUnavailable):
        store.get(KEY, CountingFetch())
    assert waits == [0.25] * 5
    redis_client.delete(f"ywxt:{KEY}:lock")
    assert store.get(KEY, CountingFetch()) == "tok-1"
{%- endif %}

"""Contract tests: the behaviour every token store and every session cache must show.

Each implementation's test module subclasses a contract and provides the fixture it names,
so the embedded and the server-backed implementations run the very same tests and cannot
drift apart. The contracts are not collected on their own (no `Test` prefix).
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections.abc import Callable

import pytest

from {{ cookiecutter.__package_name }}.auth.session_cache import SessionCache
from {{ cookiecutter.__package_name }}.platform.token_store import TokenStore

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


def run_together(worker: Callable[[TokenStore], None], stores: list[TokenStore]) -> None:
    """One thread per store, all started before any is awaited."""
    pool = [threading.Thread(target=worker, args=(store,)) for store in stores]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(30)


# -- token stores -----------------------------------------------------------------------


class TokenStoreContract:
    """Token and ticket caches: refreshed early, refused values replaced once, one fetch at a time.

    The platform limits how often tokens and tickets may be fetched, so the property that
    matters is the number of fetches: one for any number of threads and refusals.
    A subclass provides `make_store(**kwargs) -> TokenStore`; the stores it builds within
    one test share their values, as the workers of one app do.
    """

    @pytest.fixture
    def clock(self) -> WallClock:
        return WallClock()

    def test_a_cached_value_is_reused(self, make_store, clock):
        store, fetch = make_store(clock=clock), CountingFetch()

        assert store.get(KEY, fetch) == "tok-1"
        clock.now += 3600
        assert store.get(KEY, fetch) == "tok-1"
        assert fetch.calls == 1

    def test_a_value_is_refreshed_five_minutes_before_expiry(self, make_store, clock):
        store, fetch = make_store(clock=clock), CountingFetch(expires_in=7200)
        store.get(KEY, fetch)

        clock.now = START + 7200 - 301
        assert store.get(KEY, fetch) == "tok-1"
        clock.now = START + 7200 - 299
        assert store.get(KEY, fetch) == "tok-2"
        assert fetch.calls == 2

    def test_a_short_lived_value_is_refreshed_halfway(self, make_store, clock):
        store, fetch = make_store(clock=clock), CountingFetch(expires_in=60)
        store.get(KEY, fetch)

        clock.now = START + 29
        assert store.get(KEY, fetch) == "tok-1"
        clock.now = START + 31
        assert store.get(KEY, fetch) == "tok-2"

    def test_keys_are_cached_separately(self, make_store, clock):
        store = make_store(clock=clock)

        assert store.get("a", lambda: ("value-a", 7200)) == "value-a"
        assert store.get("b", lambda: ("value-b", 7200)) == "value-b"
        assert store.get("a", CountingFetch()) == "value-a"
        assert store.peek("b") == "value-b"
        assert store.peek("c") is None

    def test_an_expired_value_is_not_peeked(self, make_store, clock):
        store = make_store(clock=clock)
        store.get(KEY, CountingFetch(expires_in=60))

        clock.now = START + 61
        assert store.peek(KEY) is None

    def test_a_refused_value_is_refreshed(self, make_store, clock):
        store, fetch = make_store(clock=clock), CountingFetch()
        refused = store.get(KEY, fetch)

        assert store.get(KEY, fetch, refused=refused) == "tok-2"
        assert fetch.calls == 2

    def test_a_refusal_of_an_already_replaced_value_fetches_nothing(self, make_store, clock):
        # Two workers both sent tok-1 and both got 42001: only the first refusal refetches.
        first, second = make_store(clock=clock), make_store(clock=clock)
        fetch = CountingFetch()
        seen = first.get(KEY, fetch)
        assert second.get(KEY, fetch) == seen

        assert first.get(KEY, fetch, refused=seen) == "tok-2"
        assert second.get(KEY, fetch, refused=seen) == "tok-2"
        assert fetch.calls == 2

    def test_a_failed_fetch_is_not_cached(self, make_store, clock):
        store = make_store(clock=clock)

        def failing() -> tuple[str, int]:
            raise ConnectionError("platform down")

        with pytest.raises(ConnectionError):
            store.get(KEY, failing)
        assert store.get(KEY, CountingFetch()) == "tok-1"

    def test_a_value_due_for_refresh_is_served_while_another_worker_fetches(self, make_store,
                                                                           clock):
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

    def test_nested_get_inside_a_fetch_does_not_deadlock(self, make_store, clock):
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

    def test_concurrent_threads_fetch_once(self, make_store):
        threads, gets_each = 16, 50
        fetch = CountingFetch(delay=0.05)
        stores = [make_store() for _ in range(threads)]
        barrier = threading.Barrier(threads)
        seen: set[str] = set()

        def worker(store: TokenStore) -> None:
            barrier.wait()
            for _ in range(gets_each):
                seen.add(store.get(KEY, fetch))

        run_together(worker, stores)

        assert fetch.calls == 1
        assert seen == {"tok-1"}

    def test_concurrent_refusals_fetch_once(self, make_store):
        """N workers hitting 42001 with the same token at once cause exactly one refetch."""
        threads = 8
        fetch = CountingFetch(delay=0.05)
        refused = make_store().get(KEY, fetch)
        barrier = threading.Barrier(threads)
        seen: set[str] = set()

        def worker(store: TokenStore) -> None:
            barrier.wait()
            seen.add(store.get(KEY, fetch, refused=refused))

        run_together(worker, [make_store() for _ in range(threads)])

        assert fetch.calls == 2
        assert seen == {"tok-2"}


PROCESSES = 4
GETS_PER_PROCESS = 250


def process_worker(build_store: Callable[[], TokenStore], barrier, fetches, results) -> None:
    """One worker process: 250 gets against the shared store, counting its fetches."""
    store = build_store()

    def slow_fetch() -> tuple[str, int]:
        time.sleep(0.05)  # the platform takes its time: the other workers must wait
        with fetches.get_lock():
            fetches.value += 1
            return f"tok-{fetches.value}", 7200

    barrier.wait()
    values = {store.get(KEY, slow_fetch) for _ in range(GETS_PER_PROCESS)}
    results.put(sorted(values))


class SharedByProcessesContract:
    """A store the worker processes of an app share: one fetch for all of them.

    A subclass provides `store_builder`: a picklable callable that builds the store in a
    fresh interpreter (a worker process).
    """

    def test_worker_processes_fetch_once(self, store_builder):
        """4 worker processes × 250 requests against one shared store: exactly one fetch."""
        context = multiprocessing.get_context("spawn")  # fresh interpreters, like real workers
        barrier = context.Barrier(PROCESSES)
        fetches = context.Value("i", 0)
        results = context.Queue()
        workers = [context.Process(target=process_worker,
                                   args=(store_builder, barrier, fetches, results))
                   for _ in range(PROCESSES)]
        for worker in workers:
            worker.start()
        seen = [results.get(timeout=60) for _ in workers]
        for worker in workers:
            worker.join(30)

        print(f"gettoken calls for {PROCESSES * GETS_PER_PROCESS:,} requests across "
              f"{PROCESSES} worker processes ({type(self).__name__}): {fetches.value}")
        assert [worker.exitcode for worker in workers] == [0] * PROCESSES
        assert fetches.value == 1
        assert seen == [["tok-1"]] * PROCESSES


# -- session caches ---------------------------------------------------------------------

DIGEST = "a" * 64
OTHER_DIGEST = "b" * 64
FIELDS = {"userid": "zhangwei", "name": "张伟", "csrf_token": "c" * 43,
          "created_at": 1_800_000_000, "last_seen_at": 1_800_000_060}


class SessionCacheContract:
    """A cache may forget any session, but never hands out one that has ended.

    A subclass provides `cache`: a fresh, empty `SessionCache`.
    """

    def test_an_unknown_session_is_not_cached(self, cache: SessionCache):
        assert cache.get(DIGEST) is None

    def test_a_session_comes_back_as_put_or_not_at_all(self, cache: SessionCache):
        cache.put(DIGEST, FIELDS)
        assert cache.get(DIGEST) in (FIELDS, None)
        assert cache.get(OTHER_DIGEST) is None

    def test_an_ended_session_is_never_handed_out(self, cache: SessionCache):
        cache.put(DIGEST, FIELDS)
        cache.end(DIGEST)
        assert not isinstance(cache.get(DIGEST), dict)

    def test_a_late_put_does_not_revive_an_ended_session(self, cache: SessionCache):
        """A request that read the row before the logout writes it back afterwards."""
        cache.put(DIGEST, FIELDS)
        cache.end(DIGEST)
        cache.put(DIGEST, FIELDS)
        assert not isinstance(cache.get(DIGEST), dict)

    def test_ending_one_session_leaves_the_others(self, cache: SessionCache):
        cache.put(DIGEST, FIELDS)
        cache.put(OTHER_DIGEST, {**FIELDS, "userid": "lina"})
        cache.end(OTHER_DIGEST)
        assert cache.get(DIGEST) in (FIELDS, None)

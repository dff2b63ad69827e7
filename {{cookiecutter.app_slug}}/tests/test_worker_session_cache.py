"""Copies of sessions in each worker (auth/worker_session_cache.py): a logout in any worker
of the machine drops them all at once, including a copy written back by a slow request."""

from __future__ import annotations

import dataclasses
import multiprocessing
import threading

import pytest

from {{ cookiecutter.__package_name }}.auth.session_cache import NoSessionCache
from {{ cookiecutter.__package_name }}.auth.worker_session_cache import (
    ENDED_SESSIONS_SUFFIX,
    EndedSessions,
    WorkerSessionCache,
)
from {{ cookiecutter.__package_name }}.embedded_store import session_cache
from {{ cookiecutter.__package_name }}.extensions import db

from .contracts import DIGEST, FIELDS, OTHER_DIGEST, SessionCacheContract
from .fixtures import AuthActions, sql_recorded, tables_created
from .test_session_cache import clock_at

COOKIE = "__Host-ywxt_session"


@pytest.fixture
def counter_path(tmp_path):
    return tmp_path / f"app.db{ENDED_SESSIONS_SUFFIX}"


@pytest.fixture
def cache(counter_path):
    return WorkerSessionCache(EndedSessions(counter_path))


def read_then_put(cache: WorkerSessionCache, token_digest: str, fields: dict) -> None:
    """What a request does that finds no copy: `get`, read the row, `put`."""
    assert cache.get(token_digest) is None
    cache.put(token_digest, fields)


class TestWorkerSessionCache(SessionCacheContract):
    pass  # the contract's `cache` is the fixture above


def test_a_read_session_is_served_from_the_copy(cache):
    read_then_put(cache, DIGEST, FIELDS)
    assert cache.get(DIGEST) == FIELDS
    assert cache.get(OTHER_DIGEST) is None


def test_a_copy_read_before_another_worker_ended_a_session_is_never_served(cache, counter_path):
    """The slow request: it read the row, another worker's logout ended the session, and
    only then does it keep its copy."""
    other_worker = WorkerSessionCache(EndedSessions(counter_path))
    assert cache.get(DIGEST) is None
    other_worker.end(DIGEST)
    cache.put(DIGEST, FIELDS)
    assert cache.get(DIGEST) is None


def test_a_thread_keeps_the_count_it_read_before_its_own_row(cache, counter_path):
    """Two threads of one worker: the slow one's copy stays dead though the other thread
    read the count again after the logout."""
    other_worker = WorkerSessionCache(EndedSessions(counter_path))
    slow_read = threading.Event()
    logged_out = threading.Event()

    def slow_request():
        assert cache.get(DIGEST) is None
        slow_read.set()
        logged_out.wait(10)
        cache.put(DIGEST, FIELDS)  # the row as it was before the logout

    slow = threading.Thread(target=slow_request)
    slow.start()
    slow_read.wait(10)
    other_worker.end(DIGEST)
    assert cache.get(OTHER_DIGEST) is None  # this thread reads the new count
    logged_out.set()
    slow.join(10)
    assert cache.get(DIGEST) is None


def test_ending_any_session_drops_every_copy(cache):
    read_then_put(cache, DIGEST, FIELDS)
    cache.end(OTHER_DIGEST)
    assert cache.get(DIGEST) is None  # the database decides again
    read_then_put(cache, DIGEST, FIELDS)
    assert cache.get(DIGEST) == FIELDS


def test_a_put_with_no_read_before_it_keeps_nothing(cache):
    cache.put(DIGEST, FIELDS)
    assert cache.get(DIGEST) is None


def test_a_full_worker_starts_over(counter_path):
    cache = WorkerSessionCache(EndedSessions(counter_path), max_copies=2)
    for token_digest in ("a" * 64, "b" * 64, "c" * 64):
        read_then_put(cache, token_digest, FIELDS)
    assert cache.get("a" * 64) is None
    assert cache.get("c" * 64) == FIELDS


def end_in_forked_worker(cache: WorkerSessionCache) -> None:
    cache.end(OTHER_DIGEST)


def end_in_new_process(path: str) -> None:
    WorkerSessionCache(EndedSessions(path)).end(OTHER_DIGEST)


@pytest.mark.parametrize("start", ["fork", "spawn"])
def test_a_session_ended_in_another_process_drops_this_workers_copies(cache, counter_path,
                                                                      start):
    """fork: gunicorn's workers, forked from the master that created the app; spawn: another
    master on the same database file (a rolling update's new release)."""
    read_then_put(cache, DIGEST, FIELDS)
    context = multiprocessing.get_context(start)
    target, argument = ((end_in_forked_worker, cache) if start == "fork"
                        else (end_in_new_process, str(counter_path)))
    worker = context.Process(target=target, args=(argument,))
    worker.start()
    worker.join(30)
    assert worker.exitcode == 0
    assert cache.get(DIGEST) is None


def test_the_count_survives_a_restart(counter_path):
    EndedSessions(counter_path).add_one()
    EndedSessions(counter_path).add_one()
    assert EndedSessions(counter_path).count() == 2


def test_only_a_database_file_lets_workers_keep_copies(tmp_path):
    """A PostgreSQL server may be shared by other machines, whose logouts no count on this
    machine would see."""
    kept = session_cache(f"sqlite:///{tmp_path / 'app.db'}")
    assert isinstance(kept, WorkerSessionCache)
    assert (tmp_path / f"app.db{ENDED_SESSIONS_SUFFIX}").stat().st_mode & 0o077 == 0
    assert isinstance(session_cache("postgresql+psycopg://app@db.example.gov.cn/app"),
                      NoSessionCache)


def test_a_database_folder_that_cannot_be_written_means_no_copies(tmp_path, caplog):
    """Such a database fails /healthz; until it is mended, every session comes from it."""
    missing = tmp_path / "missing" / "app.db"
    assert isinstance(session_cache(f"sqlite:///{missing}"), NoSessionCache)
    assert "no session copies" in caplog.text


@pytest.fixture
def two_workers(platform_app, make_app, tmp_path):
    """Two apps on one embedded database, as two gunicorn workers of one machine are."""
    config = dataclasses.replace(platform_app.config["SETTINGS"], cache="embedded",
                                 database_url=f"sqlite:///{tmp_path / 'workers.db'}")
    with tables_created(make_app(config)) as first:
        second = make_app(config)
        yield first, second
        with second.app_context():
            db.engine.dispose()


def test_a_logout_in_one_worker_ends_the_session_in_every_other(two_workers, sim):
    first, second = two_workers
    auth = AuthActions(first.test_client(), sim)
    auth.login("zhangwei")
    csrf = auth.csrf_token()
    other = second.test_client()
    other.set_cookie(COOKIE, auth.client.get_cookie(COOKIE).value)
    assert other.get("/api/me").status_code == 200
    with sql_recorded(second) as recorded:
        assert other.get("/api/me").json["userid"] == "zhangwei"
    assert recorded.statements == [] and recorded.checkouts == 0  # served from its copy
    assert auth.client.post("/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    assert other.get("/api/me").status_code == 401


def test_a_copy_never_times_a_session_out_that_another_worker_kept_alive(two_workers, sim,
                                                                         monkeypatch):
    """The user's requests went to the first worker for 25 minutes; the second worker's copy
    still says 25 minutes idle. At 40 minutes the session is 15 minutes idle, not 40."""
    first, second = two_workers
    auth = AuthActions(first.test_client(), sim)
    auth.login("zhangwei")
    other = second.test_client()
    other.set_cookie(COOKIE, auth.client.get_cookie(COOKIE).value)
    assert other.get("/api/me").status_code == 200  # the second worker's copy
    with clock_at(monkeypatch, 25 * 60):
        assert auth.client.get("/api/me").status_code == 200  # activity, in the database
    with clock_at(monkeypatch, 40 * 60):
        assert other.get("/api/me").status_code == 200

"""Updates without interruption (DB31DSJ/Z 003 §7.2), under a steady load through nginx.

Two ways to put a new release in service, both with zero failed requests:

(a) In place, one gunicorn: its "upgrade on the fly". `kill -USR2` starts a new master with
    the new release beside the old one, on the same listening socket; `kill -TERM` to the old
    master then lets its workers finish what they are serving and exit. `kill -HUP` alone
    replaces the workers gracefully but keeps the application the master preloaded
    (preload_app in deploy/gunicorn.conf.py): it re-reads gunicorn's settings, not the code.
(b) Side by side: a second instance with the next release on another port, nginx's
    upstream switched to it with a graceful `nginx -s reload`, then the first instance
    drained with SIGTERM (what a Kubernetes RollingUpdate with maxUnavailable 0 does).

/healthz reports each new `version`. deploy/README.md has the commands and the
expand/contract rule for database migrations that makes old and new run side by side.
"""

from __future__ import annotations

import dataclasses
import http.client
import os
import signal
import threading
import time

import pytest
import requests
from devtools.loopback_stack import (
    LoopbackStack,
    missing_programs,
    process_alive,
    wait_until,
)

WORKERS = 4
MAX_SECONDS = 120  # the load stops by itself after this, or after MAX_REQUESTS
MAX_REQUESTS = 20_000

pytestmark = pytest.mark.skipif(
    bool(missing_programs()),
    reason=f"not installed: {', '.join(missing_programs())} (apt-get install "
           f"{' '.join(missing_programs())})")


@dataclasses.dataclass
class Outcome:
    path: str
    status: int | None
    version: str | None = None
    error: str | None = None


def closed_before_answering(error: BaseException) -> bool:
    """The server closed a kept-alive connection without a byte of answer (requests wraps
    urllib3's ProtocolError('Connection aborted.', RemoteDisconnected(...)))."""
    pending = [error]
    while pending:
        current = pending.pop()
        if isinstance(current, http.client.RemoteDisconnected):
            return True
        pending += [arg for arg in current.args if isinstance(arg, BaseException)]
    return False


class SteadyLoad(threading.Thread):
    """One browser polling /healthz and /api/me over a kept-alive HTTPS connection.

    Like a browser, it resends a GET once when the server closed the kept-alive connection
    before answering (RFC 9112 §9.3.1): nginx closes its idle connections when it reloads,
    and a request can cross that close on the wire. Those resends are counted apart.
    """

    def __init__(self, stack: LoopbackStack, session):
        super().__init__(daemon=True)
        self.stack, self.session = stack, session
        self.outcomes: list[Outcome] = []
        self.resent = 0
        self.stopping = threading.Event()

    def request(self, path: str) -> Outcome:
        try:
            try:
                answer = self.session.get(self.stack.base_url + path, timeout=10)
            except requests.ConnectionError as error:
                if not closed_before_answering(error):
                    raise
                self.resent += 1
                answer = self.session.get(self.stack.base_url + path, timeout=10)
        except Exception as error:  # noqa: BLE001 - every failure counts, whatever it is
            return Outcome(path, None, error=repr(error))
        version = answer.json().get("version") if path == "/healthz" else None
        return Outcome(path, answer.status_code, version)

    def run(self) -> None:
        deadline = time.monotonic() + MAX_SECONDS
        paths = ("/healthz", "/api/me")
        while (not self.stopping.is_set() and time.monotonic() < deadline
               and len(self.outcomes) < MAX_REQUESTS):
            self.outcomes.append(self.request(paths[len(self.outcomes) % 2]))

    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.error or o.status != 200]

    def stop(self) -> None:
        self.stopping.set()
        self.join(30)


@pytest.fixture
def stack(tmp_path):
    with LoopbackStack(tmp_path, workers=WORKERS, version="1.0.0") as running:
        yield running


@pytest.fixture
def load(stack):
    browser = stack.session()
    stack.login(browser, "zhangwei")
    steady = SteadyLoad(stack, browser)
    steady.start()
    yield steady
    steady.stop()


def healthz_version(stack: LoopbackStack) -> str:
    return stack.get("/healthz").json()["version"]


def wait_for_requests(load: SteadyLoad, count: int = 20) -> None:
    """Let the load run across the change for at least `count` more requests."""
    target = len(load.outcomes) + count
    wait_until(lambda: len(load.outcomes) >= target, f"{count} more requests", seconds=30)


def test_releases_replace_each_other_with_no_failed_request(stack, load):
    [first] = stack.instances
    wait_for_requests(load)

    # kill -HUP: new workers, the old ones finish gracefully; the preloaded app stays.
    old_workers = set(first.worker_pids())
    os.kill(first.master_pid(), signal.SIGHUP)
    wait_until(lambda: len(first.worker_pids()) == WORKERS
               and not set(first.worker_pids()) & old_workers, "workers replaced by HUP")
    wait_for_requests(load)
    assert healthz_version(stack) == "1.0.0"

    # (a) kill -USR2: a new master with release 2.0.0, then the old master drained.
    old_master = first.master_pid()
    first.conf_file.write_text(
        first.conf_file.read_text().replace("APP_VERSION=1.0.0", "APP_VERSION=2.0.0"))
    os.kill(old_master, signal.SIGUSR2)
    wait_until(lambda: first.master_pid() not in (None, old_master)
               and len(first.worker_pids()) == WORKERS, "the new master and its workers",
               services=(first.service,))
    wait_until(lambda: healthz_version(stack) == "2.0.0", "release 2.0.0 answering")
    wait_for_requests(load)
    os.kill(old_master, signal.SIGTERM)
    wait_until(lambda: not process_alive(old_master), "the old master drained")
    wait_for_requests(load)
    assert {healthz_version(stack) for _ in range(8)} == {"2.0.0"}

    # (b) a second instance with release 3.0.0, nginx switched to it, the first drained.
    second = stack.start_app("b", version="3.0.0")
    wait_for_requests(load)
    stack.route_to(second)
    wait_for_requests(load)
    master = first.master_pid()
    os.kill(master, signal.SIGTERM)
    wait_until(lambda: not process_alive(master), "the first instance drained")
    wait_for_requests(load)
    assert {healthz_version(stack) for _ in range(8)} == {"3.0.0"}

    load.stop()
    failures = load.failures()
    versions = [o.version for o in load.outcomes if o.version]
    print(f"\n[rolling update] {len(load.outcomes)} requests through nginx, "
          f"{len(failures)} failed, {load.resent} resent on a closed kept-alive connection; "
          f"versions served in order: {' → '.join(dict.fromkeys(versions))}")
    assert not failures, failures[:5]
    # One client connection and one nginx reload: at most one such close to cross.
    assert load.resent <= 1
    assert len(load.outcomes) >= 100
    assert list(dict.fromkeys(versions)) == ["1.0.0", "2.0.0", "3.0.0"]

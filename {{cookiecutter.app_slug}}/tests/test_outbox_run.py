"""`flask outbox run` stops on SIGTERM (a rolling update, `make dev`'s Ctrl-C) without hanging."""

from __future__ import annotations

import signal
import threading
import time

from {{ cookiecutter.__package_name }}.cli import stop_on_signal


def test_sigterm_arriving_while_the_stop_event_is_locked_still_stops_the_relay():
    """A signal handler runs wherever the main thread happens to be, perhaps inside
    `stop.wait()` with the event's lock held. Setting the event right there waited on that lock
    forever; the handler must leave the set to another thread."""
    stop = threading.Event()
    handler = stop_on_signal(stop)

    def as_the_main_thread_inside_wait() -> None:
        with stop._cond:  # the lock Event.wait holds around its check  # noqa: SLF001
            handler(signal.SIGTERM, None)

    # In a thread of its own, and watched without the event's lock (is_set reads the flag),
    # so that a handler that deadlocks fails the test instead of hanging it.
    worker = threading.Thread(target=as_the_main_thread_inside_wait, daemon=True)
    worker.start()
    deadline = time.monotonic() + 5
    while not stop.is_set() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert stop.is_set(), "the handler deadlocked on the event's own lock"
    worker.join(timeout=5)
    assert not worker.is_alive()

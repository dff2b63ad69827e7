"""Serve the simulator over real HTTP in a background thread, for tests and scripts.

    with serve() as sim:                 # port 0: the OS picks a free port
        requests.get(sim.base_url + "/cgi-bin/gettoken", params=..., timeout=5)
        sim.fail_next("/cgi-bin/todo/add", errcode=-1)
        assert sim.calls("/cgi-bin/todo/add")

No sleeps: the socket is bound and listening before `serve()` returns.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from types import TracebackType

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from . import create_app, get_sim_state
from .settings import SimSettings
from .state import Call, Fault, SimState

_CREDENTIALS = re.compile(r"((?:access_token|corpsecret|code|user_ticket)=)[^&\s\"]+")


def redact(line: str) -> str:
    """An access-log line with the credentials in its query string starred."""
    return _CREDENTIALS.sub(r"\1***", line)


class RedactingHandler(WSGIRequestHandler):
    """Access log for `python -m devtools.platform_sim`, without tokens or secrets."""

    def log(self, type: str, message: str, *args) -> None:  # noqa: A002 - werkzeug's name
        super().log(type, redact(message % args if args else message))


class _QuietHandler(WSGIRequestHandler):
    """No access log lines in test output."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


class RunningSimulator:
    """A simulator listening on `base_url`; stop() (or leaving the `with`) shuts it down."""

    def __init__(self, server: BaseWSGIServer, state: SimState) -> None:
        self._server = server
        self.state = state
        self.host = server.server_address[0]
        self.port = server.server_port
        self.base_url = f"http://{self.host}:{self.port}"
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05},
            name=f"platform-sim-{self.port}", daemon=True,
        )
        self._stopped = False
        self._thread.start()

    # Scenario helpers, the same operations as the /_sim/ control API.

    def fail_next(self, path: str, kind: str = "errcode", *, errcode: int = -1,
                  count: int = 1, seconds: float | None = None) -> Fault:
        return self.state.add_fault(path, kind, count=count, errcode=errcode, seconds=seconds)

    def advance(self, seconds: float) -> float:
        return self.state.advance(seconds)

    def calls(self, path: str | None = None) -> list[Call]:
        return self.state.find_calls(path)

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        self.state.wake.set()  # release any call held by a "timeout" fault
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> RunningSimulator:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.stop()


def serve(settings: SimSettings | None = None, host: str = "127.0.0.1", port: int = 0, *,
          clock: Callable[[], float] | None = None) -> RunningSimulator:
    """Start a simulator on host:port (0 = any free port); usable as a context manager."""
    app = create_app(settings or SimSettings(), clock=clock)
    server = make_server(host, port, app, threaded=True, request_handler=_QuietHandler)
    return RunningSimulator(server, get_sim_state(app))

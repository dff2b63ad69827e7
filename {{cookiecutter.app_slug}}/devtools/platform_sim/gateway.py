"""The platform's front door: call record, down switch, injected faults, rate limits, shapes.

Every request outside /_sim/ passes here first. Answers come in two shapes: the flat WeCom
shape `{"errcode":0,"errmsg":"ok",...}` and the platform envelope
`{"code":0,"msg":"ok","data":{"errcode":0,"errmsg":"ok",...}}`. Gateway failures (injected
"gateway" faults) answer HTTP 200 with `code != 0`; upstream errors travel inside `data`.
"""

from __future__ import annotations

import functools
import json
import socket
import struct
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote_plus

from flask import Blueprint, Response, current_app, g, jsonify, request
from werkzeug.exceptions import MethodNotAllowed, NotFound

from .errors import SimError
from .state import SimState

bp = Blueprint("gateway", __name__)

# The platform's own APIs always answer in the envelope (DB31DSJ/Z 003 Appendix C.5).
ENVELOPE_PATHS = frozenset({
    "/cgi-bin/todo/add",
    "/cgi-bin/todo/update",
    "/cgi-bin/datacollect/report",
})

# Paths that are not the platform: the simulator's own control API and its static files.
_INTERNAL_PREFIX = "/_sim"
_UNRECORDED = frozenset({"/favicon.ico"})


def get_state() -> SimState:
    return current_app.extensions["platform_sim"]


def is_platform_path(path: str) -> bool:
    if path in _UNRECORDED:
        return False
    return not (path == _INTERNAL_PREFIX or path.startswith(_INTERNAL_PREFIX + "/"))


def wants_envelope(path: str) -> bool:
    return path in ENVELOPE_PATHS or get_state().envelope_all


def answer(payload: dict, *, status: int = 200) -> Response:
    """A JSON answer in the shape this path uses (flat or envelope)."""
    body = {"errcode": 0, "errmsg": "ok", **payload}
    if wants_envelope(request.path):
        body = {"code": 0, "msg": "ok", "data": body}
    response = jsonify(body)
    response.status_code = status
    return response


def token_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Every /cgi-bin call except gettoken carries a live `access_token` query parameter."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        get_state().check_token(request.args.get("access_token"))
        return view(*args, **kwargs)

    return wrapped


def parsed_json() -> Any:
    """The body parsed as JSON whatever its Content-Type, or None.

    WeCom reads the body as JSON without looking at the header: wechatpy posts JSON with
    no Content-Type at all, and the platform accepts it.
    """
    if request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        return None
    return request.get_json(silent=True, force=True)


def json_body() -> dict:
    """The JSON object of a POST; WeCom answers a missing or malformed body with 40058."""
    body = parsed_json()
    if not isinstance(body, dict):
        raise SimError(40058, "request body must be a JSON object")
    return body


@bp.app_errorhandler(SimError)
def answer_error(error: SimError) -> Response:
    """WeCom errors are HTTP 200 with a non-zero errcode."""
    body = error.payload()
    if wants_envelope(request.path):
        body = {"code": 0, "msg": "ok", "data": body}
    return jsonify(body)


@bp.app_errorhandler(NotFound)
def answer_unknown_path(error: NotFound) -> Response:
    """An unknown /cgi-bin path is a JSON errcode (HTTP 200), never an HTML page."""
    if not request.path.startswith("/cgi-bin/"):
        return error
    return answer_error(SimError(40066, request.path))


@bp.app_errorhandler(MethodNotAllowed)
def answer_wrong_method(error: MethodNotAllowed) -> Response:
    """GET on a POST API and the reverse: 43002 require POST / 43001 require GET."""
    if not request.path.startswith("/cgi-bin/"):
        return error
    return answer_error(SimError(43002 if "POST" in (error.valid_methods or ()) else 43001))


def _recorded_body() -> Any:
    if request.files:
        return {
            **request.form.to_dict(),
            **{name: {"filename": f.filename, "content_type": f.content_type}
               for name, f in request.files.items()},
        }
    if request.form:
        return request.form.to_dict()
    return parsed_json()


def _raw_text() -> str:
    """Query string and body as text, for the canary search (multipart bodies included).

    Reads the raw bytes before anything parses the form, so werkzeug keeps them cached.
    """
    query = unquote_plus(request.query_string.decode("utf-8", errors="replace"))
    body = request.get_data(cache=True).decode("utf-8", errors="replace")
    if request.mimetype == "application/x-www-form-urlencoded":
        body = unquote_plus(body)
    else:
        # Clients send JSON with \uXXXX escapes (requests does): search the decoded text too.
        parsed = parsed_json()
        if parsed is not None:
            body += "\n" + json.dumps(parsed, ensure_ascii=False)
    return f"{query}\n{body}"


def drop_connection() -> bool:
    """Reset the TCP connection (a crashed gateway); False under the test client."""
    sock = request.environ.get("werkzeug.socket")
    if sock is None:
        return False
    # Linger 0 turns close into a reset, as a dead upstream would.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.shutdown(socket.SHUT_RDWR)
    return True


def _unavailable(status: int = 503) -> Response:
    return Response("<h1>Service Unavailable</h1>", status=status, mimetype="text/html")


@bp.before_app_request
def guard() -> Response | None:
    if not is_platform_path(request.path) or request.method == "OPTIONS":
        return None
    state = get_state()
    raw = _raw_text()
    g.sim_call = state.record_call(request.method, request.path, request.args.to_dict(),
                                   _recorded_body(), raw)
    if state.down:
        g.sim_call.fault = f"down:{state.down}"
        if state.down == "refuse":
            drop_connection()
        return _unavailable()
    fault = state.take_fault(request.path)
    if fault is not None:
        g.sim_call.fault = fault.kind
        return _apply_fault(state, fault)
    if request.path.startswith("/cgi-bin/") and state.hit_rate_limit(request.path):
        raise SimError(45009)
    return None


def _apply_fault(state: SimState, fault: Any) -> Response | None:
    status = state.http_fault_status(fault.kind)
    if status is not None:
        return _unavailable(status) if status >= 500 else Response("", status=status)
    if fault.kind == "errcode":
        raise SimError(fault.errcode)
    if fault.kind == "gateway":
        return jsonify({"code": fault.errcode, "msg": "gateway error", "data": None})
    if fault.kind == "disconnect":
        drop_connection()
        return _unavailable()
    # "timeout": handle the call normally, then hold the answer (the answer is lost, the
    # platform has still acted, as with a real timeout).
    g.sim_delay = (
        fault.seconds if fault.seconds is not None else state.settings.fault_timeout_seconds
    )
    return None


@bp.after_app_request
def finish(response: Response) -> Response:
    call = g.get("sim_call")
    if call is not None:
        call.status = response.status_code
        if response.is_json:
            body = response.get_json(silent=True) or {}
            data = body.get("data") if isinstance(body.get("data"), dict) else body
            call.errcode = data.get("errcode") if isinstance(data, dict) else None
            call.code = body.get("code")
    delay = g.get("sim_delay")
    if delay:
        get_state().wake.wait(delay)
    return response

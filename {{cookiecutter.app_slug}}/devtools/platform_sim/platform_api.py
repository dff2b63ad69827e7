"""The platform's own APIs (统一待办, 业务数据采集), answering in the envelope shape.

Fields, required flags and types come from the app's contract.json (DB31DSJ/Z 003 Appendix
C, Table C.1 and example C.4; §6.2.4 e), read as data: the simulator imports no app code,
and tests/test_platform_contract.py checks that file against the standard's own text.
The real platform's rules beyond the table are not public; where the simulator had to choose,
the choice is strict and written down here so a client bug shows up on a laptop rather than
in production:

- taskNum is the todo's identity: a second add with a known taskNum creates nothing, answers
  ok and is counted (`duplicate_attempts`), so a retried add after a lost answer is safe.
- receiver: one userid, or several joined by "|", each a member in the app's visible range.
- linkUrl / mobileLinkUrl / doneUrl / pcDoneUrl must be on a trusted host (50001 otherwise).
- Missing required fields answer 40063, wrong types or values 40058, an unknown taskNum
  60136; fields the contract does not list are ignored, as JSON APIs usually do.
- datacollect/report takes {"agentid", "events": [{"eventId", "operation", ...}, ...]}; an
  eventId seen before is counted as a duplicate, not stored twice.
"""

from __future__ import annotations

import functools
import json
import re
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Response

from .errors import SimError
from .gateway import answer, get_state, json_body, token_required
from .state import Message, SimState, Todo

bp = Blueprint("platform_api", __name__, url_prefix="/cgi-bin")

# The app's description of these APIs (data only: nothing of the app is imported).
CONTRACT_FILE = (Path(__file__).resolve().parents[2] / "src"
                 / "{{ cookiecutter.__package_name }}" / "platform" / "contract.json")
JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,), "integer": (int,), "number": (int, float), "boolean": (bool,),
    "array": (list,),
}
TASK_NUM = re.compile(r"^[A-Za-z0-9_\-]{1,64}$")
TODO_TYPES = {0: "办件", 1: "阅件"}


@functools.cache
def contract_fields(api: str) -> dict:
    return json.loads(CONTRACT_FILE.read_text(encoding="utf-8"))["apis"][api]


def _of_type(value: Any, type_name: str) -> bool:
    if isinstance(value, bool) and type_name != "boolean":
        return False
    return isinstance(value, JSON_TYPES[type_name])


def check_fields(fields: dict, body: dict, where: str = "") -> None:
    """40063 for the first missing required field, 40058 for a wrong type or value."""
    for name, spec in fields.items():
        value = body.get(name)
        if value is None or value == "":
            if spec["required"]:
                raise SimError(40063, f"{where}{name}")
            continue
        if not _of_type(value, spec["type"]):
            raise SimError(40058, f"{where}{name} must be {spec['type']}")
        if "enum" in spec and value not in spec["enum"]:
            raise SimError(40058, f"{where}{name} must be one of {spec['enum']}")
        if spec["type"] == "array":
            if not spec.get("min_items", 0) <= len(value) <= spec.get("max_items", len(value)):
                raise SimError(40058 if value else 40063, f"{where}{name} item count")
            for item in value:
                if not isinstance(item, dict):
                    raise SimError(40058, f"each of {name} must be an object")
                check_fields(spec["items"], item, f"{name}.")


def check_body(api: str, body: dict) -> None:
    spec = contract_fields(api)
    check_fields(spec["fields"], body)
    changes = spec.get("at_least_one_of", ())
    if changes and all(body.get(name) in (None, "") for name in changes):
        raise SimError(40063, "nothing to update")


def check_trusted_url(state: SimState, name: str, value: Any) -> str:
    """Todo links must be http(s) URLs on one of the app's trusted hosts (Table C.1)."""
    parts = urlsplit(str(value))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SimError(40058, f"{name} must be an absolute http(s) URL")
    if parts.hostname.lower() not in state.settings.trusted_hosts:
        raise SimError(50001, f"{name} host is not a trusted domain")
    return str(value)


def _check_agents(state: SimState, body: dict) -> None:
    """agentid is the app's mobile agent, pcAgentId its PC agent (Table C.1)."""
    if body["agentid"] != state.settings.agent_id:
        raise SimError(40056, "agentid")
    if body["pcAgentId"] != state.settings.pc_agent_id:
        raise SimError(40056, "pcAgentId")


def _receivers(state: SimState, raw: Any) -> list[str]:
    userids = [u.strip().lower() for u in str(raw).split("|") if u.strip()]
    if not userids:
        raise SimError(40063, "receiver")
    for userid in userids:
        if state.find_user(userid) is None:
            raise SimError(60111, f"receiver {userid}")
        if not state.is_visible_user(userid):
            raise SimError(60011, f"receiver {userid}")
    return userids


@bp.post("/todo/add")
@token_required
def todo_add() -> Response:
    state = get_state()
    body = json_body()
    check_body("todo_add", body)
    task_num = body["taskNum"]
    if not TASK_NUM.match(task_num):
        raise SimError(40058, "taskNum must be 1-64 letters, digits, '-' or '_'")
    _check_agents(state, body)
    send_message = body.get("sendMessage", 1)
    todo_type = body.get("type", 0)
    with state.lock:
        existing = state.todos.get(task_num)
        if existing is not None:
            existing.duplicate_attempts += 1
            return answer({})
        receivers = _receivers(state, body["receiver"])
        for name in ("linkUrl", "mobileLinkUrl"):
            if body.get(name):
                check_trusted_url(state, name, body[name])
        todo = Todo(task_num=task_num, fields=dict(body), created_at=state.now())
        state.todos[task_num] = todo
        if send_message:
            _notify(state, todo, receivers, todo_type)
    return answer({})


def _notify(state: SimState, todo: Todo, receivers: list[str], todo_type: int) -> None:
    """sendMessage=1: the platform pushes an app message that opens the todo."""
    fields = todo.fields
    url = fields.get("mobileLinkUrl") or fields.get("linkUrl") or ""
    state.messages.append(Message(
        msgid=secrets.token_urlsafe(24), channel="todo", msgtype="textcard",
        content={"title": f"【{TODO_TYPES[todo_type]}】{fields['taskName']}",
                 "description": str(fields.get("taskDesc") or ""), "url": url},
        recipients=receivers, sent_at=state.now(), agentid=str(fields["agentid"]),
    ))


@bp.post("/todo/update")
@token_required
def todo_update() -> Response:
    state = get_state()
    body = json_body()
    check_body("todo_update", body)
    _check_agents(state, body)
    with state.lock:
        todo = state.todos.get(body["taskNum"])
        if todo is None:
            raise SimError(60136, "unknown taskNum")
        changes: dict[str, Any] = {}
        for name, attr in (("status", "status"), ("readStatus", "read_status")):
            if body.get(name) is not None:
                changes[attr] = body[name]
        for name, attr in (("doneUrl", "done_url"), ("pcDoneUrl", "pc_done_url")):
            if body.get(name):
                changes[attr] = check_trusted_url(state, name, body[name])
        for attr, value in changes.items():
            setattr(todo, attr, value)
        todo.updates.append({"at": state.now(), "body": dict(body)})
    return answer({})


@bp.post("/datacollect/report")
@token_required
def datacollect_report() -> Response:
    """Key-operation events (DB31DSJ/Z 003 §6.2.4 e): stored once per eventId."""
    state = get_state()
    body = json_body()
    check_body("datacollect_report", body)
    events = body["events"]
    accepted = duplicates = 0
    with state.lock:
        for event in events:
            if event["eventId"] in state.report_ids:
                duplicates += 1
                continue
            state.report_ids.add(event["eventId"])
            state.reports.append({"received_at": state.now(), "agentid": body.get("agentid"),
                                  "event": dict(event)})
            accepted += 1
        state.report_duplicates += duplicates
    return answer({"accepted": accepted, "duplicates": duplicates})

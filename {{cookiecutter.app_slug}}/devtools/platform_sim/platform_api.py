"""The platform's own APIs (统一待办, 业务数据采集), answering in the envelope shape.

Fields follow DB31DSJ/Z 003 Appendix C (Table C.1 and example C.4). The real platform's rules
beyond the table are not public; where the simulator had to choose, the choice is strict
and written down here so a client bug shows up on a laptop rather than in production:

- taskNum is the todo's identity: a second add with a known taskNum creates nothing, answers
  ok and is counted (`duplicate_attempts`), so a retried add after a lost answer is safe.
- receiver: one userid, or several joined by "|", each a member in the app's visible range.
- linkUrl / mobileLinkUrl / doneUrl / pcDoneUrl must be on a trusted host (50001 otherwise).
- Missing required fields answer 40063, wrong values 40058, an unknown taskNum 60136.
- datacollect/report takes {"agentid", "events": [{"eventId", "operation", ...}, ...]}; an
  eventId seen before is counted as a duplicate, not stored twice.
"""

from __future__ import annotations

import re
import secrets
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Response

from .errors import SimError
from .gateway import answer, get_state, json_body, token_required
from .state import Message, SimState, Todo

bp = Blueprint("platform_api", __name__, url_prefix="/cgi-bin")

TODO_REQUIRED = ("taskNum", "pcAgentId", "agentid", "taskName", "receiver", "sender")
TASK_NUM = re.compile(r"^[A-Za-z0-9_\-]{1,64}$")
TODO_TYPES = {0: "办件", 1: "阅件"}
MAX_EVENTS_PER_REPORT = 500


def check_trusted_url(state: SimState, name: str, value: Any) -> str:
    """Todo links must be http(s) URLs on one of the app's trusted hosts (Table C.1)."""
    parts = urlsplit(str(value))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SimError(40058, f"{name} must be an absolute http(s) URL")
    if parts.hostname.lower() not in state.settings.trusted_hosts:
        raise SimError(50001, f"{name} host is not a trusted domain")
    return str(value)


def _flag(body: dict, name: str, default: int) -> int:
    value = body.get(name, default)
    if value in (0, 1, "0", "1"):
        return int(value)
    raise SimError(40058, f"{name} must be 0 or 1")


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
    for name in TODO_REQUIRED:
        if body.get(name) in (None, ""):
            raise SimError(40063, name)
    task_num = body["taskNum"]
    if not isinstance(task_num, str) or not TASK_NUM.match(task_num):
        raise SimError(40058, "taskNum must be 1-64 letters, digits, '-' or '_'")
    if str(body["agentid"]) != state.settings.agent_id:
        raise SimError(40056, "agentid")
    if str(body["pcAgentId"]) != state.settings.pc_agent_id:
        raise SimError(40056, "pcAgentId")
    send_message = _flag(body, "sendMessage", 1)
    todo_type = _flag(body, "type", 0)
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
    task_num = body.get("taskNum")
    if task_num in (None, ""):
        raise SimError(40063, "taskNum")
    with state.lock:
        todo = state.todos.get(str(task_num))
        if todo is None:
            raise SimError(60136, "unknown taskNum")
        changes: dict[str, Any] = {}
        if "status" in body:
            changes["status"] = _flag(body, "status", 0)
        if "readStatus" in body:
            changes["read_status"] = _flag(body, "readStatus", 0)
        for name, attr in (("doneUrl", "done_url"), ("pcDoneUrl", "pc_done_url")):
            if body.get(name):
                changes[attr] = check_trusted_url(state, name, body[name])
        if not changes:
            raise SimError(40063, "nothing to update")
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
    events = body.get("events")
    if not isinstance(events, list) or not events:
        raise SimError(40063, "events")
    if len(events) > MAX_EVENTS_PER_REPORT:
        raise SimError(40058, f"at most {MAX_EVENTS_PER_REPORT} events per report")
    for event in events:
        if not isinstance(event, dict):
            raise SimError(40058, "each event must be an object")
        for name in ("eventId", "operation"):
            if not isinstance(event.get(name), str) or not event[name]:
                raise SimError(40063, f"event {name}")
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

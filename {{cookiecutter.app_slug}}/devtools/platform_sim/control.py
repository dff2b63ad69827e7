"""The test and demo control API under /_sim/ (never part of the simulated platform).

JSON in, JSON out; the dashboard's buttons post plain forms to the same endpoints and are
sent back to the dashboard. Calls to /_sim/ are not recorded and ignore faults and `down`.
"""

from __future__ import annotations

import copy
import re
import time
from typing import Any

from flask import Blueprint, Response, jsonify, redirect, render_template, request, url_for

from .gateway import get_state
from .state import SimState, to_plain

bp = Blueprint("control", __name__, url_prefix="/_sim")

USERID = re.compile(r"^[a-z0-9][a-z0-9_.\-]{0,63}$")
DASHBOARD_ROWS = 50


class ControlError(Exception):
    """A malformed control request: answered 400 with a Chinese message."""


@bp.errorhandler(ControlError)
def bad_request(error: ControlError) -> tuple[Response, int]:
    return jsonify({"error": str(error)}), 400


def _params() -> dict:
    body = request.get_json(silent=True)
    if isinstance(body, dict):
        return body
    return request.form.to_dict()


def _from_form() -> bool:
    return request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data")


def _done(payload: dict, status: int = 200) -> Response | tuple[Response, int]:
    """JSON for scripts; back to the dashboard for its buttons."""
    if _from_form():
        return redirect(url_for("control.dashboard"), 303)
    return jsonify(payload), status


def _number(params: dict, name: str, kind: type = int, default: Any = None) -> Any:
    raw = params.get(name, default)
    if raw is None:
        raise ControlError(f"缺少 {name}")
    try:
        return kind(raw)
    except (TypeError, ValueError):
        raise ControlError(f"{name} 应为数字") from None


# -- dashboard and read-only views -------------------------------------------------------


@bp.app_template_filter("simtime")
def simtime(value: float) -> str:
    """Simulator clock time for people: local date and time to the second."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(value))


@bp.get("/")
def dashboard() -> str:
    state = get_state()
    with state.lock:
        context = {
            "status": state.status(),
            "todos": list(state.todos.values()),
            "messages": list(reversed(state.messages[-DASHBOARD_ROWS:])),
            "calls": list(reversed(list(state.calls)[-DASHBOARD_ROWS:])),
            "reports": len(state.reports),
            "users": state.users,
        }
    return render_template("dashboard.html", **context)


@bp.get("/status")
def status() -> Response:
    return jsonify(get_state().status())


@bp.get("/calls")
def calls() -> Response:
    """Recorded calls, oldest first; ?path= filters, ?since=<seq> returns only newer ones."""
    state = get_state()
    since = _number(request.args, "since", int, 0)
    found = [c for c in state.find_calls(request.args.get("path")) if c.seq > since]
    return jsonify({"calls": to_plain(found)})


@bp.get("/todos")
def todos() -> Response:
    state = get_state()
    with state.lock:
        return jsonify({"todos": to_plain(list(state.todos.values()))})


@bp.get("/messages")
def messages() -> Response:
    state = get_state()
    with state.lock:
        return jsonify({"messages": to_plain(state.messages),
                        "chats": to_plain(list(state.chats.values()))})


@bp.get("/reports")
def reports() -> Response:
    state = get_state()
    with state.lock:
        return jsonify({"events": copy.deepcopy(state.reports),
                        "duplicates": state.report_duplicates})


@bp.get("/canary-leaks")
def canary_leaks() -> Response:
    """Calls whose query or body carried one of the canary's raw sensitive values."""
    state = get_state()
    with state.lock:
        return jsonify({"leaks": list(state.canary_leaks)})


# -- switches ----------------------------------------------------------------------------


@bp.post("/faults")
def add_fault() -> Response | tuple[Response, int]:
    """Fail the next `count` calls of `path`.

    Body: {"path", "kind": errcode|gateway|timeout|disconnect|httpNNN, "errcode", "count",
    "seconds"}.
    """
    params = _params()
    path = params.get("path")
    if not isinstance(path, str) or not path.startswith("/"):
        raise ControlError("path 应为以 / 开头的接口路径")
    seconds = params.get("seconds")
    try:
        fault = get_state().add_fault(
            path, str(params.get("kind", "")),
            count=_number(params, "count", int, 1),
            errcode=_number(params, "errcode", int, -1),
            seconds=None if seconds in (None, "") else _number(params, "seconds", float),
        )
    except ValueError as error:
        raise ControlError(f"故障参数无效：{error}") from None
    return _done({"fault": to_plain(fault)}, 201)


@bp.get("/faults")
def list_faults() -> Response:
    state = get_state()
    with state.lock:
        return jsonify({"faults": to_plain(state.faults)})


@bp.delete("/faults")
def clear_faults() -> Response:
    state = get_state()
    with state.lock:
        state.faults.clear()
    return jsonify({"faults": []})


@bp.post("/down")
def down() -> Response | tuple[Response, int]:
    """{"mode": "503" (default) | "refuse"}: the whole platform stops answering."""
    mode = str(_params().get("mode") or "503")
    if mode not in ("503", "refuse"):
        raise ControlError("mode 应为 503 或 refuse")
    state = get_state()
    with state.lock:
        state.down = mode
    return _done({"down": mode})


@bp.post("/up")
def up() -> Response | tuple[Response, int]:
    state = get_state()
    with state.lock:
        state.down = None
    return _done({"down": None})


@bp.post("/revoke-token")
def revoke_token() -> Response | tuple[Response, int]:
    return _done({"revoked": get_state().revoke_tokens()})


@bp.post("/advance")
def advance() -> Response | tuple[Response, int]:
    """{"seconds": N}: move the simulator clock (tokens, codes, tickets, windows) forward."""
    seconds = _number(_params(), "seconds", float)
    if seconds < 0:
        raise ControlError("时间只能向前拨")
    return _done({"now": get_state().advance(seconds)})


@bp.post("/envelope")
def envelope() -> Response | tuple[Response, int]:
    """{"enabled": true}: the WeCom-compatible paths answer in the platform envelope too."""
    enabled = _params().get("enabled")
    if enabled not in (True, False, "1", "0", "true", "false"):
        raise ControlError("enabled 应为 true 或 false")
    state = get_state()
    with state.lock:
        state.envelope_all = enabled in (True, "1", "true")
    return _done({"envelope_all": state.envelope_all})


@bp.post("/reset")
def reset() -> Response | tuple[Response, int]:
    get_state().reset()
    return _done({"reset": True})


# -- organisation editing (contact-sync tests) -------------------------------------------


def _public_users(state: SimState) -> list[dict]:
    return [{k: v for k, v in u.items() if k != "private"} for u in state.users.values()]


@bp.get("/org")
def org_view() -> Response:
    state = get_state()
    with state.lock:
        return jsonify({
            "departments": list(state.departments.values()),
            "users": _public_users(state),
            "visible_range": {"departments": sorted(state.visible_departments),
                              "users": sorted(state.visible_users)},
        })


def _departments(state: SimState, raw: Any) -> list[int]:
    if not isinstance(raw, list) or not raw:
        raise ControlError("department 应为非空的部门 id 列表")
    ids = []
    for item in raw:
        try:
            dept = int(item)
        except (TypeError, ValueError):
            raise ControlError("部门 id 应为整数") from None
        if dept not in state.departments:
            raise ControlError(f"部门 {dept} 不存在")
        ids.append(dept)
    return ids


def _add_user(state: SimState, params: dict) -> dict:
    user = params.get("user") or {}
    userid = str(user.get("userid", "")).lower()
    if not USERID.match(userid):
        raise ControlError("userid 只能包含小写字母、数字、点、下划线和连字符")
    if userid in state.users:
        raise ControlError(f"用户 {userid} 已存在")
    if not user.get("name"):
        raise ControlError("缺少 name")
    departments = _departments(state, user.get("department"))
    state.users[userid] = {
        "userid": userid, "name": str(user["name"]), "department": departments,
        "order": [0] * len(departments), "position": str(user.get("position", "")),
        "main_department": departments[0], "is_leader_in_dept": [0] * len(departments),
        "direct_leader": [], "status": 1,
        "private": {
            "gender": str(user.get("gender", "0")),
            "mobile": str(user.get("mobile", "")),
            "email": str(user.get("email", "")),
            "biz_mail": str(user.get("biz_mail", "")),
            "address": str(user.get("address", "")),
            "extattr": {"attrs": []},
        },
    }
    return {"userid": userid}


def _existing_user(state: SimState, params: dict) -> dict:
    user = state.find_user(str(params.get("userid", "")))
    if user is None:
        raise ControlError(f"用户 {params.get('userid')} 不存在")
    return user


def _move_user(state: SimState, params: dict) -> dict:
    user = _existing_user(state, params)
    departments = _departments(state, params.get("department"))
    user.update(department=departments, main_department=departments[0],
                order=[0] * len(departments), is_leader_in_dept=[0] * len(departments))
    return {"userid": user["userid"], "department": departments}


def _remove_user(state: SimState, params: dict) -> dict:
    user = _existing_user(state, params)
    del state.users[user["userid"]]
    state.visible_users.discard(user["userid"])
    return {"removed": user["userid"]}


def _add_department(state: SimState, params: dict) -> dict:
    dept = params.get("department") or {}
    dept_id = _number(dept, "id", int)
    if dept_id in state.departments:
        raise ControlError(f"部门 {dept_id} 已存在")
    parent = _departments(state, [dept.get("parentid", 1)])[0]
    if not dept.get("name"):
        raise ControlError("缺少部门 name")
    state.departments[dept_id] = {
        "id": dept_id, "name": str(dept["name"]), "name_en": "", "parentid": parent,
        "order": _number(dept, "order", int, 1000), "department_leader": [],
    }
    return {"id": dept_id}


def _set_visible_range(state: SimState, params: dict) -> dict:
    departments = params.get("departments") or []
    users = [str(u).lower() for u in params.get("users") or []]
    if not departments and not users:
        raise ControlError("可见范围不能为空")
    dept_ids = _departments(state, departments) if departments else []
    for userid in users:
        if userid not in state.users:
            raise ControlError(f"用户 {userid} 不存在")
    state.visible_departments = set(dept_ids)
    state.visible_users = set(users)
    return {"departments": sorted(dept_ids), "users": sorted(users)}


ORG_ACTIONS = {
    "add_user": _add_user,
    "move_user": _move_user,
    "remove_user": _remove_user,
    "add_department": _add_department,
    "set_visible_range": _set_visible_range,
}


@bp.post("/org")
def org_edit() -> Response | tuple[Response, int]:
    """{"action": add_user|move_user|remove_user|add_department|set_visible_range, ...}"""
    params = _params()
    action = ORG_ACTIONS.get(str(params.get("action")))
    if action is None:
        raise ControlError(f"action 应为 {'、'.join(ORG_ACTIONS)} 之一")
    state = get_state()
    with state.lock:
        result = action(state, params)
    return _done({"action": params["action"], **result})

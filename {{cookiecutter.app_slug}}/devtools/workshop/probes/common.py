"""What the probes share: the 请假申请 a learner files, and the platform's view of it.

The probes talk to the feature over HTTP, as its pages do, and read the simulator's
control API (/_sim/), so they hold whatever code the learner wrote to the tutorial's contract.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import requests
from sqlalchemy import select

PACKAGE = sorted(Path.cwd().glob("src/*/features/__init__.py"))[0].parent.parent.name
db = importlib.import_module(f"{PACKAGE}.extensions").db
OutboxMessage = importlib.import_module(f"{PACKAGE}.outbox").OutboxMessage
build_relay = importlib.import_module(f"{PACKAGE}.cli").build_relay
flush_reports = importlib.import_module(f"{PACKAGE}.reports").flush_reports

APPLICANT, APPROVER, OTHER = "zhangwei", "lina", "wangfang"
MOBILE, MASKED = "13812345678", "138****5678"
BASE = {"title": "年假", "note": "回老家", "handler_userid": APPROVER,
        "start_date": "2026-05-06", "days": 3}


def post(client, path: str, token: str | None, body: dict | None = None):
    headers = {"X-CSRF-Token": token} if token else {}
    return client.post(path, json=body, headers=headers)


def new_leave_body(client) -> dict:
    """A valid request: with 联系电话 once step 5 has added it to the schema."""
    schema = client.get("/openapi.json").json["components"]["schemas"].get("NewLeave", {})
    if "contact_mobile" in schema.get("properties", {}):
        return {**BASE, "contact_mobile": MOBILE}
    return dict(BASE)


def file_leave(client, login) -> int:
    """The applicant files a 请假申请 to the approver; its id."""
    token = login(APPLICANT)
    answer = post(client, "/api/leave", token, new_leave_body(client))
    assert answer.status_code == 201, (
        f"提交请假申请（POST /api/leave）应返回 201，实际 {answer.status_code}："
        f"{(answer.json or {}).get('error', answer.json)}")
    return answer.json["record"]["id"]


def outbox_kinds(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(OutboxMessage.kind).order_by(OutboxMessage.id)))


def deliver_all(app) -> None:
    """What `flask --app wsgi outbox run` does once: send every row, then the reports."""
    with app.app_context():
        relay = build_relay()
        stats = relay.run_once(limit=50)
        assert not (stats.retried or stats.dead), (
            f"发件箱有投递失败（重试 {stats.retried} 条，放弃 {stats.dead} 条）："
            "检查 deliveries.py 中发给平台的内容，日志里有平台返回的原因")
        flush_reports(relay.client)


def sim_json(sim, what: str) -> dict:
    return requests.get(f"{sim.base_url}/_sim/{what}", timeout=5).json()

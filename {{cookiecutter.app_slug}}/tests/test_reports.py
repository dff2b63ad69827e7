"""Key-operation reports (DB31DSJ/Z 003 §6.2.4 e): every platform call recorded, sent in batches."""

from __future__ import annotations

import time

import pytest
import requests
from sqlalchemy import select

from {{ cookiecutter.__package_name }}.extensions import db
from {{ cookiecutter.__package_name }}.platform import (
    MemoryTokenStore,
    PlatformClient,
    PlatformError,
    PlatformUnavailable,
    get_client,
)
from {{ cookiecutter.__package_name }}.reports import (
    REPORT_PATH,
    OperationEvent,
    flush_reports,
)

USER_GET = "/cgi-bin/user/get"


def events(app) -> list[OperationEvent]:
    with app.app_context():
        found = db.session.scalars(select(OperationEvent).order_by(OperationEvent.occurred_at,
                                                                   OperationEvent.api)).all()
        db.session.expunge_all()
        return found


def make_calls(app, sim, count: int) -> None:
    """`count` successful user/get calls (the token is fetched first, one more event)."""
    with app.app_context():
        for _ in range(count):
            get_client().get_user("lina")


def sim_reports(sim) -> dict:
    return requests.get(f"{sim.base_url}/_sim/reports", timeout=5).json()


def flush(app, client=None, **options) -> int:
    with app.app_context():
        return flush_reports(client or get_client(), **options)


def test_each_platform_call_is_recorded_with_its_outcome(platform_app, sim):
    started = int(time.time())
    with platform_app.app_context():
        client = get_client()
        client.get_user("lina")
        with pytest.raises(PlatformError):
            client.get_user("nobody")
        requests.post(f"{sim.base_url}/_sim/down", json={"mode": "503"}, timeout=5)
        with pytest.raises(PlatformUnavailable):
            client.get_user("lina")
    recorded = [(e.api, e.outcome, e.errcode) for e in events(platform_app)]
    assert sorted(recorded, key=str) == sorted([
        ("/cgi-bin/gettoken", "ok", 0),
        (USER_GET, "ok", 0),
        (USER_GET, "error", 60111),
        (USER_GET, "unavailable", None),
    ], key=str)
    for event in events(platform_app):
        assert event.duration_ms >= 0
        assert event.is_async is False
        assert started <= event.occurred_at <= time.time() + 1
        # An api path, numbers and an outcome word: no userid, no token, no answer.
        values = " ".join(str(value) for value in vars(event).values())
        for personal in ("lina", "nobody", "李娜", "access_token", "sim-secret"):
            assert personal not in values


def test_flush_sends_batches_once_each_and_deletes_what_was_accepted(platform_app, sim):
    make_calls(platform_app, sim, 4)  # + gettoken: 5 events
    stored = {event.event_id for event in events(platform_app)}
    assert len(stored) == 5
    assert flush(platform_app, batch_size=2) == 5
    assert len(sim.calls(REPORT_PATH)) == 3  # 2 + 2 + 1
    received = sim_reports(sim)
    assert {item["event"]["eventId"] for item in received["events"]} == stored
    assert received["duplicates"] == 0
    event = received["events"][0]["event"]
    assert set(event) == {"eventId", "operation", "outcome", "errcode", "durationMs", "async",
                          "occurredAt"}
    assert event["operation"] in ("/cgi-bin/gettoken", USER_GET)
    assert received["events"][0]["agentid"] == platform_app.config["SETTINGS"].ywxt_agent_id
    # Accepted events are deleted, and reporting was not itself recorded.
    assert events(platform_app) == []
    assert flush(platform_app) == 0


def test_a_resend_after_a_lost_answer_is_stored_once(platform_app, sim):
    make_calls(platform_app, sim, 2)
    stored = {event.event_id for event in events(platform_app)}
    # The platform stores the batch, then its answer is lost to a short client timeout.
    impatient = PlatformClient(platform_app.config["SETTINGS"], token_store=MemoryTokenStore(),
                               timeout=(2, 0.3))
    sim.fail_next(REPORT_PATH, "timeout", seconds=2)
    assert flush(platform_app, impatient) == 0
    assert {event.event_id for event in events(platform_app)} == stored  # kept for next time
    assert flush(platform_app) == 3
    received = sim_reports(sim)
    assert sorted(item["event"]["eventId"] for item in received["events"]) == sorted(stored)
    assert received["duplicates"] == 3  # recognised by eventId, not stored twice
    assert events(platform_app) == []


@pytest.mark.parametrize(("kind", "fault"), [("down", None), ("http503", {}),
                                             ("errcode", {"errcode": -1, "count": 4}),
                                             ("gateway", {"errcode": 1001})])
def test_events_are_kept_while_the_platform_refuses_them(platform_app, sim, kind, fault):
    make_calls(platform_app, sim, 2)
    stored = {event.event_id for event in events(platform_app)}
    if kind == "down":
        requests.post(f"{sim.base_url}/_sim/down", json={"mode": "503"}, timeout=5)
    else:
        sim.fail_next(REPORT_PATH, kind, **fault)
    client = PlatformClient(platform_app.config["SETTINGS"], token_store=MemoryTokenStore(),
                            sleep=lambda seconds: None)
    with platform_app.app_context():
        assert flush_reports(client) == 0
    # Nothing lost, and the failed report call was not recorded as an event either.
    assert {event.event_id for event in events(platform_app)} == stored
    assert all(event.api != REPORT_PATH for event in events(platform_app))
    requests.post(f"{sim.base_url}/_sim/up", timeout=5)
    assert flush(platform_app) == 3
    assert len(sim_reports(sim)["events"]) == 3

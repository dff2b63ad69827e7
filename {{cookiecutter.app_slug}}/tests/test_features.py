"""The core's feature registry: a feature plugs in its routes, interface-document entries,
outbox deliveries and first-screen data, and the core names none of them.

Shown with a feature that exists only in the tests (notices_feature.py), so these pass in
an app without 事项 (`include_demo=false`) as in one with it.
"""

from __future__ import annotations

import time
import uuid

import pytest
import requests
from flask import Blueprint

from {{ cookiecutter.__package_name }} import features
from {{ cookiecutter.__package_name }}.cli import build_relay
from {{ cookiecutter.__package_name }}.extensions import db
from {{ cookiecutter.__package_name }}.features import Feature
from {{ cookiecutter.__package_name }}.outbox import OutboxMessage, enqueue
from {{ cookiecutter.__package_name }}.outbox.relay import backlog

from .fixtures import tables_created
from .notices_feature import NOTICES
from .platform_sim_support import PC_AGENT_ID, FakeClock

TODO_ADD = "/cgi-bin/todo/add"


@pytest.fixture
def notices_app(make_config, make_app, sim):
    """The core plus the notices feature, talking to the simulator."""
    config = make_config(
        ywxt_api_base=sim.base_url,
        ywxt_secret="sim-secret-5f3c2b1a0d9e8f7a",
        ywxt_pc_agent_id=PC_AGENT_ID,
    )
    with tables_created(make_app(config, installed_features=[NOTICES])) as app:
        yield app


def queue_notice(app, number: int, kind: str = "notices.todo_add") -> str:
    task_num = uuid.uuid4().hex
    with app.app_context():
        enqueue(kind, f"notice:{number}", f"{kind}-{task_num}", number=number,
                task_num=task_num)
        db.session.commit()
    return task_num


def sim_todos(sim) -> list[dict]:
    return requests.get(f"{sim.base_url}/_sim/todos", timeout=5).json()["todos"]


def pending_rows(app) -> list[OutboxMessage]:
    with app.app_context():
        return list(db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id)))


def test_the_relay_delivers_what_the_installed_features_registered(notices_app, sim):
    task_num = queue_notice(notices_app, 1)
    with notices_app.app_context():
        stats = build_relay().run_once(limit=10)
    assert stats.delivered == 1
    [todo] = sim_todos(sim)
    assert todo["task_num"] == task_num
    assert todo["fields"]["linkUrl"].endswith("/#/notices/1")
    assert pending_rows(notices_app) == []  # 用完清除 (§8.2 b)


def test_a_kind_no_installed_feature_delivers_is_dead_and_the_rest_flows(notices_app, sim):
    """A feature removed while its rows waited: they stay, visible, for `outbox replay`."""
    queue_notice(notices_app, 1, kind="leave.todo_add")
    task_num = queue_notice(notices_app, 2)
    with notices_app.app_context():
        stats = build_relay().run_once(limit=10)
        assert backlog().dead == 1
    assert (stats.delivered, stats.dead) == (1, 1)
    assert [todo["task_num"] for todo in sim_todos(sim)] == [task_num]
    [row] = pending_rows(notices_app)
    assert (row.kind, row.dead, row.last_error) == ("leave.todo_add", True, "LookupError")


def test_an_update_waits_for_its_add_in_the_same_aggregate(notices_app, sim):
    task_num = uuid.uuid4().hex
    with notices_app.app_context():
        for kind in ("notices.todo_add", "notices.todo_update"):
            enqueue(kind, "notice:7", f"{kind}-{task_num}", number=7, task_num=task_num)
        db.session.commit()
    sim.fail_next(TODO_ADD, "http500", count=1)
    clock = FakeClock(float(int(time.time()) + 300))
    with notices_app.app_context():
        relay = build_relay()
        relay.clock = clock
        first = relay.run_once(limit=10)
        assert (first.delivered, first.retried) == (0, 1)
        assert sim.calls("/cgi-bin/todo/update") == []
        clock.tick(60)
        assert relay.run_once(limit=10).delivered == 2
    assert sim_todos(sim)[0]["status"] == 1


def test_flask_outbox_run_once_uses_the_registry(notices_app, sim):
    queue_notice(notices_app, 3)
    result = notices_app.test_cli_runner().invoke(args=["outbox", "run", "--once"])
    assert result.exit_code == 0, result.output
    assert "已投递 1" in result.output
    assert len(sim_todos(sim)) == 1


def test_a_features_route_is_served_and_documented(notices_app, sim):
    client = notices_app.test_client()
    assert client.get("/api/notices").status_code == 401  # the core's login rules apply
    spec = client.get("/openapi.json").json
    assert spec["paths"]["/api/notices"]["get"]["tags"] == ["通知"]
    assert {"name": "通知", "description": "测试用的业务功能"} in spec["tags"]


def test_an_app_without_features_has_the_core_only(make_config, make_app):
    with tables_created(make_app(make_config(), installed_features=[])) as app:
        assert features.installed(app) == []
        assert features.deliveries(app) == {}
        paths = app.test_client().get("/openapi.json").json["paths"]
        assert "/api/messages" in paths and "/api/me" in paths
        assert not any(path.startswith(("/api/items", "/api/notices")) for path in paths)


@pytest.mark.parametrize(("options", "message"), [
    ({"name": "Leave"}, "not a lowercase identifier"),
    ({"name": "leave", "deliveries": {"todo_add": print}}, "must start with 'leave.'"),
])
def test_a_feature_that_breaks_the_rules_is_refused_at_start(options, message):
    with pytest.raises(ValueError, match=message):
        Feature(**{"title": "请假", "blueprint": Blueprint("leave", __name__), **options})


def test_every_installed_feature_loads_and_names_itself():
    for feature in features.load():
        assert feature.name in features.INSTALLED_FEATURES
        assert all(kind.startswith(f"{feature.name}.") for kind in feature.deliveries)

"""The outbox relay against the platform simulator over HTTP: nothing lost, nothing doubled.

DB31DSJ/Z 003 §6.2.4 f and Appendix C (unified todos), §8.2 b–c (references only, 用完清除).
The relay gets a fake clock and fixed randomness, the platform client a recording
`sleep`: no test waits for a backoff to pass.
"""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid

import pytest
import requests
from sqlalchemy import func, select

from {{ cookiecutter.__package_name }} import create_app
from {{ cookiecutter.__package_name }}.extensions import db
from {{ cookiecutter.__package_name }}.outbox import OutboxMessage, enqueue
from {{ cookiecutter.__package_name }}.outbox.relay import Backoff, CircuitBreaker, Relay
from {{ cookiecutter.__package_name }}.platform import MemoryTokenStore, PlatformClient

from ..deliveries import DELIVERIES
from ..models import Item
from tests.fixtures import APP_ORIGIN, tables_created
from tests.platform_sim_support import PC_AGENT_ID, FakeClock

TODO_ADD = "/cgi-bin/todo/add"
ON_POSTGRESQL = os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")


# -- fixtures and helpers ----------------------------------------------------------------


def sim_config(make_config, sim, **overrides):
    """The app's settings for the simulator, as `make dev` has them (.env.example).

    todo/add checks pcAgentId: the simulator's PC agent is 1000003, not the mobile one.
    """
    return make_config(
        ywxt_api_base=sim.base_url,
        ywxt_oauth_authorize_url=f"{sim.base_url}/connect/oauth2/authorize",
        ywxt_web_login_url=f"{sim.base_url}/wwlogin/sso/login",
        ywxt_jssdk_url=f"{sim.base_url}/jssdk/jweixin.js",
        ywxt_secret="sim-secret-5f3c2b1a0d9e8f7a",
        ywxt_pc_agent_id=PC_AGENT_ID,
        **overrides,
    )


@pytest.fixture
def platform_app(make_config, make_app, sim):
    with tables_created(make_app(sim_config(make_config, sim))) as app:
        yield app


@pytest.fixture
def clock() -> FakeClock:
    # Rows are written with the wall clock; the relay's clock starts a little later (every
    # row of the test is due) and moves only on command.
    return FakeClock(float(int(time.time()) + 300))


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def relay_client(platform_app, sleeps):
    """A platform client that records its busy-retry sleeps and gives up on a held answer fast."""
    return PlatformClient(platform_app.config["SETTINGS"], token_store=MemoryTokenStore(),
                          sleep=sleeps.append, rand=lambda: 0.5, timeout=(2, 0.5))


@pytest.fixture
def make_relay(relay_client, clock):
    def build(**options) -> Relay:
        options.setdefault("clock", clock)
        options.setdefault("rand", lambda: 0.5)
        return Relay(options.pop("client", relay_client), DELIVERIES, **options)

    return build


def run(app, relay: Relay, limit: int = 100):
    with app.app_context():
        return relay.run_once(limit)


class Desk:
    """Creates and completes items through the API, as 张伟 and 李娜 would."""

    def __init__(self, auth):
        self.auth = auth
        self.client = auth.client
        self.user: str | None = None
        self.token = ""

    def _as(self, userid: str) -> None:
        if self.user != userid:
            self.auth.login(userid)
            self.token, self.user = self.auth.csrf_token(), userid

    def create(self, title: str = "报送季度统计表", assignee: str = "lina") -> int:
        self._as("zhangwei")
        answer = self.client.post("/api/items", headers={"X-CSRF-Token": self.token},
                                  json={"title": title, "assignee_userid": assignee,
                                        "description": "请于周五前报送。"})
        assert answer.status_code == 201, answer.json
        return answer.json["item"]["id"]

    def complete(self, item_id: int) -> None:
        self._as("lina")
        answer = self.client.post(f"/api/items/{item_id}/complete",
                                  headers={"X-CSRF-Token": self.token})
        assert answer.status_code == 200, answer.json


@pytest.fixture
def desk(auth) -> Desk:
    return Desk(auth)


def rows(app) -> list[OutboxMessage]:
    with app.app_context():
        found = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        db.session.expunge_all()
        return found


def task_num(app, item_id: int) -> str:
    with app.app_context():
        return db.session.get(Item, item_id).task_num


def sim_todos(sim) -> list[dict]:
    return requests.get(f"{sim.base_url}/_sim/todos", timeout=5).json()["todos"]


def sim_messages(sim, channel: str) -> list[dict]:
    messages = requests.get(f"{sim.base_url}/_sim/messages", timeout=5).json()["messages"]
    return [message for message in messages if message["channel"] == channel]


def link(item_id: int) -> str:
    return f"{APP_ORIGIN}/#/items/{item_id}"


def add_items(app, count: int) -> list[str]:
    """Items written straight to the database the way the view writes them; their taskNums."""
    task_nums = []
    with app.app_context():
        for number in range(count):
            item = Item(title=f"事项{number}", description="", priority="normal", status="open",
                        creator_userid="zhangwei", creator_name="张伟",
                        assignee_userid="lina", assignee_name="李娜",
                        task_num=uuid.uuid4().hex, created_at=int(time.time()))
            db.session.add(item)
            db.session.flush()
            enqueue("items.todo_add", f"item:{item.id}", f"todo-add-{item.task_num}",
                    item_id=item.id)
            db.session.commit()
            task_nums.append(item.task_num)
    return task_nums


# -- the happy path ----------------------------------------------------------------------


def test_a_created_item_becomes_the_assignees_todo(platform_app, desk, make_relay, sim):
    item_id = desk.create()
    stats = run(platform_app, make_relay())
    assert (stats.delivered, stats.retried, stats.dead) == (1, 0, 0)
    [todo] = sim_todos(sim)
    fields = todo["fields"]
    assert todo["task_num"] == task_num(platform_app, item_id)
    assert fields["receiver"] == "lina"
    assert fields["sender"] == "zhangwei"
    assert fields["linkUrl"] == fields["mobileLinkUrl"] == link(item_id)
    assert fields["type"] == 0  # 办件: the assignee has to act
    assert fields["taskName"] == "报送季度统计表"
    assert todo["status"] == 0
    # The platform pushes the todo to the assignee (sendMessage=1).
    [pushed] = sim_messages(sim, "todo")
    assert pushed["recipients"] == ["lina"]
    assert rows(platform_app) == []  # 用完清除: delivered rows are deleted


def test_completing_marks_the_todo_done_and_tells_the_creator(platform_app, desk, make_relay,
                                                             sim):
    item_id = desk.create()
    run(platform_app, make_relay())
    desk.complete(item_id)
    stats = run(platform_app, make_relay())
    assert stats.delivered == 2
    [todo] = sim_todos(sim)
    assert (todo["status"], todo["read_status"]) == (1, 1)
    assert todo["done_url"] == todo["pc_done_url"] == link(item_id)
    [message] = sim_messages(sim, "app")
    assert message["recipients"] == ["zhangwei"]
    assert message["msgtype"] == "textcard"
    assert message["content"]["title"] == "事项已办结"
    assert message["content"]["description"] == "李娜已办结“报送季度统计表”"
    assert message["content"]["url"] == link(item_id)
    assert rows(platform_app) == []


def test_rows_hold_references_only(platform_app, desk):
    """§8.2 c: the outbox holds ids, never titles, names or userids of people."""
    item_id = desk.create(title="机密的标题")
    desk.complete(item_id)
    found = rows(platform_app)
    assert [row.kind for row in found] == [
        "items.todo_add", "items.todo_update", "items.message_send"]
    for row in found:
        assert set(json.loads(row.payload)) <= {"item_id", "template"}
        for personal in ("机密的标题", "lina", "李娜", "zhangwei", "张伟"):
            assert personal not in row.payload


# -- order per aggregate -----------------------------------------------------------------


def test_an_update_never_overtakes_a_failing_add(platform_app, desk, make_relay, sim, clock):
    item_id = desk.create()
    desk.complete(item_id)  # add, update and message all wait now
    sim.fail_next(TODO_ADD, "http500", count=2)
    relay = make_relay()
    for _ in range(2):
        stats = run(platform_app, relay)
        assert (stats.delivered, stats.retried) == (0, 1)
        assert sim.calls("/cgi-bin/todo/update") == []
        assert sim.calls("/cgi-bin/message/send") == []
        clock.tick(60)
    assert run(platform_app, relay).delivered == 3
    deliveries = (TODO_ADD, "/cgi-bin/todo/update", "/cgi-bin/message/send")
    calls = [call.path for call in sim.calls() if call.path in deliveries]
    assert calls == [TODO_ADD, TODO_ADD, TODO_ADD, "/cgi-bin/todo/update", "/cgi-bin/message/send"]
    assert sim_todos(sim)[0]["status"] == 1


def test_a_dead_add_holds_back_its_update_until_replayed(platform_app, desk, make_relay, sim,
                                                         clock):
    item_id = desk.create()
    desk.complete(item_id)
    sim.fail_next(TODO_ADD, "http500")
    relay = make_relay(backoff=Backoff(max_attempts=1))
    assert run(platform_app, relay).dead == 1
    clock.tick(3600)
    assert run(platform_app, relay).delivered == 0
    assert sim.calls("/cgi-bin/todo/update") == []
    assert [(row.kind, row.dead) for row in rows(platform_app)] == [
        ("items.todo_add", True), ("items.todo_update", False), ("items.message_send", False)]
    replay = platform_app.test_cli_runner().invoke(args=["outbox", "replay"])
    assert "已重新排队 1 条" in replay.output
    assert run(platform_app, relay).delivered == 3
    assert sim_todos(sim)[0]["status"] == 1


# -- faults: retried with backoff, delivered exactly once --------------------------------


FAULTS = [
    pytest.param("http500", {"count": 3}, 3, id="http500"),
    pytest.param("http502", {"count": 1}, 1, id="http502"),
    # -1 is retried 3 times inside the client, so 4 in a row fail one relay attempt.
    pytest.param("errcode", {"errcode": -1, "count": 4}, 1, id="busy"),
    pytest.param("errcode", {"errcode": 45009, "count": 2}, 2, id="rate-limited"),
    pytest.param("gateway", {"errcode": 502, "count": 1}, 1, id="gateway"),
    pytest.param("disconnect", {"count": 2}, 2, id="disconnect"),
    # The platform acts, then its answer is lost: the resend carries the same taskNum.
    pytest.param("timeout", {"seconds": 3, "count": 1}, 1, id="timeout"),
]


@pytest.mark.parametrize(("kind", "fault", "failed_attempts"), FAULTS)
def test_a_failing_todo_add_is_retried_and_delivered_exactly_once(
        platform_app, desk, make_relay, sim, clock, kind, fault, failed_attempts):
    item_id = desk.create()
    sim.fail_next(TODO_ADD, kind, **fault)
    relay = make_relay()
    for attempt in range(1, failed_attempts + 1):
        stats = run(platform_app, relay)
        assert (stats.delivered, stats.retried) == (0, 1)
        [row] = rows(platform_app)
        assert row.attempts == attempt
        assert row.last_error
        assert row.next_attempt_at > clock.now  # not before the backoff has passed
        assert run(platform_app, relay).delivered == 0  # still waiting
        clock.now = float(row.next_attempt_at)
    assert run(platform_app, relay).delivered == 1
    [todo] = sim_todos(sim)
    assert todo["task_num"] == task_num(platform_app, item_id)
    assert todo["duplicate_attempts"] == (1 if kind == "timeout" else 0)
    assert len(sim_messages(sim, "todo")) == 1  # the assignee was told once
    assert rows(platform_app) == []


def test_busy_is_retried_inside_the_client_with_backoff_first(platform_app, desk, make_relay,
                                                             sim, sleeps):
    desk.create()
    sim.fail_next(TODO_ADD, "errcode", errcode=-1, count=2)
    assert run(platform_app, make_relay()).delivered == 1
    assert sleeps == pytest.approx([0.15, 0.3])  # RetryPolicy: equal jitter at rand 0.5, doubling
    assert len(sim.calls(TODO_ADD)) == 3


@pytest.mark.parametrize("mode", ["503", "refuse"])
def test_a_platform_that_is_down_gets_the_todo_once_it_is_back(platform_app, desk, make_relay,
                                                               sim, clock, mode):
    desk.create()
    requests.post(f"{sim.base_url}/_sim/down", json={"mode": mode}, timeout=5)
    relay = make_relay()
    for _ in range(3):
        assert run(platform_app, relay).retried == 1
        clock.tick(120)
    requests.post(f"{sim.base_url}/_sim/up", timeout=5)
    assert run(platform_app, relay).delivered == 1
    assert len(sim_todos(sim)) == 1
    assert rows(platform_app) == []


def test_a_revoked_token_is_refreshed_and_the_delivery_goes_through(platform_app, desk,
                                                                    make_relay, sim):
    desk.create(title="甲")
    desk.create(title="乙")
    relay = make_relay()
    assert run(platform_app, relay, limit=1).delivered == 1
    requests.post(f"{sim.base_url}/_sim/revoke-token", timeout=5)
    fetched = len(sim.calls("/cgi-bin/gettoken"))
    stats = run(platform_app, relay)
    assert (stats.delivered, stats.retried) == (1, 0)
    assert [call.errcode for call in sim.calls(TODO_ADD)] == [0, 40014, 0]
    assert len(sim.calls("/cgi-bin/gettoken")) == fetched + 1  # refreshed once
    assert sorted(todo["fields"]["taskName"] for todo in sim_todos(sim)) == ["乙", "甲"]


def test_an_untrusted_link_is_dead_at_once_and_never_sent(platform_app, desk, make_relay, sim):
    desk.create()
    # A client whose trusted domain is not where the app's links point (a misconfiguration).
    elsewhere = dataclasses.replace(platform_app.config["SETTINGS"],
                                    app_base_url="https://elsewhere.example.gov.cn")
    client = PlatformClient(elsewhere, token_store=MemoryTokenStore())
    relay = make_relay(client=client)
    stats = run(platform_app, relay)
    assert (stats.delivered, stats.retried, stats.dead) == (0, 0, 1)
    [row] = rows(platform_app)
    assert (row.dead, row.last_error) == (True, "UntrustedLinkError")
    assert sim.calls(TODO_ADD) == []
    assert not relay.breaker.is_open


def test_an_unknown_kind_is_dead_and_does_not_stop_the_others(platform_app, make_relay, sim):
    with platform_app.app_context():
        enqueue("fax_send", "fax:1", "fax-1", item_id=1)
        db.session.commit()
    [task] = add_items(platform_app, 1)
    stats = run(platform_app, make_relay())
    assert (stats.delivered, stats.dead) == (1, 1)
    assert [todo["task_num"] for todo in sim_todos(sim)] == [task]
    [row] = rows(platform_app)
    assert (row.kind, row.dead, row.last_error) == ("fax_send", True, "LookupError")


# -- backoff and circuit breaker ---------------------------------------------------------


def test_backoff_doubles_with_equal_jitter_up_to_the_cap():
    backoff = Backoff(base_delay=5, max_delay=900)
    ceilings = [5, 10, 20, 40, 80, 160, 320, 640, 900, 900, 900]
    for attempt, ceiling in enumerate(ceilings, start=1):
        assert backoff.delay(attempt, 0.0) == ceiling / 2
        assert ceiling / 2 <= backoff.delay(attempt, 0.999) < ceiling


def test_next_attempt_grows_jittered_and_capped_until_the_row_is_dead(platform_app, desk,
                                                                      make_relay, sim, clock):
    desk.create()
    requests.post(f"{sim.base_url}/_sim/down", json={"mode": "503"}, timeout=5)
    jitter = iter([0.0, 0.999] * 6)
    relay = make_relay(rand=lambda: next(jitter), breaker=CircuitBreaker(fail_max=100))
    waits = []
    for _ in range(11):
        assert run(platform_app, relay).retried == 1
        [row] = rows(platform_app)
        waits.append(row.next_attempt_at - clock.now)
        clock.now = float(row.next_attempt_at)
    # int(ceiling/2) at rand 0, int(0.999 * ceiling) at rand 0.999, ceilings 5…900.
    assert waits == [2, 9, 10, 39, 40, 159, 160, 639, 450, 899, 450]
    stats = run(platform_app, relay)
    assert stats.dead == 1  # the 12th failure is the last
    [row] = rows(platform_app)
    assert (row.dead, row.attempts) == (True, 12)


def test_the_breaker_opens_after_five_failures_and_half_opens(platform_app, make_relay, sim,
                                                              clock):
    add_items(platform_app, 6)
    sim.fail_next(TODO_ADD, "http500", count=6)
    relay = make_relay()
    stats = run(platform_app, relay)
    assert (stats.retried, stats.paused) == (5, True)
    assert relay.breaker.is_open
    assert len(sim.calls(TODO_ADD)) == 5  # the sixth row was not tried: no hammering
    clock.tick(59)
    assert run(platform_app, relay).paused
    assert len(sim.calls(TODO_ADD)) == 5
    clock.tick(1)  # half-open: one trial, which fails and opens the breaker again
    stats = run(platform_app, relay)
    assert (stats.retried, stats.paused) == (1, True)
    assert len(sim.calls(TODO_ADD)) == 6
    clock.tick(60)  # the next trial succeeds and closes it
    stats = run(platform_app, relay)
    assert (stats.delivered, stats.paused) == (6, False)
    assert not relay.breaker.is_open
    assert len(sim_todos(sim)) == 6


def test_a_refused_request_does_not_pause_the_other_deliveries(platform_app, make_relay, sim):
    """An errcode about one request (60011: receiver out of range) is not a platform outage."""
    add_items(platform_app, 7)
    sim.fail_next(TODO_ADD, "errcode", errcode=60011, count=6)
    relay = make_relay()
    stats = run(platform_app, relay)
    assert (stats.retried, stats.delivered, stats.paused) == (6, 1, False)
    assert not relay.breaker.is_open


# -- dead rows: health and replay --------------------------------------------------------


def test_a_dead_row_warns_in_healthz_and_replay_delivers_it(platform_app, platform_client, desk,
                                                           make_relay, sim, clock):
    platform_app.extensions["health"].ttl = 0  # no cached answers in this test

    def outbox_check() -> dict:
        answer = platform_client.get("/healthz")
        assert answer.status_code == 200
        return answer.json["checks"]["outbox:backlog"][0]

    desk.create()
    assert outbox_check()["status"] == "pass"
    sim.fail_next(TODO_ADD, "http500", count=2)
    relay = make_relay(backoff=Backoff(max_attempts=2))
    run(platform_app, relay)
    clock.tick(60)
    assert run(platform_app, relay).dead == 1
    check = outbox_check()
    assert check["status"] == "warn"
    assert "flask outbox replay" in check["output"]
    assert platform_client.get("/healthz").json["status"] == "warn"

    runner = platform_app.test_cli_runner()
    status = runner.invoke(args=["outbox", "status"])
    assert "待投递 0 条，已放弃 1 条" in status.output
    replay = runner.invoke(args=["outbox", "replay"])
    assert replay.exit_code == 0
    assert "已重新排队 1 条" in replay.output
    assert run(platform_app, relay).delivered == 1
    assert len(sim_todos(sim)) == 1
    assert outbox_check()["status"] == "pass"


def test_outbox_run_once_delivers_and_reports(platform_app, desk, sim):
    desk.create()
    result = platform_app.test_cli_runner().invoke(args=["outbox", "run", "--once"])
    assert result.exit_code == 0, result.output
    assert "已投递 1，待重试 0，放弃 0" in result.output
    assert len(sim_todos(sim)) == 1
    assert requests.get(f"{sim.base_url}/_sim/reports", timeout=5).json()["events"]


def test_the_relay_outlives_a_database_error(platform_app, make_relay, sim, monkeypatch):
    from sqlalchemy.exc import OperationalError

    add_items(platform_app, 1)
    relay = make_relay()
    claim_next = relay.claim_next
    failures = iter([OperationalError("SELECT", {}, Exception("database is locked"))])

    def flaky_claim(now):
        error = next(failures, None)
        if error is not None:
            raise error
        return claim_next(now)

    monkeypatch.setattr(relay, "claim_next", flaky_claim)
    stop = threading.Event()
    rounds = []

    def after_each():
        rounds.append(1)
        if len(sim_todos(sim)) == 1 or len(rounds) > 5:
            stop.set()

    with platform_app.app_context():
        relay.run_forever(stop, idle_seconds=0, after_each=after_each)
    assert len(sim_todos(sim)) == 1


# -- a relay killed between "the platform accepted" and "the row was deleted" ------------


class WatchedTodos(dict):
    """The simulator's todo table, raising a flag the moment a todo is stored."""

    def __init__(self):
        super().__init__()
        self.stored = threading.Event()

    def __setitem__(self, key, value):
        super().__setitem__(key, value)
        self.stored.set()


def relay_command(tmp_path, *args: str) -> list[str]:
    # The app factory with an instance folder of its own (its token cache), as `flask --app`.
    factory = f"{create_app.__module__}:create_app(instance_path={str(tmp_path / 'relay')!r})"
    return [sys.executable, "-m", "flask", "--app", factory, "outbox", "run", *args]


def relay_environment(app, sim, cache_environ: dict[str, str]) -> dict[str, str]:
    settings = app.config["SETTINGS"]
    environ = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "TMPDIR")
               if name in os.environ}
    environ.update({
        "FLASK_SKIP_DOTENV": "1",
        "PYTHONUNBUFFERED": "1",
        "APP_ENV": "development",  # the simulator speaks plain http
        "FLASK_SECRET_KEY": "k" * 48,
        "APP_BASE_URL": settings.app_base_url,
        "DATABASE_URL": settings.database_url,
        "YWXT_API_BASE": sim.base_url,
        "YWXT_OAUTH_AUTHORIZE_URL": f"{sim.base_url}/connect/oauth2/authorize",
        "YWXT_WEB_LOGIN_URL": f"{sim.base_url}/wwlogin/sso/login",
        "YWXT_JSSDK_URL": f"{sim.base_url}/jssdk/jweixin.js",
        "YWXT_CORP_ID": settings.ywxt_corp_id,
        "YWXT_AGENT_ID": settings.ywxt_agent_id,
        "YWXT_PC_AGENT_ID": settings.ywxt_pc_agent_id,
        "YWXT_SECRET": settings.ywxt_secret,
        **cache_environ,
    })
    return environ


def test_a_relay_killed_after_the_platform_acted_delivers_once_after_restart(
        platform_app, desk, sim, tmp_path, cache_environ):
    item_id = desk.create()
    task = task_num(platform_app, item_id)
    sim.state.todos = WatchedTodos()
    # The platform stores the todo, then holds its answer: the relay is stuck in the call.
    sim.fail_next(TODO_ADD, "timeout", seconds=60)
    environ = relay_environment(platform_app, sim, cache_environ)
    relay = subprocess.Popen(relay_command(tmp_path, "--idle-seconds", "0.1"), env=environ,
                             cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
    try:
        deadline = time.monotonic() + 60
        while not sim.state.todos.stored.wait(0.05):
            assert relay.poll() is None, relay.communicate()
            assert time.monotonic() < deadline, "the relay never called todo/add"
        relay.send_signal(signal.SIGKILL)  # no cleanup, no commit: a power cut
        relay.wait(10)
    finally:
        if relay.poll() is None:
            relay.kill()
            relay.wait(10)
    assert relay.returncode == -signal.SIGKILL
    [row] = rows(platform_app)  # the platform acted, the row is still here
    assert row.kind == "items.todo_add"
    assert list(sim.state.todos) == [task]

    again = subprocess.run(relay_command(tmp_path, "--once"), env=environ, cwd=tmp_path,
                           capture_output=True, text=True, timeout=60)
    assert again.returncode == 0, again.stderr
    assert "已投递 1" in again.stdout
    [todo] = sim_todos(sim)  # still one todo: the platform recognised the taskNum
    assert todo["task_num"] == task
    assert todo["duplicate_attempts"] == 1
    assert len(sim.calls(TODO_ADD)) == 2
    assert len(sim_messages(sim, "todo")) == 1
    assert rows(platform_app) == []


# -- several relays on PostgreSQL --------------------------------------------------------


@pytest.mark.skipif(not ON_POSTGRESQL, reason="SKIP LOCKED needs PostgreSQL; run one relay "
                                               "with SQLite")
def test_two_relays_in_parallel_never_deliver_a_row_twice(platform_app, sim, clock):
    tasks = add_items(platform_app, 40)
    sim.fail_next(TODO_ADD, "timeout", seconds=0.05, count=40)  # slow answers: real overlap
    settings = platform_app.config["SETTINGS"]
    start = threading.Barrier(2)
    delivered = {}
    errors = []

    def relay_worker(name: str) -> None:
        client = PlatformClient(settings, token_store=MemoryTokenStore(), timeout=(2, 5))
        relay = Relay(client, DELIVERIES, clock=clock, rand=lambda: 0.5)
        delivered[name] = 0
        try:
            with platform_app.app_context():
                start.wait()
                while True:
                    stats = relay.run_once(limit=1)
                    delivered[name] += stats.delivered
                    remaining = db.session.scalar(select(func.count()).select_from(OutboxMessage))
                    db.session.rollback()
                    if remaining == 0:
                        return
        except Exception as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)

    workers = [threading.Thread(target=relay_worker, args=(name,)) for name in ("a", "b")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    assert errors == []
    assert sum(delivered.values()) == 40
    assert min(delivered.values()) > 0, delivered  # both relays really worked
    sent = [call.body["taskNum"] for call in sim.calls(TODO_ADD)]
    assert sorted(sent) == sorted(tasks)  # every row sent exactly once
    assert all(todo["duplicate_attempts"] == 0 for todo in sim_todos(sim))

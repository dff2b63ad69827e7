"""The 事项 API over the real login flow: validation, CSRF, ownership, one transaction.

DB31DSJ/Z 003 §6.2.4 f / Appendix C: every change the platform must hear about is an
outbox row written in the same transaction as the change; the relay is tested in
test_outbox.py.
"""

from __future__ import annotations

import json
import uuid

import pytest
import requests
from sqlalchemy import func, select, update

from {{ cookiecutter.__package_name }}.extensions import db, prepare
from {{ cookiecutter.__package_name }}.inbox import AppMessage
from {{ cookiecutter.__package_name }}.outbox import OutboxMessage, enqueue
from {{ cookiecutter.__package_name }}.timestamps import iso

from .. import service
from ..models import Item
from ..schemas import NEW_ITEM as NEW_ITEM_SCHEMA
from tests.fixtures import sql_recorded

NEW_ITEM = {"title": "报送季度统计表", "description": "请于周五前报送。",
            "assignee_userid": "lina", "due_date": "2026-12-31", "priority": "urgent"}


@pytest.fixture
def login(auth):
    """Log in as `userid`; returns the CSRF token to send on POSTs."""

    def as_user(userid: str) -> str:
        auth.login(userid)
        return auth.csrf_token()

    return as_user


def post_item(client, token: str, body=None, **changes):
    return client.post("/api/items", json={**NEW_ITEM, **changes} if body is None else body,
                       headers={"X-CSRF-Token": token})


def complete(client, token: str, item_id: int):
    return client.post(f"/api/items/{item_id}/complete", headers={"X-CSRF-Token": token})


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def outbox_rows(app) -> list[tuple[str, str, dict]]:
    with app.app_context():
        rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        return [(row.kind, row.aggregate, json.loads(row.payload)) for row in rows]


def test_creating_an_item_writes_the_item_its_todo_row_and_a_message(platform_client,
                                                                      platform_app, login):
    token = login("zhangwei")
    answer = post_item(platform_client, token)
    assert answer.status_code == 201, answer.json
    item = answer.json["item"]
    assert item["title"] == "报送季度统计表"
    assert item["status"] == "open"
    assert item["priority"] == "urgent"
    assert item["due_date"] == "2026-12-31"
    assert item["creator"] == {"userid": "zhangwei", "name": "张伟"}
    assert item["assignee"] == {"userid": "lina", "name": "李娜"}
    assert item["can_complete"] is False  # the creator is not the assignee
    assert outbox_rows(platform_app) == [("items.todo_add", f"item:{item['id']}",
                                          {"item_id": item["id"]})]
    with platform_app.app_context():
        [message] = db.session.scalars(select(AppMessage)).all()
        assert message.recipient_userid == "lina"
        assert message.description == "张伟请您办理“报送季度统计表”"


def test_the_limits_themselves_are_accepted(platform_client, login):
    token = login("zhangwei")
    answer = post_item(platform_client, token, title="题" * 40, description="说" * 500,
                       due_date=None, priority=None)
    assert answer.status_code == 201, answer.json
    assert answer.json["item"]["priority"] == "normal"
    assert answer.json["item"]["due_date"] is None


def test_an_assignee_spelled_with_capitals_is_the_same_colleague(platform_client, login):
    token = login("zhangwei")
    assert post_item(platform_client, token, assignee_userid="lina").status_code == 201
    # Userids are case-insensitive on the platform; the contact is already stored.
    answer = post_item(platform_client, token, assignee_userid="LiNa")
    assert answer.status_code == 201, answer.json
    assert answer.json["item"]["assignee"] == {"userid": "lina", "name": "李娜"}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "请填写事项标题"),
        ({"title": "   "}, "title", "请填写事项标题"),
        ({"title": "题" * 41}, "title", "标题不能超过 40 个字"),
        ({"title": 42}, "title", "请填写事项标题"),
        ({"description": "说" * 501}, "description", "说明不能超过 500 个字"),
        ({"description": ["x"]}, "description", "说明应为文字"),
        ({"assignee_userid": None}, "assignee_userid", "请选择办理人"),
        ({"assignee_userid": ""}, "assignee_userid", "请选择办理人"),
        ({"assignee_userid": "nobody"}, "assignee_userid", "办理人不在本应用的可见范围内"),
        ({"due_date": "2026-13-01"}, "due_date", "截止日期格式应为 YYYY-MM-DD"),
        ({"due_date": "20261231"}, "due_date", "截止日期格式应为 YYYY-MM-DD"),
        ({"due_date": 20261231}, "due_date", "截止日期格式应为 YYYY-MM-DD"),
        ({"due_date": "明天"}, "due_date", "截止日期格式应为 YYYY-MM-DD"),
        ({"priority": "high"}, "priority", "紧急程度只能是普通或紧急"),
    ],
)
def test_invalid_items_are_refused_with_the_field_to_fix(platform_client, platform_app, login,
                                                         changes, field, message):
    token = login("zhangwei")
    answer = post_item(platform_client, token, **changes)
    assert answer.status_code == 422
    error = answer.json["error"]
    assert error["title"] == "内容有误"
    assert error["fields"] == {field: message}
    assert count(platform_app, Item) == count(platform_app, OutboxMessage) == 0


def test_an_assignee_outside_the_visible_range_is_refused(platform_client, platform_app,
                                                          login, sim):
    token = login("zhangwei")
    # The app now sees only 办公室 (zhangwei, lina): 王芳 of 信息中心 is outside.
    requests.post(f"{sim.base_url}/_sim/org", timeout=5,
                  json={"action": "set_visible_range", "departments": [2]}).raise_for_status()
    answer = post_item(platform_client, token, assignee_userid="wangfang")
    assert answer.status_code == 422
    assert answer.json["error"]["fields"] == {"assignee_userid": "办理人不在本应用的可见范围内"}
    assert count(platform_app, Item) == 0


def test_several_problems_are_reported_together(platform_client, login):
    token = login("zhangwei")
    answer = post_item(platform_client, token, body={"title": "", "priority": "x"})
    assert answer.status_code == 422
    assert set(answer.json["error"]["fields"]) == {"title", "assignee_userid", "priority"}


@pytest.mark.parametrize(
    "request_options",
    [
        {"data": "title=报送", "content_type": "application/x-www-form-urlencoded"},
        {"data": "{not json", "content_type": "application/json"},
        {"json": ["报送"]},
        {"json": "报送"},
    ],
    ids=["form", "broken-json", "array", "string"],
)
def test_a_body_that_is_not_a_json_object_is_a_bad_request(platform_client, platform_app,
                                                           login, request_options):
    token = login("zhangwei")
    answer = platform_client.post("/api/items", headers={"X-CSRF-Token": token},
                                  **request_options)
    assert answer.status_code == 400
    assert answer.json["error"]["message"] == "请以 JSON 对象提交。"
    assert count(platform_app, Item) == 0


@pytest.mark.parametrize("headers", [{}, {"X-CSRF-Token": "forged"}], ids=["none", "wrong"])
def test_posting_without_the_csrf_token_is_forbidden(platform_client, platform_app, login,
                                                     headers):
    login("zhangwei")
    answer = platform_client.post("/api/items", json=NEW_ITEM, headers=headers)
    assert answer.status_code == 403
    assert answer.json["error"]["title"] == "安全校验失败"
    assert count(platform_app, Item) == count(platform_app, OutboxMessage) == 0


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/items"),
        ("post", "/api/items"),
        ("get", "/api/items/1"),
        ("post", "/api/items/1/complete"),
        ("get", "/api/messages"),
        ("post", "/api/messages/1/read"),
    ],
)
def test_every_endpoint_needs_a_login(platform_client, method, path):
    answer = getattr(platform_client, method)(path, json=NEW_ITEM if method == "post" else None)
    assert answer.status_code == 401
    assert answer.json["error"]["title"] == "请先登录"


def test_the_item_and_its_outbox_row_are_one_transaction(platform_client, platform_app, login,
                                                         monkeypatch):
    """If the outbox row cannot be written, the item is not written either."""
    token = login("zhangwei")
    fixed = uuid.UUID("0123456789abcdef0123456789abcdef")
    monkeypatch.setattr(service.uuid, "uuid4", lambda: fixed)
    with platform_app.app_context():
        # A row already holding the delivery key the new item will need: its insert fails.
        enqueue("items.todo_add", "item:0", f"todo-add-{fixed.hex}", item_id=0)
        db.session.commit()
    answer = post_item(platform_client, token)
    assert answer.status_code == 500
    assert answer.json["error"]["title"] == "系统繁忙"
    assert count(platform_app, Item) == 0
    assert count(platform_app, AppMessage) == 0
    assert outbox_rows(platform_app) == [("items.todo_add", "item:0", {"item_id": 0})]


def test_lists_show_my_todos_and_what_i_created(platform_client, login):
    token = login("zhangwei")
    for title in ("甲", "乙"):
        assert post_item(platform_client, token, title=title).status_code == 201
    token = login("lina")
    assert post_item(platform_client, token, title="丙",
                     assignee_userid="zhangwei").status_code == 201

    def titles(box: str) -> list[str]:
        answer = platform_client.get("/api/items", query_string={"box": box})
        assert answer.status_code == 200
        return [item["title"] for item in answer.json["items"]]

    assert titles("todo") == ["乙", "甲"]  # newest first
    assert titles("created") == ["丙"]
    [first] = [i for i in platform_client.get("/api/items").json["items"] if i["title"] == "甲"]
    assert first["can_complete"] is True  # the default box is todo
    assert complete(platform_client, token, first["id"]).status_code == 200
    assert titles("todo") == ["乙"]  # done items leave the todo box
    login("zhangwei")
    assert titles("todo") == ["丙"]
    assert titles("created") == ["乙", "甲"]  # and stay in the creator's list
    answer = platform_client.get("/api/items", query_string={"box": "all"})
    assert answer.status_code == 400


def test_a_list_is_one_read_whatever_its_length_and_shows_what_the_detail_shows(
        platform_client, platform_app, login):
    """GET /api/items reads the list with one query, as plain rows: no N+1, no ORM session,
    nothing written, one pooled connection for the request's reads (`make bench`); each
    item reads as its own page does. (The session is read from the database or, with a cache
    server, from its cache.)"""
    token = login("zhangwei")
    for title in ("甲", "乙", "丙"):
        assert post_item(platform_client, token, title=title).status_code == 201
    for box in ("todo", "created"):
        login("lina" if box == "todo" else "zhangwei")
        with sql_recorded(platform_app) as recorded:
            listed = platform_client.get("/api/items", query_string={"box": box}).json["items"]
        assert [item["title"] for item in listed] == ["丙", "乙", "甲"]
        assert len([sql for sql in recorded.statements if "FROM item" in sql]) == 1
        assert recorded.writes == []
        assert recorded.orm_transactions == 0
        assert recorded.checkouts == 1
        for item in listed:
            assert platform_client.get(f"/api/items/{item['id']}").json["item"] == item



def test_a_box_is_read_a_page_at_a_time_with_nothing_lost_or_repeated(platform_client, login):
    """Pages of PAGE_SIZE, newest first; `next_before` asks for the next until it is None.
    Paging goes by id, so an item created meanwhile does not shift the pages after it."""
    token = login("zhangwei")
    total = 2 * service.PAGE_SIZE + 5
    for number in range(total):
        assert post_item(platform_client, token, title=f"事项{number}").status_code == 201

    def page(before: int | None) -> dict:
        query = {"box": "created"} | ({"before": before} if before else {})
        answer = platform_client.get("/api/items", query_string=query)
        assert answer.status_code == 200
        return answer.json

    first = page(None)
    assert len(first["items"]) == service.PAGE_SIZE
    assert post_item(platform_client, token, title="翻页时新建").status_code == 201
    titles = [item["title"] for item in first["items"]]
    sizes, before = [], first["next_before"]
    while before is not None:
        answer = page(before)
        sizes.append(len(answer["items"]))
        titles += [item["title"] for item in answer["items"]]
        before = answer["next_before"]
    assert sizes == [service.PAGE_SIZE, 5]
    assert titles == [f"事项{number}" for number in reversed(range(total))]
    assert page(None)["items"][0]["title"] == "翻页时新建"  # the first page shows it


@pytest.mark.parametrize("page", ["first", "after"])
@pytest.mark.parametrize(("box", "index"), [("todo", "ix_item_todo_box"),
                                            ("created", "ix_item_created_box")])
def test_a_page_walks_its_boxs_index_instead_of_sorting_the_box(platform_app, box, index, page):
    """SQLite's plan for each page: the box's index in id order, no sort of the whole box
    (whose cost grew with the box). PostgreSQL's planner decides by table statistics."""
    with platform_app.app_context():
        engine = db.engine
        if engine.dialect.name != "sqlite":
            pytest.skip("SQLite's query plan")
        read = prepare(getattr(service.BOX_PAGES[box], page), engine.dialect)
        connection = engine.raw_connection()
        try:
            plan = " ".join(str(row[-1]) for row in connection.cursor().execute(
                f"EXPLAIN QUERY PLAN {read.sql}",
                read.parameters({"userid": "zhangwei", "before": 9})).fetchall())
        finally:
            connection.close()
    assert index in plan
    assert "TEMP B-TREE" not in plan


@pytest.mark.parametrize("before", ["0", "-1", "abc", "1.5", "", "２", "2147483648",
                                    "9" * 5000])
def test_a_page_start_that_is_not_an_id_is_a_bad_request(platform_client, login, before):
    login("zhangwei")
    answer = platform_client.get("/api/items", query_string={"before": before})
    assert answer.status_code == 400
    assert answer.json["error"]["message"] == "before 应为 1 到 2147483647 之间的整数。"


def test_a_list_formats_each_items_time_once(platform_client, login):
    """Lists show the same items on every request: their times are formatted once, not
    once per request (timestamps.iso; `make bench`)."""
    token = login("zhangwei")
    assert post_item(platform_client, token).status_code == 201
    platform_client.get("/api/items", query_string={"box": "created"})
    formatted = iso.cache_info().misses
    platform_client.get("/api/items", query_string={"box": "created"})
    assert iso.cache_info().misses == formatted


def test_someone_elses_item_is_not_found(platform_client, login):
    token = login("zhangwei")
    item_id = post_item(platform_client, token).json["item"]["id"]
    token = login("wangfang")  # neither creator nor assignee
    for answer in (platform_client.get(f"/api/items/{item_id}"),
                   complete(platform_client, token, item_id),
                   platform_client.get("/api/items/999999")):
        assert answer.status_code == 404
        assert answer.json["error"]["title"] == "事项不存在"
    login("lina")
    assert platform_client.get(f"/api/items/{item_id}").json["item"]["id"] == item_id


def test_only_the_assignee_completes_and_only_once(platform_client, platform_app, login):
    token = login("zhangwei")
    item_id = post_item(platform_client, token).json["item"]["id"]
    answer = complete(platform_client, token, item_id)
    assert answer.status_code == 403
    assert answer.json["error"]["message"] == "只有办理人可以办结该事项。"

    token = login("lina")
    answer = complete(platform_client, token, item_id)
    assert answer.status_code == 200
    assert answer.json["item"]["status"] == "done"
    assert answer.json["item"]["completed_at"]
    assert answer.json["item"]["can_complete"] is False
    again = complete(platform_client, token, item_id)
    assert again.status_code == 409
    assert again.json["error"]["title"] == "已经办结"
    aggregate = f"item:{item_id}"
    assert outbox_rows(platform_app) == [
        ("items.todo_add", aggregate, {"item_id": item_id}),
        ("items.todo_update", aggregate, {"item_id": item_id}),
        ("items.message_send", aggregate, {"item_id": item_id, "template": "item_completed"}),
    ]


def test_a_completion_racing_another_one_is_a_conflict(platform_client, platform_app, login,
                                                       monkeypatch):
    """Two requests both read "open"; the one that writes second must not enqueue again."""
    token = login("zhangwei")
    item_id = post_item(platform_client, token).json["item"]["id"]
    token = login("lina")
    load_item = service.load_item

    def load_then_lose_the_race(user, wanted: int) -> Item:
        item = load_item(user, wanted)
        # The other request commits its completion right now, on its own connection.
        with db.engine.begin() as other:
            other.execute(update(Item).where(Item.id == wanted).values(status="done",
                                                                       completed_at=1))
            other.execute(OutboxMessage.__table__.insert().values(
                kind="items.todo_update", aggregate=f"item:{wanted}",
                delivery_key=f"todo-done-{item.task_num}", payload="{}", attempts=0,
                next_attempt_at=0, dead=False, created_at=0))
        return item

    monkeypatch.setattr(service, "load_item", load_then_lose_the_race)
    answer = complete(platform_client, token, item_id)
    assert answer.status_code == 409
    assert [kind for kind, _, _ in outbox_rows(platform_app)] == [
        "items.todo_add", "items.todo_update"]
    assert count(platform_app, AppMessage) == 1  # only the assignee's "新的待办事项"


def test_the_creator_is_told_in_app_and_marks_it_read(platform_client, login):
    token = login("zhangwei")
    item_id = post_item(platform_client, token).json["item"]["id"]
    assert platform_client.get("/api/messages").json == {"messages": [], "unread": 0,
                                                         "next_before": None}

    token = login("lina")
    inbox = platform_client.get("/api/messages").json
    assert inbox["unread"] == 1
    assert inbox["messages"][0]["title"] == "新的待办事项"
    lina_message = inbox["messages"][0]["id"]
    assert complete(platform_client, token, item_id).status_code == 200

    token = login("zhangwei")
    inbox = platform_client.get("/api/messages").json
    assert inbox["unread"] == 1
    [message] = inbox["messages"]
    assert message["title"] == "事项已办结"
    assert message["description"] == "李娜已办结“报送季度统计表”"
    assert message["url"] == f"/#/items/{item_id}"
    assert message["read"] is False
    # Someone else's message cannot be marked, nor can one that does not exist.
    for other in (lina_message, 999999):
        answer = platform_client.post(f"/api/messages/{other}/read",
                                      headers={"X-CSRF-Token": token})
        assert answer.status_code == 404
    read = platform_client.post(f"/api/messages/{message['id']}/read",
                                headers={"X-CSRF-Token": token})
    assert read.status_code == 204
    assert platform_client.post(f"/api/messages/{message['id']}/read",
                                headers={"X-CSRF-Token": token}).status_code == 204
    inbox = platform_client.get("/api/messages").json
    assert inbox["unread"] == 0
    assert inbox["messages"][0]["read"] is True
    login("lina")
    assert platform_client.get("/api/messages").json["unread"] == 1  # hers is untouched


def test_marking_read_needs_the_csrf_token(platform_client, login):
    token = login("zhangwei")
    post_item(platform_client, token, assignee_userid="zhangwei")
    [message] = platform_client.get("/api/messages").json["messages"]
    answer = platform_client.post(f"/api/messages/{message['id']}/read")
    assert answer.status_code == 403
    assert platform_client.get("/api/messages").json["unread"] == 1


def test_answers_are_never_cached(platform_client, login):
    token = login("zhangwei")
    item_id = post_item(platform_client, token).json["item"]["id"]
    answers = [
        platform_client.get("/api/items"),
        platform_client.get(f"/api/items/{item_id}"),
        platform_client.get("/api/messages"),
        post_item(platform_client, token, title=""),  # an error answer too
        platform_client.get("/api/items/999999"),
    ]
    for answer in answers:
        assert answer.headers["Cache-Control"] == "no-store", answer.request.path


def test_input_the_database_cannot_hold_is_refused_not_a_server_error(auth):
    """Found on PostgreSQL: a NUL in text and an id beyond 64 bits once answered 500."""
    auth.login("zhangwei")
    headers = {"X-CSRF-Token": auth.csrf_token()}
    assert auth.client.get(f"/api/items/{2**63}").status_code == 404
    answer = auth.client.post("/api/items", headers=headers,
                              json={"title": "报送\u0000统计表", "assignee_userid": "lina\u0000"})
    assert answer.status_code == 422
    assert set(answer.json["error"]["fields"]) == {"title", "assignee_userid"}


def test_the_interface_document_has_the_body_the_route_validates_with(platform_client):
    spec = platform_client.get("/openapi.json").json
    assert spec["components"]["schemas"]["NewItem"] == NEW_ITEM_SCHEMA
    body = spec["paths"]["/api/items"]["post"]["requestBody"]
    assert body["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/NewItem"}
    # Each field says in Chinese what to fix: the same words the 422 answer carries.
    assert NEW_ITEM_SCHEMA["properties"]["title"]["x-messages"]["default"] == "请填写事项标题"
    assert "x-business-rule" in spec["paths"]["/api/items"]["post"]

"""Data backup and migration (DB31DSJ/Z 003 §7.4: 应用注销前应对数据进行备份或迁移).

`flask data export PATH` / `flask data import PATH` with 事项 installed: its section goes
out and back in beside the inbox's, losslessly, without credentials, contacts or
deliveries in flight. The envelope's own rules are tested in tests/test_data_export.py.
"""

from __future__ import annotations

import json
import stat

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from {{ cookiecutter.__package_name }}.contacts import sync_contacts
from {{ cookiecutter.__package_name }}.data_export import APP, FORMAT
from {{ cookiecutter.__package_name }}.extensions import db
from {{ cookiecutter.__package_name }}.inbox import AppMessage
from {{ cookiecutter.__package_name }}.outbox import OutboxMessage, enqueue

from ..export import SECTION
from ..models import Item


@pytest.fixture
def busy_app(platform_app, auth):
    """An app in use: items open and done, messages read and unread, contacts synced."""
    client = auth.client

    def post(path: str, token: str, **body):
        answer = client.post(path, json=body or None, headers={"X-CSRF-Token": token})
        assert answer.status_code in (200, 201, 204), answer.json
        return answer

    auth.login("zhangwei")
    token = auth.csrf_token()
    first = post("/api/items", token, title="报送季度统计表", assignee_userid="lina",
                 description="请于周五前报送。\n附件见共享盘。", due_date="2026-12-31",
                 priority="urgent").json["item"]["id"]
    post("/api/items", token, title="整理会议纪要", assignee_userid="lina")
    post("/api/items", token, title="自己的事", assignee_userid="zhangwei")
    auth.login("lina")
    token = auth.csrf_token()
    post(f"/api/items/{first}/complete", token)
    auth.login("zhangwei")
    token = auth.csrf_token()
    for message in client.get("/api/messages").json["messages"]:
        post(f"/api/messages/{message['id']}/read", token)  # lina leaves hers unread
    with platform_app.app_context():
        sync_contacts()
    return platform_app


def cli(app, *args: str):
    return app.test_cli_runner().invoke(args=["data", *args])


def counts(app) -> tuple[int, int, int]:
    with app.app_context():
        return tuple(db.session.scalar(select(func.count()).select_from(model))
                     for model in (Item, AppMessage, OutboxMessage))


def empty_the_database(app) -> None:
    """A fresh, empty database of the current schema (on PostgreSQL too)."""
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.create_all()


def test_export_then_import_into_a_fresh_database_is_lossless(busy_app, auth, tmp_path):
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    result = cli(busy_app, "export", str(first))
    assert result.exit_code == 0, result.output
    assert f"已导出站内消息 4 条、事项 3 条到 {first}" in result.stdout
    # Deliveries in flight are not in the backup: the operator is told to drain them.
    assert "发件箱还有" in result.stderr
    assert stat.S_IMODE(first.stat().st_mode) == 0o600  # business data: owner only

    empty_the_database(busy_app)
    result = cli(busy_app, "import", str(first))
    assert result.exit_code == 0, result.output
    assert "已导入站内消息 4 条、事项 3 条" in result.output
    assert cli(busy_app, "export", str(second)).exit_code == 0
    assert second.read_bytes() == first.read_bytes()
    assert counts(busy_app) == (3, 4, 0)  # nothing is sent again: the platform has it

    # The restored app works on: ids go on after the imported ones (PostgreSQL sequences).
    auth.login("zhangwei")
    token = auth.csrf_token()
    answer = auth.client.post("/api/items", headers={"X-CSRF-Token": token},
                              json={"title": "迁移后的新事项", "assignee_userid": "lina"})
    assert answer.status_code == 201, answer.json
    assert answer.json["item"]["id"] == 4
    restored = auth.client.get("/api/items/1").json["item"]
    assert restored["status"] == "done"
    assert restored["due_date"] == "2026-12-31"
    assert restored["description"] == "请于周五前报送。\n附件见共享盘。"
    inbox = auth.client.get("/api/messages").json
    assert inbox["unread"] == 0  # the read mark survived
    assert inbox["messages"][0]["title"] == "事项已办结"


def test_the_backup_holds_the_apps_own_data_and_nothing_else(busy_app, auth, tmp_path):
    backup = tmp_path / "backup.json"
    auth.login("zhangwei")
    csrf_token = auth.csrf_token()
    cli(busy_app, "export", str(backup))
    text = backup.read_text(encoding="utf-8")
    document = json.loads(text)
    assert set(document) == {"format", "version", "app", "items", "messages"}
    assert (document["format"], document["version"], document["app"]) == (FORMAT, 2, APP)
    assert set(document["items"][0]) == {
        "id", "title", "description", "status", "priority", "due_date", "creator_userid",
        "creator_name", "assignee_userid", "assignee_name", "task_num", "created_at",
        "completed_at"}
    assert set(document["messages"][0]) == {"id", "recipient_userid", "title", "description",
                                            "link", "created_at", "read_at"}
    assert "报送季度统计表" in text  # readable Chinese, not \u escapes
    # No credentials, no deliveries in flight, no contacts (re-synced from the platform).
    cookie = auth.client.get_cookie("__Host-ywxt_session")
    assert cookie is not None
    for absent in (csrf_token, cookie.value, "todo-add-", "outbox",
                   "文秘", "办公室", "金丝雀", "13812345678", "access_token"):
        assert absent not in text


def test_import_refuses_a_database_that_is_not_empty(busy_app, tmp_path):
    backup = tmp_path / "backup.json"
    cli(busy_app, "export", str(backup))
    before = counts(busy_app)
    result = cli(busy_app, "import", str(backup))
    assert result.exit_code == 1
    assert "只能导入到空数据库" in result.output
    assert counts(busy_app) == before

    empty_the_database(busy_app)
    with busy_app.app_context():  # a delivery still waiting counts as data too
        enqueue("items.todo_add", "item:9", "todo-add-x", item_id=9)
        db.session.commit()
    assert cli(busy_app, "import", str(backup)).exit_code == 1
    assert counts(busy_app) == (0, 0, 1)


def broken(document: dict, change) -> str:
    copy = json.loads(json.dumps(document))
    change(copy)
    return json.dumps(copy, ensure_ascii=False)


def set_last(key: str, field: str, value):
    return lambda document: document[key][-1].__setitem__(field, value)


MALFORMED = [
    ("not-json", lambda doc: '{"format": "ywxt-app-data",', "不是有效的 JSON（第 1 行"),
    ("not-utf8", lambda doc: b"\xff\xfe{}", "不是 UTF-8 编码"),
    ("a-list", lambda doc: "[]", "不是本应用导出的数据备份"),
    ("other-format", lambda doc: broken(doc, lambda d: d.update(format="csv")),
     "不是本应用导出的数据备份"),
    ("newer-version", lambda doc: broken(doc, lambda d: d.update(version=3)), "版本 3 不受支持"),
    ("other-app", lambda doc: broken(doc, lambda d: d.update(app="other_app")),
     "来自应用 'other_app'，不是本应用"),
    ("items-not-a-list", lambda doc: broken(doc, lambda d: d.update(items={})),
     "备份文件中的事项（items）不是列表"),
    ("removed-feature", lambda doc: broken(doc, lambda d: d.update(notes=[])),
     "含有本应用没有的数据（notes）"),
    ("missing-field", lambda doc: broken(doc, lambda d: d["items"][-1].pop("title")),
     "第 3 条事项的字段不完整或多出字段"),
    ("extra-field", lambda doc: broken(doc, set_last("items", "mobile", "13812345678")),
     "第 3 条事项的字段不完整或多出字段"),
    ("bad-status", lambda doc: broken(doc, set_last("items", "status", "lost")),
     "第 3 条事项的 status 无效"),
    ("long-title", lambda doc: broken(doc, set_last("items", "title", "题" * 41)),
     "第 3 条事项的 title 无效"),
    ("bad-date", lambda doc: broken(doc, set_last("items", "due_date", "2026-02-30")),
     "第 3 条事项的 due_date 无效"),
    ("bool-id", lambda doc: broken(doc, set_last("items", "id", True)), "第 3 条事项的 id 无效"),
    ("bad-task-num", lambda doc: broken(doc, set_last("items", "task_num", "a b")),
     "第 3 条事项的 task_num 无效"),
    ("duplicate-id", lambda doc: broken(doc, set_last("items", "id", 1)),
     "第 3 条事项的 id 与前面重复"),
    ("done-without-time", lambda doc: broken(doc, lambda d: d["items"][0].update(
        completed_at=None)), "第 1 条事项的状态与办结时间不一致"),
    ("foreign-link", lambda doc: broken(doc, set_last("messages", "link", "https://evil.example/")),
     "第 4 条站内消息的 link 无效"),
]


# Files a backup once let in. One app for all of them: each case costs a login otherwise.
ONCE_ACCEPTED = [
    # Once accepted: the lists that showed the item answered 500 afterwards.
    ("time-beyond-year-9999", lambda doc: broken(doc, set_last("items", "created_at", 10**12)),
     "第 3 条事项的 created_at 无效"),
    # Once accepted: the next new item got an id the routes refuse (404).
    ("id-at-the-limit", lambda doc: broken(doc, set_last("items", "id", 2**31 - 1)),
     "第 3 条事项的 id 无效"),
    # Once accepted, though POST /api/items refuses them (422): the same schema now.
    ("title-with-nul", lambda doc: broken(doc, set_last("items", "title", "报送\u0000")),
     "第 3 条事项的 title 无效：请填写事项标题"),
    ("title-with-newline", lambda doc: broken(doc, set_last("items", "title", "报送\n统计")),
     "第 3 条事项的 title 无效"),
    ("title-with-bidi", lambda doc: broken(doc, set_last("items", "title", "付款\u202e0001")),
     "第 3 条事项的 title 无效"),
    ("assignee-not-a-userid", lambda doc: broken(doc, set_last("items", "assignee_userid", "a b")),
     "第 3 条事项的 assignee_userid 无效：办理人不在本应用的可见范围内"),
    ("completed-before-created", lambda doc: broken(doc, lambda d: d["items"][0].update(
        completed_at=1)), "第 1 条事项的办结时间早于创建时间"),
    ("message-about-a-missing-item",
     lambda doc: broken(doc, set_last("messages", "link", "/#/items/99")),
     "第 4 条站内消息的 link 指向的事项（编号 99）不在备份中"),
]


@pytest.mark.parametrize(("make_file", "message"), [case[1:] for case in MALFORMED],
                         ids=[case[0] for case in MALFORMED])
def test_a_malformed_backup_is_refused_and_changes_nothing(busy_app, tmp_path, make_file,
                                                           message):
    good = tmp_path / "good.json"
    cli(busy_app, "export", str(good))
    content = make_file(json.loads(good.read_text(encoding="utf-8")))
    bad = tmp_path / "bad.json"
    if isinstance(content, bytes):
        bad.write_bytes(content)
    else:
        bad.write_text(content, encoding="utf-8")
    empty_the_database(busy_app)
    result = cli(busy_app, "import", str(bad))
    assert result.exit_code == 1
    assert message in result.output
    assert "无法导入" in result.output
    assert counts(busy_app) == (0, 0, 0)
    # The good file still goes in afterwards.
    assert cli(busy_app, "import", str(good)).exit_code == 0
    assert counts(busy_app) == (3, 4, 0)


def test_what_once_got_in_is_refused_with_record_and_field(busy_app, tmp_path):
    good = tmp_path / "good.json"
    cli(busy_app, "export", str(good))
    document = json.loads(good.read_text(encoding="utf-8"))
    empty_the_database(busy_app)
    bad = tmp_path / "bad.json"
    for name, make_file, message in ONCE_ACCEPTED:
        bad.write_text(make_file(document), encoding="utf-8")
        result = cli(busy_app, "import", str(bad))
        assert result.exit_code == 1, name
        assert message in result.output, (name, result.output)
        assert counts(busy_app) == (0, 0, 0), name
    assert cli(busy_app, "import", str(good)).exit_code == 0


def test_an_empty_app_exports_and_imports_an_empty_backup(platform_app, tmp_path):
    backup = tmp_path / "empty.json"
    assert cli(platform_app, "export", str(backup)).exit_code == 0
    assert json.loads(backup.read_text(encoding="utf-8"))["items"] == []
    result = cli(platform_app, "import", str(backup))
    assert result.exit_code == 0, result.output
    assert "已导入站内消息 0 条、事项 0 条" in result.output


titles = st.text(alphabet=st.characters(codec=None, exclude_categories=())
                 | st.sampled_from(["\n", "\u0000", "\u202e", "\u2066", "\x85", " ", "报"]),
                 max_size=45)


@given(title=titles)
@settings(max_examples=30, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_a_backup_takes_exactly_the_titles_the_api_takes(busy_app, auth, title):
    """One schema for both doors: a title POST /api/items refuses, an import refuses too;
    one it accepts is shown by the lists and a backup of it imports. (busy_app left 张伟
    logged in.)"""
    answer = auth.client.post("/api/items", headers={"X-CSRF-Token": auth.csrf_token()},
                              data=json.dumps({"title": title, "assignee_userid": "lina"}),
                              content_type="application/json")
    check = SECTION.checks["title"]
    if answer.status_code == 201:
        stored = answer.json["item"]["title"]
        assert check(stored) == stored
        assert auth.client.get(f"/api/items/{answer.json['item']['id']}").status_code == 200
        assert auth.client.get("/api/items?box=created").status_code == 200
    else:
        assert answer.status_code in (400, 422), answer.get_data(as_text=True)
        with pytest.raises(ValueError):
            check(title)

"""Data backup and migration (DB31DSJ/Z 003 §7.4: 应用注销前应对数据进行备份或迁移).

The backup's envelope and the core's own section (the inbox), on an app with no feature
installed; each feature tests its section in its own tests (features/<name>/tests/).
"""

from __future__ import annotations

import json
import stat

import pytest
from sqlalchemy import func, select

from {{ cookiecutter.__package_name }}.data_export import APP, FORMAT, VERSION
from {{ cookiecutter.__package_name }}.extensions import db
from {{ cookiecutter.__package_name }}.inbox import AppMessage, post_message
from {{ cookiecutter.__package_name }}.outbox import OutboxMessage, enqueue

from .fixtures import tables_created


@pytest.fixture
def core_app(make_config, make_app):
    """The core alone: login, inbox, outbox — no business feature."""
    with tables_created(make_app(make_config(), installed_features=[])) as app:
        yield app


def write_messages(app) -> None:
    with app.app_context():
        post_message("lina", "新的待办", "张伟请您办理“报送\n统计表”", "/#/leave/3", created_at=100)
        read = post_message("zhangwei", "已办结", "李娜已办结", "/#/leave/3", created_at=200)
        read.read_at = 250
        db.session.commit()


def cli(app, *args: str):
    return app.test_cli_runner().invoke(args=["data", *args])


def message_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AppMessage))


def empty_the_database(app) -> None:
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.create_all()


def test_the_inbox_goes_out_and_back_in_unchanged(core_app, tmp_path):
    write_messages(core_app)
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    result = cli(core_app, "export", str(first))
    assert result.exit_code == 0, result.output
    assert f"已导出站内消息 2 条到 {first}" in result.stdout
    assert stat.S_IMODE(first.stat().st_mode) == 0o600  # personal data: owner only
    document = json.loads(first.read_text(encoding="utf-8"))
    assert set(document) == {"format", "version", "app", "messages"}
    assert (document["format"], document["version"], document["app"]) == (FORMAT, VERSION, APP)
    assert "报送\\n统计表" in first.read_text(encoding="utf-8")  # Chinese stays readable

    empty_the_database(core_app)
    result = cli(core_app, "import", str(first))
    assert result.exit_code == 0, result.output
    assert "已导入站内消息 2 条" in result.output
    assert cli(core_app, "export", str(second)).exit_code == 0
    assert second.read_bytes() == first.read_bytes()
    with core_app.app_context():
        read = db.session.get(AppMessage, 2)
        assert (read.link, read.read_at) == ("/#/leave/3", 250)


def test_an_empty_app_exports_and_imports_an_empty_backup(core_app, tmp_path):
    backup = tmp_path / "empty.json"
    assert cli(core_app, "export", str(backup)).exit_code == 0
    assert json.loads(backup.read_text(encoding="utf-8"))["messages"] == []
    result = cli(core_app, "import", str(backup))
    assert result.exit_code == 0, result.output
    assert "已导入站内消息 0 条" in result.output


def test_import_refuses_a_database_that_is_not_empty(core_app, tmp_path):
    write_messages(core_app)
    backup = tmp_path / "backup.json"
    cli(core_app, "export", str(backup))
    result = cli(core_app, "import", str(backup))
    assert result.exit_code == 1
    assert "只能导入到空数据库" in result.output
    assert message_count(core_app) == 2

    empty_the_database(core_app)
    with core_app.app_context():  # a delivery still waiting counts as data too
        enqueue("leave.todo_add", "leave:9", "todo-add-x", leave_id=9)
        db.session.commit()
    assert cli(core_app, "import", str(backup)).exit_code == 1
    with core_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


MALFORMED = [
    ("not-json", '{"format": "ywxt-app-data",', "不是有效的 JSON（第 1 行"),
    ("a-list", "[]", "不是本应用导出的数据备份"),
    ("old-version", {"version": 1}, "版本 1 不受支持"),
    ("other-app", {"app": "other_app"}, "来自应用 'other_app'，不是本应用"),
    # A feature removed since the export: its records would be lost without a word.
    ("removed-feature", {"leave": [{"id": 1}]}, "含有本应用没有的数据（leave）"),
    ("messages-not-a-list", {"messages": {}}, "备份文件中的站内消息（messages）不是列表"),
    ("foreign-link", {"messages": [{"id": 1, "recipient_userid": "lina", "title": "t",
                                    "description": "", "link": "https://evil.example/",
                                    "created_at": 1, "read_at": None}]},
     "第 1 条站内消息的 link 无效"),
    ("extra-field", {"messages": [{"id": 1, "recipient_userid": "lina", "title": "t",
                                   "description": "", "link": "/#/", "created_at": 1,
                                   "read_at": None, "mobile": "13812345678"}]},
     "第 1 条站内消息的字段不完整或多出字段"),
]


@pytest.mark.parametrize(("change", "message"), [case[1:] for case in MALFORMED],
                         ids=[case[0] for case in MALFORMED])
def test_a_malformed_backup_is_refused_and_changes_nothing(core_app, tmp_path, change, message):
    good = {"format": FORMAT, "version": VERSION, "app": APP, "messages": []}
    bad = tmp_path / "bad.json"
    content = change if isinstance(change, str) else json.dumps({**good, **change})
    bad.write_text(content, encoding="utf-8")
    result = cli(core_app, "import", str(bad))
    assert result.exit_code == 1
    assert message in result.output
    assert "无法导入" in result.output
    assert message_count(core_app) == 0


def test_a_backup_from_before_a_feature_was_added_imports(core_app, tmp_path):
    """Sections the file lacks are empty: a feature added after the export has no rows."""
    backup = tmp_path / "old.json"
    backup.write_text(json.dumps({"format": FORMAT, "version": VERSION, "app": APP}),
                      encoding="utf-8")
    result = cli(core_app, "import", str(backup))
    assert result.exit_code == 0, result.output

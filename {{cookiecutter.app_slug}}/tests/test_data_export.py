"""Data backup and migration (DB31DSJ/Z 003 §7.4: 应用注销前应对数据进行备份或迁移).

The backup's envelope and the core's own section (the inbox), on an app with no feature
installed; each feature tests its section in its own tests (features/<name>/tests/).
"""

from __future__ import annotations

import json
import re
import stat
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, select

from {{ cookiecutter.__package_name }}.data_export import (
    APP,
    FORMAT,
    VERSION,
    DataImportError,
    ExportSection,
    check_document,
    export_data,
    import_data,
)
from {{ cookiecutter.__package_name }}.extensions import db
from {{ cookiecutter.__package_name }}.inbox import AppMessage, post_message
from {{ cookiecutter.__package_name }}.inbox.export import SECTION as INBOX_SECTION
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


# -- the backup file at rest ----------------------------------------------------------------


def test_export_writes_through_no_planted_link(core_app, tmp_path):
    """A link planted where the export used to write its temporary file, and one at the
    backup's own path: neither target is touched, the backup is a new owner-only file."""
    write_messages(core_app)
    victim = tmp_path / "victim.txt"
    victim.write_text("unchanged", encoding="utf-8")
    backup = tmp_path / "backup.json"
    (tmp_path / ".backup.json.partial").symlink_to(victim)
    assert cli(core_app, "export", str(backup)).exit_code == 0
    assert victim.read_text(encoding="utf-8") == "unchanged"
    assert not backup.is_symlink()
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert json.loads(backup.read_text(encoding="utf-8"))["messages"]

    backup.unlink()
    backup.symlink_to(victim)
    assert cli(core_app, "export", str(backup)).exit_code == 0
    assert victim.read_text(encoding="utf-8") == "unchanged"
    assert not backup.is_symlink() and stat.S_IMODE(backup.stat().st_mode) == 0o600
    leftovers = {path.name for path in tmp_path.iterdir()
                 if not path.name.startswith("test.db")} - {  # the database and its WAL
        "backup.json", "victim.txt", ".backup.json.partial", "instance"}
    assert not leftovers


# -- what an import accepts: the API's rules, ranges, references ------------------------------

MESSAGE = {"id": 1, "recipient_userid": "lina", "title": "新的待办", "description": "请办理",
           "link": "/#/leave/3", "created_at": 1_700_000_000, "read_at": None}


def backup_with(*messages: dict) -> dict:
    return {"format": FORMAT, "version": VERSION, "app": APP, "messages": list(messages)}


def import_file(app, tmp_path, content: str):
    path = tmp_path / "import.json"
    path.write_text(content, encoding="utf-8")
    return cli(app, "import", str(path))


REFUSED = [
    # The repros: lists that showed these once answered 500, or gave ids the routes refuse.
    ("time-beyond-year-9999", {"created_at": 10**12},
     "第 1 条站内消息的 created_at 无效：应为 1 到"),
    ("time-in-the-future", {"created_at": int(time.time()) + 10 * 86_400}, "的 created_at 无效"),
    ("id-at-the-limit", {"id": 2_147_483_647}, "第 1 条站内消息的 id 无效：应为 1 到 1073741823"),
    ("negative-id", {"id": -1}, "的 id 无效"),
    ("title-with-nul", {"title": "新的\u0000待办"}, "的 title 无效：应为一行文字"),
    ("title-with-newline", {"title": "新的\n待办"}, "的 title 无效：应为一行文字"),
    ("title-with-bidi", {"title": "付款\u202e0001"}, "的 title 无效：应为一行文字"),
    ("blank-title", {"title": "  "}, "的 title 无效"),
    ("description-with-bidi", {"description": "金额\u2066"},
     "的 description 无效：含有不允许的字符"),
    ("bad-userid", {"recipient_userid": "li na"}, "的 recipient_userid 无效：应为平台的 userid"),
    ("link-with-control", {"link": "/#/leave/3\u0000"}, "的 link 无效"),
    ("read-before-sent", {"read_at": 1_600_000_000}, "第 1 条站内消息的阅读时间早于发送时间"),
    ("float-time", {"created_at": 1.5e9}, "的 created_at 无效"),
]


@pytest.mark.parametrize(("change", "message"), [case[1:] for case in REFUSED],
                         ids=[case[0] for case in REFUSED])
def test_import_refuses_what_the_api_refuses_and_names_record_and_field(core_app, tmp_path,
                                                                         change, message):
    good = dict(MESSAGE, id=2)
    result = import_file(core_app, tmp_path,
                         json.dumps(backup_with({**MESSAGE, **change}, good), ensure_ascii=False))
    assert result.exit_code == 1
    assert message in result.output
    assert "无法导入" in result.output
    assert "Traceback" not in result.output
    assert message_count(core_app) == 0  # nothing written, not even the good record


@pytest.mark.parametrize(("content", "message"), [
    ('{"format": "ywxt-app-data", "messages": [{"title": "\\ud800"}]}',
     "含有无效的字符（不成对的 Unicode 代理项）"),
    ('{"format": "ywxt-app-data", "messages": ' + "[" * 100_000 + "]" * 100_000 + "}",
     "嵌套超过 32 层"),
    ('{"format": "ywxt-app-data", "version": NaN}', "不是有效的 JSON（含有 NaN 或 Infinity）"),
])
def test_a_hostile_backup_file_is_refused_without_a_traceback(core_app, tmp_path, content,
                                                              message):
    result = import_file(core_app, tmp_path, content)
    assert result.exit_code == 1
    assert f"备份文件{message}" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert message_count(core_app) == 0


def test_a_record_must_find_the_record_it_points_at(core_app):
    """References between sections: a message opening a record's page needs that record
    in the same backup; a page of a feature the app no longer has is not checked."""
    notes = ExportSection(key="notes", label="笔记", model=AppMessage,
                          checks=INBOX_SECTION.checks)
    document = {**backup_with(dict(MESSAGE, link="/#/notes/1"),
                              dict(MESSAGE, id=2, link="/#/notes/9?tab=1")),
                "notes": [dict(MESSAGE, link="/#/")]}
    missing = "第 2 条站内消息的 link 指向的笔记（编号 9）不在备份中"
    with pytest.raises(DataImportError, match=missing):
        check_document(document, [INBOX_SECTION, notes])
    document["messages"][1]["link"] = "/#/leave/9"
    assert len(check_document(document, [INBOX_SECTION, notes])["messages"]) == 2


# -- properties: whatever a file holds, an import is all or nothing ----------------------------

field_values = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-2, max_value=2**32),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=70), st.sampled_from(["/#/leave/3", "/#/", "lina", "\u202e", "a\nb", ""]),
    st.lists(st.integers(), max_size=2))


@st.composite
def messages(draw) -> list[dict]:
    """Records near valid: each field sometimes replaced by anything at all."""
    records = []
    for number in range(1, draw(st.integers(min_value=1, max_value=3)) + 1):
        record = dict(MESSAGE, id=number)
        for field in draw(st.sets(st.sampled_from(sorted(MESSAGE)), max_size=2)):
            record[field] = draw(field_values)
        records.append(record)
    return records


@given(records=messages())
@settings(max_examples=120, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_an_import_is_all_or_nothing_whatever_the_file_holds(core_app, records):
    with core_app.app_context():
        try:
            counts = import_data(backup_with(*records), [INBOX_SECTION])
        except DataImportError as error:
            assert re.fullmatch(r"第 \d+ 条站内消息.+，无法导入。", str(error)), error
            assert db.session.scalar(select(func.count()).select_from(AppMessage)) == 0
            return
        try:
            assert counts == {"messages": len(records)}
            # What went in comes out the same, and every list the app shows can show it.
            by_id = sorted(records, key=lambda record: record["id"])
            assert export_data([INBOX_SECTION])["messages"] == by_id
            for message in db.session.scalars(select(AppMessage)):
                message.as_json()
        finally:
            db.session.execute(delete(AppMessage))
            db.session.commit()

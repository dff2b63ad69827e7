"""Contact sync against the simulator (DB31DSJ/Z 003 §6.3.5 b–c, §8.2 b–c).

Only userid, name, department and position are kept; members who leave the visible
range are removed at the next sync.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from sqlalchemy import func, inspect, select
from sqlalchemy.engine import make_url

from {{ cookiecutter.__package_name }}.contacts import (
    Contact,
    Department,
    find_contact,
    sync_contacts,
)
from {{ cookiecutter.__package_name }}.extensions import db
from {{ cookiecutter.__package_name }}.platform import PlatformUnavailable
from {{ cookiecutter.__package_name }}.reports import OperationEvent

# The canary's raw sensitive values (devtools/platform_sim/org.py), and a new member's.
CANARY_VALUES = ("13812345678", "canary.test@example.gov.cn", "人民大道", "11010519491231002X")
SEEDED = {"zhangwei", "lina", "wangfang", "liuyang", "chenjing", "zhaolei", "sunli", "zhoujie",
          "wuxia", "zhengqiang", "huangmin", "canary"}
SENSITIVE_COLUMNS = {"mobile", "email", "biz_mail", "address", "avatar", "thumb_avatar",
                     "gender", "qr_code", "telephone", "extattr"}


def org(sim, **change) -> dict:
    answer = requests.post(f"{sim.base_url}/_sim/org", json=change, timeout=5)
    assert answer.status_code == 200, answer.text
    return answer.json()


def sync(app):
    with app.app_context():
        return sync_contacts()


def contacts(app) -> dict[str, tuple[str, int, str, str]]:
    with app.app_context():
        return {c.userid: (c.name, c.department_id, c.department_name, c.position)
                for c in db.session.scalars(select(Contact))}


def departments(app) -> dict[int, str]:
    with app.app_context():
        return dict(db.session.execute(select(Department.id, Department.name)).all())


def test_sync_keeps_departments_and_members_with_non_sensitive_fields(platform_app, sim):
    report = sync(platform_app)
    assert (report.departments, report.added, report.updated, report.removed) == (7, 12, 0, 0)
    assert departments(platform_app) == {1: "上海市示例事务管理局", 2: "办公室", 3: "信息中心",
                                         4: "业务一处", 5: "业务二处", 6: "法规处", 7: "运维科"}
    found = contacts(platform_app)
    assert set(found) == SEEDED
    assert found["lina"] == ("李娜", 2, "办公室", "文秘")
    assert found["chenjing"] == ("陈静", 7, "运维科", "运维科科长")  # a sub-department
    assert found["huangmin"] == ("黄敏", 6, "法规处", "法规处副处长")  # her main department
    assert found["canary"] == ("金丝雀", 3, "信息中心", "隐私哨兵（测试账号）")


def test_no_sensitive_column_or_value_is_stored(platform_app, sim):
    sync(platform_app)
    with platform_app.app_context():
        tables = inspect(db.engine)
        for table in ("contact", "department"):
            columns = {column["name"] for column in tables.get_columns(table)}
            assert not columns & SENSITIVE_COLUMNS, (table, columns)
        assert {column["name"] for column in tables.get_columns("contact")} == {
            "userid", "name", "department_id", "department_name", "position", "synced_at"}
        # Every stored value of every table, whatever the database.
        stored = " ".join(str(row) for table in db.metadata.sorted_tables
                          for row in db.session.execute(table.select()))
    for value in CANARY_VALUES:
        assert value not in stored
    url = make_url(platform_app.config["SETTINGS"].database_url)
    if url.get_backend_name() == "sqlite":
        # The database file and its write-ahead log, where recent writes sit until the next
        # checkpoint: every byte the database keeps on disk.
        database = Path(url.database)
        raw = b"".join(path.read_bytes() for path in (
            database, database.with_name(database.name + "-wal")) if path.exists())
        assert b"canary" in raw  # the files are the ones that hold the contacts
        for value in CANARY_VALUES:
            assert value.encode() not in raw
    # Nor did the app send them anywhere.
    assert requests.get(f"{sim.base_url}/_sim/canary-leaks", timeout=5).json()["leaks"] == []


def test_added_moved_and_removed_members_are_reflected_at_the_next_sync(platform_app, sim):
    sync(platform_app)
    org(sim, action="add_user", user={
        "userid": "zhoumin", "name": "周敏", "department": [5], "position": "科员",
        "mobile": "13700000001", "email": "zhoumin@example.gov.cn", "address": "上海市某路1号"})
    org(sim, action="move_user", userid="lina", department=[4])
    org(sim, action="remove_user", userid="wuxia")
    report = sync(platform_app)
    assert (report.added, report.updated, report.removed) == (1, 1, 1)
    found = contacts(platform_app)
    assert found["zhoumin"] == ("周敏", 5, "业务二处", "科员")
    assert found["lina"] == ("李娜", 4, "业务一处", "文秘")
    assert "wuxia" not in found  # 用完清除: purged, not just hidden
    with platform_app.app_context():
        stored = " ".join(str(row) for row in db.session.execute(Contact.__table__.select()))
    assert "13700000001" not in stored
    assert "zhoumin@example.gov.cn" not in stored


def test_members_outside_a_narrower_visible_range_are_purged(platform_app, sim):
    sync(platform_app)
    org(sim, action="set_visible_range", departments=[4])
    report = sync(platform_app)
    assert report.removed == 9
    assert departments(platform_app) == {4: "业务一处"}
    found = contacts(platform_app)
    assert set(found) == {"zhaolei", "sunli", "huangmin"}
    # Her main department is out of sight now: she is shown in the one the app can see.
    assert found["huangmin"][1:3] == (4, "业务一处")


def test_a_member_visible_on_their_own_stays(platform_app, sim):
    """A visible range may name members one by one; no department list shows them."""
    sync(platform_app)
    org(sim, action="set_visible_range", departments=[4], users=["lina"])
    sync(platform_app)
    found = contacts(platform_app)
    assert set(found) == {"zhaolei", "sunli", "huangmin", "lina"}
    assert found["lina"][0] == "李娜"


def test_a_sync_that_fails_half_way_changes_nothing(platform_app, sim):
    sync(platform_app)
    before = contacts(platform_app), departments(platform_app)
    org(sim, action="remove_user", userid="wuxia")
    org(sim, action="set_visible_range", departments=[2, 3, 4])
    sim.fail_next("/cgi-bin/user/simplelist", "http500")
    with platform_app.app_context(), pytest.raises(PlatformUnavailable):
        sync_contacts()
    assert (contacts(platform_app), departments(platform_app)) == before
    sync(platform_app)  # and the next sync catches up
    assert "wuxia" not in contacts(platform_app)
    assert set(departments(platform_app)) == {2, 3, 4, 7}


def test_every_platform_call_of_a_sync_is_recorded(platform_app, sim):
    """Key operations (§6.2.4 e): the sync holds no write lock while the platform answers."""
    sync(platform_app)
    with platform_app.app_context():
        recorded = db.session.scalars(select(OperationEvent.api)).all()
    sent = [call.path for call in sim.calls()]
    assert sorted(recorded) == sorted(sent)
    assert sent.count("/cgi-bin/user/simplelist") == 7


def test_find_contact_asks_the_platform_once_and_keeps_the_answer(platform_app, sim):
    with platform_app.app_context():
        lina = find_contact("lina")
        assert (lina.userid, lina.name, lina.position) == ("lina", "李娜", "文秘")
        assert find_contact("LINA") is lina  # userids are case-insensitive on the platform
        assert find_contact("nobody") is None
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(Contact)) == 1
    assert len(sim.calls("/cgi-bin/user/get")) == 3
    org(sim, action="set_visible_range", departments=[4])
    with platform_app.app_context():
        assert find_contact("wangfang") is None  # outside the visible range
        assert find_contact("lina") is not None  # stored: no call needed until the next sync


def test_contacts_sync_command_prints_the_counts(platform_app, sim):
    result = platform_app.test_cli_runner().invoke(args=["contacts", "sync"])
    assert result.exit_code == 0, result.output
    assert "部门 7 个；成员新增 12，更新 0，移除 0" in result.output
    org(sim, action="remove_user", userid="canary")
    result = platform_app.test_cli_runner().invoke(args=["contacts", "sync"])
    assert "部门 7 个；成员新增 0，更新 0，移除 1" in result.output

"""`read_rows`: a request's reads on the DB-API cursor give what SQLAlchemy would give.

It compiles each statement once and converts what the driver returns itself, so it is
checked here against SQLAlchemy's own execution of the same statement, on SQLite and (with
TEST_DATABASE_URL) on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from sqlalchemy import Column, Date, Integer, MetaData, String, Table, bindparam, or_, select
from sqlalchemy.exc import DBAPIError

from {{ cookiecutter.__package_name }}.extensions import db, read_rows

probes = MetaData()
PROBE = Table("read_probe", probes,
              Column("id", Integer, primary_key=True), Column("owner", String(64)),
              Column("title", String(200)), Column("due", Date, nullable=True),
              Column("state", String(16)))
# Parameters the caller gives (one a date), a value the statement binds itself, dates read
# back and a LIMIT.
OPEN_OF_OWNER = (select(PROBE.c.id, PROBE.c.title, PROBE.c.due)
                 .where(PROBE.c.owner == bindparam("owner"), PROBE.c.state == "open",
                        or_(PROBE.c.due.is_(None), PROBE.c.due >= bindparam("since", type_=Date)))
                 .order_by(PROBE.c.id.desc()).limit(3))
SINCE = dt.date(2026, 6, 1)
COLUMNS = ("id", "owner", "title", "due", "state")
ROWS = [dict(zip(COLUMNS, values, strict=True)) for values in (
    (1, "zhangwei", "月度报表", dt.date(2026, 12, 31), "open"),
    (2, "zhangwei", "无期限", None, "open"),
    (3, "zhangwei", "已办结", dt.date(2026, 1, 2), "done"),
    (4, "lina", "别人的", dt.date(2026, 7, 6), "open"),
    (7, "zhangwei", "早已过期", dt.date(2026, 5, 6), "open"),
    (5, "zhangwei", "引号'与%号", dt.date(2027, 2, 28), "open"),
    (6, "zhangwei", "第四项", None, "open"),
)]


@pytest.fixture
def probed(app: Flask):
    with app.app_context():
        probes.create_all(db.engine)
        with db.engine.begin() as connection:
            connection.execute(PROBE.insert(), ROWS)
    yield app
    with app.app_context():
        probes.drop_all(db.engine)


@pytest.mark.parametrize("owner", ["zhangwei", "lina", "nobody"])
def test_rows_are_what_sqlalchemy_reads(probed, owner):
    with probed.test_request_context():
        expected = [tuple(row) for row in db.session.execute(
            OPEN_OF_OWNER, {"owner": owner, "since": SINCE})]
        read = read_rows(OPEN_OF_OWNER, owner=owner, since=SINCE)
    assert read == expected
    if owner == "zhangwei":
        # Open, due from SINCE or undated (not 7), newest first, 3 at most.
        assert [row[0] for row in read] == [6, 5, 2]
        assert read[1] == (5, "引号'与%号", dt.date(2027, 2, 28))  # a date, not its text


def test_reads_of_a_request_share_one_connection_given_back_at_its_end(probed):
    with probed.app_context():
        pool = db.engine.pool
    with probed.test_request_context():
        read_rows(OPEN_OF_OWNER, owner="zhangwei", since=SINCE)
        read_rows(OPEN_OF_OWNER, owner="lina", since=SINCE)
        assert pool.checkedout() == 1
    assert pool.checkedout() == 0


def test_a_list_expanded_at_run_time_is_refused_with_a_reason(probed):
    expanding = select(PROBE.c.id).where(PROBE.c.owner.in_(bindparam("owners", expanding=True)))
    with probed.test_request_context(), pytest.raises(ValueError, match="IN 列表"):
        read_rows(expanding, owners=["zhangwei"])


def test_a_failed_read_is_sqlalchemys_error_and_its_connection_goes_back(probed):
    """Callers catch SQLAlchemy's errors (the first screen leaves its data out on them)."""
    missing = Table("no_such_table", MetaData(), Column("id", Integer))
    with probed.app_context():
        pool = db.engine.pool
    with probed.test_request_context(), pytest.raises(DBAPIError) as raised:
        read_rows(select(missing.c.id))
    assert "no_such_table" in str(raised.value)
    assert pool.checkedout() == 0

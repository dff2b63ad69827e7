"""Backup and migration of the app's own data (DB31DSJ/Z 003 §7.4).

§7.4: 应用注销前应对数据进行备份或迁移.

`export_data()` gives one JSON document of what only this app holds: the items and the
in-app messages, ids kept (the platform's todos link to `/#/items/<id>`). Left out on
purpose:

- contacts and departments: the platform's data, re-synced at any time with
  `flask contacts sync` (and kept to the visible range, §6.3.5 c);
- login sessions, pending logins and platform tokens: credentials are never copied;
- the outbox and key-operation events: deliveries in flight, not data. Drain them
  before a migration (`flask outbox run --once`) so the platform has heard everything.

The file depends on the data only (sorted keys, rows by id, no export time), so two
exports of the same data are byte-identical and a restore can be checked with `cmp`.
`import_data()` restores into an empty database only, after checking the whole file:
a file with any problem changes nothing.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text

from .extensions import db
from .items.messages import AppMessage
from .items.models import DONE, OPEN, PRIORITIES, Item
from .items.views import DESCRIPTION_MAX, TITLE_MAX
from .outbox import OutboxMessage

FORMAT = "ywxt-app-data"
VERSION = 1
APP = __name__.split(".")[0]

ITEM_FIELDS = ("id", "title", "description", "status", "priority", "due_date",
               "creator_userid", "creator_name", "assignee_userid", "assignee_name",
               "task_num", "created_at", "completed_at")
MESSAGE_FIELDS = ("id", "recipient_userid", "title", "description", "item_id",
                  "created_at", "read_at")
TASK_NUM = re.compile(r"[A-Za-z0-9_\-]{1,64}")  # Appendix C taskNum
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

# PostgreSQL hands out ids from a sequence that does not see rows inserted with their
# own id: move it past them, or the next new item would collide with an imported one.
ADVANCE_SEQUENCES = (
    "SELECT setval(pg_get_serial_sequence('item', 'id'), (SELECT max(id) FROM item))",
    "SELECT setval(pg_get_serial_sequence('app_message', 'id'),"
    " (SELECT max(id) FROM app_message))",
)


class DataImportError(Exception):
    """The backup cannot be restored; the message says why in Chinese for the operator."""


@dataclasses.dataclass(frozen=True)
class DataCounts:
    items: int
    messages: int


# -- export ------------------------------------------------------------------------------


def export_data() -> dict:
    """The app's own data as one JSON-ready document."""
    items = db.session.scalars(select(Item).order_by(Item.id))
    messages = db.session.scalars(select(AppMessage).order_by(AppMessage.id))
    return {
        "format": FORMAT,
        "version": VERSION,
        "app": APP,
        "items": [_item_record(item) for item in items],
        "messages": [{name: getattr(message, name) for name in MESSAGE_FIELDS}
                     for message in messages],
    }


def _item_record(item: Item) -> dict:
    record = {name: getattr(item, name) for name in ITEM_FIELDS}
    record["due_date"] = item.due_date.isoformat() if item.due_date else None
    return record


def dumps(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, sort_keys=True, indent=2) + "\n"


def write_backup(path: Path, content: str) -> None:
    """Write the file readable by its owner only, and whole or not at all."""
    partial = path.with_name(f".{path.name}.partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(content)
    os.replace(partial, path)


# -- import ------------------------------------------------------------------------------


def read_backup(path: Path) -> Any:
    """The parsed document of a backup file, or DataImportError saying what is wrong."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise DataImportError("备份文件不是 UTF-8 编码的文本，无法导入。") from None
    except json.JSONDecodeError as error:
        raise DataImportError(
            f"备份文件不是有效的 JSON（第 {error.lineno} 行第 {error.colno} 列），无法导入。"
        ) from None


def import_data(document: Any) -> DataCounts:
    """Restore a checked document into an empty database, in one transaction."""
    items, messages = check_document(document)
    if not database_is_empty():
        raise DataImportError("数据库中已有事项、站内消息或待投递内容：只能导入到空数据库，"
                              "以免覆盖现有数据。请换用新的数据库后重试。")
    try:
        db.session.add_all(Item(**record) for record in items)
        db.session.flush()  # items first: messages refer to them
        db.session.add_all(AppMessage(**record) for record in messages)
        db.session.flush()
        if db.engine.dialect.name == "postgresql":
            for statement in ADVANCE_SEQUENCES:
                db.session.execute(text(statement))
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return DataCounts(len(items), len(messages))


def database_is_empty() -> bool:
    return not any(db.session.scalar(select(func.count()).select_from(model))
                   for model in (Item, AppMessage, OutboxMessage))


def check_document(document: Any) -> tuple[list[dict], list[dict]]:
    """The item and message rows of a backup, every field checked; or DataImportError."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise DataImportError("文件不是本应用导出的数据备份（缺少 format 标记），无法导入。")
    if document.get("version") != VERSION:
        raise DataImportError(f"备份文件版本 {document.get('version')!r} 不受支持"
                              f"（本程序只能导入版本 {VERSION}），无法导入。")
    if document.get("app") != APP:
        raise DataImportError(f"备份文件来自应用 {document.get('app')!r}，不是本应用（{APP}），"
                              "无法导入。")
    items = _records(document, "items", "事项", ITEM_CHECKS)
    messages = _records(document, "messages", "站内消息", MESSAGE_CHECKS)
    _unique(items, "id", "事项")
    _unique(items, "task_num", "事项")
    _unique(messages, "id", "站内消息")
    for number, item in enumerate(items, start=1):
        if (item["status"] == DONE) != (item["completed_at"] is not None):
            raise DataImportError(f"第 {number} 条事项的状态与办结时间不一致，无法导入。")
    item_ids = {item["id"] for item in items}
    for number, message in enumerate(messages, start=1):
        if message["item_id"] not in item_ids:
            raise DataImportError(f"第 {number} 条站内消息指向不存在的事项 "
                                  f"{message['item_id']}，无法导入。")
    return items, messages


Check = Callable[[Any], Any]


def _records(document: dict, key: str, label: str, checks: dict[str, Check]) -> list[dict]:
    rows = document.get(key)
    if not isinstance(rows, list):
        raise DataImportError(f"备份文件缺少{label}列表（{key}），无法导入。")
    records = []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict) or set(row) != set(checks):
            raise DataImportError(f"第 {number} 条{label}的字段不完整或多出字段，无法导入。")
        record = {}
        for name, check in checks.items():
            try:
                record[name] = check(row[name])
            except (TypeError, ValueError):
                raise DataImportError(f"第 {number} 条{label}的 {name} 无效，无法导入。") from None
        records.append(record)
    return records


def _unique(records: list[dict], name: str, label: str) -> None:
    seen: set = set()
    for number, record in enumerate(records, start=1):
        if record[name] in seen:
            raise DataImportError(f"第 {number} 条{label}的 {name} 与前面重复，无法导入。")
        seen.add(record[name])


# Each check returns the value to store, or raises ValueError / TypeError.


def _integer(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(value)
    return value


def _identifier(value: Any) -> int:
    if _integer(value) < 1:
        raise ValueError(value)
    return value


def _optional_integer(value: Any) -> int | None:
    return None if value is None else _integer(value)


def _text(limit: int, *, required: bool = True, pattern: re.Pattern | None = None) -> Check:
    def check(value: Any) -> str:
        if not isinstance(value, str) or len(value) > limit or (required and not value):
            raise ValueError(value)
        if pattern is not None and not pattern.fullmatch(value):
            raise ValueError(value)
        return value

    return check


def _choice(options: tuple[str, ...]) -> Check:
    def check(value: Any) -> str:
        if value not in options:
            raise ValueError(value)
        return value

    return check


def _optional_date(value: Any) -> date | None:
    if value is None:
        return None
    if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
        raise ValueError(value)
    return date.fromisoformat(value)


ITEM_CHECKS: dict[str, Check] = {
    "id": _identifier,
    "title": _text(TITLE_MAX),
    "description": _text(DESCRIPTION_MAX, required=False),
    "status": _choice((OPEN, DONE)),
    "priority": _choice(PRIORITIES),
    "due_date": _optional_date,
    "creator_userid": _text(64),
    "creator_name": _text(64),
    "assignee_userid": _text(64),
    "assignee_name": _text(64),
    "task_num": _text(64, pattern=TASK_NUM),
    "created_at": _integer,
    "completed_at": _optional_integer,
}
MESSAGE_CHECKS: dict[str, Check] = {
    "id": _identifier,
    "recipient_userid": _text(64),
    "title": _text(64),
    "description": _text(256, required=False),
    "item_id": _identifier,
    "created_at": _integer,
    "read_at": _optional_integer,
}

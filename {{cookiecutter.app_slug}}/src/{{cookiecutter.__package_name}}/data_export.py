"""Backup and migration of the app's own data (DB31DSJ/Z 003 §7.4).

§7.4: 应用注销前应对数据进行备份或迁移.

`export_data(sections)` gives one JSON document of what only this app holds: the in-app
messages and each feature's records (an `ExportSection` each), ids kept (the platform's
todos link to them). Left out on purpose:

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
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from .extensions import db
from .outbox import OutboxMessage

FORMAT = "ywxt-app-data"
# 2: one list per section (the inbox, each feature); messages link to a page of the app.
VERSION = 2
APP = __name__.split(".")[0]
ENVELOPE = ("format", "version", "app")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

# Each check returns the value to store, or raises ValueError / TypeError.
Check = Callable[[Any], Any]


@dataclasses.dataclass(frozen=True)
class ExportSection:
    """One table of the app's own data in the backup: its rows, field by field."""

    key: str                     # the document's key, e.g. "leave"
    label: str                   # 中文 name for messages, e.g. "请假申请"
    model: type[Any]             # the Model subclass, with an integer primary key `id`
    checks: Mapping[str, Check]  # every field, and how an imported value is checked
    # Fields whose stored value is not JSON as it is (a date): how to write it.
    encoders: Mapping[str, Callable[[Any], Any]] = dataclasses.field(default_factory=dict)
    unique: tuple[str, ...] = ("id",)
    # Rules across the fields of a record: raise ValueError with the Chinese reason.
    validate: Callable[[dict[str, Any]], None] | None = None

    def records(self) -> list[dict[str, Any]]:
        rows = db.session.scalars(select(self.model).order_by(self.model.id))
        return [{name: self.encoders.get(name, _as_is)(getattr(row, name))
                 for name in self.checks} for row in rows]


class DataImportError(Exception):
    """The backup cannot be restored; the message says why in Chinese for the operator."""


def _as_is(value: Any) -> Any:
    return value


# -- export ------------------------------------------------------------------------------


def export_data(sections: Sequence[ExportSection]) -> dict[str, Any]:
    """The app's own data as one JSON-ready document."""
    return {"format": FORMAT, "version": VERSION, "app": APP,
            **{section.key: section.records() for section in sections}}


def describe_counts(sections: Sequence[ExportSection], counts: Mapping[str, int]) -> str:
    """"站内消息 5 条、请假申请 3 条", in the sections' order."""
    return "、".join(f"{section.label} {counts.get(section.key, 0)} 条" for section in sections)


def dumps(document: dict[str, Any]) -> str:
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


def import_data(document: Any, sections: Sequence[ExportSection]) -> dict[str, int]:
    """Restore a checked document into an empty database, in one transaction."""
    records = check_document(document, sections)
    if not database_is_empty(sections):
        raise DataImportError("数据库中已有数据或待投递内容：只能导入到空数据库，"
                              "以免覆盖现有数据。请换用新的数据库后重试。")
    try:
        for section in sections:
            db.session.add_all(section.model(**record) for record in records[section.key])
            db.session.flush()
        if db.engine.dialect.name == "postgresql":
            for section in sections:
                # PostgreSQL hands out ids from a sequence that does not see rows inserted
                # with their own id: move it past them, or the next new row would collide.
                sequence = func.pg_get_serial_sequence(section.model.__tablename__, "id")
                highest = select(func.max(section.model.id)).scalar_subquery()
                db.session.execute(select(func.setval(sequence, highest)))
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return {key: len(rows) for key, rows in records.items()}


def database_is_empty(sections: Sequence[ExportSection]) -> bool:
    models = [section.model for section in sections] + [OutboxMessage]
    return not any(db.session.scalar(select(func.count()).select_from(model))
                   for model in models)


def check_document(document: Any,
                   sections: Sequence[ExportSection]) -> dict[str, list[dict[str, Any]]]:
    """Each section's rows of a backup, every field checked; or DataImportError."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise DataImportError("文件不是本应用导出的数据备份（缺少 format 标记），无法导入。")
    if document.get("version") != VERSION:
        raise DataImportError(f"备份文件版本 {document.get('version')!r} 不受支持"
                              f"（本程序只能导入版本 {VERSION}），无法导入。")
    if document.get("app") != APP:
        raise DataImportError(f"备份文件来自应用 {document.get('app')!r}，不是本应用（{APP}），"
                              "无法导入。")
    known = {section.key for section in sections}
    unknown = sorted(set(document) - known - set(ENVELOPE))
    if unknown:
        # A feature removed since the export: importing without it would lose its data.
        raise DataImportError(f"备份文件含有本应用没有的数据（{'、'.join(unknown)}），"
                              "无法导入；请在有该功能的版本中导入。")
    return {section.key: _checked_records(document, section) for section in sections}


def _checked_records(document: dict[str, Any], section: ExportSection) -> list[dict[str, Any]]:
    # A section missing from the file: the feature came after the export; it has no rows.
    rows = document.get(section.key, [])
    if not isinstance(rows, list):
        raise DataImportError(f"备份文件中的{section.label}（{section.key}）不是列表，无法导入。")
    records = []
    for number, row in enumerate(rows, start=1):
        where = f"第 {number} 条{section.label}"
        if not isinstance(row, dict) or set(row) != set(section.checks):
            raise DataImportError(f"{where}的字段不完整或多出字段，无法导入。")
        record = {}
        for name, check in section.checks.items():
            try:
                record[name] = check(row[name])
            except (TypeError, ValueError):
                raise DataImportError(f"{where}的 {name} 无效，无法导入。") from None
        if section.validate is not None:
            try:
                section.validate(record)
            except ValueError as error:
                raise DataImportError(f"{where}{error}，无法导入。") from None
        records.append(record)
    for name in section.unique:
        _unique(records, name, section.label)
    return records


def _unique(records: list[dict[str, Any]], name: str, label: str) -> None:
    seen: set[Any] = set()
    for number, record in enumerate(records, start=1):
        if record[name] in seen:
            raise DataImportError(f"第 {number} 条{label}的 {name} 与前面重复，无法导入。")
        seen.add(record[name])


# -- checks, for the sections -------------------------------------------------------------


def integer(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(value)
    return value


def identifier(value: Any) -> int:
    number = integer(value)
    if number < 1:
        raise ValueError(value)
    return number


def optional_integer(value: Any) -> int | None:
    return None if value is None else integer(value)


def text_field(limit: int, *, required: bool = True,
               pattern: re.Pattern[str] | None = None) -> Check:
    def check(value: Any) -> str:
        if not isinstance(value, str) or len(value) > limit or (required and not value):
            raise ValueError(value)
        if pattern is not None and not pattern.fullmatch(value):
            raise ValueError(value)
        return value

    return check


def choice(options: tuple[str, ...]) -> Check:
    def check(value: Any) -> str:
        if not isinstance(value, str) or value not in options:
            raise ValueError(value)
        return value

    return check


def optional_date(value: Any) -> date | None:
    if value is None:
        return None
    if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
        raise ValueError(value)
    return date.fromisoformat(value)


def iso_date(value: date | None) -> str | None:
    return value.isoformat() if value else None

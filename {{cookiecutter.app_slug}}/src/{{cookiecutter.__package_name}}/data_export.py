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
It holds business data: it is written owner-only (0600), to a new file that no planted
link can redirect, and renamed into place only once it is complete on disk.

`import_data()` restores into an empty database only, after checking the whole file with
the rules the API applies to the same fields (api/validation.py: one-line text, userids,
no control, bidirectional or invalid characters), plus ranges for ids and times and the
references between records. A file with any problem changes nothing, and the message
names the record and the field.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from .api.validation import (
    MAX_ID,
    MAX_TIMESTAMP,
    ONE_LINE,
    TEXT_BLOCK,
    USERID,
    USERID_MAX,
    UnsafeJSONError,
    load_json,
    property_problem,
)
from .extensions import db
from .outbox import OutboxMessage

FORMAT = "ywxt-app-data"
# 2: one list per section (the inbox, each feature); messages link to a page of the app.
VERSION = 2
APP = __name__.split(".")[0]
ENVELOPE = ("format", "version", "app")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

# Each check returns the value to store, or raises ValueError whose text is the Chinese
# reason ("不能超过 40 个字").
Check = Callable[[Any], Any]
# A rule across the fields of one record: raises ValueError with the Chinese reason.
Rule = Callable[[dict[str, Any]], None]
# The records a record points at: (its field, the other section's key, that record's id).
References = Callable[[dict[str, Any]], Iterable[tuple[str, str, int]]]


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
    rules: tuple[Rule, ...] = ()
    # A record that points at another section's record must find it in the same backup.
    references: References | None = None

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
    """Write the file readable by its owner only, whole or not at all, through no link.

    The content goes to a new file with a random name beside `path`, created exclusively
    and without following links (mkstemp: O_CREAT | O_EXCL | O_NOFOLLOW, mode 0600), so a
    link planted in the folder cannot redirect it. It is flushed to disk, then renamed over
    `path`: a rename replaces a link at `path` itself instead of writing through it.
    """
    descriptor, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                           suffix=".partial")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(partial)
        raise
    _sync_directory(path.parent)


def _sync_directory(folder: Path) -> None:
    """Make the rename itself durable (POSIX: a directory entry is data of its folder)."""
    descriptor = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


# -- import ------------------------------------------------------------------------------


def read_backup(path: Path) -> Any:
    """The parsed document of a backup file, or DataImportError saying what is wrong.

    Parsed within the API's JSON limits (depth, valid Unicode); a backup may be large.
    """
    raw = path.read_bytes()
    try:
        raw.decode("utf-8")
        return load_json(raw, max_bytes=None)
    except UnicodeDecodeError:
        raise DataImportError("备份文件不是 UTF-8 编码的文本，无法导入。") from None
    except UnsafeJSONError as error:
        raise DataImportError(f"备份文件{error.reason}，无法导入。") from None
    except json.JSONDecodeError as error:
        raise DataImportError(
            f"备份文件不是有效的 JSON（第 {error.lineno} 行第 {error.colno} 列），无法导入。"
        ) from None
    except ValueError:  # NaN or Infinity, which JSON does not have
        raise DataImportError("备份文件不是有效的 JSON（含有 NaN 或 Infinity），"
                              "无法导入。") from None


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
    except SQLAlchemyError as error:
        # The checks above should leave nothing for the database to refuse; if it does,
        # nothing was written (one transaction) and the operator gets a sentence.
        db.session.rollback()
        raise DataImportError(f"写入数据库时出错（{type(error).__name__}），"
                              "没有导入任何数据。") from None
    except BaseException:
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
    records = {section.key: _checked_records(document, section) for section in sections}
    _check_references(records, sections)
    return records


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
            except (TypeError, ValueError) as error:
                raise DataImportError(f"{where}的 {name} 无效：{_reason(error)}，"
                                      "无法导入。") from None
        for rule in section.rules:
            try:
                rule(record)
            except ValueError as error:
                raise DataImportError(f"{where}{error}，无法导入。") from None
        records.append(record)
    for name in section.unique:
        _unique(records, name, section.label)
    return records


def _reason(error: Exception) -> str:
    reason = str(error.args[0]) if error.args and isinstance(error.args[0], str) else ""
    return reason or "格式不对"


def _check_references(records: Mapping[str, list[dict[str, Any]]],
                      sections: Sequence[ExportSection]) -> None:
    """Every record a record points at is in the backup (a section of this app's)."""
    labels = {section.key: section.label for section in sections}
    ids = {key: {record["id"] for record in rows} for key, rows in records.items()}
    for section in sections:
        if section.references is None:
            continue
        for number, record in enumerate(records[section.key], start=1):
            for field, key, target in section.references(record):
                # A page of a feature this app no longer has is not a record of the backup.
                if key in ids and target not in ids[key]:
                    raise DataImportError(
                        f"第 {number} 条{section.label}的 {field} 指向的{labels[key]}"
                        f"（编号 {target}）不在备份中，无法导入。")


def _unique(records: list[dict[str, Any]], name: str, label: str) -> None:
    seen: set[Any] = set()
    for number, record in enumerate(records, start=1):
        if record[name] in seen:
            raise DataImportError(f"第 {number} 条{label}的 {name} 与前面重复，无法导入。")
        seen.add(record[name])


# -- checks, for the sections -------------------------------------------------------------

# Imported ids leave room for new records: the next id after the highest imported one must
# still be one the routes accept (api/validation.py MAX_ID). Half the range is left free,
# about a billion new records.
MAX_IMPORTED_ID = MAX_ID // 2
# A backup is taken before the import: no time in it lies ahead of now (a day of clock
# difference between the two machines allowed).
CLOCK_SKEW_SECONDS = 86_400


def _whole_number(value: Any, low: int, high: int, reason: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(reason)
    return value


def integer(value: Any) -> int:
    """A whole number the database's integer columns hold (0 to 2^31 - 1)."""
    return _whole_number(value, 0, MAX_ID, f"应为 0 到 {MAX_ID} 之间的整数")


def identifier(value: Any) -> int:
    return _whole_number(value, 1, MAX_IMPORTED_ID, f"应为 1 到 {MAX_IMPORTED_ID} 之间的整数"
                         "（导入后新建的记录还要有编号可用）")


def optional_integer(value: Any) -> int | None:
    return None if value is None else integer(value)


def timestamp(value: Any) -> int:
    """A moment in Unix seconds: after 1970, and not after the import (times are shown as
    dates: an out-of-range one once made every list that showed it answer 500)."""
    latest = min(MAX_TIMESTAMP, int(time.time()) + CLOCK_SKEW_SECONDS)
    return _whole_number(value, 1, latest,
                         f"应为 1 到 {latest} 之间的 Unix 秒数（1970 年之后、不晚于现在）")


def optional_timestamp(value: Any) -> int | None:
    return None if value is None else timestamp(value)


NOT_TEXT = "含有不允许的字符（控制字符、双向控制字符或无效字符）"
NOT_ONE_LINE = "应为一行文字，不含换行、控制字符、双向控制字符或无效字符"


def text_field(limit: int, *, required: bool = True, pattern: str | re.Pattern[str] = TEXT_BLOCK,
               mismatch: str = NOT_TEXT) -> Check:
    """Text of at most `limit` characters that matches `pattern` (by default the API's rule
    for a block of text); `mismatch` says in Chinese what a value that does not match lacks."""
    compiled = re.compile(pattern) if isinstance(pattern, str) else pattern

    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError("应为文字")
        if required and not value:
            raise ValueError("不能为空")
        if len(value) > limit:
            raise ValueError(f"不能超过 {limit} 个字")
        if not compiled.fullmatch(value):
            raise ValueError(mismatch)
        return value

    return check


def one_line(limit: int) -> Check:
    """One line of text, as the API accepts a title: something besides spaces."""
    return text_field(limit, pattern=ONE_LINE, mismatch=NOT_ONE_LINE)


userid = text_field(USERID_MAX, pattern=USERID, mismatch="应为平台的 userid（字母、数字和 _-@.）")


def schema_field(schema: dict[str, Any], *, nullable: bool = False) -> Check:
    """The API's own rule for this field: its property in the request body's JSON Schema.

    `nullable=False` refuses null even where the API takes it as "use the default": a
    stored record holds the value itself.
    """

    def check(value: Any) -> Any:
        if value is None and not nullable:
            raise ValueError("不能为 null")
        problem = property_problem(schema, value)
        if problem is not None:
            raise ValueError(problem)
        return value

    return check


def choice(options: tuple[str, ...]) -> Check:
    def check(value: Any) -> str:
        if value not in options:
            raise ValueError(f"只能是 {'、'.join(options)} 之一")
        return str(value)

    return check


def optional_date(value: Any) -> date | None:
    if value is None:
        return None
    if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
        raise ValueError("应为 YYYY-MM-DD 格式的日期")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError("不是存在的日期") from None


def iso_date(value: date | None) -> str | None:
    return value.isoformat() if value else None


def not_before(later: str, earlier: str, reason: str) -> Rule:
    """A rule: the time in `later`, when set, is not before the one in `earlier`."""

    def rule(record: dict[str, Any]) -> None:
        if record[later] is not None and record[later] < record[earlier]:
            raise ValueError(reason)

    return rule

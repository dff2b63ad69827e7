"""Extension singletons, bound to the app by `create_app` with `init_app`."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from flask import g
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Dialect, Select
from sqlalchemy.exc import DBAPIError, InvalidRequestError
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.pool import PoolProxiedConnection


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
migrate = Migrate()


READ_CONNECTION = "read_connection"
Processor = Callable[[Any], Any]


@dataclasses.dataclass(frozen=True)
class PreparedRead:
    """A SELECT compiled once for a dialect, to run on a DB-API cursor as it is.

    SQLAlchemy's execution machinery (execution context, result object, a Row per row)
    cost more than the database did for the small reads every request makes; this keeps
    what it did that matters here: the SQL and parameter style of the dialect, the values
    the statement binds itself (a status, the LIMIT) and the conversion of a value the
    driver does not return as Python does (a date on SQLite).
    """

    sql: str
    positions: tuple[str, ...] | None  # bind names in order, for a positional paramstyle
    bound: Mapping[str, Any]  # values the statement binds itself
    to_database: Mapping[str, Processor]
    from_database: tuple[Processor | None, ...] | None  # None: rows come back as they are

    def parameters(self, given: Mapping[str, Any]) -> Any:
        values = {**self.bound, **given}
        for name, convert in self.to_database.items():
            values[name] = convert(values[name])
        if self.positions is None:
            return values
        return tuple(values[name] for name in self.positions)

    def rows(self, fetched: Sequence[Any]) -> Sequence[tuple[Any, ...]]:
        convert = self.from_database
        if convert is None:
            return fetched
        return [tuple(value if to is None else to(value) for to, value in zip(convert, row,
                                                                            strict=True))
                for row in fetched]


@functools.lru_cache(maxsize=256)
def prepare(statement: Select[Any], dialect: Dialect) -> PreparedRead:
    """Compile once per statement and dialect.

    Build a statement once, at module level, with `bindparam()` for what varies: one built
    per request would take a cache entry of its own each time (and keep its values there).
    """
    compiled = statement.compile(dialect=dialect)
    if compiled.literal_execute_params or compiled.post_compile_params:
        raise ValueError("read_rows 不支持 IN 列表等运行时展开的参数，请用 db.session 执行")
    binds = compiled.bind_names.items()  # each bind parameter and its name in the SQL
    bound = {name: bind.effective_value for bind, name in binds if not bind.required}
    to_database = {name: convert for bind, name in binds
                   if (convert := bind.type.dialect_impl(dialect).bind_processor(dialect))}
    return PreparedRead(
        sql=str(compiled), bound=bound, to_database=to_database,
        positions=tuple(compiled.positiontup or ()) if compiled.positional else None,
        from_database=_from_database(statement, dialect))


def _from_database(statement: Select[Any], dialect: Dialect) -> tuple[Processor | None, ...] | None:
    converters = []
    for column in statement.selected_columns:
        try:
            converters.append(column.type.dialect_impl(dialect).result_processor(dialect, None))
        except (TypeError, InvalidRequestError) as error:  # needs the driver's type code
            raise ValueError(f"read_rows 不能在 {dialect.name} 上读取 {column}（{column.type}）"
                             "这一列，请用 db.session 执行") from error
    return tuple(converters) if any(converters) else None


def read_rows(statement: Select[Any], **parameters: Any) -> Sequence[tuple[Any, ...]]:
    """The rows of a read, as tuples, on the request's read connection.

    For the reads a request makes without writing (its session, a list): no ORM session,
    no SQLAlchemy execution, the statement compiled once (`prepare`). One pooled DB-API
    connection per app context (a request) serves them all: taken at the first read,
    given back when the context ends (`close_read_connection`). It sees what is committed;
    a request that writes reads its own changes through `db.session`. SQLAlchemy's
    statement events and echo do not see these reads; its errors are the same
    (`sqlalchemy.exc.DBAPIError` and subclasses), and a lost connection is not reused.
    """
    connection: PoolProxiedConnection | None = g.get(READ_CONNECTION)
    if connection is None:
        connection = db.engine.raw_connection()
        setattr(g, READ_CONNECTION, connection)
    dialect = db.engine.dialect
    read = prepare(statement, dialect)
    values = read.parameters(parameters)
    cursor = connection.cursor()
    try:
        try:
            cursor.execute(read.sql, values)
            fetched = cursor.fetchall()
        finally:
            cursor.close()
    except dialect.loaded_dbapi.Error as error:
        lost = dialect.is_disconnect(error, connection.dbapi_connection, cursor)
        if lost:
            connection.invalidate(error)
        raise DBAPIError.instance(read.sql, values, error, dialect.loaded_dbapi.Error,
                                  connection_invalidated=lost, dialect=dialect) from error
    return read.rows(fetched)


def close_read_connection(_error: BaseException | None = None) -> None:
    """Give the read connection back to the pool (an app-context teardown); the pool
    rolls back whatever the reads began."""
    connection: PoolProxiedConnection | None = g.pop(READ_CONNECTION, None)
    if connection is not None:
        connection.close()


# Models subclass `Model`. At run time it is `db.Model`, which Flask-SQLAlchemy builds from
# Base plus its own mixins; a type checker cannot use an attribute as a base class, so it
# sees the same two parents spelled out.
if TYPE_CHECKING:
    from flask_sqlalchemy.model import Model as _FlaskModel

    class Model(_FlaskModel, Base):
        __abstract__ = True
else:
    Model = db.Model

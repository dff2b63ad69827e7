"""Extension singletons, bound to the app by `create_app` with `init_app`."""

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from flask import g
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Connection, Executable, Row
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
migrate = Migrate()


READ_CONNECTION = "read_connection"


def read_rows(statement: Executable, **parameters: Any) -> Sequence[Row[Any]]:
    """The rows of a read, on the request's read connection.

    For the reads a request makes without writing (its session, a list): no ORM session and
    no ORM transaction. One pooled connection per app context (a request) serves them all:
    taken at the first read, given back when the context ends (`close_read_connection`).
    It sees what is committed; a request that writes reads its own changes through
    `db.session`.
    """
    connection: Connection | None = g.get(READ_CONNECTION)
    if connection is None:
        connection = db.engine.connect()
        setattr(g, READ_CONNECTION, connection)
    return connection.execute(statement, parameters).all()


def close_read_connection(_error: BaseException | None = None) -> None:
    """Give the read connection back to the pool (an app-context teardown)."""
    connection: Connection | None = g.pop(READ_CONNECTION, None)
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

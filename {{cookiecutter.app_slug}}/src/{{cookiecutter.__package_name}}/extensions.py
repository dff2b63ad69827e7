"""Extension singletons, bound to the app by `create_app` with `init_app`."""

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Executable, Row
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
migrate = Migrate()


def read_rows(statement: Executable, **parameters: Any) -> Sequence[Row[Any]]:
    """The rows of a read, on a pooled connection of its own, returned at once.

    For the reads a request makes without writing (its session, a list): no ORM session,
    no transaction left to close at teardown. What it reads is what is committed; a
    request that writes reads its own changes through `db.session`.
    """
    with db.engine.connect() as connection:
        return connection.execute(statement, parameters).all()

# Models subclass `Model`. At run time it is `db.Model`, which Flask-SQLAlchemy builds from
# Base plus its own mixins; a type checker cannot use an attribute as a base class, so it
# sees the same two parents spelled out.
if TYPE_CHECKING:
    from flask_sqlalchemy.model import Model as _FlaskModel

    class Model(_FlaskModel, Base):
        __abstract__ = True
else:
    Model = db.Model

"""Extension singletons, bound to the app by `create_app` with `init_app`."""

from typing import TYPE_CHECKING

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
migrate = Migrate()

# Models subclass `Model`. At run time it is `db.Model`, which Flask-SQLAlchemy builds from
# Base plus its own mixins; a type checker cannot use an attribute as a base class, so it
# sees the same two parents spelled out.
if TYPE_CHECKING:
    from flask_sqlalchemy.model import Model as _FlaskModel

    class Model(_FlaskModel, Base):
        __abstract__ = True
else:
    Model = db.Model

"""事项: the demo business flow (create, assign, complete) wired to platform todos."""

from flask import Flask

from . import messages, models, views

__all__ = ["init_app", "messages", "models"]


def init_app(app: Flask) -> None:
    app.register_blueprint(views.bp)

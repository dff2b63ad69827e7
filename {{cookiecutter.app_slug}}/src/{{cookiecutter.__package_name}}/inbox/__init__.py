"""The in-app inbox (消息): what the app tells a user, kept for the 消息 page.

Core, not part of any feature: a feature posts a message in the same transaction as its
change (`post_message`), the inbox lists them and counts the unread for the tab bar.
"""

from __future__ import annotations

from flask import Flask

from .models import AppMessage
from .routes import bp
from .service import mark_read, message_list_answer, post_message

__all__ = ["AppMessage", "init_app", "mark_read", "message_list_answer", "post_message"]


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)

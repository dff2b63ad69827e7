"""What the outbox sends to the platform for an item: the todo, its completion, a message.

Each function rebuilds the request from the item as stored, so an outbox row holds
nothing but the item id (DB31DSJ/Z 003 §8.2 c) and a resend produces the same request.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import current_app

from ...extensions import db
from ...platform import PlatformClient
from .models import Item
from .service import MARK_TODO_DONE, SEND_TODO, TELL_CREATOR, page_link

log = logging.getLogger(__name__)

TODO_DONE = 1
TODO_READ = 1
TODO_TYPE_BANJIAN = 0  # 办件: the receiver has to act (1 would be 阅件, read only)
DESCRIPTION_LIMIT = 200


def item_link(item: Item) -> str:
    """Where the todo opens the item, on PC and mobile (§6.2.4 f: 点击后可跳转至操作界面)."""
    base_url: str = current_app.config["SETTINGS"].app_base_url
    return base_url + page_link(item.id)


def _item(data: dict[str, Any]) -> Item | None:
    item = db.session.get(Item, data["item_id"])
    if item is None:
        log.warning("outbox: item %s no longer exists; nothing to send", data["item_id"])
    return item


def add_todo(client: PlatformClient, data: dict[str, Any]) -> None:
    """Appendix C.1: a 办件 for the assignee, linking back to the item."""
    item = _item(data)
    if item is None:
        return
    link = item_link(item)
    client.add_todo({
        "taskNum": item.task_num,
        "taskName": item.title,
        "taskDesc": item.description[:DESCRIPTION_LIMIT],
        "linkUrl": link,
        "mobileLinkUrl": link,
        "receiver": item.assignee_userid,
        "sender": item.creator_userid,
        "sendMessage": 1,
        "type": TODO_TYPE_BANJIAN,
    })


def complete_todo(client: PlatformClient, data: dict[str, Any]) -> None:
    """Appendix C.4: mark the todo done and read, pointing at the finished item."""
    item = _item(data)
    if item is None:
        return
    link = item_link(item)
    client.update_todo({"taskNum": item.task_num, "status": TODO_DONE, "readStatus": TODO_READ,
                        "doneUrl": link, "pcDoneUrl": link})


def notify_creator(client: PlatformClient, data: dict[str, Any]) -> None:
    """A textcard to the creator that their item was completed (Appendix D 消息推送)."""
    item = _item(data)
    if item is None:
        return
    result = client.send_message([item.creator_userid], "textcard", {
        "title": "事项已办结",
        "description": f"{item.assignee_name}已办结“{item.title}”",
        "url": item_link(item),
        "btntxt": "查看",
    })
    if result.invalid_users:
        # Partial success is still success; the operator learns who was not reached.
        log.warning("message for item %s not delivered to %d member(s)", item.id,
                    len(result.invalid_users))


DELIVERIES = {
    SEND_TODO: add_todo,
    MARK_TODO_DONE: complete_todo,
    TELL_CREATOR: notify_creator,
}

"""A feature that exists only in the tests: it proves the core's registries (outbox
deliveries, first screen, interface document) on their own, in an app with no business
feature at all (`include_demo=false`) as in one with 事项.

Its todos carry everything in the outbox row's references, so it needs no table.
"""

from __future__ import annotations

from flask import Blueprint, current_app

from {{ cookiecutter.__package_name }}.auth import current_user, login_required
from {{ cookiecutter.__package_name }}.features import Feature
from {{ cookiecutter.__package_name }}.openapi import Operation, Tag, answer, documented, obj
from {{ cookiecutter.__package_name }}.platform import PlatformClient

TAG = Tag("通知", "测试用的业务功能")
bp = Blueprint("notices", __name__, url_prefix="/api")


@bp.get("/notices")
@documented(Operation(TAG, "通知", {200: answer("我的通知", obj({"count": {"type": "integer"}}))}))
@login_required
def list_notices():
    return notices_answer(current_user())


def notices_answer(user) -> dict:
    return {"count": len(user.userid)}


def notice_link(number: int) -> str:
    return f"{current_app.config['SETTINGS'].app_base_url}/#/notices/{number}"


def send_todo(client: PlatformClient, data: dict) -> None:
    link = notice_link(data["number"])
    client.add_todo({"taskNum": data["task_num"], "taskName": f"通知 {data['number']}",
                     "taskDesc": "", "linkUrl": link, "mobileLinkUrl": link,
                     "receiver": "lina", "sender": "zhangwei", "sendMessage": 1, "type": 0})


def mark_done(client: PlatformClient, data: dict) -> None:
    link = notice_link(data["number"])
    client.update_todo({"taskNum": data["task_num"], "status": 1, "readStatus": 1,
                        "doneUrl": link, "pcDoneUrl": link})


NOTICES = Feature(
    name="notices",
    title="通知",
    blueprint=bp,
    deliveries={"notices.todo_add": send_todo, "notices.todo_update": mark_done},
    first_screen={"/api/notices": notices_answer},
)

"""The 消息 page's API (inbox/): a page of messages at a time, the unread count of all."""

from __future__ import annotations

import pytest

from {{ cookiecutter.__package_name }}.extensions import db
from {{ cookiecutter.__package_name }}.inbox import post_message
from {{ cookiecutter.__package_name }}.inbox.service import PAGE_SIZE


def tell(app, userid: str, count: int, start: int = 0) -> None:
    """`count` messages in the user's inbox, as a feature posts them."""
    with app.app_context():
        for number in range(start, start + count):
            post_message(userid, f"消息{number}", "请查看", "/#/")
        db.session.commit()


def test_messages_come_a_page_at_a_time_and_every_one_can_be_read(auth, platform_app):
    """More unread messages than a page: every one is reached by paging and can be marked
    read, so the tab's count can come down to 0 (a list that stopped at its newest 100
    left the older ones unread for good)."""
    total = 2 * PAGE_SIZE + 5
    tell(platform_app, "zhangwei", total)
    tell(platform_app, "lina", 3)
    auth.login("zhangwei")
    token = auth.csrf_token()

    first = auth.client.get("/api/messages").json
    assert len(first["messages"]) == PAGE_SIZE and first["unread"] == total
    tell(platform_app, "zhangwei", 1, start=total)  # arrives while the user pages
    seen, sizes, before = list(first["messages"]), [], first["next_before"]
    while before is not None:
        page = auth.client.get("/api/messages", query_string={"before": before}).json
        sizes.append(len(page["messages"]))
        seen += page["messages"]
        before = page["next_before"]
    assert sizes == [PAGE_SIZE, 5]
    assert [message["title"] for message in seen] == [f"消息{n}" for n in reversed(range(total))]

    for message in seen:
        assert auth.client.post(f"/api/messages/{message['id']}/read",
                                headers={"X-CSRF-Token": token}).status_code == 204
    newest = auth.client.get("/api/messages").json
    assert newest["unread"] == 1  # the one that arrived meanwhile
    assert newest["messages"][0]["title"] == f"消息{total}"


def test_a_page_of_someone_elses_messages_is_empty(auth, platform_app):
    tell(platform_app, "lina", 3)
    auth.login("zhangwei")
    answer = auth.client.get("/api/messages", query_string={"before": 4}).json
    assert answer == {"messages": [], "unread": 0, "next_before": None}


@pytest.mark.parametrize("before", ["0", "abc", "2147483648"])
def test_a_page_start_that_is_not_an_id_is_a_bad_request(auth, before):
    auth.login("zhangwei")
    answer = auth.client.get("/api/messages", query_string={"before": before})
    assert answer.status_code == 400
    assert answer.json["error"]["message"] == "before 应为 1 到 2147483647 之间的整数。"

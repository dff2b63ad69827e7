"""事项 through the production-like stack: nginx → gunicorn → the relay → the platform.

The stack is tests/test_stack.py's (Debian's nginx; skipped without it).
"""

from __future__ import annotations

import uuid

from devtools.loopback_stack import wait_until

from tests.test_stack import pytestmark, stack  # noqa: F401 - the fixture and its skip


def test_items_flow_delivers_the_todo_through_the_relay(stack):  # noqa: F811
    creator, assignee = stack.session(), stack.session()
    creator_token = stack.login(creator, "zhangwei")["csrf_token"]
    title = f"栈测试事项 {uuid.uuid4().hex[:6]}"
    created = creator.post(f"{stack.base_url}/api/items", timeout=10,
                           headers={"X-CSRF-Token": creator_token},
                           json={"title": title, "assignee_userid": "lina"})
    assert created.status_code == 201, created.text
    item_id = created.json()["item"]["id"]

    def todo(status: int):
        todos = stack.sim("GET", "/_sim/todos").json()["todos"]
        return [t for t in todos if t["fields"]["taskName"] == title and t["status"] == status]

    [added] = wait_until(lambda: todo(0), "the todo delivered", seconds=30)
    assert added["fields"]["receiver"] == "lina"
    assert added["fields"]["linkUrl"] == f"{stack.base_url}/#/items/{item_id}"

    assignee_token = stack.login(assignee, "lina")["csrf_token"]
    listed = assignee.get(f"{stack.base_url}/api/items", timeout=10).json()["items"]
    assert item_id in [item["id"] for item in listed]
    done = assignee.post(f"{stack.base_url}/api/items/{item_id}/complete", timeout=10,
                         headers={"X-CSRF-Token": assignee_token})
    assert done.status_code == 200, done.text
    assert done.json()["item"]["status"] == "done"
    wait_until(lambda: todo(1), "the todo marked done", seconds=30)

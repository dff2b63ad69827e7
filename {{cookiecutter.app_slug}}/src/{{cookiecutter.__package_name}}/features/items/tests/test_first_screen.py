"""事项's panel as HTML for the first screen (first_screen.py): each user value escaped, the
fragment that fits each item, the count of open todos only when there are any (at least
so many when more pages follow).

The fragments are hand-made in the shape the build renders (frontend/src/features/items/
firstScreen.server.ts); the browser tests check the built ones against the app.
"""

from __future__ import annotations

from datetime import UTC, datetime

from ..first_screen import TODO_URL, panel_html

NOW = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)


def card(status: str, priority: str, due: str) -> str:
    when = "截止 ⟦due⟧" if due == "due" else "⟦when⟧"
    return (f'<a href="#/items/⟦id⟧" data-testid="item-card-⟦id⟧"'
            f' data-kind="{status}-{priority}"><span>⟦title⟧</span>'
            f"<span>发起人 ⟦person⟧</span><span>{when}</span></a>")


FRAGMENTS = {
    "panel": ('<div><button>待我办理 ⟦count⟧</button></div>'
              '<div data-testid="item-list-todo">⟦cards⟧</div>'),
    "count": '<span data-testid="todo-count">⟦open⟧</span>',
    "empty": "<p>暂无待办事项</p>",
    **{f"card:{status}:{priority}:{due}": card(status, priority, due)
       for status in ("open", "done") for priority in ("urgent", "normal")
       for due in ("due", "nodue")},
}


def item(item_id: int, title: str, *, status="open", priority="normal", due=None,
         creator="张伟", created_at="2026-03-01T01:30:00+00:00") -> dict:
    return {"id": item_id, "title": title, "description": "", "status": status,
            "priority": priority, "due_date": due, "creator": {"userid": "u", "name": creator},
            "assignee": {"userid": "v", "name": "李娜"}, "created_at": created_at,
            "completed_at": None, "can_complete": True}


def panel(*items: dict, next_before: int | None = None) -> str:
    return panel_html(FRAGMENTS, {TODO_URL: {"items": list(items), "next_before": next_before}},
                      NOW)


def test_titles_and_names_are_escaped():
    html = panel(item(7, '<script>alert("x")</script> & 报表', creator="<b>王</b>&"))
    assert "<script>" not in html and "<b>" not in html
    assert "<span>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; 报表</span>" in html
    assert "<span>发起人 &lt;b&gt;王&lt;/b&gt;&amp;</span>" in html


def test_each_item_gets_its_own_card_in_the_lists_order():
    html = panel(item(9, "甲", priority="urgent", due="2026-03-05"), item(4, "乙"))
    assert html.index('data-testid="item-card-9"') < html.index('data-testid="item-card-4"')
    assert 'href="#/items/9" data-testid="item-card-9" data-kind="open-urgent"' in html
    assert "截止 2026-03-05" in html
    assert "<span>今天 09:30</span>" in html  # created today, in Shanghai time
    assert '<span data-testid="todo-count">2</span>' in html
    assert "⟦" not in html


def test_the_count_of_a_first_page_with_more_after_it_says_at_least():
    html = panel(item(9, "甲"), item(8, "乙"), next_before=8)
    assert '<span data-testid="todo-count">2+</span>' in html


def test_no_count_without_open_items_and_the_empty_panel_without_items():
    assert 'data-testid="todo-count"' not in panel(item(1, "甲", status="done"))
    assert panel() == "<p>暂无待办事项</p>"

"""事项's 工作台 panel as HTML for the first screen (core: prerender.py).

The fragments come from the front end's own components (frontend/src/features/items/
firstScreen.server.ts, built into dist/first-screen.json): the panel with `⟦count⟧` and
`⟦cards⟧`, the count, a card per status × urgency × due date, the empty panel. Here they are
filled from the todo list the page's data block carries, each user value escaped by fill().
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ...prerender import Answers, Html, fill, format_relative

TODO_URL = "/api/items?box=todo"


def card_html(fragments: Mapping[str, str], item: Mapping[str, Any], now: datetime) -> str:
    due = "due" if item["due_date"] else "nodue"
    card = fragments[f"card:{item['status']}:{item['priority']}:{due}"]
    return fill(card, {"id": str(item["id"]), "title": item["title"],
                       "person": item["creator"]["name"], "due": item["due_date"] or "",
                       "when": format_relative(item["created_at"], now)})


def panel_html(fragments: Mapping[str, str], answers: Answers, now: datetime) -> str:
    page = answers[TODO_URL]
    items = page["items"]
    if not items:
        return fragments["empty"]
    open_count = sum(item["status"] == "open" for item in items)
    # More pages: at least this many (ItemsWorkbench.vue shows the same).
    shown = f"{open_count}+" if page["next_before"] else str(open_count)
    count = fill(fragments["count"], {"open": shown}) if open_count else ""
    cards = "".join(card_html(fragments, item, now) for item in items)
    # Both built by fill() above: every user value in them is escaped already.
    return fill(fragments["panel"], {"count": Html(count), "cards": Html(cards)})

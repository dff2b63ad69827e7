"""事项: the sample business — create an item, assign it, complete it — wired to the
platform's unified todos and messages.

A slice to read, copy and delete: models.py (the table), service.py (the actions, the only
module other code calls), schemas.py + routes.py (the API and its interface-document
entries), deliveries.py (what the outbox sends the platform), export.py (its part of the
backup), migrations/ (its own Alembic branch), tests/; the pages are in
frontend/src/features/items/.
"""

from __future__ import annotations

from pathlib import Path

from .. import Feature
from . import deliveries, export, first_screen, routes, service

feature = Feature(
    name="items",
    title="事项",
    blueprint=routes.bp,
    deliveries=deliveries.DELIVERIES,
    first_screen={first_screen.TODO_URL: lambda user: service.item_list_answer(user, "todo")},
    first_screen_panel=first_screen.panel_html,
    export=export.SECTION,
    migrations=Path(__file__).parent / "migrations",
)

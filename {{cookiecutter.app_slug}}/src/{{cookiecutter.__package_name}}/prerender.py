"""The first screen (工作台) as HTML in index.html's `#app`, before any script has run.

`npm run build` renders the landing page's components with Vue's server renderer into
frontend/dist/first-screen.json (frontend/src/firstScreen.server.ts): the page by the tab
badge's form, and each server-drawn feature panel's fragments, with `⟦slot⟧` marks where a
user's data goes. Here the marks are filled, in one pass, with that user's data from the same
answers the page's first-screen data block carries: text HTML-escaped, fragments this module
or a feature built (Html) as they are. The browser paints the list with the HTML itself and
the scripts, once there, mount the app over it with the same markup (DB31DSJ/Z 003 §6.3.6 d:
the first screen within 2 s). Rendered from the components, the markup cannot drift from the
app's; a template that does not fit (another build's, a slot without a value) is not used.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta, timezone
from html import escape
from pathlib import Path
from typing import Any

TEMPLATE_FILE = "first-screen.json"
SLOT = re.compile(r"⟦([a-z0-9_:.-]+)⟧")
PANEL_SLOT = "panel:"
# What a feature's `first_screen_panel` gets: its fragments, the first-screen answers by URL
# and the time now; it returns its panel's HTML.
Answers = Mapping[str, Mapping[str, Any]]
PanelHtml = Callable[[Mapping[str, str], Answers, datetime], str]
# The tab badge shows the count up to 99, then 99+ (frontend/src/components/TheTabbar.vue).
BADGE_MAX = 99
# The app's users are on Shanghai's platform; the browser shows times in its own zone, the
# same for them (China keeps no summer time).
DISPLAY_ZONE = timezone(timedelta(hours=8))


class Html(str):
    """HTML this module or a feature built with fill(): inserted as it is."""

    __slots__ = ()


class TemplateError(ValueError):
    """The template does not fit the data: the page goes out without the first screen's HTML."""


def fill(template: str, values: Mapping[str, str]) -> str:
    """Each `⟦slot⟧` replaced by its value: a str HTML-escaped, an Html as it is. One pass,
    so a user's text that looks like a slot stays text."""
    def replace(match: re.Match[str]) -> str:
        try:
            value = values[match[1]]
        except KeyError:
            raise TemplateError(f"no value for the slot {match[1]}") from None
        return value if isinstance(value, Html) else escape(value, quote=True)
    return SLOT.sub(replace, template)


def load_template(folder: Path) -> dict[str, Any] | None:
    """dist/first-screen.json, or None without one (an older build: the page as before)."""
    path = folder / TEMPLATE_FILE
    if not path.is_file():
        return None
    template = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(template, dict):
        raise TemplateError(f"{path} is not a first-screen template")
    pages = template.get("pages")
    if template.get("version") != 1 or not isinstance(pages, dict) or not all(
            isinstance(pages.get(form), str) for form in ("none", "some", "many")):
        raise TemplateError(f"{path} is not a first-screen template of version 1")
    return template


def badge_form(unread: int) -> str:
    return "none" if unread <= 0 else "some" if unread <= BADGE_MAX else "many"


def first_screen_html(template: Mapping[str, Any], answers: Answers,
                      panels: Mapping[str, PanelHtml], now: datetime) -> str:
    """`#app`'s content for these answers; a panel without its feature's code stays empty
    (it shows once the scripts run)."""
    unread = int(answers["/api/messages"]["unread"])
    page: str = template["pages"][badge_form(unread)]
    values: dict[str, str] = {"name": str(answers["/api/me"]["name"]), "unread": str(unread)}
    fragments: Mapping[str, Mapping[str, str]] = template.get("panels", {})
    for slot in SLOT.findall(page):
        if slot.startswith(PANEL_SLOT):
            name = slot.removeprefix(PANEL_SLOT)
            panel = panels.get(name)
            html = panel(fragments[name], answers, now) if panel and name in fragments else ""
            values[slot] = Html(html)
    return fill(page, values)


def two(value: int) -> str:
    return f"{value:02d}"


def format_relative(value: str | None, now: datetime) -> str:
    """As frontend/src/utils/format.ts formatRelative: 今天 09:30 / 03-01 09:30 / 2025-12-30."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value).astimezone(DISPLAY_ZONE)
    today = now.astimezone(DISPLAY_ZONE)
    clock = f"{two(moment.hour)}:{two(moment.minute)}"
    if moment.date() == today.date():
        return f"今天 {clock}"
    if moment.year == today.year:
        return f"{two(moment.month)}-{two(moment.day)} {clock}"
    return moment.date().isoformat()


def utc_now() -> datetime:
    return datetime.now(UTC)

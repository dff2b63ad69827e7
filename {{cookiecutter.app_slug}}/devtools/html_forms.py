"""What a browser posts back from a page's form: the simulator's login, without a browser."""

from __future__ import annotations

from html.parser import HTMLParser


class _HiddenInputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "input" and attributes.get("type") == "hidden":
            self.fields[attributes["name"] or ""] = attributes.get("value") or ""


def hidden_fields(html: str) -> dict[str, str]:
    """The hidden inputs of a page, which a browser would post back."""
    parser = _HiddenInputs()
    parser.feed(html)
    return parser.fields

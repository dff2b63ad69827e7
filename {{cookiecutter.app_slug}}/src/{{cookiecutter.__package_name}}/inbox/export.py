"""The inbox's section of the data backup (`flask data export`, DB31DSJ/Z 003 §7.4)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..data_export import (
    ExportSection,
    identifier,
    not_before,
    one_line,
    optional_timestamp,
    text_field,
    timestamp,
    userid,
)
from .models import DESCRIPTION_MAX, LINK_MAX, TITLE_MAX, AppMessage

# A page of this app: "/#/..." (hash routes), never another site; printable ASCII, as the
# features' `page_link` writes it (anything else is percent-encoded).
IN_APP_LINK = re.compile(r"/#/[!-~]*")
# A feature's page of one record, "/#/<feature>/<id>" (each feature's `page_link`).
RECORD_PAGE = re.compile(r"/#/([a-z][a-z0-9_]*)/([0-9]+)(?:[/?].*)?")


def linked_record(message: dict[str, Any]) -> Iterator[tuple[str, str, int]]:
    """The record a message opens, if its link is a feature's record page."""
    page = RECORD_PAGE.fullmatch(message["link"])
    if page is not None:
        yield "link", page.group(1), int(page.group(2))


SECTION = ExportSection(
    key="messages",
    label="站内消息",
    model=AppMessage,
    checks={
        "id": identifier,
        "recipient_userid": userid,
        "title": one_line(TITLE_MAX),
        "description": text_field(DESCRIPTION_MAX, required=False),
        "link": text_field(LINK_MAX, pattern=IN_APP_LINK, mismatch="应为本应用的页面（/#/ 开头）"),
        "created_at": timestamp,
        "read_at": optional_timestamp,
    },
    rules=(not_before("read_at", "created_at", "的阅读时间早于发送时间"),),
    references=linked_record,
)

"""The inbox's section of the data backup (`flask data export`, DB31DSJ/Z 003 §7.4)."""

from __future__ import annotations

import re

from ..data_export import ExportSection, identifier, integer, optional_integer, text_field
from .models import DESCRIPTION_MAX, LINK_MAX, TITLE_MAX, AppMessage

# A page of this app: "/#/..." (hash routes), never another site.
IN_APP_LINK = re.compile(r"/#/[^\s]*")

SECTION = ExportSection(
    key="messages",
    label="站内消息",
    model=AppMessage,
    checks={
        "id": identifier,
        "recipient_userid": text_field(64),
        "title": text_field(TITLE_MAX),
        "description": text_field(DESCRIPTION_MAX, required=False),
        "link": text_field(LINK_MAX, pattern=IN_APP_LINK),
        "created_at": integer,
        "read_at": optional_integer,
    },
)

"""事项's section of the data backup (`flask data export` / `import`, DB31DSJ/Z 003 §7.4)."""

from __future__ import annotations

import re
from typing import Any

from ...data_export import (
    ExportSection,
    choice,
    identifier,
    integer,
    iso_date,
    optional_date,
    optional_integer,
    text_field,
)
from .models import DESCRIPTION_MAX, DONE, OPEN, PRIORITIES, TITLE_MAX, Item

TASK_NUM = re.compile(r"[A-Za-z0-9_\-]{1,64}")  # Appendix C taskNum


def status_matches_completion(record: dict[str, Any]) -> None:
    if (record["status"] == DONE) != (record["completed_at"] is not None):
        raise ValueError("的状态与办结时间不一致")


SECTION = ExportSection(
    key="items",
    label="事项",
    model=Item,
    checks={
        "id": identifier,
        "title": text_field(TITLE_MAX),
        "description": text_field(DESCRIPTION_MAX, required=False),
        "status": choice((OPEN, DONE)),
        "priority": choice(PRIORITIES),
        "due_date": optional_date,
        "creator_userid": text_field(64),
        "creator_name": text_field(64),
        "assignee_userid": text_field(64),
        "assignee_name": text_field(64),
        "task_num": text_field(64, pattern=TASK_NUM),
        "created_at": integer,
        "completed_at": optional_integer,
    },
    encoders={"due_date": iso_date},
    unique=("id", "task_num"),
    validate=status_matches_completion,
)

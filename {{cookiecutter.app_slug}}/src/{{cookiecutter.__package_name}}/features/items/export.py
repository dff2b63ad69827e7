"""事项's section of the data backup (`flask data export` / `import`, DB31DSJ/Z 003 §7.4).

Fields a person types are checked with the API's own schema (schemas.NEW_ITEM): a backup
cannot bring in a title that POST /api/items would refuse.
"""

from __future__ import annotations

import re
from typing import Any

from ...data_export import (
    ExportSection,
    choice,
    identifier,
    iso_date,
    not_before,
    one_line,
    optional_date,
    optional_timestamp,
    schema_field,
    text_field,
    timestamp,
    userid,
)
from .models import DONE, OPEN, Item
from .schemas import NEW_ITEM

TASK_NUM = re.compile(r"[A-Za-z0-9_\-]{1,64}")  # Appendix C taskNum
TYPED = NEW_ITEM["properties"]


def status_matches_completion(record: dict[str, Any]) -> None:
    if (record["status"] == DONE) != (record["completed_at"] is not None):
        raise ValueError("的状态与办结时间不一致")


SECTION = ExportSection(
    key="items",
    label="事项",
    model=Item,
    checks={
        "id": identifier,
        "title": schema_field(TYPED["title"]),
        "description": schema_field(TYPED["description"]),
        "status": choice((OPEN, DONE)),
        "priority": schema_field(TYPED["priority"]),
        "due_date": optional_date,
        "creator_userid": userid,
        "creator_name": one_line(64),
        "assignee_userid": schema_field(TYPED["assignee_userid"]),
        "assignee_name": one_line(64),
        "task_num": text_field(64, pattern=TASK_NUM, mismatch="应为 1-64 位字母、数字、_ 或 -"),
        "created_at": timestamp,
        "completed_at": optional_timestamp,
    },
    encoders={"due_date": iso_date},
    unique=("id", "task_num"),
    rules=(status_matches_completion,
           not_before("completed_at", "created_at", "的办结时间早于创建时间")),
)

"""事项's JSON Schemas: the request body the route validates with, and the answers.

The same objects go into the interface document (openapi.py assembles it) and into
`validate_body`, so the document cannot say one thing while the route checks another.
"""

from __future__ import annotations

from ...api.validation import ONE_LINE, TEXT_BLOCK, USERID, USERID_MAX
from ...openapi import ID, MAYBE_TIME, TEXT, TIME, Component, Schema, Tag, array, obj
from .models import DESCRIPTION_MAX, DONE, OPEN, PRIORITIES, TITLE_MAX
from .service import PAGE_SIZE

TAG = Tag("事项", "事项的发起、查看、办结（待办经一网协同统一待办送达）")

# A new item, as the interface document publishes it and `validate_body` checks it.
NEW_ITEM: Schema = {
    "type": "object",
    "required": ["title", "assignee_userid"],
    "properties": {
        "title": {
            "type": "string", "maxLength": TITLE_MAX, "pattern": ONE_LINE,
            "description": f"标题，一行，不超过 {TITLE_MAX} 个字", "examples": ["报送季度统计表"],
            "x-messages": {"maxLength": f"标题不能超过 {TITLE_MAX} 个字",
                           "default": "请填写事项标题"},
        },
        "description": {
            "type": ["string", "null"], "maxLength": DESCRIPTION_MAX,
            "pattern": TEXT_BLOCK,
            "description": f"说明，不超过 {DESCRIPTION_MAX} 个字", "examples": ["请于周五前报送。"],
            "x-messages": {"maxLength": f"说明不能超过 {DESCRIPTION_MAX} 个字",
                           "default": "说明应为文字"},
        },
        "assignee_userid": {
            "type": "string", "minLength": 1, "maxLength": USERID_MAX, "pattern": USERID,
            "description": "办理人的 userid，须在本应用的可见范围内", "examples": ["lina"],
            "x-messages": {"pattern": "办理人不在本应用的可见范围内",
                           "maxLength": "办理人不在本应用的可见范围内",
                           "default": "请选择办理人"},
        },
        "due_date": {
            "anyOf": [{"type": "string", "format": "date"}, {"const": ""}, {"type": "null"}],
            "description": "截止日期 YYYY-MM-DD；不填表示不限", "examples": ["2026-12-31"],
            "x-messages": {"default": "截止日期格式应为 YYYY-MM-DD"},
        },
        "priority": {
            "enum": [*PRIORITIES, None], "default": "normal",
            "description": "紧急程度：normal 普通，urgent 紧急", "examples": ["urgent"],
            "x-messages": {"default": "紧急程度只能是普通或紧急"},
        },
    },
}
NEW_ITEM_BODY = Component("NewItem", NEW_ITEM)

PERSON = Component("Person", obj({"userid": TEXT, "name": TEXT}))
ITEM = Component("Item", obj({
    "id": ID,
    "title": TEXT,
    "description": TEXT,
    "status": {"enum": [OPEN, DONE]},
    "priority": {"enum": list(PRIORITIES)},
    "due_date": {"type": ["string", "null"], "format": "date"},
    "creator": PERSON,
    "assignee": PERSON,
    "created_at": TIME,
    "completed_at": MAYBE_TIME,
    "can_complete": {"type": "boolean", "description": "当前用户能否办结"},
}))
ITEM_ANSWER = Component("ItemAnswer", obj({"item": ITEM}))
ITEM_LIST = Component("ItemList", obj({
    "items": array(ITEM, PAGE_SIZE),
    "next_before": {"type": ["integer", "null"], "minimum": 1,
                    "description": "下一页：作为 before 再请求；null 表示没有更多了"},
}))

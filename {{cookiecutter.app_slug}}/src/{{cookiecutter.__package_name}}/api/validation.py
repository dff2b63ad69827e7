"""Request bodies are checked against the JSON Schemas that the interface document publishes.

One schema serves both: api/spec.py puts it in docs/openapi.json, `validate_body` checks
requests with it (jsonschema, JSON Schema 2020-12 as in OpenAPI 3.1). Each property says
in `x-messages` what to tell the user, by the keyword that failed, or `default`:

    "title": {"type": "string", "maxLength": 40,
              "x-messages": {"maxLength": "标题不能超过 40 个字", "default": "请填写标题"}}

A body that is not a JSON object is a 400; failed fields are one 422 naming every field
to fix, in the `{"error": {..., "fields": {...}}}` shape of errors.py.
"""

from __future__ import annotations

from typing import Any

from flask import request
from jsonschema import Draft202012Validator

from ..errors import FriendlyError

NOT_AN_OBJECT = ("请求有误", "请以 JSON 对象提交。")
INVALID = ("内容有误", "提交的内容未通过校验，请按提示修改。")


def field_problems(schema: dict[str, Any], body: dict[str, Any]) -> dict[str, str]:
    """{field: 中文提示} for every property of `body` that `schema` refuses."""
    properties = schema.get("properties", {})

    def message(field: str, keyword: str) -> str:
        messages = properties.get(field, {}).get("x-messages", {})
        return messages.get(keyword) or messages.get("default") or INVALID[1]

    problems = {field: message(field, "required")
                for field in schema.get("required", ()) if field not in body}
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    for error in validator.iter_errors(body):
        if error.validator == "required":
            continue  # reported above, by name
        field = str(error.path[0]) if error.path else ""
        problems.setdefault(field, message(field, str(error.validator)))
    return problems


def validate_body(schema: dict[str, Any]) -> dict[str, Any]:
    """The request's JSON object if it satisfies `schema`; else a friendly 400 or 422."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise FriendlyError(400, *NOT_AN_OBJECT)
    problems = field_problems(schema, body)
    if problems:
        raise FriendlyError(422, *INVALID, problems)
    return body


# Ids are database integers (PostgreSQL `integer`): a larger one is nothing (404), never an
# overflow in the database driver (500). Routes use the converter: `<int(...):item_id>`.
MAX_ID = 2**31 - 1
ID_CONVERTER = f"int(min=1, max={MAX_ID})"
# The end of the text: `$` would also let a final newline through in Python's dialect.
END = r"(?![\s\S])"
# One line of text: no control characters, and something besides spaces.
ONE_LINE = r"^[^\u0000-\u001f\u007f]*[^\s\u0000-\u001f\u007f][^\u0000-\u001f\u007f]*" + END
# The platform's userid: 1-64 letters, digits and _-@. (case-insensitive).
USERID = r"^[A-Za-z0-9_@.-]+" + END
USERID_MAX = 64

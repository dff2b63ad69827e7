"""Request bodies are checked against the JSON Schemas that the interface document publishes.

One schema serves both: openapi.py puts it in docs/openapi.json, `validate_body` checks
requests with it (jsonschema, JSON Schema 2020-12 as in OpenAPI 3.1). Each property says
in `x-messages` what to tell the user, by the keyword that failed, or `default`:

    "title": {"type": "string", "maxLength": 40,
              "x-messages": {"maxLength": "标题不能超过 40 个字", "default": "请填写标题"}}

A body that is not a JSON object is a 400; failed fields are one 422 naming every field
to fix, in the `{"error": {..., "fields": {...}}}` shape of errors.py.

The text rules below (ONE_LINE, TEXT_BLOCK, USERID, the id range) and the JSON limits
(`load_json`) are the app's one definition of acceptable input: the schemas use them, the
request class parses every body through `load_json` (security/bodies.py), and
`flask data import` checks a backup with the same rules (data_export.py).
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import request
from jsonschema import Draft202012Validator

from ..errors import FriendlyError

NOT_AN_OBJECT = ("请求有误", "请以 JSON 对象提交。")
INVALID = ("内容有误", "提交的内容未通过校验，请按提示修改。")


def property_problem(schema: dict[str, Any], value: Any) -> str | None:
    """The Chinese message for `value` against one property's schema, or None if it fits."""
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    error = next(iter(validator.iter_errors(value)), None)
    if error is None:
        return None
    messages = schema.get("x-messages", {})
    return messages.get(str(error.validator)) or messages.get("default") or INVALID[1]


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


def query_id(name: str) -> int | None:
    """The id in the query string under `name`, None when absent; anything else is a 400."""
    raw = request.args.get(name)
    if raw is None:
        return None
    # isdecimal() alone would take other scripts' digits; ten digits cover MAX_ID.
    if raw.isascii() and raw.isdecimal() and len(raw) <= 10 and 1 <= int(raw) <= MAX_ID:
        return int(raw)
    raise FriendlyError(400, "参数有误", f"{name} 应为 1 到 {MAX_ID} 之间的整数。")


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
# The same range for an id in the query string (`?before=42`): the document's schema and
# `query_id`, which checks it.
ID_IN_QUERY = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
# Times are stored as Unix seconds in the same integer columns: at most MAX_ID (2038-01-19).
MAX_TIMESTAMP = MAX_ID
# The end of the text: `$` would also let a final newline through in Python's dialect.
END = r"(?![\s\S])"

# Characters that no text of this app may hold, in any field:
# - C0 and C1 control characters (NUL makes PostgreSQL refuse the row; the others are
#   invisible and break one-line displays);
# - the bidirectional embedding, override and isolate controls U+202A–U+202E and
#   U+2066–U+2069, which reorder what a reader sees ("Trojan Source", CVE-2021-42574);
# - lone UTF-16 surrogates, which a JSON escape ("\ud800") can carry but no UTF-8 column
#   can store (a 500 at insert).
# A block of text keeps tab, line feed and carriage return; one line keeps none, nor the
# Unicode line and paragraph separators.
_CONTROLS_BUT_LINE_BREAKS = r"\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f"
_BIDI_CONTROLS = r"\u202a-\u202e\u2066-\u2069"
_SURROGATES = r"\ud800-\udfff"
_NOT_IN_TEXT = _CONTROLS_BUT_LINE_BREAKS + _BIDI_CONTROLS + _SURROGATES
_NOT_IN_LINE = r"\u0000-\u001f\u007f-\u009f\u2028\u2029" + _BIDI_CONTROLS + _SURROGATES
# One line of text: none of the above, and something besides spaces.
ONE_LINE = rf"^[^{_NOT_IN_LINE}]*[^\s{_NOT_IN_LINE}][^{_NOT_IN_LINE}]*" + END
# A block of text (a description): line breaks allowed, nothing else of the above.
TEXT_BLOCK = rf"^[^{_NOT_IN_TEXT}]*" + END
# The platform's userid: 1-64 letters, digits and _-@. (case-insensitive).
USERID = r"^[A-Za-z0-9_@.-]+" + END
USERID_MAX = 64

# -- JSON limits, checked before a text is parsed -----------------------------------------

# Request bodies of this app are small forms; the largest (a description) is a few KB.
MAX_JSON_BYTES = 64 * 1024
# Objects and arrays nested deeper than this are refused before parsing: Python's parser
# recurses, and 100,000 nested arrays would raise RecursionError (a 500) in every request.
MAX_JSON_DEPTH = 32

_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_A_BRACKET = bytes(byte for byte in range(256) if byte not in b"[]{}")
_OPENING = frozenset(b"[{")


class UnsafeJSONError(Exception):
    """A JSON text refused before or right after parsing; `reason` says why in Chinese."""

    def __init__(self, status: int, reason: str):
        self.status = status
        self.reason = reason
        super().__init__(reason)


def json_depth(raw: bytes, limit: int) -> int:
    """How deeply arrays and objects nest in `raw`, counted without parsing it.

    Stops counting past `limit`. Brackets inside strings do not count.
    """
    brackets = _JSON_STRING.sub(b"", raw).translate(None, _NOT_A_BRACKET)
    depth = deepest = 0
    for byte in brackets:
        if byte in _OPENING:
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    break
        else:
            depth -= 1
    return deepest


def holds_lone_surrogate(value: Any) -> bool:
    """Whether any string or key in a parsed JSON value cannot be encoded as UTF-8."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def _no_constant(name: str) -> float:
    # NaN and Infinity are not JSON (RFC 8259 §6); Python's parser accepts them by default.
    raise ValueError(f"{name} is not JSON")


def load_json(raw: bytes, *, max_bytes: int | None = MAX_JSON_BYTES,
              max_depth: int = MAX_JSON_DEPTH) -> Any:
    """Parse a JSON text within the app's limits.

    Raises UnsafeJSONError (too deep or a lone surrogate 400, too large 413) before the
    parser sees a text it should not; ValueError for text that is not JSON at all.
    """
    # Depth first: a deeply nested text is hostile whatever its size (the request itself
    # is bounded by MAX_CONTENT_LENGTH before this runs).
    if json_depth(raw, max_depth) > max_depth:
        raise UnsafeJSONError(400, f"嵌套超过 {max_depth} 层")
    if max_bytes is not None and len(raw) > max_bytes:
        raise UnsafeJSONError(413, f"超过了 {max_bytes // 1024} KB")
    value = json.loads(raw, parse_constant=_no_constant)
    if holds_lone_surrogate(value):
        raise UnsafeJSONError(400, "含有无效的字符（不成对的 Unicode 代理项）")
    return value

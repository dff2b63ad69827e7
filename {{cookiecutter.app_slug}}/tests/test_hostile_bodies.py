"""Hostile request bodies (security/bodies.py, api/validation.py): a 4xx and one log line.

100,000 nested arrays once gave a 500 and a full RecursionError traceback in the log per
request; a lone UTF-16 surrogate in a title, a 500 at insert. Every JSON body is now
parsed within limits (depth, size, valid Unicode) before any view sees it, and text
fields follow one set of rules. The routes here are a test's own, as a feature would
write them (`validate_body` with a schema built from the shared rules).
"""

from __future__ import annotations

import json
import logging
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from {{ cookiecutter.__package_name }}.api.validation import (
    MAX_JSON_DEPTH,
    ONE_LINE,
    TEXT_BLOCK,
    validate_body,
)
from {{ cookiecutter.__package_name }}.errors import REQUEST_ID_HEADER

NOTE = {
    "type": "object",
    "required": ["title"],
    "properties": {
        "title": {"type": "string", "maxLength": 40, "pattern": ONE_LINE,
                  "x-messages": {"default": "请填写标题"}},
        "text": {"type": "string", "maxLength": 500, "pattern": TEXT_BLOCK,
                 "x-messages": {"default": "说明含有不允许的字符"}},
    },
}
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
JSON_HEADERS = {"Content-Type": "application/json"}


@pytest.fixture
def notes_app(make_config, make_app):
    app = make_app(make_config())

    @app.post("/api/_test/notes")
    def create_note():
        body = validate_body(NOTE)
        body["title"].encode("utf-8")  # what a database insert does first
        return {"title": body["title"]}, 201

    return app


def post(app, raw: bytes | str):
    return app.test_client().post("/api/_test/notes", data=raw, headers=JSON_HEADERS)


def only_line_about(caplog, answer) -> logging.LogRecord:
    """The one log record about this request; it names the request id and has no trace."""
    request_id = answer.headers[REQUEST_ID_HEADER]
    records = [record for record in caplog.records if request_id in record.getMessage()]
    assert len(records) == 1, caplog.text
    [record] = records
    assert record.exc_info is None and not record.exc_text
    assert "Traceback" not in caplog.text
    return record


def test_deep_nesting_is_refused_before_parsing(notes_app, caplog):
    caplog.set_level(logging.INFO)
    answer = post(notes_app, "[" * 100_000 + "]" * 100_000)
    assert answer.status_code == 400
    assert answer.json["error"]["message"] == (f"提交的内容嵌套超过 {MAX_JSON_DEPTH} 层，"
                                               "请修改后重试。")
    record = only_line_about(caplog, answer)
    assert record.levelno == logging.WARNING
    assert "client error 400 POST /api/_test/notes" in record.getMessage()


def test_nesting_within_the_limit_is_parsed_as_usual(notes_app):
    inside = "[" * (MAX_JSON_DEPTH - 1) + "]" * (MAX_JSON_DEPTH - 1)
    answer = post(notes_app, '{"title": "正常", "x": ' + inside + "}")
    assert answer.status_code == 201
    brackets_in_text = json.dumps({"title": "[" * 1000})
    assert post(notes_app, brackets_in_text).status_code == 422  # too long, but parsed


def test_a_body_too_large_is_refused(notes_app, caplog):
    answer = post(notes_app, json.dumps({"title": "题", "text": "字" * 40_000}))
    assert answer.status_code == 413
    assert answer.json["error"]["title"] == "内容过大"
    assert "超过了 64 KB" in answer.json["error"]["message"]
    only_line_about(caplog, answer)


@pytest.mark.parametrize("raw", [
    '{"title": "报送\\ud800统计表"}',    # a lone high surrogate
    '{"title": "报送\\udc00"}',          # a lone low surrogate
    '{"title": "ok", "\\ud83d": 1}',     # in a key
    '{"title": "ok", "list": ["\\udfff"]}',
])
def test_a_lone_surrogate_is_refused_not_a_server_error(notes_app, caplog, raw):
    answer = post(notes_app, raw)
    assert answer.status_code == 400
    assert "不成对的 Unicode 代理项" in answer.json["error"]["message"]
    only_line_about(caplog, answer)


def test_a_surrogate_pair_is_an_ordinary_character(notes_app):
    answer = post(notes_app, '{"title": "\\ud83d\\ude00 收到"}')
    assert answer.status_code == 201
    assert answer.json["title"] == "😀 收到"


@pytest.mark.parametrize("raw", [
    b'{"title": "\xff\xfe"}',       # not UTF-8
    b'{"title": "a", "n": NaN}',    # not JSON (RFC 8259)
    b'{"title": "a"',               # cut off
])
def test_malformed_bodies_are_400(notes_app, caplog, raw):
    answer = post(notes_app, raw)
    assert answer.status_code == 400
    assert answer.json["error"]["message"] == "请以 JSON 对象提交。"
    only_line_about(caplog, answer)


@pytest.mark.parametrize(("title", "why"), [
    ("报送\n统计表", "a newline"),
    ("报送\u0000", "NUL"),
    ("\u0085下一行", "a C1 control (NEL)"),
    ("第一段\u2029第二段", "a paragraph separator"),
    *[(f"付款给{char}张三", f"bidi control U+{ord(char):04X}") for char in BIDI_CONTROLS],
    ("   ", "only spaces"),
])
def test_one_line_text_refuses_what_people_cannot_see(notes_app, title, why):
    answer = post(notes_app, json.dumps({"title": title}))
    assert answer.status_code == 422, why
    assert answer.json["error"]["fields"] == {"title": "请填写标题"}


def test_a_text_block_keeps_its_line_breaks_but_no_bidi_control(notes_app):
    kept = post(notes_app, json.dumps({"title": "t", "text": "第一行\r\n\t第二行"}))
    assert kept.status_code == 201
    refused = post(notes_app, json.dumps({"title": "t", "text": "金额\u202e0001"}))
    assert refused.status_code == 422
    assert refused.json["error"]["fields"] == {"text": "说明含有不允许的字符"}


def test_a_server_error_still_logs_its_traceback_with_the_request_id(make_config, make_app,
                                                                     caplog):
    app = make_app(make_config())

    @app.get("/api/_test/boom")
    def boom():
        raise RuntimeError("a bug of ours")

    answer = app.test_client().get("/api/_test/boom")
    assert answer.status_code == 500
    [record] = [record for record in caplog.records
                if answer.headers[REQUEST_ID_HEADER] in record.getMessage()]
    assert "a bug of ours" in (record.exc_text or "")


# -- properties ---------------------------------------------------------------------------

ONE_LINE_RE = re.compile(ONE_LINE)
UNSEEN = re.compile("[\u0000-\u001f\u007f-\u009f\u2028\u2029" + BIDI_CONTROLS + "]")
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20)
# Any text, lone surrogates included (JSON carries them as escapes), with the characters
# that once got through drawn often.
TROUBLE = ["\ud800", "\udfff", "\u0000", "\n", "\r", "\t", "\x85", "\u2028", " ", "\u3000",
           *BIDI_CONTROLS]
any_text = st.text(alphabet=st.characters(codec=None, exclude_categories=())
                   | st.sampled_from(TROUBLE) | st.sampled_from("事项报送统计表"), max_size=60)


@given(title=any_text)
@settings(max_examples=300, deadline=None)
def test_one_line_accepts_only_visible_single_lines(title):
    if ONE_LINE_RE.fullmatch(title):
        title.encode("utf-8")  # storable
        assert not UNSEEN.search(title)
        assert title.strip()


@given(body=st.one_of(json_values, st.fixed_dictionaries({"title": any_text}, optional={
    "text": any_text, "extra": json_values})))
@settings(max_examples=150, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_no_body_is_a_server_error(notes_app, body):
    """Whatever JSON arrives (escaped surrogates included), the answer is 201, 400 or 422,
    and what is accepted is storable, visible text."""
    answer = post(notes_app, json.dumps(body))  # ensure_ascii: surrogates as \\uXXXX escapes
    assert answer.status_code in (201, 400, 422), answer.get_data(as_text=True)
    if answer.status_code == 201:
        assert ONE_LINE_RE.fullmatch(answer.json["title"])

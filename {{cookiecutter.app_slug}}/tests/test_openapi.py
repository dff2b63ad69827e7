"""The interface document (DB31DSJ/Z 003 §6.1 b, §6.3.1 c): from the code, valid, complete.

GET /openapi.json and `flask openapi` (`make openapi`) give the same OpenAPI 3.1 document;
every route is in it and nothing else; request bodies are the schemas the views validate
with; every error answer has the one `{"error": {...}}` shape. tests/test_schemathesis.py
then calls every operation against it.
"""

from __future__ import annotations

import json
import re

from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from {{ cookiecutter.__package_name }} import features
from {{ cookiecutter.__package_name }}.auth.sessions import SAFE_METHODS
from {{ cookiecutter.__package_name }}.openapi import build_spec, operation_of

from .fixtures import APP_ORIGIN

# Pages and files for the browser, not the API: the front end, the fallback home page.
NOT_API = {"static", "frontend", "pages"}


def served(client) -> dict:
    answer = client.get("/openapi.json")
    assert answer.status_code == 200
    assert answer.mimetype == "application/json"
    return answer.json


def test_the_served_document_is_valid_openapi_3_1(client):
    spec = served(client)
    assert spec["openapi"] == "3.1.0"
    validate(spec)  # the OpenAPI 3.1 schema, with JSON Schema 2020-12 for the schemas
    assert spec["servers"] == [{"url": APP_ORIGIN}]


def api_endpoints(app) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules()
            if rule.endpoint.split(".")[0] not in NOT_API}


def test_every_route_is_documented(app):
    undocumented = {endpoint for endpoint in api_endpoints(app)
                    if operation_of(app, endpoint) is None}
    assert undocumented == set(), "add @documented(Operation(...)) below the route decorator"
    assert {"api_me.me", "inbox.list_messages", "health.healthz"} <= api_endpoints(app)


def test_an_undocumented_route_fails_the_check(make_config, make_app):
    """The check above, shown to bite: a feature's new route without its entry."""
    app = make_app(make_config())
    app.add_url_rule("/api/leave", "leave.list_requests", lambda: {})
    assert operation_of(app, "leave.list_requests") is None


def test_every_operation_is_secured_and_answers_errors_in_one_shape(app, client):
    spec = served(client)
    shared = spec["components"]["responses"]
    error_schema = {"$ref": "#/components/schemas/Error"}
    operations = [(path, method, operation) for path, item in spec["paths"].items()
                  for method, operation in item.items()]
    assert len(operations) == sum(len(rule.methods - {"HEAD", "OPTIONS"})
                                  for rule in app.url_map.iter_rules()
                                  if rule.endpoint in api_endpoints(app))
    for path, method, operation in operations:
        for status, response in operation["responses"].items():
            if int(status) < 400 or path == "/healthz":  # its 503 is the health report
                continue
            if "$ref" in response:
                response = shared[response["$ref"].rsplit("/", 1)[-1]]
            assert response["content"]["application/json"]["schema"] == error_schema, (
                path, method, status)
        if path.startswith("/api/"):
            needed = {"cookieAuth"} if method.upper() in SAFE_METHODS else {
                "cookieAuth", "csrfToken"}
            assert [set(requirement) for requirement in operation["security"]] == [needed]
            assert "401" in operation["responses"], (path, method)


def test_every_schema_the_document_refers_to_is_in_it(client):
    spec = served(client)
    text = json.dumps(spec)
    named = set(spec["components"]["schemas"])
    for name in named:
        assert f'"#/components/schemas/{name}"' in text, f"{name} is listed but unused"
    assert set(re.findall(r'"#/components/schemas/(\w+)"', text)) <= named


def test_error_answers_have_the_documented_shape(client):
    error = Draft202012Validator(served(client)["components"]["schemas"]["Error"])
    for answer in (client.get("/api/me"), client.get("/api/no-such-thing"),
                   client.post("/api/me")):
        assert answer.status_code in (401, 404, 405)
        error.validate(answer.json)
    assert client.post("/api/me").headers["Allow"] == "GET, HEAD, OPTIONS"


def test_flask_openapi_writes_the_document_for_the_review(client, runner, tmp_path):
    target = tmp_path / "docs" / "openapi.json"
    result = runner.invoke(args=["openapi", "--output", str(target),
                                 "--server", "https://app.example.gov.cn"])
    assert result.exit_code == 0, result.output
    text = target.read_text(encoding="utf-8")
    assert "当前登录用户" in text  # Chinese stays readable for the reviewers
    written = json.loads(text)
    validate(written)
    assert written["servers"] == [{"url": "https://app.example.gov.cn"}]
    assert written == {**served(client), "servers": written["servers"]}


def test_the_document_splits_into_the_core_and_each_feature(app, runner, tmp_path):
    """`flask openapi --part`: the front end's types are generated per part (make api-types)."""
    whole = build_spec(app)
    parts = ["core", *(feature.name for feature in features.installed(app))]
    documents = {}
    for part in parts:
        target = tmp_path / f"{part}.json"
        result = runner.invoke(args=["openapi", "--part", part, "--output", str(target)])
        assert result.exit_code == 0, result.output
        documents[part] = json.loads(target.read_text(encoding="utf-8"))
        validate(documents[part])
    # Every operation is in exactly one part, with the schemas it uses and no others.
    assert sorted(path for document in documents.values() for path in document["paths"]) == \
        sorted(whole["paths"])
    assert "/api/me" in documents["core"]["paths"]
    for document in documents.values():
        text = json.dumps(document["paths"])
        for name in document["components"]["schemas"]:
            if name != "Error":  # the shared error answers refer to it
                assert f"#/components/schemas/{name}" in json.dumps(document["components"]) \
                    or f"#/components/schemas/{name}" in text, name
    refused = runner.invoke(args=["openapi", "--part", "nope", "--output", "-"])
    assert refused.exit_code == 2
    assert "没有名为 nope 的部分" in refused.output

"""The interface document (DB31DSJ/Z 003 §6.1 b 统一接口规范, §6.3.1 c RESTful + JSON).

An OpenAPI 3.1 document assembled from the app itself: paths, methods and path parameters
come from the routes (`app.url_map`); what each operation takes and answers comes from the
`@documented(Operation(...))` beside its view, in whatever module or feature slice the view
lives; request bodies are the very JSON Schemas the views validate with (api/validation.py).
Named schemas are `Component`s: the document lists those its operations use. Served at
GET /openapi.json and written by `flask --app wsgi openapi` (`make openapi`).

tests/test_openapi.py fails when a route is not documented; tests/test_schemathesis.py calls
every operation and checks every answer against the document.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from flask import Blueprint, Flask, Response, current_app, jsonify
from werkzeug.routing import IntegerConverter, Rule

from .auth.sessions import CSRF_HEADER, SAFE_METHODS, SESSION_COOKIE

# Commands at the top level (`flask openapi`), not under a group named after the blueprint.
bp = Blueprint("openapi", __name__, cli_group=None)

OPENAPI_VERSION = "3.1.0"
SESSION, CSRF = "cookieAuth", "csrfToken"
JSON, HEALTH_JSON, HTML = "application/json", "application/health+json", "text/html"
# The attribute `documented` puts on a view function.
OPERATION_ATTRIBUTE = "openapi_operation"
# A JSON Schema, or any other object of the document.
Schema = dict[str, Any]


@dataclasses.dataclass(frozen=True, eq=False)
class Component:
    """A named schema: it appears once under components/schemas and is referred to by $ref."""

    name: str
    schema: Schema


@dataclasses.dataclass(frozen=True)
class Tag:
    name: str
    description: str


def obj(properties: Schema, required: list[str] | None = None, **more: Any) -> Schema:
    """A JSON object with exactly these properties, all of them present unless told."""
    return {"type": "object", "properties": properties,
            "required": list(properties) if required is None else required,
            "additionalProperties": False, **more}


def array(items: Schema | Component, limit: int | None = None) -> Schema:
    return {"type": "array", "items": items, **({"maxItems": limit} if limit else {})}


TEXT = {"type": "string"}
TIME = {"type": "string", "format": "date-time"}
MAYBE_TIME = {"type": ["string", "null"], "format": "date-time"}
COUNT = {"type": "integer", "minimum": 0}
ID = {"type": "integer", "minimum": 1}

ERROR = Component("Error", obj({"error": obj({
    "status": {"type": "integer", "minimum": 400, "maximum": 599},
    "title": {"type": "string", "description": "简短的中文标题"},
    "message": {"type": "string", "description": "给用户看的中文说明"},
    "fields": {"type": "object", "additionalProperties": {"type": "string"},
               "description": "仅 422：每个要修改的字段及中文提示"},
}, required=["status", "title", "message"])}, description="每个出错的回答（4xx、5xx）的形式"))

# Error answers, shared by every operation: the `{"error": {...}}` shape of errors.py.
ERRORS = {
    400: ("BadRequest", "请求有误：参数或请求体的格式不对"),
    401: ("Unauthorized", "未登录，或登录已失效"),
    403: ("Forbidden", f"安全校验失败（缺少或错误的 {CSRF_HEADER}），或无权做此操作"),
    404: ("NotFound", "不存在，或无权查看"),
    409: ("Conflict", "与当前状态冲突，例如重复办理已办结的内容"),
    422: ("ValidationFailed", "内容未通过校验：error.fields 列出每个要修改的字段及中文提示"),
    429: ("TooManyRequests", "操作太频繁，请稍后再试"),
    503: ("Unavailable", "一网协同平台暂时无法访问或无法完成请求；或数据库不可用"),
}
PLATFORM_ERRORS = (429, 503)  # the platform is busy or unreachable (errors.py)

SECURITY_SCHEMES = {
    SESSION: {"type": "apiKey", "in": "cookie", "name": f"__Host-{SESSION_COOKIE}",
              "description": "登录后的会话 Cookie（HttpOnly、Secure、SameSite=Lax），"
                             f"经 /auth/login 获得；本地 HTTP 开发环境下名为 {SESSION_COOKIE}"},
    CSRF: {"type": "apiKey", "in": "header", "name": CSRF_HEADER,
           "description": "改变数据的请求（POST、DELETE）必须带上 GET /api/me 给出的 csrf_token"},
}


def answer(description: str, schema: Schema | Component | None = None,
           media: str = JSON) -> Schema:
    """A successful response with this body schema (a Component is referred to by $ref)."""
    response: Schema = {"description": description}
    if schema is not None:
        response["content"] = {media: {"schema": schema}}
    return response


REDIRECT = {"description": "跳转（Location）", "headers": {
    "Location": {"required": True, "schema": {"type": "string"}}}}


def query(name: str, description: str, schema: Schema, *, required: bool = False) -> Schema:
    return {"name": name, "in": "query", "required": required, "description": description,
            "schema": schema}


def page_error(status: int) -> Schema:
    """An error of a browser page: the Chinese error page, or the JSON error if asked."""
    return {"description": ERRORS[status][1], "content": {
        HTML: {"schema": {"type": "string"}}, JSON: {"schema": ERROR}}}


@dataclasses.dataclass(frozen=True)
class Operation:
    """What one endpoint takes and answers; its path and methods come from its route."""

    tag: Tag
    summary: str
    responses: dict[int, Schema]        # the successful answers
    errors: tuple[int, ...] = ()      # error answers besides the login's 401/403 and the body's
    parameters: tuple[Schema, ...] = ()  # query parameters (path parameters come from the route)
    body: Component | None = None     # the JSON request body, the schema the view validates with
    description: str = ""
    login: bool = True                # needs the session cookie, and X-CSRF-Token to change
    page: bool = False                # a browser page: errors in HTML, or JSON when asked
    security: tuple[Schema, ...] | None = None  # instead of the one `login` implies
    # A rule beyond the schema that refuses some well-formed requests (4xx), in Chinese.
    business_rule: str = ""

    def render(self, method: str, operation_id: str, path_parameters: list[Schema]) -> Schema:
        changes = method not in SAFE_METHODS
        errors = set(self.errors)
        if self.login:
            errors |= {401, 403} if changes else {401}
        if self.body is not None:
            errors |= {400, 422}
        responses = {str(status): response for status, response in self.responses.items()}
        for status in sorted(errors):
            responses[str(status)] = page_error(status) if self.page else {
                "$ref": f"#/components/responses/{ERRORS[status][0]}"}
        operation: Schema = {"tags": [self.tag.name], "summary": self.summary,
                           "operationId": operation_id}
        if self.description:
            operation["description"] = self.description
        if self.business_rule:
            operation["x-business-rule"] = self.business_rule
        if path_parameters or self.parameters:
            operation["parameters"] = [*path_parameters, *self.parameters]
        if self.body is not None:
            operation["requestBody"] = {"required": True, "content": {JSON: {"schema": self.body}}}
        operation["responses"] = responses
        if self.security is not None:
            operation["security"] = list(self.security)
        elif self.login:
            operation["security"] = [{SESSION: [], CSRF: []} if changes else {SESSION: []}]
        return operation


View = TypeVar("View", bound=Callable[..., Any])


def documented(operation: Operation) -> Callable[[View], View]:
    """Put `operation` on the view; write it just below the route decorator."""

    def attach(view: View) -> View:
        setattr(view, OPERATION_ATTRIBUTE, operation)
        return view

    return attach


def operation_of(app: Flask, endpoint: str) -> Operation | None:
    view = app.view_functions.get(endpoint)
    return getattr(view, OPERATION_ATTRIBUTE, None)


PLACEHOLDER = re.compile(r"<(?:[^:<>]+:)?(\w+)>")


def path_parameter(rule: Rule, name: str) -> Schema:
    converter = rule._converters[name]
    schema: Schema = {"type": "string"}
    if isinstance(converter, IntegerConverter):
        schema = {"type": "integer", "minimum": converter.min or 0}
        if converter.max is not None:
            schema["maximum"] = converter.max
    return {"name": name, "in": "path", "required": True, "schema": schema}


def with_references(node: Any, components: dict[str, Schema]) -> Any:
    """`node` as plain JSON, each Component replaced by its $ref and collected."""
    if isinstance(node, Component):
        resolved = with_references(node.schema, components)
        if components.setdefault(node.name, resolved) != resolved:
            raise ValueError(f"two different schemas are both named {node.name}")
        return {"$ref": f"#/components/schemas/{node.name}"}
    if isinstance(node, dict):
        return {key: with_references(value, components) for key, value in node.items()}
    if isinstance(node, (list, tuple)):
        return [with_references(value, components) for value in node]
    return node


CORE = "core"


def part_of(app: Flask, endpoint: str) -> str:
    """The feature whose blueprint serves `endpoint` (features/__init__.py), else "core"."""
    blueprint = endpoint.partition(".")[0]
    for feature in app.extensions.get("features", []):
        if feature.blueprint.name == blueprint:
            return str(feature.name)
    return CORE


def build_spec(app: Flask, server: str | None = None, part: str | None = None) -> Schema:
    """The OpenAPI 3.1 document of every documented route of `app`.

    `part` keeps the core's operations ("core") or one feature's (its name), with only the
    schemas they use: the front end's types are generated per part (`make api-types`), so
    a feature's types live and leave with its folder.
    """
    settings = app.config["SETTINGS"]
    paths: dict[str, Schema] = {}
    tags: dict[str, Tag] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        operation = operation_of(app, rule.endpoint)
        if operation is None or (part is not None and part_of(app, rule.endpoint) != part):
            continue
        tags.setdefault(operation.tag.name, operation.tag)
        path = PLACEHOLDER.sub(r"{\1}", rule.rule)
        parameters = [path_parameter(rule, name) for name in sorted(rule.arguments)]
        methods = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
        for method in methods:
            operation_id = rule.endpoint.replace(".", "_")
            if len(methods) > 1:
                operation_id += f"_{method.lower()}"
            paths.setdefault(path, {})[method.lower()] = operation.render(
                method, operation_id, parameters)
    components: dict[str, Schema] = {}
    responses = {name: {"description": description,
                        "content": {JSON: {"schema": ERROR}}}
                 for name, description in ERRORS.values()}
    document = {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": f"{app.jinja_env.globals['app_name']}接口",
            "version": settings.app_version,
            "description": (
                "一网协同应用的 RESTful 接口（DB31DSJ/Z 003—2026 §6.1 b、§6.3.1 c），"
                "请求和回答均为 JSON（UTF-8）。登录经一网协同单点登录（/auth/login），"
                f"会话保存在 Cookie 中；改变数据的请求须带 {CSRF_HEADER} 头（值见 GET /api/me）。"
                "出错时回答 "
                '{"error": {"status", "title", "message", "fields"}}，title 和 message 为中文，'
                "fields 只在 422 时出现。本文档由代码生成（flask --app wsgi openapi）。"
            ),
        },
        "servers": [{"url": server or settings.app_base_url}],
        "tags": [{"name": tag.name, "description": tag.description} for tag in tags.values()],
        "paths": with_references(paths, components),
    }
    shared_responses = with_references(responses, components)
    document["components"] = {"schemas": dict(sorted(components.items())),
                              "responses": shared_responses,
                              "securitySchemes": SECURITY_SCHEMES}
    return document


DOCUMENT_TAG = Tag("接口文档", "本文档")


@bp.get("/openapi.json")
@documented(Operation(DOCUMENT_TAG, "本接口文档（OpenAPI 3.1）",
                      {200: answer("OpenAPI 3.1 文档", {"type": "object"})}, login=False))
def openapi_document() -> Response:
    if "openapi" not in current_app.extensions:
        current_app.extensions["openapi"] = build_spec(current_app)
    return jsonify(current_app.extensions["openapi"])


@bp.cli.command("openapi")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("docs/openapi.json"), show_default=True,
              help="写到哪个文件；- 表示标准输出")
@click.option("--server", help="文档中的服务地址，默认为 APP_BASE_URL")
@click.option("--part", help="只导出基础部分（core）或某个业务功能（功能名）的接口，供生成前端类型")
def export_openapi(output: Path, server: str | None, part: str | None) -> None:
    """导出接口文档（OpenAPI 3.1），供接口提交与审核（§6.1 b）。"""
    known = {CORE, *(feature.name for feature in current_app.extensions.get("features", []))}
    if part is not None and part not in known:
        raise click.BadParameter(f"没有名为 {part} 的部分；可选：{'、'.join(sorted(known))}",
                                 param_hint="--part")
    text = json.dumps(build_spec(current_app, server, part), ensure_ascii=False, indent=2) + "\n"
    if str(output) == "-":
        click.echo(text, nl=False)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    click.echo(f"接口文档已写入 {output}（{len(text.encode())} 字节）")

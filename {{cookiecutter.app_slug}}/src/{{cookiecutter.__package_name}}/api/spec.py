"""The interface document (DB31DSJ/Z 003 §6.1 b 统一接口规范, §6.3.1 c RESTful + JSON).

An OpenAPI 3.1 document built from the app itself: paths, methods and path parameters
come from the routes (`app.url_map`); what each operation takes and answers comes from
OPERATIONS below, keyed by the view's endpoint; request bodies are the very JSON Schemas
the views validate with (api/validation.py). Served at GET /openapi.json and written by
`flask --app wsgi openapi` (`make openapi`: docs/openapi.json) for the interface review.

tests/test_openapi.py fails when a route has no entry here or an entry has no route;
tests/test_schemathesis.py calls every operation and checks every answer against it.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import click
from flask import Blueprint, Flask, current_app, jsonify
from werkzeug.routing import IntegerConverter, Rule

from ..auth.sessions import CSRF_HEADER, SAFE_METHODS, SESSION_COOKIE
from ..items.views import LIST_LIMIT, NEW_ITEM
from ..platform.jssdk import MAX_SIGNABLE_URL_LENGTH
from .profile import CONTACT_LIMIT, CONTACT_QUERY_MAX

# Commands at the top level (`flask openapi`), not under a group named after the blueprint.
bp = Blueprint("api_spec", __name__, cli_group=None)

OPENAPI_VERSION = "3.1.0"
SESSION, CSRF = "cookieAuth", "csrfToken"
JSON, HEALTH_JSON, HTML = "application/json", "application/health+json", "text/html"


def ref(kind: str, name: str) -> dict:
    return {"$ref": f"#/components/{kind}/{name}"}


def obj(properties: dict, required: list[str] | None = None, **more) -> dict:
    """A JSON object with exactly these properties, all of them present unless told."""
    return {"type": "object", "properties": properties,
            "required": list(properties) if required is None else required,
            "additionalProperties": False, **more}


def array(items: dict, limit: int | None = None) -> dict:
    return {"type": "array", "items": items, **({"maxItems": limit} if limit else {})}


TEXT = {"type": "string"}
TIME = {"type": "string", "format": "date-time"}
MAYBE_TIME = {"type": ["string", "null"], "format": "date-time"}
COUNT = {"type": "integer", "minimum": 0}
ID = {"type": "integer", "minimum": 1}
SHA1 = {"type": "string", "pattern": "^[0-9a-f]{40}$"}
HEALTH_STATUS = {"enum": ["pass", "warn", "fail"]}

SCHEMAS = {
    "Error": obj({"error": obj({
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "title": {"type": "string", "description": "简短的中文标题"},
        "message": {"type": "string", "description": "给用户看的中文说明"},
        "fields": {"type": "object", "additionalProperties": {"type": "string"},
                   "description": "仅 422：每个要修改的字段及中文提示"},
    }, required=["status", "title", "message"])}, description="每个出错的回答（4xx、5xx）的形式"),
    "Me": obj({"userid": TEXT, "name": TEXT, "csrf_token": {
        "type": "string",
        "description": f"本会话的 CSRF 令牌：改变数据的请求放在 {CSRF_HEADER} 头里"}}),
    "CorpSignature": obj({"appId": TEXT, "timestamp": COUNT, "nonceStr": TEXT,
                          "signature": SHA1}, description="wx.config 的参数"),
    "AgentSignature": obj({"corpid": TEXT, "agentid": TEXT, "timestamp": COUNT, "nonceStr": TEXT,
                           "signature": SHA1}, description="wx.agentConfig 的参数"),
    "Person": obj({"userid": TEXT, "name": TEXT}),
    "Contact": obj({"userid": TEXT, "name": TEXT, "department": TEXT, "position": TEXT}),
    "ContactList": obj({"users": array(ref("schemas", "Contact"), CONTACT_LIMIT)}),
    "Profile": obj({
        "userid": TEXT, "name": TEXT, "department": TEXT, "position": TEXT,
        "sensitive": {"oneOf": [{"type": "null"}, obj({"mobile": TEXT, "email": TEXT,
                                                       "address": TEXT})],
                      "description": "脱敏后的手机、邮箱、地址；仅在用户授权后（§8.2 d），"
                                     "否则为 null"},
        "consent": obj({"granted": {"type": "boolean"}, "granted_at": MAYBE_TIME}),
    }),
    "AuthorizeUrl": obj({"authorize_url": {
        "type": "string", "format": "uri",
        "description": "平台授权页：浏览器前往此地址，同意后回到本应用"}}),
    "NewItem": NEW_ITEM,
    "Item": obj({
        "id": ID,
        "title": TEXT,
        "description": TEXT,
        "status": {"enum": ["open", "done"]},
        "priority": {"enum": ["normal", "urgent"]},
        "due_date": {"type": ["string", "null"], "format": "date"},
        "creator": ref("schemas", "Person"),
        "assignee": ref("schemas", "Person"),
        "created_at": TIME,
        "completed_at": MAYBE_TIME,
        "can_complete": {"type": "boolean", "description": "当前用户能否办结"},
    }),
    "ItemAnswer": obj({"item": ref("schemas", "Item")}),
    "ItemList": obj({"items": array(ref("schemas", "Item"), LIST_LIMIT)}),
    "Message": obj({"id": ID, "title": TEXT, "description": TEXT,
                    "url": {"type": "string", "description": "应用内的页面地址"},
                    "created_at": TIME, "read": {"type": "boolean"}}),
    "MessageList": obj({"messages": array(ref("schemas", "Message"), LIST_LIMIT),
                        "unread": COUNT}),
    "Health": obj({
        "status": HEALTH_STATUS,
        "version": TEXT,
        "serviceId": TEXT,
        "description": TEXT,
        "checks": {"type": "object", "additionalProperties": array(obj({
            "componentType": TEXT,
            "status": HEALTH_STATUS,
            "time": TIME,
            "observedValue": {"type": "number"},
            "observedUnit": TEXT,
            "output": TEXT,
        }, required=["componentType", "status", "time"]))},
    }, required=["status"], description="IETF health-check 草案（application/health+json）"),
}

# Error answers, shared by every operation: the `{"error": {...}}` shape of errors.py.
ERRORS = {
    400: ("BadRequest", "请求有误：参数或请求体的格式不对"),
    401: ("Unauthorized", "未登录，或登录已失效"),
    403: ("Forbidden", f"安全校验失败（缺少或错误的 {CSRF_HEADER}），或无权做此操作"),
    404: ("NotFound", "不存在，或无权查看"),
    409: ("Conflict", "与当前状态冲突，例如事项已经办结"),
    422: ("ValidationFailed", "内容未通过校验：error.fields 列出每个要修改的字段及中文提示"),
    429: ("TooManyRequests", "操作太频繁，请稍后再试"),
    503: ("Unavailable", "一网协同平台暂时无法访问或无法完成请求；或数据库不可用"),
}
RESPONSES = {name: {"description": description, "content": {JSON: {"schema": ref("schemas",
                                                                                 "Error")}}}
             for name, description in ERRORS.values()}

SECURITY_SCHEMES = {
    SESSION: {"type": "apiKey", "in": "cookie", "name": f"__Host-{SESSION_COOKIE}",
              "description": "登录后的会话 Cookie（HttpOnly、Secure、SameSite=Lax），"
                             f"经 /auth/login 获得；本地 HTTP 开发环境下名为 {SESSION_COOKIE}"},
    CSRF: {"type": "apiKey", "in": "header", "name": CSRF_HEADER,
           "description": "改变数据的请求（POST、DELETE）必须带上 GET /api/me 给出的 csrf_token"},
}

TAGS = [
    {"name": "用户", "description": "当前用户、个人信息与授权、通讯录"},
    {"name": "事项", "description": "事项的发起、查看、办结（待办经一网协同统一待办送达）"},
    {"name": "消息", "description": "应用内消息"},
    {"name": "JS-SDK", "description": "平台前端接口（JS-SDK）的签名"},
    {"name": "登录",
     "description": "经一网协同的单点登录（§6.2.4 b）；浏览器页面，出错时回答 HTML"},
    {"name": "监控", "description": "健康检查（§6.2.4 d）"},
    {"name": "接口文档", "description": "本文档"},
]


def answer(description: str, schema: str | dict | None = None, media: str = JSON) -> dict:
    """A successful response; `schema` names a component or is a schema itself."""
    response: dict = {"description": description}
    if schema is not None:
        body = ref("schemas", schema) if isinstance(schema, str) else schema
        response["content"] = {media: {"schema": body}}
    return response


REDIRECT = {"description": "跳转（Location）", "headers": {
    "Location": {"required": True, "schema": {"type": "string"}}}}


def query(name: str, description: str, schema: dict, *, required: bool = False) -> dict:
    return {"name": name, "in": "query", "required": required, "description": description,
            "schema": schema}


@dataclasses.dataclass(frozen=True)
class Operation:
    """What one endpoint takes and answers; its path and methods come from its route."""

    tag: str
    summary: str
    responses: dict[int, dict]        # the successful answers
    errors: tuple[int, ...] = ()      # error answers besides the login's 401/403 and the body's
    parameters: tuple[dict, ...] = ()  # query parameters (path parameters come from the route)
    body: str | None = None           # the JSON request body: a schema of SCHEMAS
    description: str = ""
    login: bool = True                # needs the session cookie, and X-CSRF-Token to change
    page: bool = False                # a browser page: errors in HTML, or JSON when asked
    security: tuple[dict, ...] | None = None  # instead of the one `login` implies

    def render(self, method: str, operation_id: str, path_parameters: list[dict]) -> dict:
        changes = method not in SAFE_METHODS
        errors = set(self.errors)
        if self.login:
            errors |= {401, 403} if changes else {401}
        if self.body is not None:
            errors |= {400, 422}
        responses = {str(status): response for status, response in self.responses.items()}
        for status in sorted(errors):
            responses[str(status)] = page_error(status) if self.page else ref(
                "responses", ERRORS[status][0])
        operation: dict = {"tags": [self.tag], "summary": self.summary,
                           "operationId": operation_id}
        if self.description:
            operation["description"] = self.description
        if path_parameters or self.parameters:
            operation["parameters"] = [*path_parameters, *self.parameters]
        if self.body is not None:
            operation["requestBody"] = {"required": True,
                                        "content": {JSON: {"schema": ref("schemas", self.body)}}}
        operation["responses"] = responses
        if self.security is not None:
            operation["security"] = list(self.security)
        elif self.login:
            operation["security"] = [{SESSION: [], CSRF: []} if changes else {SESSION: []}]
        return operation


def page_error(status: int) -> dict:
    """An error of a browser page: the Chinese error page, or the JSON error if asked."""
    return {"description": ERRORS[status][1], "content": {
        HTML: {"schema": {"type": "string"}}, JSON: {"schema": ref("schemas", "Error")}}}


PLATFORM = (429, 503)  # the platform is busy or unreachable (errors.py)
STATE = query("state", "登录开始时本应用生成的 state（一次有效，5 分钟内）",
              {"type": "string", "pattern": r"^[A-Za-z0-9]{1,128}(?![\s\S])"}, required=True)

OPERATIONS: dict[str, Operation] = {
    "api_me.me": Operation(
        "用户", "当前登录用户", {200: answer("当前用户及本会话的 CSRF 令牌", "Me")}),
    "api_profile.profile": Operation(
        "用户", "我的：个人信息", {200: answer("个人信息；授权后含脱敏的敏感字段", "Profile")},
        errors=PLATFORM),
    "api_profile.grant_consent": Operation(
        "用户", "开始授权读取敏感个人信息", {200: answer("平台授权页的地址", "AuthorizeUrl")},
        description="用户在本应用内同意后调用；浏览器前往 authorize_url，在平台的授权页确认"
                    "（snsapi_privateinfo，§8.2 d）后回到“我的”页面。"),
    "api_profile.revoke_consent": Operation(
        "用户", "撤回授权", {204: answer("已撤回，敏感字段不再读取")}),
    "api_profile.search_contacts": Operation(
        "用户", "通讯录：查找同事",
        {200: answer(f"可见范围内的同事，最多 {CONTACT_LIMIT} 位", "ContactList")},
        parameters=(query("q", f"姓名、userid 或部门中的文字（只取前 {CONTACT_QUERY_MAX} 个字）；"
                               "不填则列出全部", {"type": "string"}),)),
    "api_jssdk.jssdk_signature": Operation(
        "JS-SDK", "页面地址的 JS-SDK 签名",
        {200: answer("wx.config（type=corp）或 wx.agentConfig（type=agent）的参数",
                     {"oneOf": [ref("schemas", "CorpSignature"),
                                ref("schemas", "AgentSignature")]})},
        errors=(400, *PLATFORM),
        parameters=(
            query("url", "要签名的页面地址（不含 # 之后部分也可）；只能是本应用的页面",
                  {"type": "string", "format": "uri", "maxLength": MAX_SIGNABLE_URL_LENGTH,
                   "examples": ["{{ cookiecutter.app_domain }}/"]},
                  required=True),
            query("type", "corp：wx.config；agent：wx.agentConfig",
                  {"enum": ["corp", "agent"], "default": "corp"}),
        )),
    "api_items.create_item": Operation(
        "事项", "发起事项", {201: answer("新事项；办理人的待办随后经一网协同送达", "ItemAnswer")},
        body="NewItem", errors=PLATFORM),
    "api_items.list_items": Operation(
        "事项", "事项列表", {200: answer(f"最新的在前，最多 {LIST_LIMIT} 项", "ItemList")},
        errors=(400,),
        parameters=(query("box", "todo：我的待办（未办结）；created：我发起的",
                          {"enum": ["todo", "created"], "default": "todo"}),)),
    "api_items.get_item": Operation(
        "事项", "事项详情", {200: answer("事项", "ItemAnswer")}, errors=(404,),
        description="只有发起人和办理人能看到；其他人得到 404。"),
    "api_items.complete_item": Operation(
        "事项", "办结事项", {200: answer("已办结的事项", "ItemAnswer")}, errors=(404, 409),
        description="只有办理人可以办结（否则 403）；已办结的再办结为 409。"),
    "api_items.list_messages": Operation(
        "消息", "我的消息", {200: answer(f"最新的在前，最多 {LIST_LIMIT} 条；unread 为未读总数",
                                     "MessageList")}),
    "api_items.read_message": Operation(
        "消息", "标为已读", {204: answer("已读")}, errors=(404,)),
    "auth.login": Operation(
        "登录", "开始登录",
        {302: REDIRECT | {"description": "前往平台的授权页（平台客户端内）或网页登录页"}},
        errors=(429,), login=False, page=True,
        parameters=(query("next", "登录后回到的本站路径；不是本站路径时回到首页",
                          {"type": "string"}),)),
    "auth.callback": Operation(
        "登录", "平台登录后的回调", {302: REDIRECT | {"description": "已登录，回到 next"}},
        errors=(400, 403, *PLATFORM), login=False, page=True,
        parameters=(STATE, query("code", "平台的一次性登录码；缺少表示用户取消了授权",
                                 {"type": "string"}))),
{%- if cookiecutter.oidc %}
    "auth.oidc_callback": Operation(
        "登录", "OpenID Connect 登录后的回调",
        {302: REDIRECT | {"description": "已登录，回到 next"}},
        errors=(400, 403, 404, *PLATFORM), login=False, page=True,
        description="仅在设置了 OIDC_ISSUER 时可用（否则 404）。",
        parameters=(STATE, query("code", "授权码", {"type": "string"}),
                    query("error", "身份提供方给出的错误（RFC 6749 §4.1.2.1）",
                          {"type": "string"}))),
{%- endif %}
    "auth.logout": Operation(
        "登录", "退出登录", {204: answer("会话已在服务器上结束，Cookie 已清除")},
        errors=(403, 429), login=False, page=True,
        # Without a session there is nothing to end (204); with one, X-CSRF-Token is required.
        security=({}, {SESSION: [], CSRF: []})),
    "health.livez": Operation(
        "监控", "存活检查（进程）", {200: answer("进程在运行", "Health", HEALTH_JSON)},
        login=False),
    "health.healthz": Operation(
        "监控", "健康检查（数据库、平台、待发送队列）",
        {200: answer("pass 或 warn", "Health", HEALTH_JSON),
         503: answer("fail：应用无法工作（如数据库不可达）", "Health", HEALTH_JSON)},
        login=False),
    "api_spec.openapi_document": Operation(
        "接口文档", "本接口文档（OpenAPI 3.1）",
        {200: answer("OpenAPI 3.1 文档", {"type": "object"})},
        login=False),
}

PLACEHOLDER = re.compile(r"<(?:[^:<>]+:)?(\w+)>")


def path_parameter(rule: Rule, name: str) -> dict:
    converter = rule._converters[name]
    schema: dict = {"type": "string"}
    if isinstance(converter, IntegerConverter):
        schema = {"type": "integer", "minimum": converter.min or 0}
        if converter.max is not None:
            schema["maximum"] = converter.max
    return {"name": name, "in": "path", "required": True, "schema": schema}


def build_spec(app: Flask, server: str | None = None) -> dict:
    """The OpenAPI 3.1 document of every documented route of `app`."""
    settings = app.config["SETTINGS"]
    paths: dict[str, dict] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        operation = OPERATIONS.get(rule.endpoint)
        if operation is None:
            continue
        path = PLACEHOLDER.sub(r"{\1}", rule.rule)
        parameters = [path_parameter(rule, name) for name in sorted(rule.arguments)]
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        for method in methods:
            operation_id = rule.endpoint.replace(".", "_")
            if len(methods) > 1:
                operation_id += f"_{method.lower()}"
            paths.setdefault(path, {})[method.lower()] = operation.render(
                method, operation_id, parameters)
    return {
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
        "tags": TAGS,
        "paths": paths,
        "components": {"schemas": SCHEMAS, "responses": RESPONSES,
                       "securitySchemes": SECURITY_SCHEMES},
    }


@bp.get("/openapi.json")
def openapi_document():
    if "openapi" not in current_app.extensions:
        current_app.extensions["openapi"] = build_spec(current_app)
    return jsonify(current_app.extensions["openapi"])


@bp.cli.command("openapi")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("docs/openapi.json"), show_default=True,
              help="写到哪个文件；- 表示标准输出")
@click.option("--server", help="文档中的服务地址，默认为 APP_BASE_URL")
def export_openapi(output: Path, server: str | None) -> None:
    """导出接口文档（OpenAPI 3.1），供接口提交与审核（§6.1 b）。"""
    text = json.dumps(build_spec(current_app, server), ensure_ascii=False, indent=2) + "\n"
    if str(output) == "-":
        click.echo(text, nl=False)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    click.echo(f"接口文档已写入 {output}（{len(text.encode())} 字节）")

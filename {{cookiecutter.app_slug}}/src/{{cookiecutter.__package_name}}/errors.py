"""Friendly failures (DB31DSJ/Z 003 §6.3.3 c): JSON for API calls, a Chinese page for people.

No stack trace, exception text or internal detail ever reaches the client; the full
error goes to the log only. Every error answer carries the request's id (X-Request-Id),
and the log line about it names the same id. A client error (4xx) is one log line, never
a traceback: a hostile client must not be able to fill the log with stacks.
"""

from __future__ import annotations

import logging
import secrets

from flask import (
    Flask,
    Response,
    current_app,
    g,
    jsonify,
    make_response,
    render_template,
    request,
)
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from .platform import PlatformError, PlatformRateLimited, PlatformUnavailable

FRIENDLY_MESSAGES = {
    400: ("请求有误", "提交的内容格式不正确，请检查后重试。"),
    401: ("请先登录", "登录状态已失效，请重新从一网协同进入应用。"),
    403: ("没有权限", "您没有访问该内容的权限，如有疑问请联系管理员。"),
    404: ("页面不存在", "您访问的页面不存在或已被移除。"),
    405: ("操作不受支持", "当前页面不支持该操作。"),
    413: ("内容过大", "提交的内容超过了允许的大小，请精简后重试。"),
    415: ("格式不支持", "请以 JSON 格式提交。"),
    422: ("内容有误", "提交的内容未通过校验，请按提示修改。"),
    429: ("操作太频繁", "您的操作太频繁了，请稍后再试。"),
    500: ("系统繁忙", "系统暂时出现问题，请稍后重试。我们已记录该问题。"),
    503: ("服务暂不可用", "服务暂时无法访问，请稍后重试。"),
}
PLATFORM_UNAVAILABLE = ("一网协同平台暂时无法访问", "平台服务暂时无法连接，请稍后重试。")
PLATFORM_REFUSED = ("一网协同平台暂时无法完成请求", "平台暂时无法完成本次操作，请稍后重试。")
PLATFORM_BUSY = ("操作太频繁", "平台繁忙，请稍后再试。")
REQUEST_ID_HEADER = "X-Request-Id"
# Client errors that ordinary use produces (an expired session, a stale link): logged at
# INFO. The others (malformed or refused input, CSRF, limits) at WARNING.
ROUTINE_CLIENT_ERRORS = frozenset({401, 404, 405})
LOGGED_PATH_MAX = 200


def request_id() -> str:
    """This request's id, made once: it links the answer to its log line."""
    if "request_id" not in g:
        g.request_id = secrets.token_hex(8)
    return str(g.request_id)


def wants_json() -> bool:
    """API calls get JSON; a browser navigating to a page gets HTML."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def friendly_response(status: int, title: str, message: str,
                      fields: dict[str, str] | None = None) -> tuple[Response | str, int]:
    if wants_json():
        error: dict[str, object] = {"status": status, "title": title, "message": message}
        if fields:
            error["fields"] = fields  # which input to fix, for the form to show
        response: Response | str = jsonify(error=error)
    else:
        response = render_template("error.html", status=status, title=title, message=message)
    return response, status


class FriendlyError(HTTPException):
    """An HTTP error whose Chinese title and message say exactly what went wrong."""

    def __init__(self, status: int, title: str, message: str,
                 fields: dict[str, str] | None = None, *, retry_after: int | None = None):
        self.code = status
        self.friendly = (title, message)
        self.fields = fields
        self.retry_after = retry_after  # seconds, for a 429 or 503 (RFC 9110 §10.2.3)
        super().__init__(description=message)


def handle_http_error(error: HTTPException) -> Response:
    status = error.code or 500
    title, message = getattr(error, "friendly", None) or FRIENDLY_MESSAGES.get(
        status, FRIENDLY_MESSAGES[500]
    )
    if 400 <= status < 500:
        level = logging.INFO if status in ROUTINE_CLIENT_ERRORS else logging.WARNING
        current_app.logger.log(level, "client error %s %s %s request_id=%s: %s", status,
                               request.method, request.path[:LOGGED_PATH_MAX], request_id(),
                               message)
    response = make_response(friendly_response(status, title, message,
                                               getattr(error, "fields", None)))
    response.headers[REQUEST_ID_HEADER] = request_id()
    retry_after = getattr(error, "retry_after", None)
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    allowed = getattr(error, "valid_methods", None)
    if allowed:
        # RFC 9110 §15.5.6: a 405 names the methods the resource does allow.
        response.headers["Allow"] = ", ".join(sorted(allowed))
    return response


def with_request_id(answer: tuple[Response | str, int]
                    ) -> tuple[Response | str, int, dict[str, str]]:
    response, status = answer
    return response, status, {REQUEST_ID_HEADER: request_id()}


def handle_platform_unavailable(error: PlatformUnavailable
                                ) -> tuple[Response | str, int, dict[str, str]]:
    current_app.logger.warning("platform unavailable (%s) on %s request_id=%s", error.reason,
                               error.path, request_id())
    return with_request_id(friendly_response(ServiceUnavailable.code, *PLATFORM_UNAVAILABLE))


def handle_platform_error(error: PlatformError) -> tuple[Response | str, int, dict[str, str]]:
    # The errcode goes to the log for the operator; the user gets a plain sentence.
    current_app.logger.warning("platform error %s on %s request_id=%s", error.errcode,
                               error.path, request_id())
    if isinstance(error, PlatformRateLimited):
        return with_request_id(friendly_response(429, *PLATFORM_BUSY))
    return with_request_id(friendly_response(ServiceUnavailable.code, *PLATFORM_REFUSED))


def handle_unexpected_error(error: Exception) -> Response:
    # A handler for Exception replaces Flask's own logging, so log it here, with the
    # traceback (a server error is ours to fix); the user sees only the friendly page.
    current_app.logger.error("unhandled error on %s %s request_id=%s", request.method,
                             request.path[:LOGGED_PATH_MAX], request_id(), exc_info=error)
    return handle_http_error(InternalServerError())


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(PlatformUnavailable, handle_platform_unavailable)
    app.register_error_handler(PlatformError, handle_platform_error)
    app.register_error_handler(Exception, handle_unexpected_error)

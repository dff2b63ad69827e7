"""Friendly failures (DB31DSJ/Z 003 §6.3.3 c): JSON for API calls, a Chinese page for people.

No stack trace, exception text or internal detail ever reaches the client; the full
error goes to the log only.
"""

from __future__ import annotations

from flask import (
    Flask,
    Response,
    current_app,
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
                 fields: dict[str, str] | None = None):
        self.code = status
        self.friendly = (title, message)
        self.fields = fields
        super().__init__(description=message)


def handle_http_error(error: HTTPException) -> Response:
    status = error.code or 500
    title, message = getattr(error, "friendly", None) or FRIENDLY_MESSAGES.get(
        status, FRIENDLY_MESSAGES[500]
    )
    response = make_response(friendly_response(status, title, message,
                                               getattr(error, "fields", None)))
    allowed = getattr(error, "valid_methods", None)
    if allowed:
        # RFC 9110 §15.5.6: a 405 names the methods the resource does allow.
        response.headers["Allow"] = ", ".join(sorted(allowed))
    return response


def handle_platform_unavailable(error: PlatformUnavailable) -> tuple[Response | str, int]:
    return friendly_response(ServiceUnavailable.code, *PLATFORM_UNAVAILABLE)


def handle_platform_error(error: PlatformError) -> tuple[Response | str, int]:
    # The errcode goes to the log for the operator; the user gets a plain sentence.
    current_app.logger.warning("platform error %s on %s", error.errcode, error.path)
    if isinstance(error, PlatformRateLimited):
        return friendly_response(429, *PLATFORM_BUSY)
    return friendly_response(ServiceUnavailable.code, *PLATFORM_REFUSED)


def handle_unexpected_error(error: Exception) -> Response:
    # A handler for Exception replaces Flask's own logging, so log it here; the
    # user sees only the friendly page.
    current_app.logger.error("unhandled error on %s %s", request.method, request.path,
                             exc_info=error)
    return handle_http_error(InternalServerError())


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(PlatformUnavailable, handle_platform_unavailable)
    app.register_error_handler(PlatformError, handle_platform_error)
    app.register_error_handler(Exception, handle_unexpected_error)

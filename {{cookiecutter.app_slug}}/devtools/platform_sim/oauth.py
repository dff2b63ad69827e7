"""OAuth pages: in-client authorize (with the privateinfo consent screen) and 网页端 login.

The pages stand in for "who is logged in to the client": the developer (or a Playwright
spec, via `data-testid="sim-user-<userid>"`) picks a seeded user, and the page redirects to
the app's redirect_uri with `code` and `state`, as the platform would.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import Blueprint, Response, redirect, render_template, request
from markupsafe import escape

from .errors import SimError
from .gateway import get_state
from .state import SCOPE_BASE, SCOPE_PRIVATEINFO, SimState

bp = Blueprint("oauth", __name__)

STATE_PATTERN = re.compile(r"^[A-Za-z0-9]{0,128}$")
# What the consent screen lists: the fields only getuserdetail returns.
SENSITIVE_FIELDS = ("手机号", "邮箱", "企业邮箱", "地址", "性别", "头像", "个人二维码")


class PageError(Exception):
    """A request the platform refuses with an error page instead of a redirect."""

    def __init__(self, errcode: int, message: str) -> None:
        super().__init__(message)
        self.errcode = errcode
        self.message = message


@dataclass(frozen=True)
class LoginRequest:
    appid: str
    redirect_uri: str
    state: str
    agentid: str
    scope: str  # the effective scope, after any downgrade
    source: str  # "oauth" or "web"


def _check_redirect_uri(state: SimState, redirect_uri: str) -> None:
    parts = urlsplit(redirect_uri)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PageError(50001, "redirect_uri 不是完整的 http(s) 地址")
    # Port ignored on purpose: any local dev port of a trusted host is accepted.
    if parts.hostname.lower() not in state.settings.trusted_hosts:
        raise PageError(50001, f"redirect_uri 的域名 {parts.hostname} 不是应用的可信域名")


def _check_common(state: SimState, params: dict[str, str]) -> None:
    if params.get("appid") != state.settings.corp_id:
        raise PageError(40013, "appid 应为单位的 CorpID")
    if not params.get("redirect_uri"):
        raise PageError(50001, "缺少 redirect_uri")
    _check_redirect_uri(state, params["redirect_uri"])
    if not STATE_PATTERN.match(params.get("state", "")):
        raise PageError(84025, "state 只能由字母和数字组成，且不超过 128 字节")
    agentid = params.get("agentid", "")
    if agentid and agentid not in state.settings.agent_ids:
        raise PageError(40056, f"agentid {agentid} 不是本应用的编号")


def parse_authorize(state: SimState, params: dict[str, str]) -> LoginRequest:
    """Validate /connect/oauth2/authorize parameters as the platform does."""
    _check_common(state, params)
    if params.get("response_type") != "code":
        raise PageError(40058, "response_type 应为 code")
    scope = params.get("scope", "")
    if scope not in (SCOPE_BASE, SCOPE_PRIVATEINFO):
        raise PageError(40058, "scope 应为 snsapi_base 或 snsapi_privateinfo")
    agentid = params.get("agentid", "")
    if scope == SCOPE_PRIVATEINFO and not agentid:
        scope = SCOPE_BASE  # WeCom: privateinfo without agentid silently becomes base
    return LoginRequest(params["appid"], params["redirect_uri"], params.get("state", ""),
                        agentid, scope, "oauth")


def parse_web_login(state: SimState, params: dict[str, str]) -> LoginRequest:
    """Validate /wwlogin/sso/login parameters; web login is always base scope."""
    if params.get("login_type") != "CorpApp":
        raise PageError(40058, "login_type 应为 CorpApp")
    _check_common(state, params)
    if not params.get("agentid"):
        raise PageError(40056, "网页登录需要 agentid")
    return LoginRequest(params["appid"], params["redirect_uri"], params.get("state", ""),
                        params["agentid"], SCOPE_BASE, "web")


def redirect_uri_with(redirect_uri: str, **params: str) -> str:
    """redirect_uri with params appended to its own query, fragment kept."""
    parts = urlsplit(redirect_uri)
    query = parse_qsl(parts.query, keep_blank_values=True) + list(params.items())
    return urlunsplit(parts._replace(query=urlencode(query)))


def user_groups(state: SimState) -> list[dict]:
    """Users grouped under their main department, in department order; each listed once."""
    groups = []
    for dept_id in state.department_subtree(1):
        users = [
            {**u, "visible": state.is_visible_user(u["userid"])}
            for u in state.users.values()
            if u["main_department"] == dept_id
        ]
        if users:
            groups.append({"department": state.departments[dept_id], "users": users})
    return groups


def _error_page(error: PageError) -> tuple[str, int]:
    return render_template("error.html", errcode=error.errcode, message=error.message), 400


def _picker(login: LoginRequest, action: str, title: str) -> str:
    state = get_state()
    with state.lock:
        groups = user_groups(state)
    return render_template("pick_user.html", login=asdict(login), action=action, title=title,
                           groups=groups)


def _issue_and_redirect(login: LoginRequest, userid: str, *, consent: bool) -> Response:
    state = get_state()
    if state.find_user(userid) is None:
        raise PageError(60111, "所选用户不存在")
    code = state.issue_code(userid.lower(), scope=login.scope, agentid=login.agentid,
                            source=login.source, consent=consent)
    return redirect(redirect_uri_with(login.redirect_uri, code=code, state=login.state), 302)


def _login_from_form() -> LoginRequest:
    """The request travels through the picker and consent forms as hidden fields."""
    form = request.form
    login = LoginRequest(form.get("appid", ""), form.get("redirect_uri", ""),
                         form.get("state", ""), form.get("agentid", ""),
                         form.get("scope", ""), form.get("source", ""))
    state = get_state()
    _check_common(state, asdict(login))
    if login.scope not in (SCOPE_BASE, SCOPE_PRIVATEINFO) or login.source not in ("oauth", "web"):
        raise PageError(40058, "登录请求参数不完整")
    if login.source == "web" and login.scope != SCOPE_BASE:
        raise PageError(40058, "网页登录只支持 snsapi_base")
    return login


@bp.get("/connect/oauth2/authorize")
def authorize():
    try:
        login = parse_authorize(get_state(), request.args.to_dict())
    except PageError as error:
        return _error_page(error)
    return _picker(login, "oauth.authorize_pick", "一网协同 · 选择登录用户")


@bp.post("/connect/oauth2/authorize")
def authorize_pick():
    try:
        login = _login_from_form()
        userid = request.form.get("userid", "")
        if login.scope == SCOPE_PRIVATEINFO:
            user = get_state().find_user(userid)
            if user is None:
                raise PageError(60111, "所选用户不存在")
            return render_template("consent.html", login=asdict(login), user=user,
                                   fields=SENSITIVE_FIELDS)
        return _issue_and_redirect(login, userid, consent=False)
    except PageError as error:
        return _error_page(error)


@bp.post("/connect/oauth2/consent")
def consent():
    try:
        login = _login_from_form()
        if login.scope != SCOPE_PRIVATEINFO:
            raise PageError(40058, "只有 snsapi_privateinfo 需要授权确认")
        if request.form.get("decision") != "accept":
            # Refusal: back to the app with state only, no code.
            return redirect(redirect_uri_with(login.redirect_uri, state=login.state), 302)
        return _issue_and_redirect(login, request.form.get("userid", ""), consent=True)
    except PageError as error:
        return _error_page(error)


@bp.get("/wwlogin/sso/login")
def web_login():
    try:
        login = parse_web_login(get_state(), request.args.to_dict())
    except PageError as error:
        return _error_page(error)
    return _picker(login, "oauth.web_login_pick", "一网协同网页端 · 选择登录用户")


@bp.post("/wwlogin/sso/login")
def web_login_pick():
    try:
        login = _login_from_form()
        return _issue_and_redirect(login, request.form.get("userid", ""), consent=False)
    except PageError as error:
        return _error_page(error)


@bp.get("/profile/<any(avatar, qrcode):kind>/<userid>.svg")
def profile_image(kind: str, userid: str) -> Response:
    """The images getuserdetail's avatar and qr_code point at: a plain initial, no photo."""
    user = get_state().find_user(userid)
    if user is None:
        raise SimError(60111)
    initial = escape(user["name"][:1])
    fill = "#2f6fde" if kind == "avatar" else "#333333"
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96">'
        f'<rect width="96" height="96" rx="12" fill="{fill}"/>'
        f'<text x="48" y="62" font-size="44" text-anchor="middle" fill="#ffffff">{initial}</text>'
        "</svg>"
    )
    return Response(svg, mimetype="image/svg+xml")

"""The 一网协同 server API client: every call goes through one `_call` that checks it the same way.

The rules come from the platform's WeCom-compatible API (DESIGN.md §2):

- an HTTP 200 is not success: the answer is checked at both levels, the gateway envelope
  `{"code","msg","data"}` and the WeCom `errcode`, and errmsg is never parsed;
- -1 (busy) is retried at most 3 times with jittered exponential backoff;
- 45009 / 45033 (rate limits) are raised at once: retrying would only hammer the platform;
- 40001 / 40014 / 42001 (token refused) refresh the token once and resend once, then raise;
- timeouts, refused connections, HTTP errors and garbled answers are `PlatformUnavailable`;
- the access_token and the secret never appear in a log line or an exception message.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import random
import re
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import requests

from .contract import JSONObject, build_body, contract_path, trusted_url_fields
from .errors import (
    NotAMember,
    PlatformBusy,
    PlatformError,
    PlatformGatewayError,
    PlatformUnavailable,
    TokenExpired,
    error_for,
)
from .token_store import MemoryTokenStore, TokenStore

log = logging.getLogger(__name__)

# Names → paths relative to YWXT_API_BASE; override any of them with `paths=`. A query
# string in a path is sent with every call to it.
DEFAULT_PATHS: dict[str, str] = {
    "gettoken": "/cgi-bin/gettoken",
    "getuserinfo": "/cgi-bin/auth/getuserinfo",
    "getuserdetail": "/cgi-bin/auth/getuserdetail",
    "user_get": "/cgi-bin/user/get",
    "department_list": "/cgi-bin/department/list",
    "user_simplelist": "/cgi-bin/user/simplelist",
    "corp_jsapi_ticket": "/cgi-bin/get_jsapi_ticket",
    "agent_jsapi_ticket": "/cgi-bin/ticket/get?type=agent_config",
    "message_send": "/cgi-bin/message/send",
    "message_recall": "/cgi-bin/message/recall",
    "appchat_create": "/cgi-bin/appchat/create",
    "appchat_send": "/cgi-bin/appchat/send",
    # No parameters and a short answer, but it needs the access token: the health probe.
    "api_domain_ip": "/cgi-bin/get_api_domain_ip",
    # The platform's own APIs: the standard gives no paths, contract.json holds the defaults
    # ("confirm with the platform operator").
    "todo_add": contract_path("todo_add"),
    "todo_update": contract_path("todo_update"),
    "datacollect_report": contract_path("datacollect_report"),
}

# A message sent again with the same JSON inside this window is not delivered twice
# (WeCom enable_duplicate_check): what makes a resent outbox message harmless.
DUPLICATE_CHECK_SECONDS = 1800

# wx.config signs with the corp ticket, wx.agentConfig with the agent ticket; mixing them
# up gives "invalid signature".
TICKET_APIS = {"corp": "corp_jsapi_ticket", "agent": "agent_jsapi_ticket"}

DEFAULT_EXPIRES_IN = 7200  # WeCom's token and ticket lifetime, if an answer omits it

# Credentials that travel in query strings; urllib3 logs request lines at DEBUG level.
_CREDENTIAL_IN_URL = re.compile(r"(?<![A-Za-z_])(access_token|corpsecret|code)=[^&\s\"']*")


@dataclasses.dataclass(frozen=True)
class RetryPolicy:
    """When and how long to wait before resending a busy (-1) call.

    `max_attempts` counts retries after the first try (WeCom: at most 3); `attempt` is
    1 for the first retry. Randomness comes in as `rand` so tests can pin the delays.
    """

    max_attempts: int = 3
    base_delay: float = 0.2
    max_delay: float = 2.0

    def should_retry(self, error: Exception, attempt: int) -> bool:
        return isinstance(error, PlatformBusy) and attempt <= self.max_attempts

    def delay(self, attempt: int, rand: float) -> float:
        """Exponential backoff with "equal jitter": half fixed, half random in [0, 1)."""
        ceiling = min(self.max_delay, self.base_delay * 2.0 ** (attempt - 1))
        return ceiling / 2 + ceiling / 2 * rand


DEFAULT_RETRY = RetryPolicy()


@dataclasses.dataclass(frozen=True)
class CallEvent:
    """One request to the platform, for key-operation monitoring (no personal data, no token).

    DB31DSJ/Z 003 §6.2.4 e: the app reports data on its calls to platform interfaces.
    `outcome` is "ok", "error" (the platform answered a non-zero code) or "unavailable".
    """

    api: str
    duration_ms: float
    outcome: str
    errcode: int | None
    is_async: bool = False


@dataclasses.dataclass(frozen=True)
class MessageResult:
    """message/send succeeds partially: the recipients the platform could not reach."""

    msgid: str
    invalid_users: tuple[str, ...] = ()


class UntrustedLinkError(ValueError):
    """A todo or message link outside the app's trusted domain (Appendix C.1 note)."""


@dataclasses.dataclass(frozen=True)
class Identity:
    """Who a login code belongs to; `user_ticket` (consent scope only) unlocks user_detail."""

    userid: str
    user_ticket: str | None = dataclasses.field(default=None, repr=False)


def log_event(event: CallEvent) -> None:
    """The default event hook: one debug line, api and outcome only."""
    log.debug("platform call %s %s errcode=%s %.1f ms", event.api, event.outcome,
              event.errcode, event.duration_ms)


class _RedactCredentials(logging.Filter):
    """Masks credentials in urllib3's request lines before any handler sees them."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _CREDENTIAL_IN_URL.search(message):
            record.msg = _CREDENTIAL_IN_URL.sub(r"\1=***", message)
            record.args = ()
        return True


def _redact_transport_logs() -> None:
    logger = logging.getLogger("urllib3.connectionpool")
    if not any(isinstance(f, _RedactCredentials) for f in logger.filters):
        logger.addFilter(_RedactCredentials())


def _as_int(value: Any, path: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise PlatformUnavailable("unexpected answer", path) from None


def read_answer(document: Any, path: str) -> JSONObject:
    """The payload of an answer, after checking the gateway `code` and the WeCom `errcode`.

    Accepts the flat WeCom shape and the platform envelope (Appendix C.5); raises the typed
    error for a non-zero code at either level. Never looks at errmsg beyond carrying it.
    """
    if not isinstance(document, dict):
        raise PlatformUnavailable("unexpected answer", path)
    if "errcode" not in document and "code" in document:
        data = document.get("data")
        data = {} if data is None else data
        if not isinstance(data, dict):
            raise PlatformUnavailable("unexpected answer", path)
        code = _as_int(document["code"], path)
        inner = _as_int(data.get("errcode", 0), path)
        if code != 0 and inner == 0:
            raise PlatformGatewayError(code, str(document.get("msg", "")), path)
        document = {"errcode": inner, **data} if "errcode" not in data else data
    if "errcode" not in document:
        # No status at all is not a success either.
        raise PlatformUnavailable("unexpected answer", path)
    errcode = _as_int(document["errcode"], path)
    if errcode != 0:
        raise error_for(errcode, str(document.get("errmsg", "")), path)
    return {key: value for key, value in document.items() if key not in ("errcode", "errmsg")}


class PlatformClient:
    """The only code that talks to the platform's server API; one instance per app."""

    def __init__(
        self,
        settings: Any,
        *,
        session: requests.Session | None = None,
        paths: Mapping[str, str] | None = None,
        retry: RetryPolicy = DEFAULT_RETRY,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        token_store: TokenStore | None = None,
        on_event: Callable[[CallEvent], None] | None = None,
        timeout: float | tuple[float, float] = (3.05, 5),
        rand: Callable[[], float] = random.random,
    ):
        self._base_url = settings.ywxt_api_base.rstrip("/")
        self.corp_id = settings.ywxt_corp_id
        self.agent_id = settings.ywxt_agent_id
        self.pc_agent_id = settings.ywxt_pc_agent_id
        self._trusted_origin = settings.app_base_url.rstrip("/")
        self._secret = settings.ywxt_secret
        self._session = session if session is not None else requests.Session()
        self._paths = {**DEFAULT_PATHS, **(paths or {})}
        self._retry = retry
        self._clock = clock
        self._sleep = sleep
        self._store = token_store if token_store is not None else MemoryTokenStore()
        self._on_event = on_event or log_event
        self._timeout = timeout
        self._rand = rand
        # Cache keys per platform, corp and secret (and agent): two apps sharing one store
        # must not read each other's token (wechatpy #190, #684), nor UAT and production.
        secret_id = hashlib.sha256(f"{self._base_url}\n{self._secret}".encode()).hexdigest()[:16]
        self._keys = {
            "access_token": f"{self.corp_id}:{secret_id}:access_token",
            "corp": f"{self.corp_id}:{secret_id}:jsapi_ticket:corp",
            "agent": f"{self.corp_id}:{self.agent_id}:{secret_id}:jsapi_ticket:agent",
        }
        _redact_transport_logs()

    @property
    def token_store(self) -> TokenStore:
        """Where the access token and jsapi tickets are cached (shared by every worker)."""
        return self._store

    def __repr__(self) -> str:
        return f"PlatformClient({self._base_url!r}, corp_id={self.corp_id!r})"

    # -- SSO ------------------------------------------------------------------------------

    def exchange_code(self, code: str) -> Identity:
        """The member a login code belongs to (DB31DSJ/Z 003 §6.2.4 b single sign-on).

        Codes are single use: a timeout, a 5xx or -1 is never retried, since the platform
        may already have consumed the code. Only a refused token is refreshed and the call
        resent once, because then the platform rejected the call before reading the code.
        """
        try:
            payload = self._call("getuserinfo", params={"code": code}, retry_busy=False)
        except PlatformUnavailable as error:
            # Not retryable with this code: the user has to start the login again.
            raise PlatformUnavailable(error.reason, error.path, retryable=False) from None
        # "UserId" is the legacy user/getuserinfo spelling, should the path be overridden.
        userid = payload.get("userid") or payload.get("UserId")
        if not userid:
            raise NotAMember(0, "no userid in the answer", self._route("getuserinfo")[0])
        return Identity(str(userid), payload.get("user_ticket") or None)

    def user_detail(self, user_ticket: str) -> JSONObject:
        """The sensitive profile (mobile, email, ...); only after the user's consent.

        DB31DSJ/Z 003 §8.2 c, d: call it only when the user agreed (snsapi_privateinfo) and
        never persist what it returns.
        """
        return self._call("getuserdetail", json={"user_ticket": user_ticket})

    # -- Contacts (§6.3.5 b) --------------------------------------------------------------

    def get_user(self, userid: str) -> JSONObject:
        """A member's non-sensitive profile (name, departments, position)."""
        return self._call("user_get", params={"userid": userid})

    def list_departments(self, root_id: int | str | None = None) -> list[JSONObject]:
        """Departments under `root_id` (recursive), or every department the app may see."""
        params = {} if root_id is None else {"id": root_id}
        return list(self._call("department_list", params=params).get("department", []))

    def list_department_users(self, department_id: int | str) -> list[JSONObject]:
        """The members of one department (not of its sub-departments)."""
        payload = self._call("user_simplelist", params={"department_id": department_id})
        return list(payload.get("userlist", []))

    # -- Unified todos (§6.2.4 f, Appendix C) ---------------------------------------------

    def add_todo(self, todo: Mapping[str, Any]) -> JSONObject:
        """Create a todo (办件/阅件). `taskNum` is its identity: resending it never doubles it.

        The body is built from contract.json (Table C.1): a missing, unknown or mistyped
        field raises ContractError before anything is sent, and linkUrl / mobileLinkUrl
        must lie under the app's trusted domain (UntrustedLinkError).
        """
        return self._call("todo_add", json=self._standard_body("todo_add", todo))

    def update_todo(self, update: Mapping[str, Any]) -> JSONObject:
        """Change a todo's status (example C.4: taskNum, status, readStatus, doneUrl...)."""
        return self._call("todo_update", json=self._standard_body("todo_update", update))

    def _standard_body(self, api: str, fields: Mapping[str, Any]) -> JSONObject:
        body = build_body(api, {"agentid": self.agent_id, "pcAgentId": self.pc_agent_id,
                                **fields})
        self._check_links(*(body.get(name) for name in trusted_url_fields(api)))
        return body

    # -- App messages (Appendix A.2 消息推送) -----------------------------------------------

    def send_message(self, touser: list[str] | tuple[str, ...], msgtype: str,
                     content: Mapping[str, Any]) -> MessageResult:
        """Send a text, textcard or markdown message to members.

        Partial success is success with `invalid_users`; nobody valid is error 81013.
        Duplicate check is on, so resending the same message after a lost answer is safe.
        """
        if msgtype not in ("text", "textcard", "markdown"):
            raise ValueError(f"unsupported message type {msgtype!r}")
        if msgtype == "textcard":
            self._check_links(content.get("url"))
        payload = self._call("message_send", json={
            "touser": "|".join(touser), "msgtype": msgtype, "agentid": int(self.agent_id),
            msgtype: dict(content), "enable_duplicate_check": 1,
            "duplicate_check_interval": DUPLICATE_CHECK_SECONDS,
        })
        invalid = str(payload.get("invaliduser") or "")
        return MessageResult(str(payload.get("msgid", "")),
                             tuple(user for user in invalid.split("|") if user))

    def recall_message(self, msgid: str) -> None:
        """Recall a message sent within the last 24 hours."""
        self._call("message_recall", json={"msgid": msgid})

    def create_chat(self, name: str, owner: str, userids: list[str],
                    chatid: str | None = None) -> str:
        """Create an app group chat (2-2000 members); returns its chatid."""
        body: dict[str, Any] = {"name": name, "owner": owner, "userlist": list(userids)}
        if chatid:
            body["chatid"] = chatid
        return str(self._call("appchat_create", json=body)["chatid"])

    def send_chat(self, chatid: str, msgtype: str, content: Mapping[str, Any]) -> None:
        """Post to an app group chat; a new chat shows only after its first message."""
        self._call("appchat_send", json={"chatid": chatid, "msgtype": msgtype,
                                         msgtype: dict(content)})

    # -- Key-operation reports (§6.2.4 e) --------------------------------------------------

    def report_events(self, events: list[Mapping[str, Any]]) -> None:
        """Send a batch of key-operation events to the platform's data collection."""
        body = build_body("datacollect_report",
                          {"agentid": self.agent_id, "events": [dict(e) for e in events]})
        self._call("datacollect_report", json=body)

    def _check_links(self, *urls: str | None) -> None:
        for url in urls:
            if url and not (url == self._trusted_origin
                            or url.startswith(f"{self._trusted_origin}/")):
                raise UntrustedLinkError("link outside the app's trusted domain")

    # -- Tokens and JS-SDK tickets --------------------------------------------------------

    def jsapi_ticket(self, kind: str) -> str:
        """The cached jsapi ticket: "corp" for wx.config, "agent" for wx.agentConfig."""
        if kind not in TICKET_APIS:
            raise ValueError(f"unknown jsapi ticket kind {kind!r}; use 'corp' or 'agent'")
        # 400 fetches/h per corp, 100/h per app: every worker shares one cached ticket.
        return self._store.get(self._keys[kind],
                               lambda: self._fetch_expiring(TICKET_APIS[kind], "ticket"))

    def probe(self) -> None:
        """A light authenticated read, for the health check (DB31DSJ/Z 003 §6.2.4 d).

        It goes the way every call goes, with the shared cached token (refreshed once if
        the platform refuses it), so it shows a platform that is down, busy or refusing
        this app, while a cached token alone would say nothing for two hours.
        """
        self._call("api_domain_ip")

    def ensure_access_token(self) -> None:
        """Make sure a valid access token is cached, fetching one only if needed (health)."""
        self._access_token()

    def _access_token(self, refused: str | None = None) -> str:
        return self._store.get(self._keys["access_token"], self._fetch_token, refused=refused)

    def _fetch_token(self) -> tuple[str, int]:
        params = {"corpid": self.corp_id, "corpsecret": self._secret}
        return self._fetch_expiring("gettoken", "access_token", params=params, with_token=False)

    def _fetch_expiring(self, name: str, field: str, *, params: JSONObject | None = None,
                        with_token: bool = True) -> tuple[str, int]:
        payload = self._call(name, params=params, with_token=with_token)
        value = payload.get(field)
        if not isinstance(value, str) or not value:
            raise PlatformUnavailable("unexpected answer", self._route(name)[0])
        expires_in = _as_int(payload.get("expires_in", DEFAULT_EXPIRES_IN), self._route(name)[0])
        return value, expires_in

    # -- The one way to call the platform -------------------------------------------------

    def _route(self, name: str) -> tuple[str, dict[str, str]]:
        """The path for a table name, and the fixed query parameters written into it."""
        parts = urlsplit(self._paths[name])
        return parts.path, dict(parse_qsl(parts.query))

    def _call(self, name: str, *, params: Mapping[str, Any] | None = None,
              json: Any = None, with_token: bool = True, retry_busy: bool = True) -> JSONObject:
        """Send one API call and return its payload, or raise the typed error.

        Token refusal is not a retry: the token is refreshed once and the call resent
        once, then the error is raised (no recursion, unlike wechatpy's auto_retry).
        """
        path, fixed = self._route(name)
        query = {**fixed, **(params or {})}
        token = self._access_token() if with_token else None
        refreshed = False
        attempt = 0
        while True:
            try:
                return self._send(path, query, json, token)
            except TokenExpired:
                if token is None or refreshed:
                    raise
                refreshed = True
                token = self._access_token(refused=token)
            except PlatformBusy as error:
                attempt += 1
                if not (retry_busy and self._retry.should_retry(error, attempt)):
                    raise PlatformUnavailable("busy (errcode -1)", path,
                                              retryable=retry_busy) from None
                self._sleep(self._retry.delay(attempt, self._rand()))

    def _send(self, path: str, query: Mapping[str, Any], body: Any,
              token: str | None) -> JSONObject:
        """One HTTP request; reports a `CallEvent` whatever happens."""
        params = {**query, "access_token": token} if token else dict(query)
        started = self._clock()
        outcome, errcode = "unavailable", None
        try:
            response = self._request(path, params, body)
            if not 200 <= response.status_code < 300:
                raise PlatformUnavailable(f"HTTP {response.status_code}", path,
                                          retryable=response.status_code >= 500
                                          or response.status_code == 429)
            try:
                document = response.json()
            except ValueError:
                document = None  # not JSON: an error page from a proxy, say
            payload = read_answer(document, path)
            outcome, errcode = "ok", 0
            return payload
        except PlatformError as error:
            outcome, errcode = "error", error.errcode
            raise
        finally:
            duration_ms = round((self._clock() - started) * 1000, 3)
            self._emit(CallEvent(path, duration_ms, outcome, errcode))

    def _request(self, path: str, params: JSONObject, body: Any) -> requests.Response:
        failure = None
        try:
            return self._session.request("POST" if body is not None else "GET",
                                         self._base_url + path, params=params, json=body,
                                         timeout=self._timeout)
        except requests.Timeout:
            failure = "timeout"
        except requests.RequestException:
            failure = "connection failed"
        # Raised outside the handler so the requests error, whose text holds the URL with
        # the access_token, is not chained onto ours and cannot reach a log.
        raise PlatformUnavailable(failure, path)

    def _emit(self, event: CallEvent) -> None:
        try:
            self._on_event(event)
        except Exception:
            # Monitoring must never break the call it observes.
            log.exception("platform call event hook failed")

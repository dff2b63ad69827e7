"""The platform client: envelope checks, retries, token refresh, events, no leaked tokens.

A fake `requests.Session` answers from a script and records every request, so each error
path is reached exactly; the leak test uses a real local HTTP server so urllib3's own
debug logging and requests' exception texts are exercised too.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import threading
import traceback
from collections import defaultdict, deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from {{ cookiecutter.__package_name }}.platform import (
    CallEvent,
    Identity,
    InvalidCode,
    MemoryTokenStore,
    NotAMember,
    PlatformBusy,
    PlatformClient,
    PlatformError,
    PlatformGatewayError,
    PlatformRateLimited,
    PlatformUnavailable,
    RetryPolicy,
    TokenExpired,
    get_client,
)
from {{ cookiecutter.__package_name }}.platform.jssdk import sign, signature_for

BASE = "https://api.platform.example.gov.cn"
USER_GET = "/cgi-bin/user/get"
GETUSERINFO = "/cgi-bin/auth/getuserinfo"
GETTOKEN = "/cgi-bin/gettoken"


@dataclasses.dataclass(frozen=True)
class Settings:
    ywxt_api_base: str = BASE
    ywxt_corp_id: str = "ww5f3c2b1a0d9e8f7a"
    ywxt_agent_id: str = "1000002"
    ywxt_pc_agent_id: str = "1000003"
    ywxt_secret: str = "the-app-secret-never-logged"
    app_base_url: str = "https://xietong.example.gov.cn"


@dataclasses.dataclass(frozen=True)
class Sent:
    method: str
    path: str
    params: dict
    body: Any
    timeout: Any


def answer(payload: Any = None, *, status: int = 200, text: str | None = None):
    """A real requests.Response, as the transport would return it."""
    response = requests.Response()
    response.status_code = status
    body = text if text is not None else json.dumps(payload)
    response._content = body.encode("utf-8")
    response.encoding = "utf-8"
    return response


def ok(**fields) -> dict:
    return {"errcode": 0, "errmsg": "ok", **fields}


def fail(errcode: int) -> dict:
    # The hint mimics WeCom's errmsg suffix: the client must not depend on it.
    return {"errcode": errcode, "errmsg": f"error, hint: [x{errcode}], more info at ..."}


class FakeSession:
    """Stands in for requests.Session: answers queued per path, records every request.

    gettoken answers tok-1, tok-2, ... unless answers are queued for it; other paths
    answer `{"errcode": 0}` when nothing is queued.
    """

    def __init__(self, base: str = BASE) -> None:
        self.base = base
        self.sent: list[Sent] = []
        self._queued: dict[str, deque] = defaultdict(deque)
        self._tokens = 0

    def queue(self, path: str, *answers: Any) -> None:
        self._queued[path].extend(answers)

    def request(self, method, url, params=None, json=None, timeout=None):
        parts = urlsplit(url)
        assert f"{parts.scheme}://{parts.netloc}" == self.base
        self.sent.append(Sent(method, parts.path, dict(params or {}), json, timeout))
        if self._queued[parts.path]:
            item = self._queued[parts.path].popleft()
        elif parts.path == GETTOKEN:
            self._tokens += 1
            item = ok(access_token=f"tok-{self._tokens}", expires_in=7200)
        else:
            item = ok()
        if isinstance(item, BaseException):
            raise item
        if isinstance(item, requests.Response):
            return item
        return answer(item)

    def to(self, path: str) -> list[Sent]:
        return [sent for sent in self.sent if sent.path == path]


class TickingClock:
    """A monotonic clock that advances 0.125 s each time it is read."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        self.now += 0.125
        return self.now


@pytest.fixture
def session() -> FakeSession:
    return FakeSession()


@pytest.fixture
def delays() -> list[float]:
    return []


@pytest.fixture
def events() -> list[CallEvent]:
    return []


@pytest.fixture
def platform(session, delays, events) -> PlatformClient:
    return PlatformClient(Settings(), session=session, sleep=delays.append,
                          on_event=events.append, rand=lambda: 0.5, clock=TickingClock(),
                          token_store=MemoryTokenStore())


# -- answers: both shapes, both levels -------------------------------------------------


def test_flat_answer_returns_the_payload(platform, session):
    session.queue(USER_GET, ok(userid="zhangsan", name="张三"))

    assert platform.get_user("zhangsan") == {"userid": "zhangsan", "name": "张三"}
    sent = session.to(USER_GET)[0]
    assert sent.method == "GET"
    assert sent.params == {"userid": "zhangsan", "access_token": "tok-1"}
    assert sent.timeout == (3.05, 5)


def test_envelope_answer_returns_its_data(platform, session):
    session.queue(USER_GET, {"code": 0, "msg": "ok", "data": ok(userid="zhangsan")})

    assert platform.get_user("zhangsan") == {"userid": "zhangsan"}


def test_envelope_without_inner_errcode_is_a_success(platform, session):
    session.queue(USER_GET, {"code": 0, "msg": "ok", "data": {"userid": "zhangsan"}})

    assert platform.get_user("zhangsan") == {"userid": "zhangsan"}


def test_envelope_gateway_error_is_raised_and_not_retried(platform, session, delays):
    session.queue(USER_GET, {"code": 502, "msg": "gateway error", "data": None})

    with pytest.raises(PlatformGatewayError) as caught:
        platform.get_user("zhangsan")
    assert caught.value.errcode == 502
    assert caught.value.path == USER_GET
    assert len(session.to(USER_GET)) == 1
    assert delays == []


def test_envelope_data_errcode_is_raised(platform, session):
    session.queue(USER_GET, {"code": 0, "msg": "ok", "data": fail(60111)})

    with pytest.raises(PlatformError) as caught:
        platform.get_user("nobody")
    assert type(caught.value) is PlatformError
    assert caught.value.errcode == 60111


def test_envelope_gateway_failure_carrying_a_token_refusal_refreshes(platform, session):
    session.queue(USER_GET, {"code": 401, "msg": "unauthorized", "data": fail(42001)},
                  ok(userid="zhangsan"))

    assert platform.get_user("zhangsan") == {"userid": "zhangsan"}
    assert [s.params["access_token"] for s in session.to(USER_GET)] == ["tok-1", "tok-2"]


@pytest.mark.parametrize(
    ("errcode", "error_type"),
    [
        (60111, PlatformError),
        (45009, PlatformRateLimited),
        (45033, PlatformRateLimited),
        (40029, InvalidCode),
    ],
)
def test_flat_errcode_raises_its_typed_error(platform, session, errcode, error_type):
    session.queue(USER_GET, fail(errcode))

    with pytest.raises(error_type) as caught:
        platform.get_user("zhangsan")
    assert type(caught.value) is error_type
    assert caught.value.errcode == errcode


def test_errmsg_is_never_parsed(platform, session):
    session.queue(USER_GET, {"errcode": 0, "errmsg": "invalid credential, access_token expired"},
                  {"errcode": 60111, "errmsg": "ok"})

    assert platform.get_user("zhangsan") == {}
    with pytest.raises(PlatformError):
        platform.get_user("zhangsan")


@pytest.mark.parametrize("body", [{}, {"userid": "zhangsan"}, [], {"errcode": "zero"}],
                         ids=["empty", "no-status", "not-an-object", "bad-errcode"])
def test_http_200_without_a_valid_status_is_not_success(platform, session, body):
    session.queue(USER_GET, body)

    with pytest.raises(PlatformUnavailable):
        platform.get_user("zhangsan")


def test_rate_limit_is_raised_at_once_with_one_request(platform, session, delays):
    session.queue(USER_GET, fail(45009))

    with pytest.raises(PlatformRateLimited):
        platform.get_user("zhangsan")
    assert len(session.to(USER_GET)) == 1
    assert delays == []


# -- busy: bounded retries with backoff --------------------------------------------------


def test_busy_is_retried_three_times_with_backoff_then_unavailable(platform, session, delays):
    session.queue(USER_GET, fail(-1), fail(-1), fail(-1), fail(-1), ok(userid="never-reached"))

    with pytest.raises(PlatformUnavailable) as caught:
        platform.get_user("zhangsan")
    assert caught.value.retryable is True
    assert len(session.to(USER_GET)) == 4  # the first try and 3 retries
    assert delays == pytest.approx([0.15, 0.3, 0.6])


def test_busy_then_success_returns_the_payload(platform, session, delays):
    session.queue(USER_GET, fail(-1), fail(-1), ok(userid="zhangsan"))

    assert platform.get_user("zhangsan") == {"userid": "zhangsan"}
    assert delays == pytest.approx([0.15, 0.3])


@pytest.mark.parametrize(
    ("attempt", "rand", "expected"),
    [
        (1, 0.0, 0.1), (1, 0.5, 0.15), (2, 0.5, 0.3), (3, 0.999, 0.7996),
        (8, 0.0, 1.0), (8, 1.0, 2.0),  # capped at max_delay
    ],
)
def test_retry_policy_delay_is_jittered_exponential_and_capped(attempt, rand, expected):
    assert RetryPolicy().delay(attempt, rand) == pytest.approx(expected)


def test_retry_policy_retries_only_busy_and_only_three_times():
    policy = RetryPolicy()

    assert policy.should_retry(PlatformBusy(-1), 3)
    assert not policy.should_retry(PlatformBusy(-1), 4)
    assert not policy.should_retry(PlatformUnavailable("timeout"), 1)
    assert not policy.should_retry(PlatformRateLimited(45009), 1)


# -- transport failures ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("failure", "retryable"),
    [
        (requests.ReadTimeout("read timed out"), True),
        (requests.ConnectTimeout("connect timed out"), True),
        (requests.ConnectionError("connection refused"), True),
        (answer(status=502, text="<h1>Bad Gateway</h1>"), True),
        (answer(status=503, text=""), True),
        (answer(status=404, text="not found"), False),
        (answer(text="<html>proxy login page</html>"), True),
    ],
    ids=["read-timeout", "connect-timeout", "refused", "http-502", "http-503", "http-404",
         "not-json"],
)
def test_transport_failures_are_unavailable_and_not_retried(platform, session, delays,
                                                            failure, retryable):
    session.queue(USER_GET, failure)

    with pytest.raises(PlatformUnavailable) as caught:
        platform.get_user("zhangsan")
    assert caught.value.path == USER_GET
    assert caught.value.retryable is retryable
    assert len(session.to(USER_GET)) == 1
    assert delays == []


# -- SSO code exchange: codes are single use ---------------------------------------------


def test_exchange_code_returns_the_identity(platform, session):
    session.queue(GETUSERINFO, ok(userid="zhangsan", user_ticket="ticket-abc", expires_in=1800))

    identity = platform.exchange_code("CODE1")

    assert identity == Identity("zhangsan", "ticket-abc")
    assert "ticket-abc" not in repr(identity)
    assert session.to(GETUSERINFO)[0].params == {"code": "CODE1", "access_token": "tok-1"}


def test_exchange_code_without_consent_has_no_user_ticket(platform, session):
    session.queue(GETUSERINFO, ok(userid="zhangsan"))

    assert platform.exchange_code("CODE1") == Identity("zhangsan", None)


def test_exchange_code_of_a_non_member_is_refused(platform, session):
    session.queue(GETUSERINFO, ok(openid="oX1", external_userid="wmX"))

    with pytest.raises(NotAMember):
        platform.exchange_code("CODE1")


def test_used_code_is_invalid_code(platform, session):
    session.queue(GETUSERINFO, fail(40029))

    with pytest.raises(InvalidCode):
        platform.exchange_code("USED")
    assert len(session.to(GETUSERINFO)) == 1


@pytest.mark.parametrize(
    "failure",
    [requests.ReadTimeout("read timed out"), answer(status=500, text="oops"), fail(-1)],
    ids=["timeout", "http-500", "busy"],
)
def test_exchange_code_is_never_retried(platform, session, delays, failure):
    session.queue(GETUSERINFO, failure, ok(userid="zhangsan"))

    with pytest.raises(PlatformUnavailable) as caught:
        platform.exchange_code("CODE1")
    # The platform may have consumed the code: resending it could only fail or mislead.
    assert caught.value.retryable is False
    assert len(session.to(GETUSERINFO)) == 1
    assert delays == []


def test_exchange_code_refreshes_a_refused_token_and_resends_once(platform, session):
    session.queue(GETUSERINFO, fail(42001), ok(userid="zhangsan"))

    assert platform.exchange_code("CODE1").userid == "zhangsan"
    sent = session.to(GETUSERINFO)
    assert [s.params for s in sent] == [
        {"code": "CODE1", "access_token": "tok-1"},
        {"code": "CODE1", "access_token": "tok-2"},
    ]
    assert len(session.to(GETTOKEN)) == 2


# -- token refusal: refresh once, resend once, then raise -------------------------------


@pytest.mark.parametrize("errcode", [40001, 40014, 42001])
def test_refused_token_is_refreshed_once_and_the_call_resent(platform, session, errcode):
    session.queue(USER_GET, fail(errcode), ok(userid="zhangsan"))

    assert platform.get_user("zhangsan") == {"userid": "zhangsan"}
    assert [s.params["access_token"] for s in session.to(USER_GET)] == ["tok-1", "tok-2"]
    assert len(session.to(GETTOKEN)) == 2


def test_token_refused_twice_raises_without_looping(platform, session):
    session.queue(USER_GET, fail(42001), fail(42001), ok(userid="never-reached"))

    with pytest.raises(TokenExpired):
        platform.get_user("zhangsan")
    assert len(session.to(USER_GET)) == 2
    assert len(session.to(GETTOKEN)) == 2


def test_the_token_is_cached_between_calls(platform, session):
    platform.get_user("a")
    platform.get_user("b")
    platform.list_department_users(1)

    assert len(session.to(GETTOKEN)) == 1
    assert session.to(GETTOKEN)[0].params == {
        "corpid": "ww5f3c2b1a0d9e8f7a", "corpsecret": "the-app-secret-never-logged",
    }


def test_ensure_access_token_fetches_only_when_nothing_is_cached(platform, session):
    assert platform.token_store.peek(platform._keys["access_token"]) is None

    platform.ensure_access_token()
    platform.ensure_access_token()
    platform.get_user("zhangsan")

    assert len(session.to(GETTOKEN)) == 1
    assert session.to(USER_GET)[0].params["access_token"] == "tok-1"


@pytest.mark.parametrize(
    "other",
    [{"ywxt_secret": "another-app-secret"}, {"ywxt_api_base": "https://uat.platform.example.cn"}],
    ids=["another-app", "another-platform"],
)
def test_clients_sharing_a_store_keep_their_own_tokens(session, other):
    store = MemoryTokenStore()
    settings = dataclasses.replace(Settings(), **other)
    other_session = FakeSession(settings.ywxt_api_base)
    first = PlatformClient(Settings(), session=session, token_store=store)
    second = PlatformClient(settings, session=other_session, token_store=store)

    first.get_user("zhangsan")
    second.get_user("zhangsan")

    assert len(session.to(GETTOKEN)) == 1
    assert len(other_session.to(GETTOKEN)) == 1


def test_gettoken_refusal_is_not_answered_by_another_gettoken(platform, session):
    session.queue(GETTOKEN, fail(40001))

    with pytest.raises(TokenExpired) as caught:
        platform.get_user("zhangsan")
    assert caught.value.path == GETTOKEN
    assert len(session.to(GETTOKEN)) == 1
    assert session.to(USER_GET) == []


# -- business methods ---------------------------------------------------------------------


def test_user_detail_posts_the_ticket(platform, session):
    session.queue("/cgi-bin/auth/getuserdetail", ok(userid="zhangsan", mobile="13800000000"))

    assert platform.user_detail("ticket-abc") == {"userid": "zhangsan", "mobile": "13800000000"}
    sent = session.to("/cgi-bin/auth/getuserdetail")[0]
    assert (sent.method, sent.body) == ("POST", {"user_ticket": "ticket-abc"})


def test_contacts_methods_unwrap_their_lists(platform, session):
    departments = [{"id": 1, "name": "本单位", "parentid": 0}]
    users = [{"userid": "zhangsan", "name": "张三", "department": [1]}]
    session.queue("/cgi-bin/department/list", ok(department=departments), ok(department=[]))
    session.queue("/cgi-bin/user/simplelist", ok(userlist=users))

    assert platform.list_departments() == departments
    assert platform.list_departments(root_id=5) == []
    assert platform.list_department_users(1) == users
    sent = session.to("/cgi-bin/department/list")
    assert "id" not in sent[0].params
    assert sent[1].params["id"] == 5
    assert session.to("/cgi-bin/user/simplelist")[0].params["department_id"] == 1


def test_jsapi_tickets_are_fetched_once_each_from_their_own_api(platform, session):
    session.queue("/cgi-bin/get_jsapi_ticket", ok(ticket="corp-ticket", expires_in=7200))
    session.queue("/cgi-bin/ticket/get", ok(ticket="agent-ticket", expires_in=7200))

    assert platform.jsapi_ticket("corp") == "corp-ticket"
    assert platform.jsapi_ticket("agent") == "agent-ticket"
    assert platform.jsapi_ticket("corp") == "corp-ticket"
    assert platform.jsapi_ticket("agent") == "agent-ticket"
    assert len(session.to("/cgi-bin/get_jsapi_ticket")) == 1
    agent_calls = session.to("/cgi-bin/ticket/get")
    assert len(agent_calls) == 1
    assert agent_calls[0].params["type"] == "agent_config"
    with pytest.raises(ValueError, match="kind"):
        platform.jsapi_ticket("both")


def test_signature_for_signs_with_the_agent_ticket(platform, session):
    session.queue("/cgi-bin/ticket/get", ok(ticket="agent-ticket", expires_in=7200))
    url = "https://app.example.gov.cn/items?id=1#/detail"

    fields = signature_for(platform, url, "agent", clock=lambda: 1700000000.9,
                           nonce=lambda: "N0nce")

    assert fields == {
        "corpid": "ww5f3c2b1a0d9e8f7a",
        "agentid": "1000002",
        "timestamp": 1700000000,
        "nonceStr": "N0nce",
        "signature": sign("agent-ticket", "N0nce", "1700000000",
                          "https://app.example.gov.cn/items?id=1"),
    }


def test_paths_can_be_overridden_one_by_one(session):
    client = PlatformClient(Settings(), session=session, paths={"user_get": "/gw/v2/user/get"},
                            token_store=MemoryTokenStore())

    client.get_user("zhangsan")

    assert len(session.to("/gw/v2/user/get")) == 1
    assert session.to(USER_GET) == []
    assert len(session.to(GETTOKEN)) == 1  # the rest of the table is unchanged


# -- key-operation events (§6.2.4 e) ----------------------------------------------------


def test_every_request_emits_an_event(platform, session, events):
    session.queue(USER_GET, ok(userid="zhangsan"), fail(60111),
                  requests.ReadTimeout("timed out"))

    platform.get_user("zhangsan")
    with pytest.raises(PlatformError):
        platform.get_user("nobody")
    with pytest.raises(PlatformUnavailable):
        platform.get_user("zhangsan")

    assert events == [
        CallEvent(GETTOKEN, 125.0, "ok", 0),
        CallEvent(USER_GET, 125.0, "ok", 0),
        CallEvent(USER_GET, 125.0, "error", 60111),
        CallEvent(USER_GET, 125.0, "unavailable", None),
    ]
    assert all(event.is_async is False for event in events)


def test_retries_and_refreshes_each_emit_an_event(platform, session, events):
    session.queue(USER_GET, fail(-1), fail(42001), ok())

    platform.get_user("zhangsan")

    assert [(e.api, e.outcome, e.errcode) for e in events] == [
        (GETTOKEN, "ok", 0),
        (USER_GET, "error", -1),
        (USER_GET, "error", 42001),
        (GETTOKEN, "ok", 0),
        (USER_GET, "ok", 0),
    ]


def test_a_failing_event_hook_does_not_break_the_call(session, caplog):
    def broken_hook(event):
        raise RuntimeError("monitoring is down")

    client = PlatformClient(Settings(), session=session, on_event=broken_hook,
                            token_store=MemoryTokenStore())
    session.queue(USER_GET, ok(userid="zhangsan"))

    assert client.get_user("zhangsan") == {"userid": "zhangsan"}
    assert "event hook failed" in caplog.text


def test_default_event_hook_logs_api_and_outcome_only(session, caplog):
    caplog.set_level(logging.DEBUG)
    client = PlatformClient(Settings(), session=session, token_store=MemoryTokenStore())
    session.queue(USER_GET, ok(userid="zhangsan", name="张三", mobile="13800000000"))

    client.get_user("zhangsan")

    lines = [r.getMessage() for r in caplog.records if r.name.endswith("platform.client")]
    assert any(USER_GET in line and "ok" in line for line in lines)
    for forbidden in ("zhangsan", "张三", "13800000000", "tok-1", Settings.ywxt_secret):
        assert forbidden not in caplog.text


# -- no token or secret in logs or exception texts --------------------------------------

SECRET_TOKEN = "TOKEN-c0ffee-must-never-be-logged"


class _Script:
    """What the local test platform answers, path by path."""

    def __init__(self) -> None:
        self.answers: dict[str, deque] = defaultdict(deque)
        self.release = threading.Event()


def _platform_handler(script: _Script):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            path = urlsplit(self.path).path
            query = parse_qs(urlsplit(self.path).query)
            if path == GETTOKEN:
                body = ok(access_token=SECRET_TOKEN, expires_in=7200)
            elif script.answers[path]:
                body = script.answers[path].popleft()
            else:
                body = ok(userid=query.get("userid", [""])[0])
            if body == "hang":
                script.release.wait(5)  # longer than the client's timeout
                return
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass  # keep test output clean

    return Handler


@dataclasses.dataclass
class LocalPlatform:
    base_url: str
    script: _Script
    stop: Any


@pytest.fixture
def local_platform():
    """A real HTTP server on 127.0.0.1 and a random port, answering from a script."""
    script = _Script()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _platform_handler(script))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    stopped = threading.Event()

    def stop() -> None:
        if not stopped.is_set():
            stopped.set()
            script.release.set()
            server.shutdown()
            server.server_close()

    yield LocalPlatform(f"http://127.0.0.1:{server.server_port}", script, stop)
    stop()


def _no_proxy_session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # the test server is local; ignore any proxy settings
    return session


def test_token_never_reaches_logs_or_exception_texts(local_platform, caplog):
    caplog.set_level(logging.DEBUG)
    settings = dataclasses.replace(Settings(), ywxt_api_base=local_platform.base_url)
    client = PlatformClient(settings, session=_no_proxy_session(), timeout=0.5,
                            token_store=MemoryTokenStore())
    local_platform.script.answers[USER_GET].extend(
        [ok(userid="zhangsan"), fail(60111), fail(42001), fail(42001), "hang"]
    )
    errors: list[BaseException] = []

    assert client.get_user("zhangsan") == {"userid": "zhangsan"}
    for _ in range(3):  # an error answer, a refused token twice, a timeout
        with pytest.raises((PlatformError, PlatformUnavailable)) as caught:
            client.get_user("zhangsan")
        errors.append(caught.value)
    # Refused connections: requests' own error text holds the whole URL, token and secret.
    local_platform.stop()
    with pytest.raises(PlatformUnavailable) as caught:
        client.get_user("zhangsan")
    errors.append(caught.value)
    fresh = PlatformClient(settings, session=_no_proxy_session(), token_store=MemoryTokenStore())
    with pytest.raises(PlatformUnavailable) as caught:
        fresh.get_user("zhangsan")  # fails on gettoken, whose URL carries the secret
    errors.append(caught.value)

    assert [(type(error), error.path) for error in errors] == [
        (PlatformError, USER_GET),
        (TokenExpired, USER_GET),
        (PlatformUnavailable, USER_GET),
        (PlatformUnavailable, USER_GET),
        (PlatformUnavailable, GETTOKEN),
    ]
    # urllib3 did log the request lines (so this test can fail), but masked.
    assert "GET /cgi-bin/user/get?" in caplog.text
    assert "access_token=***" in caplog.text
    for secret in (SECRET_TOKEN, Settings.ywxt_secret):
        assert secret not in caplog.text
        for error in errors:
            assert secret not in str(error)
            assert secret not in repr(error)
            assert secret not in "".join(traceback.format_exception(error))
    assert Settings.ywxt_secret not in repr(client)


# -- the app's client ----------------------------------------------------------------------


def test_each_app_has_one_client(app):
    with app.app_context():
        client = get_client()
        assert client is get_client()
        assert client is app.extensions["ywxt"]
        assert client.corp_id == app.config["SETTINGS"].ywxt_corp_id


def test_the_client_uses_the_token_store_of_the_apps_cache(app):
    # The store every worker shares (tests/test_token_store.py and the cache's own tests
    # check which one each cache binds).
    assert app.extensions["ywxt"].token_store is app.extensions["token_store"]

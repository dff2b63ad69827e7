"""Helpers for the simulator's own tests: a controllable clock and a client that logs in."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from devtools.html_forms import hidden_fields
from flask.testing import FlaskClient

CORP_ID = "ww5f3c2b1a0d9e8f7a"
SECRET = "sim-secret-5f3c2b1a0d9e8f7a"
AGENT_ID = "1000002"
PC_AGENT_ID = "1000003"
CALLBACK = "http://127.0.0.1:5000/auth/callback"


class FakeClock:
    """A clock that moves only when told to."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def tick(self, seconds: float) -> None:
        self.now += seconds


def authorize_params(**overrides: str) -> dict[str, str]:
    params = {
        "appid": CORP_ID,
        "redirect_uri": CALLBACK,
        "response_type": "code",
        "scope": "snsapi_base",
        "state": "St4te",
        "agentid": AGENT_ID,
    }
    params.update(overrides)
    return {k: v for k, v in params.items() if v is not None}


def form_fields(params: dict[str, str], *, source: str = "oauth") -> dict[str, str]:
    """The hidden fields the picker page posts back (effective scope as the page shows it)."""
    scope = params.get("scope", "snsapi_base")
    if scope == "snsapi_privateinfo" and not params.get("agentid"):
        scope = "snsapi_base"
    return {
        "appid": params["appid"],
        "redirect_uri": params["redirect_uri"],
        "state": params.get("state", ""),
        "agentid": params.get("agentid", ""),
        "scope": scope if source == "oauth" else "snsapi_base",
        "source": source,
    }


def query_of(location: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(location).query, keep_blank_values=True)


class SimClient:
    """Calls the simulator like the app would: fetches and attaches the access_token."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self._token: str | None = None

    def token(self) -> str:
        if self._token is None:
            answer = self.client.get("/cgi-bin/gettoken",
                                     query_string={"corpid": CORP_ID, "corpsecret": SECRET})
            self._token = answer.get_json()["access_token"]
        return self._token

    def get(self, path: str, **params: Any) -> dict:
        params.setdefault("access_token", self.token())
        return self.client.get(path, query_string=params).get_json()

    def post(self, path: str, body: Any = None, **params: Any) -> dict:
        params.setdefault("access_token", self.token())
        return self.client.post(path, query_string=params, json=body).get_json()

    def control(self, path: str, body: Any = None) -> dict:
        answer = self.client.post(f"/_sim/{path}", json=body if body is not None else {})
        assert answer.status_code in (200, 201), answer.get_data(as_text=True)
        return answer.get_json()

    def calls_recorded(self, path: str) -> list[dict]:
        """The simulator's call record for one path (GET /_sim/calls)."""
        return self.client.get("/_sim/calls", query_string={"path": path}).get_json()["calls"]

    def pick_user(self, userid: str, **overrides: str):
        """Authorize page → pick a user; returns the response (302, or the consent page)."""
        page = self.client.get("/connect/oauth2/authorize",
                               query_string=authorize_params(**overrides))
        assert page.status_code == 200, page.get_data(as_text=True)
        return self.client.post("/connect/oauth2/authorize", data={
            **hidden_fields(page.get_data(as_text=True)), "userid": userid})

    def login(self, userid: str, *, scope: str = "snsapi_base", decision: str = "accept",
              **overrides: str) -> str | None:
        """The whole in-client login; returns the code the app's callback receives."""
        answer = self.pick_user(userid, scope=scope, **overrides)
        if answer.status_code == 200:  # consent screen
            answer = self.client.post("/connect/oauth2/consent", data={
                **hidden_fields(answer.get_data(as_text=True)), "decision": decision,
            })
        assert answer.status_code == 302, answer.get_data(as_text=True)
        codes = query_of(answer.headers["Location"]).get("code")
        return codes[0] if codes else None

    def todo(self, task_num: str = "T0001", **fields: Any) -> dict:
        body = {
            "taskNum": task_num,
            "pcAgentId": PC_AGENT_ID,
            "agentid": AGENT_ID,
            "taskName": "审核协同事项",
            "taskDesc": "请审核",
            "linkUrl": "http://127.0.0.1:5000/items/1",
            "mobileLinkUrl": "http://127.0.0.1:5000/m/items/1",
            "receiver": "lina",
            "sender": "zhangwei",
            "sendMessage": 1,
            "type": 0,
        }
        body.update(fields)
        return self.post("/cgi-bin/todo/add", {k: v for k, v in body.items() if v is not None})

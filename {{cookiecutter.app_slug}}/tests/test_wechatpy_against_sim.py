"""A third-party client, wechatpy 1.8.18, against the local simulator.

Nobody here wrote wechatpy, so it cannot share a misreading with the simulator: whatever the
most used Python WeCom client does (JSON posted without Content-Type, the legacy
`user/getuserinfo` and `user/list`, token refresh on 40001/40014/42001) the simulator must
answer as the real platform would. Each server API the app uses is called once, plus the
errcode paths the app depends on. Over real HTTP on 127.0.0.1, random port.
"""

from __future__ import annotations

import io

import pytest
import requests
from devtools.platform_sim.server import serve

from tests.platform_sim_support import (
    AGENT_ID,
    CORP_ID,
    PC_AGENT_ID,
    SECRET,
    authorize_params,
    hidden_fields,
    query_of,
)

wechatpy = pytest.importorskip("wechatpy", reason="wechatpy is a dev dependency")
from wechatpy.enterprise import WeChatClient  # noqa: E402
from wechatpy.exceptions import APILimitedException, WeChatClientException  # noqa: E402

LINK = "http://127.0.0.1:5000/#/items/1"


class SimWeChatClient(WeChatClient):
    """wechatpy pointed at the simulator.

    wechatpy reads API_BASE_URL for every call except gettoken, whose URL is hard-coded to
    the real host: that one method is overridden, nothing else.
    """

    def __init__(self, base_url: str) -> None:
        super().__init__(CORP_ID, SECRET, timeout=5)
        self.API_BASE_URL = f"{base_url}/cgi-bin/"

    def fetch_access_token(self):
        return self._fetch_access_token(url=f"{self.API_BASE_URL}gettoken",
                                        params={"corpid": self.corp_id,
                                                "corpsecret": self.secret})


@pytest.fixture
def platform():
    with serve() as sim:
        yield sim


@pytest.fixture
def client(platform):
    return SimWeChatClient(platform.base_url)


def login_code(platform, userid: str, scope: str = "snsapi_base") -> str:
    """What the authorize page hands the app's callback after `userid` is picked."""
    base = platform.base_url
    with requests.Session() as browser:
        page = browser.get(f"{base}/connect/oauth2/authorize",
                           params=authorize_params(scope=scope), timeout=5)
        answer = browser.post(f"{base}/connect/oauth2/authorize", allow_redirects=False,
                              data={**hidden_fields(page.text), "userid": userid}, timeout=5)
        if answer.status_code == 200:  # the snsapi_privateinfo consent page
            answer = browser.post(f"{base}/connect/oauth2/consent", allow_redirects=False,
                                  data={**hidden_fields(answer.text), "decision": "accept"},
                                  timeout=5)
    assert answer.status_code == 302, answer.text
    return query_of(answer.headers["Location"])["code"][0]


def without_content_type(platform) -> list:
    """Recorded POSTs: wechatpy sends no Content-Type, the point of several tests here."""
    return [c for c in platform.calls() if c.method == "POST"]


# -- identity --------------------------------------------------------------------------------


def test_gettoken_and_the_token_is_reused(client, platform):
    first = client.access_token
    assert client.user.get("lina")["name"] == "李娜"
    assert client.access_token == first
    assert platform.state.tokens_issued == 1


def test_current_code_exchange_and_user_detail(client, platform):
    code = login_code(platform, "canary", "snsapi_privateinfo")
    identity = client.get("auth/getuserinfo", params={"code": code})
    assert identity["userid"] == "canary"
    detail = client.post("auth/getuserdetail", data={"user_ticket": identity["user_ticket"]})
    assert detail["mobile"] == "13812345678"


def test_legacy_code_exchange_of_wechatpy(client, platform):
    code = login_code(platform, "lina")
    assert client.oauth.get_user_info(code)["UserId"] == "lina"
    with pytest.raises(WeChatClientException) as used:
        client.user.get_info(AGENT_ID, code)
    assert used.value.errcode == 40029


# -- contacts --------------------------------------------------------------------------------


def test_contacts(client):
    departments = client.department.get()
    assert {d["id"] for d in departments} == {1, 2, 3, 4, 5, 6, 7}
    simple = client.user.list(3, simple=True)
    assert {u["userid"] for u in simple} == {"wangfang", "liuyang", "canary"}
    detailed = client.user.list(3)
    assert {u["position"] for u in detailed} >= {"信息中心主任"}
    assert "mobile" not in client.user.get("canary")


def test_unknown_user_is_an_errcode(client):
    with pytest.raises(WeChatClientException) as missing:
        client.user.get("ghost")
    assert missing.value.errcode == 60111


# -- JS-SDK tickets and the signature -----------------------------------------------------


def test_both_tickets_and_a_wechatpy_signature_the_simulator_accepts(client, platform):
    corp = client.jsapi.get_jsapi_ticket()
    agent = client.jsapi.get_agent_jsapi_ticket()
    assert corp != agent
    url = "http://127.0.0.1:5000/"
    signature = client.jsapi.get_jsapi_signature("Wm3WZYTPz0wzccnW", corp, 1414587457, url)
    verdict = requests.post(f"{platform.base_url}/jssdk/verify", timeout=5, json={
        "kind": "config", "appId": CORP_ID, "timestamp": "1414587457",
        "nonceStr": "Wm3WZYTPz0wzccnW", "signature": signature, "url": url}).json()
    assert verdict == {"ok": True, "errMsg": "config:ok", "reason": ""}


# -- messages, chats, media ------------------------------------------------------------------


def test_textcard_and_text_messages(client, platform):
    sent = client.message.send_text_card(AGENT_ID, ["lina", "ghost"], "事项已办结",
                                         "李娜已办结“报送材料”", LINK, btntxt="查看")
    assert sent["invaliduser"] == "ghost"
    client.message.send_text(AGENT_ID, "lina", "请办理")
    assert [m.msgtype for m in platform.state.messages] == ["textcard", "text"]
    # wechatpy posts JSON bytes without a Content-Type header; the platform reads them.
    assert all(call.body for call in without_content_type(platform))


def test_over_long_textcard_is_truncated_not_refused(client, platform):
    client.message.send_text_card(AGENT_ID, "lina", "很长的标题" * 20, "描述" * 300, LINK,
                                  btntxt="点击查看详情")
    card = platform.state.messages[-1].content
    assert len(card["title"].encode()) <= 128
    assert len(card["description"].encode()) <= 512
    assert card["btntxt"] == "点击查看"


def test_media_image_and_news_messages(client, platform):
    upload = client.media.upload("image", ("封面.png", io.BytesIO(b"\x89PNG sample")))
    client.message.send_image(AGENT_ID, "lina", upload["media_id"])
    client.message.send_articles(AGENT_ID, "lina", [{
        "title": "通知", "description": "摘要", "url": LINK,
        "image": "http://127.0.0.1:5000/cover.png"}])
    client.message.send_markdown(AGENT_ID, "lina", "**请办理**")
    assert [m.msgtype for m in platform.state.messages] == ["image", "news", "markdown"]


def test_nobody_valid_is_81013(client):
    with pytest.raises(WeChatClientException) as nobody:
        client.message.send_text(AGENT_ID, "ghost", "请办理")
    assert nobody.value.errcode == 81013


def test_recall_and_group_chat(client, platform):
    msgid = client.message.send_text(AGENT_ID, "lina", "请办理")["msgid"]
    assert client.post("message/recall", data={"msgid": msgid})["errcode"] == 0
    chatid = client.appchat.create(name="协同讨论", owner="lina",
                                   user_list=["lina", "zhangwei"])["chatid"]
    client.appchat.send_text(chatid, "开会")
    assert platform.state.chats[chatid].has_message


# -- the platform's own APIs (envelope) ------------------------------------------------------


def test_todo_add_update_and_report(client, platform):
    todo = {"taskNum": "wechatpy-1", "pcAgentId": PC_AGENT_ID, "agentid": AGENT_ID,
            "taskName": "审核材料", "linkUrl": LINK, "mobileLinkUrl": LINK,
            "receiver": "lina", "sender": "zhangwei", "sendMessage": 0, "type": 0}
    added = client.post("todo/add", data=todo)
    # wechatpy knows only the flat shape: the envelope's status sits in data.
    assert added["code"] == 0 and added["data"]["errcode"] == 0
    updated = client.post("todo/update", data={"taskNum": "wechatpy-1", "agentid": AGENT_ID,
                                                "pcAgentId": PC_AGENT_ID, "status": 1})
    assert updated["data"]["errcode"] == 0
    assert platform.state.todos["wechatpy-1"].status == 1
    report = client.post("datacollect/report", data={"agentid": AGENT_ID, "events": [{
        "eventId": "e1", "operation": "/cgi-bin/todo/add", "outcome": "ok", "errcode": 0,
        "durationMs": 12.5, "async": True, "occurredAt": 1800000000}]})
    assert report["data"]["accepted"] == 1


# -- errcode paths ---------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["revoked", "expired"])
def test_refused_token_is_refreshed_by_wechatpy(client, platform, how):
    old = client.access_token
    if how == "revoked":
        platform.state.revoke_tokens()  # 40014
    else:
        platform.advance(7200)  # 42001
    assert client.user.get("lina")["userid"] == "lina"
    assert client.access_token != old
    refused = {c.errcode for c in platform.calls("/cgi-bin/user/get")}
    assert refused == {40014 if how == "revoked" else 42001, 0}


def test_rate_limit_is_api_limited(client, platform):
    platform.fail_next("/cgi-bin/user/get", errcode=45009)
    with pytest.raises(APILimitedException):
        client.user.get("lina")


def test_unknown_path_is_a_json_errcode_not_a_page(client):
    with pytest.raises(WeChatClientException) as unknown:
        client.get("user/no_such_api")
    assert unknown.value.errcode == 40066
    with pytest.raises(WeChatClientException) as wrong_method:
        client.get("message/send")
    assert wrong_method.value.errcode == 43002

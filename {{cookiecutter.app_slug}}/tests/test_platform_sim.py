"""The local platform simulator behaves like the platform the app is written against.

Most tests use Flask's test client and a fake clock; the `served` ones go over real HTTP
through `devtools.platform_sim.server.serve()`, as the app's own tests will.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from urllib.parse import quote

import pytest
import requests
from devtools.platform_sim import create_app, get_sim_state
from devtools.platform_sim.__main__ import build_parser
from devtools.platform_sim.jssdk import jsapi_signature
from devtools.platform_sim.org import CANARY_SECRETS
from devtools.platform_sim.server import serve
from devtools.platform_sim.settings import SimSettings, SimSettingsError

from tests.platform_sim_support import (
    AGENT_ID,
    CALLBACK,
    CORP_ID,
    PC_AGENT_ID,
    SECRET,
    FakeClock,
    SimClient,
    authorize_params,
    form_fields,
    hidden_fields,
    query_of,
)

SENSITIVE_FIELDS = {"mobile", "email", "biz_mail", "address", "avatar", "gender", "qr_code",
                    "thumb_avatar", "telephone", "extattr"}


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def make_sim(clock):
    """A simulator app with default settings changed by keyword."""

    def build(**overrides):
        return create_app(SimSettings(**overrides), clock=clock)

    return build


@pytest.fixture
def sim_app(make_sim):
    return make_sim()


@pytest.fixture
def sim_state(sim_app):
    return get_sim_state(sim_app)


@pytest.fixture
def sim(sim_app):
    return SimClient(sim_app.test_client())


def advance(sim, seconds):
    sim.control("advance", {"seconds": seconds})


# -- access_token --------------------------------------------------------------------------


def test_gettoken_returns_the_same_token_while_valid(sim):
    first = sim.client.get("/cgi-bin/gettoken",
                           query_string={"corpid": CORP_ID, "corpsecret": SECRET}).get_json()
    advance(sim, 600)
    second = sim.client.get("/cgi-bin/gettoken",
                            query_string={"corpid": CORP_ID, "corpsecret": SECRET}).get_json()
    assert first["errcode"] == 0
    assert len(first["access_token"]) >= 32
    assert first["expires_in"] == 7200
    assert second["access_token"] == first["access_token"]
    assert second["expires_in"] == 6600


@pytest.mark.parametrize(("corpid", "corpsecret", "errcode"), [
    (CORP_ID, "another-apps-secret", 40001),
    ("wwffffffffffffffff", SECRET, 40013),
    ("", SECRET, 41002),
    (CORP_ID, "", 41004),
])
def test_gettoken_rejects_bad_credentials(sim, corpid, corpsecret, errcode):
    answer = sim.client.get("/cgi-bin/gettoken",
                            query_string={"corpid": corpid, "corpsecret": corpsecret})
    assert answer.status_code == 200  # WeCom errors are HTTP 200
    assert answer.get_json()["errcode"] == errcode
    assert "access_token" not in answer.get_json()


def test_token_expires_by_the_simulator_clock(sim):
    old = sim.token()
    advance(sim, 7199)
    assert sim.get("/cgi-bin/user/get", userid="lina")["errcode"] == 0
    advance(sim, 1)
    assert sim.get("/cgi-bin/user/get", userid="lina")["errcode"] == 42001
    fresh = sim.client.get("/cgi-bin/gettoken",
                           query_string={"corpid": CORP_ID, "corpsecret": SECRET}).get_json()
    assert fresh["access_token"] != old
    assert sim.get("/cgi-bin/user/get", userid="lina", access_token=fresh["access_token"])[
        "errcode"] == 0


def test_injected_clock_expires_tokens(sim, clock):
    sim.token()
    clock.tick(7200)
    assert sim.get("/cgi-bin/user/get", userid="lina")["errcode"] == 42001


def test_revoked_token_is_refused_and_replaced(sim):
    old = sim.token()
    assert sim.control("revoke-token")["revoked"] == 1
    assert sim.get("/cgi-bin/user/get", userid="lina")["errcode"] == 40014
    fresh = sim.client.get("/cgi-bin/gettoken",
                           query_string={"corpid": CORP_ID, "corpsecret": SECRET}).get_json()
    assert fresh["access_token"] != old


@pytest.mark.parametrize(("token", "errcode"), [("", 41001), ("not-a-token", 40014)])
def test_calls_need_a_known_token(sim, token, errcode):
    assert sim.get("/cgi-bin/user/get", userid="lina", access_token=token)["errcode"] == errcode


# -- OAuth pages ---------------------------------------------------------------------------


def test_authorize_page_lists_users_by_department(sim):
    page = sim.client.get("/connect/oauth2/authorize", query_string=authorize_params())
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for testid in ("sim-user-zhangwei", "sim-user-canary", "sim-user-huangmin"):
        assert html.count(f'data-testid="{testid}"') == 1
    assert html.index("办公室") < html.index("张伟") < html.index("信息中心") < html.index("王芳")
    assert "<script" not in html and "style=" not in html
    csp = page.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp


@pytest.mark.parametrize(("overrides", "errcode"), [
    ({"redirect_uri": "https://evil.example.com/cb"}, 50001),
    ({"redirect_uri": "javascript:alert(1)"}, 50001),
    ({"appid": "wwffffffffffffffff"}, 40013),
    ({"state": "has-dash"}, 84025),
    ({"state": "a" * 129}, 84025),
    ({"response_type": "token"}, 40058),
    ({"scope": "snsapi_userinfo"}, 40058),
    ({"agentid": "999"}, 40056),
])
def test_authorize_refuses_bad_requests_with_an_error_page(sim, overrides, errcode):
    page = sim.client.get("/connect/oauth2/authorize", query_string=authorize_params(**overrides))
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert f'data-testid="sim-errcode">{errcode}<' in html
    assert "sim-user-" not in html


def test_base_scope_redirects_with_code_and_state(sim):
    answer = sim.pick_user("lina", redirect_uri=CALLBACK + "?next=%2Fitems")
    location = answer.headers["Location"]
    assert answer.status_code == 302
    assert location.startswith(CALLBACK + "?")
    query = query_of(location)
    assert query["next"] == ["/items"]
    assert query["state"] == ["St4te"]
    assert len(query["code"][0]) >= 16
    assert sim.get("/cgi-bin/auth/getuserinfo", code=query["code"][0]) == {
        "errcode": 0, "errmsg": "ok", "userid": "lina"}


def test_privateinfo_shows_consent_then_yields_a_user_ticket(sim):
    consent = sim.pick_user("canary", scope="snsapi_privateinfo")
    html = consent.get_data(as_text=True)
    assert consent.status_code == 200
    assert 'data-testid="sim-consent-accept"' in html
    assert 'data-testid="sim-consent-decline"' in html
    assert "手机号" in html and "地址" in html

    code = sim.login("canary", scope="snsapi_privateinfo")
    info = sim.get("/cgi-bin/auth/getuserinfo", code=code)
    assert info["userid"] == "canary"
    assert info["expires_in"] == 1800
    assert len(info["user_ticket"]) >= 32


def test_declining_consent_returns_state_without_code(sim):
    params = authorize_params(scope="snsapi_privateinfo")
    answer = sim.client.post("/connect/oauth2/consent", data={
        **form_fields(params), "userid": "lina", "decision": "decline"})
    assert answer.status_code == 302
    assert query_of(answer.headers["Location"]) == {"state": ["St4te"]}


def test_privateinfo_without_agentid_is_downgraded_to_base(sim):
    page = sim.client.get("/connect/oauth2/authorize",
                          query_string=authorize_params(scope="snsapi_privateinfo", agentid=None))
    assert hidden_fields(page.get_data(as_text=True))["scope"] == "snsapi_base"
    answer = sim.pick_user("lina", scope="snsapi_privateinfo", agentid=None)
    assert answer.status_code == 302  # no consent screen
    code = query_of(answer.headers["Location"])["code"][0]
    info = sim.get("/cgi-bin/auth/getuserinfo", code=code)
    assert info["userid"] == "lina"
    assert "user_ticket" not in info


def test_base_scope_never_yields_a_user_ticket(sim):
    info = sim.get("/cgi-bin/auth/getuserinfo", code=sim.login("lina"))
    assert "user_ticket" not in info and "expires_in" not in info


def test_user_outside_visible_range_gets_no_user_ticket(sim):
    sim.control("org", {"action": "set_visible_range", "departments": [4]})
    code = sim.login("lina", scope="snsapi_privateinfo")
    info = sim.get("/cgi-bin/auth/getuserinfo", code=code)
    assert info["userid"] == "lina"
    assert "user_ticket" not in info


def test_web_login_yields_a_code_but_never_a_user_ticket(sim):
    params = {"login_type": "CorpApp", "appid": CORP_ID, "agentid": PC_AGENT_ID,
              "redirect_uri": CALLBACK, "state": "W3b"}
    page = sim.client.get("/wwlogin/sso/login", query_string=params)
    assert 'data-testid="sim-user-zhangwei"' in page.get_data(as_text=True)
    answer = sim.client.post("/wwlogin/sso/login", data={
        **form_fields(params, source="web"), "userid": "zhangwei"})
    query = query_of(answer.headers["Location"])
    assert query["state"] == ["W3b"]
    info = sim.get("/cgi-bin/auth/getuserinfo", code=query["code"][0])
    assert info == {"errcode": 0, "errmsg": "ok", "userid": "zhangwei"}


def test_web_login_cannot_be_forced_to_privateinfo(sim):
    params = {"login_type": "CorpApp", "appid": CORP_ID, "agentid": AGENT_ID,
              "redirect_uri": CALLBACK, "state": "W3b"}
    answer = sim.client.post("/wwlogin/sso/login", data={
        **form_fields(params, source="web"), "scope": "snsapi_privateinfo", "userid": "lina"})
    assert answer.status_code == 400


def test_web_login_requires_corpapp_login_type(sim):
    page = sim.client.get("/wwlogin/sso/login", query_string={
        "login_type": "ServiceApp", "appid": CORP_ID, "agentid": AGENT_ID,
        "redirect_uri": CALLBACK, "state": "x"})
    assert page.status_code == 400


# -- codes and user_ticket -----------------------------------------------------------------


def test_code_is_single_use(sim):
    code = sim.login("lina")
    assert sim.get("/cgi-bin/auth/getuserinfo", code=code)["userid"] == "lina"
    assert sim.get("/cgi-bin/auth/getuserinfo", code=code)["errcode"] == 40029


@pytest.mark.parametrize(("wait", "errcode"), [(299, 0), (300, 40029)])
def test_code_lives_five_minutes(sim, wait, errcode):
    code = sim.login("lina")
    advance(sim, wait)
    assert sim.get("/cgi-bin/auth/getuserinfo", code=code)["errcode"] == errcode


@pytest.mark.parametrize(("code", "errcode"), [("made-up", 40029), ("", 41008)])
def test_unknown_or_missing_code(sim, code, errcode):
    assert sim.get("/cgi-bin/auth/getuserinfo", code=code)["errcode"] == errcode


def test_legacy_getuserinfo_answers_with_capitalised_keys(sim):
    code = sim.login("lina", scope="snsapi_privateinfo")
    answer = sim.get("/cgi-bin/user/getuserinfo", code=code)
    assert answer["errcode"] == 0
    assert answer["UserId"] == "lina"
    assert "DeviceId" in answer
    assert "userid" not in answer
    assert sim.post("/cgi-bin/auth/getuserdetail",
                    {"user_ticket": answer["user_ticket"]})["mobile"] == "13900001002"
    assert sim.get("/cgi-bin/user/getuserinfo", code=code)["errcode"] == 40029


def test_getuserdetail_returns_the_canary_sensitive_fields(sim):
    ticket = sim.get("/cgi-bin/auth/getuserinfo",
                     code=sim.login("canary", scope="snsapi_privateinfo"))["user_ticket"]
    detail = sim.post("/cgi-bin/auth/getuserdetail", {"user_ticket": ticket})
    assert detail["errcode"] == 0
    assert detail["userid"] == "canary"
    assert detail["mobile"] == "13812345678"
    assert detail["email"] == "canary.test@example.gov.cn"
    assert detail["address"] == "上海市黄浦区人民大道200号"
    assert detail["gender"] in ("0", "1", "2")
    assert detail["biz_mail"] and detail["qr_code"]
    assert detail["avatar"].startswith("http://localhost/profile/avatar/canary")
    assert detail["extattr"]["attrs"][0] == {
        "type": 0, "name": "身份证号", "value": "11010519491231002X",
        "text": {"value": "11010519491231002X"}}
    # The ticket stays usable for its 30 minutes.
    assert sim.post("/cgi-bin/auth/getuserdetail", {"user_ticket": ticket})["errcode"] == 0


def test_other_users_have_no_extattr(sim):
    ticket = sim.get("/cgi-bin/auth/getuserinfo",
                     code=sim.login("lina", scope="snsapi_privateinfo"))["user_ticket"]
    detail = sim.post("/cgi-bin/auth/getuserdetail", {"user_ticket": ticket})
    assert detail["mobile"].startswith("1") and len(detail["mobile"]) == 11
    assert "extattr" not in detail


def test_user_ticket_expires_after_1800_seconds(sim):
    ticket = sim.get("/cgi-bin/auth/getuserinfo",
                     code=sim.login("lina", scope="snsapi_privateinfo"))["user_ticket"]
    advance(sim, 1800)
    assert sim.post("/cgi-bin/auth/getuserdetail", {"user_ticket": ticket})["errcode"] == 84014


@pytest.mark.parametrize(("body", "errcode"), [
    ({"user_ticket": "forged"}, 84015),
    ({}, 84090),
])
def test_getuserdetail_refuses_bad_tickets(sim, body, errcode):
    answer = sim.post("/cgi-bin/auth/getuserdetail", body)
    assert answer["errcode"] == errcode
    assert "mobile" not in answer


def test_profile_images_exist(sim):
    image = sim.client.get("/profile/avatar/zhangwei.svg")
    assert image.status_code == 200
    assert image.mimetype == "image/svg+xml"
    assert "张" in image.get_data(as_text=True)


# -- contacts ------------------------------------------------------------------------------


def test_user_get_has_no_sensitive_fields(sim):
    user = sim.get("/cgi-bin/user/get", userid="canary")
    assert user["errcode"] == 0
    assert user["name"] == "金丝雀"
    assert user["department"] == [3]
    assert user["main_department"] == 3
    assert not SENSITIVE_FIELDS & user.keys()
    text = json.dumps(user, ensure_ascii=False)
    assert not [v for v in CANARY_SECRETS.values() if v in text]


def test_user_get_unknown_user(sim):
    assert sim.get("/cgi-bin/user/get", userid="nobody")["errcode"] == 60111


def test_department_list_is_recursive(sim):
    assert [d["id"] for d in sim.get("/cgi-bin/department/list", id=3)["department"]] == [3, 7]
    everything = sim.get("/cgi-bin/department/list")["department"]
    assert [d["id"] for d in everything] == [1, 2, 3, 4, 5, 6, 7]
    assert everything[0]["parentid"] == 0
    assert sim.get("/cgi-bin/department/list", id=99)["errcode"] == 60003


def test_simplelist_is_not_recursive(sim):
    members = sim.get("/cgi-bin/user/simplelist", department_id=3)["userlist"]
    assert {u["userid"] for u in members} == {"wangfang", "liuyang", "canary"}
    assert all(set(u) == {"userid", "name", "department"} for u in members)
    division_one = sim.get("/cgi-bin/user/simplelist", department_id=4)["userlist"]
    assert "huangmin" in {u["userid"] for u in division_one}  # a second department counts


def test_legacy_user_list_has_the_user_get_fields_of_direct_members(sim):
    answer = sim.get("/cgi-bin/user/list", department_id=3)
    assert answer["errcode"] == 0
    users = {u["userid"]: u for u in answer["userlist"]}
    assert set(users) == {"wangfang", "liuyang", "canary"}
    assert users["wangfang"]["position"] == "信息中心主任"
    for user in users.values():
        assert not SENSITIVE_FIELDS & set(user)
    assert sim.get("/cgi-bin/user/list", department_id=99)["errcode"] == 60003


def test_visible_range_limits_contacts(sim):
    sim.control("org", {"action": "set_visible_range", "departments": [4], "users": ["lina"]})
    assert sim.get("/cgi-bin/user/get", userid="zhangwei")["errcode"] == 60011
    assert sim.get("/cgi-bin/user/get", userid="lina")["errcode"] == 0
    assert sim.get("/cgi-bin/user/get", userid="zhaolei")["errcode"] == 0
    assert [d["id"] for d in sim.get("/cgi-bin/department/list")["department"]] == [4]
    assert sim.get("/cgi-bin/user/simplelist", department_id=2)["errcode"] == 60011


def test_org_edits_show_in_contacts(sim):
    sim.control("org", {"action": "add_user", "user": {
        "userid": "qianlei", "name": "钱磊", "department": [5], "position": "科员"}})
    assert sim.get("/cgi-bin/user/get", userid="qianlei")["department"] == [5]
    sim.control("org", {"action": "move_user", "userid": "qianlei", "department": [6]})
    assert "qianlei" in {u["userid"] for u in
                         sim.get("/cgi-bin/user/simplelist", department_id=6)["userlist"]}
    assert "qianlei" not in {u["userid"] for u in
                             sim.get("/cgi-bin/user/simplelist", department_id=5)["userlist"]}
    sim.control("org", {"action": "remove_user", "userid": "qianlei"})
    assert sim.get("/cgi-bin/user/get", userid="qianlei")["errcode"] == 60111


def test_org_edit_rejects_unknown_action(sim):
    answer = sim.client.post("/_sim/org", json={"action": "rename_everyone"})
    assert answer.status_code == 400
    assert "action" in answer.get_json()["error"]


# -- jsapi tickets and signatures ----------------------------------------------------------


def test_corp_and_agent_tickets_are_distinct_and_cached(sim, sim_state):
    corp = sim.get("/cgi-bin/get_jsapi_ticket")
    agent = sim.get("/cgi-bin/ticket/get", type="agent_config")
    assert corp["expires_in"] == agent["expires_in"] == 7200
    assert corp["ticket"] != agent["ticket"]
    assert sim.get("/cgi-bin/get_jsapi_ticket")["ticket"] == corp["ticket"]
    assert sim.get("/cgi-bin/ticket/get", type="agent_config")["ticket"] == agent["ticket"]
    assert sim_state.status()["ticket_fetches"] == {"corp": 2, "agent": 2}
    advance(sim, 7200)
    sim._token = None
    assert sim.get("/cgi-bin/get_jsapi_ticket")["ticket"] != corp["ticket"]


def test_ticket_get_needs_agent_config_type(sim):
    assert sim.get("/cgi-bin/ticket/get", type="jsapi")["errcode"] == 40058


@pytest.mark.parametrize(("path", "params", "limit"), [
    ("/cgi-bin/get_jsapi_ticket", {}, 400),
    ("/cgi-bin/ticket/get", {"type": "agent_config"}, 100),
])
def test_ticket_fetches_are_limited_per_hour(sim, path, params, limit):
    answers = [sim.get(path, **params)["errcode"] for _ in range(limit + 1)]
    assert answers[:limit] == [0] * limit
    assert answers[limit] == 45009
    advance(sim, 3600)
    sim._token = None
    assert sim.get(path, **params)["errcode"] == 0


def test_signature_matches_the_official_vector():
    assert jsapi_signature(
        "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg",
        "Wm3WZYTPz0wzccnW", "1414587457", "http://mp.weixin.qq.com?params=value",
    ) == "0f9de62fce790f9a083d5c99e95740ceb90c27ed"


def _signed(ticket, url, **fields):
    body = {"timestamp": "1800000000", "nonceStr": "n0nce", "url": url, **fields}
    # Signed here independently of jssdk.jsapi_signature, so one bug cannot hide in both.
    plain = f"jsapi_ticket={ticket}&noncestr=n0nce&timestamp=1800000000&url={url}"
    body["signature"] = hashlib.sha1(plain.encode()).hexdigest()  # noqa: S324 - WeCom's algorithm
    return body


PAGE = "http://127.0.0.1:5000/app/items?id=1"


def test_verify_accepts_a_config_signed_with_the_current_corp_ticket(sim):
    ticket = sim.get("/cgi-bin/get_jsapi_ticket")["ticket"]
    answer = sim.client.post("/jssdk/verify", json={
        "kind": "config", "appId": CORP_ID, **_signed(ticket, PAGE)})
    assert answer.get_json()["ok"] is True
    assert answer.get_json()["errMsg"] == "config:ok"


def test_verify_accepts_agent_config_signed_with_the_agent_ticket(sim):
    ticket = sim.get("/cgi-bin/ticket/get", type="agent_config")["ticket"]
    answer = sim.client.post("/jssdk/verify", json={
        "kind": "agentConfig", "corpid": CORP_ID, "agentid": AGENT_ID, **_signed(ticket, PAGE)})
    assert answer.get_json()["errMsg"] == "agentConfig:ok"


@pytest.mark.parametrize(("case", "err_msg"), [
    ("agent ticket for config", "config:invalid signature"),
    ("url with fragment signed", "config:invalid signature"),
    ("url encoded", "config:invalid signature"),
    ("stale ticket", "config:invalid signature"),
    ("untrusted page", "config:invalid url domain"),
    ("wrong corp", "config:invalid corpid"),
])
def test_verify_rejects_bad_config_signatures(sim, case, err_msg):
    corp = sim.get("/cgi-bin/get_jsapi_ticket")["ticket"]
    agent = sim.get("/cgi-bin/ticket/get", type="agent_config")["ticket"]
    body = {"kind": "config", "appId": CORP_ID, **_signed(corp, PAGE)}
    if case == "agent ticket for config":
        body.update(_signed(agent, PAGE))
    elif case == "url with fragment signed":
        body.update(_signed(corp, PAGE + "#/route"), url=PAGE)
    elif case == "url encoded":
        body.update(_signed(corp, quote(PAGE, safe="")), url=PAGE)
    elif case == "stale ticket":
        advance(sim, 7200)
    elif case == "untrusted page":
        body.update(_signed(corp, "https://evil.example.com/"))
    elif case == "wrong corp":
        body["appId"] = "wwffffffffffffffff"
    answer = sim.client.post("/jssdk/verify", json=body).get_json()
    assert answer["ok"] is False
    assert answer["errMsg"] == err_msg
    assert answer["reason"]


def test_verify_allows_cors_only_for_trusted_origins(sim):
    preflight = sim.client.options("/jssdk/verify", headers={
        "Origin": "http://127.0.0.1:5173", "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "http://127.0.0.1:5173"
    assert "Content-Type" in preflight.headers["Access-Control-Allow-Headers"]
    foreign = sim.client.post("/jssdk/verify", json={},
                              headers={"Origin": "https://evil.example.com"})
    assert "Access-Control-Allow-Origin" not in foreign.headers


def test_shim_renders_with_the_seeded_contacts(sim):
    shim = sim.client.get("/jssdk/jweixin.js")
    script = shim.get_data(as_text=True)
    assert shim.status_code == 200
    assert shim.mimetype == "application/javascript"
    assert "{" * 2 not in script and "{" + "%" not in script  # fully rendered
    config = json.loads(re.search(r"var SIM = (\{.*?\});\n", script).group(1))
    assert config["corpId"] == CORP_ID
    assert config["base"] == "http://localhost"
    assert {"zhangwei", "canary"} <= {u["userid"] for u in config["users"]}
    assert not [v for v in CANARY_SECRETS.values() if v in script]
    # The client's bridge under the client's names, and no SDK of its own: the page brings
    # @wecom/jssdk or jweixin, which call the bridge.
    for api_name in ("preVerifyJSAPI", "agentConfig", "openChatWithMsg", "selectEnterpriseContact",
                     "checkJsApi", "showWatermark", "geoLocation", "imagePreview", "previewFile",
                     "scanQRCode", "closeWindow", "historyBack"):
        assert api_name in script
    assert "window.WeixinJSBridge = bridge" in script
    assert "window.wx" not in script
    assert "JSON.stringify(check)" in script  # checkResult is a string


# -- messages ------------------------------------------------------------------------------


def _text(**fields):
    return {"msgtype": "text", "agentid": int(AGENT_ID), "text": {"content": "请办理"}, **fields}


def test_message_send_partial_success_lists_invalid_users(sim, sim_state):
    answer = sim.post("/cgi-bin/message/send", _text(touser="zhangwei|Nobody|ghost"))
    assert answer["errcode"] == 0
    assert answer["invaliduser"] == "nobody|ghost"
    assert answer["msgid"]
    assert sim_state.messages[-1].recipients == ["zhangwei"]


def test_message_send_to_nobody_valid_is_81013(sim, sim_state):
    answer = sim.post("/cgi-bin/message/send", _text(touser="ghost|phantom"))
    assert answer["errcode"] == 81013
    assert answer["invaliduser"] == "ghost|phantom"
    assert sim_state.messages == []


def test_message_send_to_a_department_includes_sub_departments(sim, sim_state):
    sim.post("/cgi-bin/message/send", _text(toparty="3"))
    assert set(sim_state.messages[-1].recipients) == {"wangfang", "liuyang", "canary", "chenjing"}


@pytest.mark.parametrize(("fields", "errcode"), [
    ({"msgtype": "sticker"}, 40008),
    ({"msgtype": "image"}, 40058),
    ({"text": {"content": "  "}}, 44004),
    ({"msgtype": "markdown", "markdown": {"content": "字" * 700}}, 45002),
    ({"agentid": 1000003}, 40056),
    ({"touser": ""}, 82001),
])
def test_message_send_validates(sim, fields, errcode):
    body = {**_text(touser="lina"), **fields}
    assert sim.post("/cgi-bin/message/send", body)["errcode"] == errcode


@pytest.mark.parametrize(("card", "errcode"), [
    ({"description": "d", "url": "http://127.0.0.1:5000/"}, 41016),
    ({"title": "t", "url": "http://127.0.0.1:5000/"}, 41033),
    ({"title": "t", "description": "d"}, 41010),
])
def test_textcard_validation(sim, card, errcode):
    body = {"msgtype": "textcard", "agentid": AGENT_ID, "touser": "lina", "textcard": card}
    assert sim.post("/cgi-bin/message/send", body)["errcode"] == errcode


def test_over_long_textcard_fields_are_truncated_as_the_platform_does(sim, sim_state):
    """path/90236: title ≤128 bytes, description ≤512, btntxt ≤4 characters: "超过会自动截断"."""
    card = {"title": "标题" * 30, "description": "描述" * 100,
            "url": "http://127.0.0.1:5000/#/items/1", "btntxt": "点击查看详情"}
    answer = sim.post("/cgi-bin/message/send", {"msgtype": "textcard", "agentid": AGENT_ID,
                                                "touser": "lina", "textcard": card})
    assert answer["errcode"] == 0
    delivered = sim_state.messages[-1].content
    assert len(delivered["title"].encode()) <= 128
    assert delivered["title"] == ("标题" * 30)[:42]  # 42 three-byte characters, none cut
    assert delivered["description"] == ("描述" * 100)[:170]
    assert delivered["btntxt"] == "点击查看"


def test_over_long_text_is_truncated_by_message_send_but_refused_in_a_chat(sim, sim_state):
    answer = sim.post("/cgi-bin/message/send", _text(touser="lina", text={"content": "字" * 700}))
    assert answer["errcode"] == 0
    assert sim_state.messages[-1].content["content"] == "字" * 682
    sim.post("/cgi-bin/appchat/create", {"userlist": ["lina", "zhangwei"], "chatid": "c1"})
    chat = sim.post("/cgi-bin/appchat/send", {"chatid": "c1", "msgtype": "text",
                                              "text": {"content": "字" * 700}})
    assert chat["errcode"] == 45002


def test_every_msgtype_of_message_send_is_accepted_and_recorded(sim, sim_state):
    image = _upload(sim, "image", "封面.png", b"\x89PNG sample")["media_id"]
    voice = _upload(sim, "voice", "语音.amr", b"#!AMR sample")["media_id"]
    video = _upload(sim, "video", "视频.mp4", b"....ftypmp42")["media_id"]
    document = _upload(sim, "file", "说明.pdf", b"%PDF-1.4 sample")["media_id"]
    link = "http://127.0.0.1:5000/#/items/1"
    contents = {
        "text": {"content": "请办理"},
        "image": {"media_id": image},
        "voice": {"media_id": voice},
        "video": {"media_id": video, "title": "视频", "description": "说明"},
        "file": {"media_id": document},
        "textcard": {"title": "待办", "description": "请办理", "url": link},
        "news": {"articles": [{"title": "通知", "description": "摘要", "url": link,
                               "picurl": "http://127.0.0.1:5000/cover.png"}]},
        "mpnews": {"articles": [{"title": "通知", "thumb_media_id": image, "content": "<p>正文</p>",
                                 "digest": "摘要"}]},
        "markdown": {"content": "**请办理**"},
        "miniprogram_notice": {"appid": "wx123", "title": "会议室预订成功"},
        "template_card": {"card_type": "text_notice", "main_title": {"title": "通知"}},
    }
    for msgtype, content in contents.items():
        answer = sim.post("/cgi-bin/message/send", {"touser": "lina", "msgtype": msgtype,
                                                    "agentid": AGENT_ID, msgtype: content})
        assert answer["errcode"] == 0, (msgtype, answer)
    assert [m.msgtype for m in sim_state.messages] == list(contents)


@pytest.mark.parametrize(("msgtype", "content", "errcode"), [
    ("image", {"media_id": "no-such-media"}, 40007),
    ("news", {"articles": []}, 40058),
    ("news", {"articles": [{"title": "t", "url": "http://127.0.0.1:5000/"}] * 9}, 40058),
    ("news", {"articles": [{"title": "t"}]}, 41010),
    ("news", {"articles": [{"url": "http://127.0.0.1:5000/"}]}, 41016),
    ("mpnews", {"articles": [{"title": "t", "thumb_media_id": "x", "content": "c"}]}, 40007),
])
def test_media_and_article_rules(sim, msgtype, content, errcode):
    answer = sim.post("/cgi-bin/message/send", {"touser": "lina", "msgtype": msgtype,
                                                "agentid": AGENT_ID, msgtype: content})
    assert answer["errcode"] == errcode


def test_media_ids_expire_after_three_days(sim):
    image = _upload(sim, "image", "a.png", b"\x89PNG sample")["media_id"]
    advance(sim, 3 * 24 * 3600)
    sim._token = None
    answer = sim.post("/cgi-bin/message/send", _text(touser="lina", msgtype="image",
                                                     image={"media_id": image}))
    assert answer["errcode"] == 40007


def test_json_bodies_are_read_whatever_the_content_type(sim, sim_state):
    """wechatpy posts JSON bytes without Content-Type; the platform reads them anyway."""
    body = json.dumps(_text(touser="lina"), ensure_ascii=False).encode()
    for headers in ({}, {"Content-Type": "text/plain"}, {"Content-Type": "application/json"}):
        answer = sim.client.post("/cgi-bin/message/send", data=body, headers=headers,
                                 query_string={"access_token": sim.token()}).get_json()
        assert answer["errcode"] == 0, headers
    assert len(sim_state.messages) == 3
    assert sim.client.post("/cgi-bin/message/send", data=b"{not json",
                           query_string={"access_token": sim.token()}).get_json()[
        "errcode"] == 40058


def test_unknown_paths_and_wrong_methods_answer_a_json_errcode(sim):
    unknown = sim.client.get("/cgi-bin/no/such/api", query_string={"access_token": "x"})
    assert unknown.status_code == 200
    assert unknown.get_json()["errcode"] == 40066
    post_only = sim.client.get("/cgi-bin/message/send")
    assert post_only.status_code == 200
    assert post_only.get_json()["errcode"] == 43002
    get_only = sim.client.post("/cgi-bin/gettoken", json={})
    assert get_only.get_json()["errcode"] == 43001
    assert sim.calls_recorded("/cgi-bin/no/such/api")[0]["errcode"] == 40066


def test_duplicate_check_suppresses_identical_messages_inside_the_window(sim, sim_state):
    body = _text(touser="lina", enable_duplicate_check=1, duplicate_check_interval=600)
    first = sim.post("/cgi-bin/message/send", body)
    second = sim.post("/cgi-bin/message/send", body)
    assert second["errcode"] == 0
    assert second["msgid"] == first["msgid"]
    assert len(sim_state.messages) == 1
    assert sim_state.messages[0].duplicates_suppressed == 1
    advance(sim, 600)
    sim._token = None
    third = sim.post("/cgi-bin/message/send", body)
    assert third["msgid"] != first["msgid"]
    assert len(sim_state.messages) == 2


def test_without_duplicate_check_identical_messages_are_both_delivered(sim, sim_state):
    sim.post("/cgi-bin/message/send", _text(touser="lina"))
    sim.post("/cgi-bin/message/send", _text(touser="lina"))
    assert len(sim_state.messages) == 2


def test_member_limit_drops_messages_silently(sim, sim_state):
    answers = [sim.post("/cgi-bin/message/send", _text(touser="lina"))["errcode"]
               for _ in range(31)]
    assert answers == [0] * 31
    assert sim_state.messages[-1].recipients == []
    assert sim_state.messages[-1].dropped == ["lina"]


def test_recall_within_24_hours_only(sim, sim_state):
    fresh = sim.post("/cgi-bin/message/send", _text(touser="lina"))["msgid"]
    old = sim.post("/cgi-bin/message/send", _text(touser="zhangwei"))["msgid"]
    assert sim.post("/cgi-bin/message/recall", {"msgid": fresh})["errcode"] == 0
    assert sim_state.messages[0].recalled_at is not None
    assert sim.post("/cgi-bin/message/recall", {"msgid": fresh})["errcode"] == 40058
    advance(sim, 24 * 3600 + 1)
    sim._token = None
    assert sim.post("/cgi-bin/message/recall", {"msgid": old})["errcode"] == 40058
    assert sim.post("/cgi-bin/message/recall", {"msgid": "unknown"})["errcode"] == 40058


@pytest.mark.parametrize(("body", "errcode"), [
    ({"userlist": ["lina"]}, 86006),
    ({"userlist": ["lina", "ghost"]}, 86007),
    ({"userlist": ["lina", "zhangwei"], "chatid": "bad id!"}, 86001),
    ({"userlist": ["lina", "zhangwei"], "owner": "wuxia"}, 86005),
    ({"userlist": ["lina", "zhangwei"], "name": "群" * 51}, 86004),
])
def test_appchat_create_validates(sim, body, errcode):
    assert sim.post("/cgi-bin/appchat/create", body)["errcode"] == errcode


def test_appchat_create_and_send(sim, sim_state):
    created = sim.post("/cgi-bin/appchat/create",
                       {"name": "协同讨论", "owner": "lina", "userlist": ["lina", "zhangwei"],
                        "chatid": "chat01"})
    assert created == {"errcode": 0, "errmsg": "ok", "chatid": "chat01"}
    again = sim.post("/cgi-bin/appchat/create", {"userlist": ["lina", "zhangwei"],
                                                 "chatid": "chat01"})
    assert again["errcode"] == 86215
    sent = sim.post("/cgi-bin/appchat/send",
                    {"chatid": "chat01", "msgtype": "text", "text": {"content": "开会"}})
    assert sent["errcode"] == 0
    assert sim_state.chats["chat01"].has_message
    assert sim_state.messages[-1].recipients == ["lina", "zhangwei"]
    assert sim.post("/cgi-bin/appchat/send", {"chatid": "nochat", "msgtype": "text",
                                              "text": {"content": "x"}})["errcode"] == 86003


def test_appchat_needs_the_whole_organisation_visible(sim):
    sim.control("org", {"action": "set_visible_range", "departments": [2]})
    answer = sim.post("/cgi-bin/appchat/create", {"userlist": ["lina", "zhangwei"]})
    assert answer["errcode"] == 48002


def _upload(sim, media_type, filename, data, field="media"):
    return sim.client.post(
        "/cgi-bin/media/upload",
        query_string={"access_token": sim.token(), "type": media_type},
        data={field: (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    ).get_json()


def test_media_upload_returns_a_media_id(sim):
    answer = _upload(sim, "file", "说明.pdf", b"%PDF-1.4 sample")
    assert answer["errcode"] == 0
    assert answer["type"] == "file"
    assert len(answer["media_id"]) >= 32
    assert answer["created_at"].isdigit()


@pytest.mark.parametrize(("media_type", "filename", "data", "field", "errcode"), [
    ("file", "a.txt", b"12345", "media", 40006),
    ("file", "a.txt", b"123456", "file", 44001),
    ("image", "a.gif", b"GIF89a....", "media", 40004),
    ("voice", "a.amr", b"#" * (2 * 1024 * 1024 + 1), "media", 45001),
    ("sticker", "a.png", b"123456", "media", 40005),
])
def test_media_upload_rules(sim, media_type, filename, data, field, errcode):
    assert _upload(sim, media_type, filename, data, field)["errcode"] == errcode


# -- the platform's own APIs (envelope) ----------------------------------------------------


def test_todo_add_answers_in_the_envelope_and_stores_the_todo(sim, sim_state):
    answer = sim.todo("T0001")
    assert answer == {"code": 0, "msg": "ok", "data": {"errcode": 0, "errmsg": "ok"}}
    todo = sim_state.todos["T0001"]
    assert todo.fields["taskName"] == "审核协同事项"
    assert todo.status == 0
    notice = sim_state.messages[-1]
    assert notice.channel == "todo"
    assert notice.recipients == ["lina"]
    assert notice.content["url"] == "http://127.0.0.1:5000/m/items/1"


def test_todo_add_is_idempotent_on_task_num(sim, sim_state):
    assert sim.todo("T0001")["data"]["errcode"] == 0
    again = sim.todo("T0001", taskName="另一个名字")
    assert again["data"]["errcode"] == 0
    assert list(sim_state.todos) == ["T0001"]
    assert sim_state.todos["T0001"].duplicate_attempts == 1
    assert sim_state.todos["T0001"].fields["taskName"] == "审核协同事项"
    assert len([m for m in sim_state.messages if m.channel == "todo"]) == 1


def test_todo_without_send_message_pushes_nothing(sim, sim_state):
    sim.todo("T0002", sendMessage=0)
    assert sim_state.messages == []


@pytest.mark.parametrize("missing", ["taskNum", "pcAgentId", "agentid", "taskName",
                                     "receiver", "sender"])
def test_todo_add_requires_the_appendix_c_fields(sim, sim_state, missing):
    answer = sim.todo("T0003", **{missing: None})
    assert answer["code"] == 0
    assert answer["data"]["errcode"] == 40063
    assert missing in answer["data"]["errmsg"]
    assert sim_state.todos == {}


@pytest.mark.parametrize(("fields", "errcode"), [
    ({"linkUrl": "https://evil.example.com/x"}, 50001),
    ({"mobileLinkUrl": "/relative"}, 40058),
    ({"receiver": "ghost"}, 60111),
    ({"agentid": "1"}, 40056),
    ({"pcAgentId": AGENT_ID}, 40056),
    ({"type": 2}, 40058),
    ({"sendMessage": "1"}, 40058),
    ({"agentid": int(AGENT_ID)}, 40058),
    ({"taskNum": "含中文"}, 40058),
])
def test_todo_add_validates_values(sim, fields, errcode):
    assert sim.todo("T0004", **fields)["data"]["errcode"] == errcode


def test_todo_update_changes_status(sim, sim_state):
    sim.todo("T0005")
    answer = sim.post("/cgi-bin/todo/update", {
        "taskNum": "T0005", "agentid": AGENT_ID, "pcAgentId": PC_AGENT_ID, "status": 1,
        "readStatus": 1,
        "doneUrl": "http://127.0.0.1:5000/m/items/1?done=1",
        "pcDoneUrl": "http://127.0.0.1:5000/items/1?done=1"})
    assert answer == {"code": 0, "msg": "ok", "data": {"errcode": 0, "errmsg": "ok"}}
    todo = sim_state.todos["T0005"]
    assert (todo.status, todo.read_status) == (1, 1)
    assert todo.done_url.endswith("done=1")
    assert len(todo.updates) == 1


@pytest.mark.parametrize(("body", "errcode"), [
    ({"taskNum": "T-unknown", "status": 1}, 60136),
    ({"taskNum": None, "status": 1}, 40063),
    ({"taskNum": "T0006"}, 40063),
    ({"taskNum": "T0006", "status": 7}, 40058),
    ({"taskNum": "T0006", "status": "1"}, 40058),
    ({"taskNum": "T0006", "status": 1, "agentid": None}, 40063),
    ({"taskNum": "T0006", "status": 1, "pcAgentId": AGENT_ID}, 40056),
])
def test_todo_update_errors(sim, body, errcode):
    sim.todo("T0006")
    body = {"agentid": AGENT_ID, "pcAgentId": PC_AGENT_ID, **body}
    body = {name: value for name, value in body.items() if value is not None}
    assert sim.post("/cgi-bin/todo/update", body)["data"]["errcode"] == errcode


def _event(event_id: str, operation: str) -> dict:
    return {"eventId": event_id, "operation": operation, "outcome": "ok", "errcode": 0,
            "durationMs": 35.2, "async": True, "occurredAt": 1_800_000_000}


def test_datacollect_report_stores_events_once(sim, sim_state):
    events = [_event("e1", "/cgi-bin/todo/add"), _event("e2", "/cgi-bin/message/send")]
    first = sim.post("/cgi-bin/datacollect/report", {"agentid": AGENT_ID, "events": events})
    assert first["data"] == {"errcode": 0, "errmsg": "ok", "accepted": 2, "duplicates": 0}
    again = sim.post("/cgi-bin/datacollect/report", {"agentid": AGENT_ID, "events": events[:1]})
    assert again["data"]["duplicates"] == 1
    assert [r["event"]["eventId"] for r in sim_state.reports] == ["e1", "e2"]


@pytest.mark.parametrize(("body", "errcode"), [
    ({"agentid": AGENT_ID, "events": []}, 40063),
    ({"agentid": AGENT_ID, "events": [{"eventId": "x"}]}, 40063),
    ({"events": [_event("e1", "/cgi-bin/todo/add")]}, 40063),
    ({"agentid": AGENT_ID, "events": [{**_event("e1", "/x"), "async": "yes"}]}, 40058),
    ({"agentid": AGENT_ID, "events": [{**_event("e1", "/x"), "outcome": "maybe"}]}, 40058),
    ({"agentid": AGENT_ID, "events": [_event(f"e{n}", "/x") for n in range(501)]}, 40058),
])
def test_datacollect_report_validates(sim, body, errcode):
    assert sim.post("/cgi-bin/datacollect/report", body)["data"]["errcode"] == errcode


def test_token_errors_on_envelope_paths_travel_inside_data(sim):
    answer = sim.client.post("/cgi-bin/todo/add", query_string={"access_token": "bad"},
                             json={}).get_json()
    assert answer["code"] == 0
    assert answer["data"]["errcode"] == 40014


def test_envelope_switch_wraps_the_wecom_paths(sim):
    sim.control("envelope", {"enabled": True})
    answer = sim.client.get("/cgi-bin/gettoken",
                            query_string={"corpid": CORP_ID, "corpsecret": SECRET}).get_json()
    assert answer["code"] == 0 and answer["msg"] == "ok"
    assert answer["data"]["errcode"] == 0
    assert len(answer["data"]["access_token"]) >= 32
    error = sim.client.get("/cgi-bin/user/get", query_string={"access_token": "bad"}).get_json()
    assert error["data"]["errcode"] == 40014
    sim.control("envelope", {"enabled": False})
    assert "code" not in sim.client.get(
        "/cgi-bin/gettoken", query_string={"corpid": CORP_ID, "corpsecret": SECRET}).get_json()


# -- faults, down, rate limits -------------------------------------------------------------


def test_errcode_fault_fails_the_next_n_calls_then_recovers(sim):
    sim.control("faults", {"path": "/cgi-bin/todo/add", "kind": "errcode", "errcode": -1,
                           "count": 2})
    answers = [sim.todo(f"T10{i}")["data"]["errcode"] for i in range(3)]
    assert answers == [-1, -1, 0]


def test_http_and_gateway_faults(sim):
    sim.control("faults", {"path": "/cgi-bin/todo/add", "kind": "http500"})
    sim.control("faults", {"path": "/cgi-bin/todo/add", "kind": "gateway", "errcode": 5001})
    token = sim.token()
    first = sim.client.post("/cgi-bin/todo/add", query_string={"access_token": token}, json={})
    assert first.status_code == 500
    assert not first.is_json
    second = sim.client.post("/cgi-bin/todo/add", query_string={"access_token": token}, json={})
    assert second.status_code == 200
    assert second.get_json() == {"code": 5001, "msg": "gateway error", "data": None}


def test_faults_only_touch_their_path(sim):
    sim.control("faults", {"path": "/cgi-bin/message/send", "kind": "errcode", "errcode": -1})
    assert sim.todo("T0007")["data"]["errcode"] == 0
    assert sim.post("/cgi-bin/message/send", _text(touser="lina"))["errcode"] == -1


@pytest.mark.parametrize("body", [
    {"path": "/cgi-bin/todo/add", "kind": "explode"},
    {"path": "cgi-bin/todo/add", "kind": "errcode"},
    {"path": "/cgi-bin/todo/add", "kind": "errcode", "count": 0},
])
def test_bad_fault_requests_are_refused(sim, body):
    assert sim.client.post("/_sim/faults", json=body).status_code == 400


def test_down_answers_503_and_up_restores(sim):
    token = sim.token()
    sim.control("down")
    down = sim.client.get("/cgi-bin/user/get", query_string={"access_token": token,
                                                              "userid": "lina"})
    assert down.status_code == 503
    assert sim.client.get("/_sim/status").get_json()["down"] == "503"  # control still works
    sim.control("up")
    assert sim.get("/cgi-bin/user/get", userid="lina")["errcode"] == 0


def test_rate_limit_per_path(make_sim):
    sim = SimClient(make_sim(rate_limit_per_min=3).test_client())
    sim.token()
    answers = [sim.get("/cgi-bin/user/get", userid="lina")["errcode"] for _ in range(4)]
    assert answers == [0, 0, 0, 45009]
    assert sim.get("/cgi-bin/department/list")["errcode"] == 0  # another path
    advance(sim, 60)
    assert sim.get("/cgi-bin/user/get", userid="lina")["errcode"] == 0


# -- call record ---------------------------------------------------------------------------


def test_recorded_calls_redact_credentials(sim):
    token = sim.token()
    ticket = sim.get("/cgi-bin/auth/getuserinfo",
                     code=sim.login("lina", scope="snsapi_privateinfo"))["user_ticket"]
    sim.post("/cgi-bin/auth/getuserdetail", {"user_ticket": ticket})
    record = sim.client.get("/_sim/calls").get_data(as_text=True)
    assert token not in record
    assert ticket not in record
    assert SECRET not in record
    calls = sim.client.get("/_sim/calls", query_string={"path": "/cgi-bin/gettoken"}).get_json()
    assert calls["calls"][0]["query"] == {"corpid": CORP_ID, "corpsecret": "[REDACTED]"}
    assert calls["calls"][0]["errcode"] == 0
    detail = sim.client.get("/_sim/calls", query_string={
        "path": "/cgi-bin/auth/getuserdetail"}).get_json()["calls"][0]
    assert detail["body"] == {"user_ticket": "[REDACTED]"}
    assert detail["query"]["access_token"] == "[REDACTED]"


def test_calls_since_returns_only_newer_calls(sim):
    sim.token()
    first_seq = sim.client.get("/_sim/calls").get_json()["calls"][-1]["seq"]
    sim.get("/cgi-bin/user/get", userid="lina")
    newer = sim.client.get("/_sim/calls", query_string={"since": first_seq}).get_json()["calls"]
    assert [c["path"] for c in newer] == ["/cgi-bin/user/get"]


def test_canary_values_sent_to_the_platform_are_flagged(sim):
    sim.todo("T0008", taskDesc="联系电话 13812345678")
    sim.todo("T0009", taskDesc="联系电话 138****5678")
    # JSON with \uXXXX escapes, as requests sends it, is searched too.
    escaped = json.dumps(_text(touser="lina", text={"content": "住址 上海市黄浦区人民大道200号"}))
    sim.client.post("/cgi-bin/message/send", query_string={"access_token": sim.token()},
                    data=escaped, content_type="application/json")
    leaks = sim.client.get("/_sim/canary-leaks").get_json()["leaks"]
    assert [(leak["path"], leak["field"]) for leak in leaks] == [
        ("/cgi-bin/todo/add", "mobile"), ("/cgi-bin/message/send", "address")]
    assert "\\u" in escaped


def test_dashboard_shows_todos_messages_and_calls(sim):
    sim.todo("T0010")
    page = sim.client.get("/_sim/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "T0010" in html
    assert 'href="http://127.0.0.1:5000/m/items/1"' in html
    assert "/cgi-bin/todo/add" in html
    assert "<script" not in html and "style=" not in html


def test_dashboard_buttons_post_forms_and_come_back(sim, sim_state):
    answer = sim.client.post("/_sim/advance", data={"seconds": "300"})
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith("/_sim/")
    assert sim_state.clock_offset == 300


def test_reset_forgets_everything(sim, sim_state):
    sim.todo("T0011")
    sim.control("org", {"action": "remove_user", "userid": "lina"})
    sim.control("advance", {"seconds": 50})
    sim.control("reset")
    assert sim_state.todos == {} and sim_state.messages == []
    assert sim_state.find_user("lina") is not None
    assert sim_state.clock_offset == 0
    assert len(sim_state.calls) == 0


# -- settings and command line -------------------------------------------------------------


def test_settings_from_env():
    settings = SimSettings.from_env({"SIM_CORP_ID": "wwabc", "SIM_TRUSTED_HOSTS": "a.test, B.test",
                                     "SIM_RATE_LIMIT_PER_MIN": "5", "SIM_ENVELOPE_ALL": "1"})
    assert settings.corp_id == "wwabc"
    assert settings.trusted_hosts == ("a.test", "b.test")
    assert settings.rate_limit_per_min == 5
    assert settings.envelope_all is True
    assert SimSettings.from_env({}) == SimSettings()


def test_settings_from_env_lists_every_problem():
    with pytest.raises(SimSettingsError) as raised:
        SimSettings.from_env({"SIM_RATE_LIMIT_PER_MIN": "many", "SIM_FAULT_TIMEOUT_SECONDS": "0"})
    assert "SIM_RATE_LIMIT_PER_MIN" in str(raised.value)
    assert "SIM_FAULT_TIMEOUT_SECONDS" in str(raised.value)


def test_command_line_defaults_to_port_5001():
    args = build_parser().parse_args([])
    assert (args.host, args.port) == ("127.0.0.1", 5001)


# -- over real HTTP ------------------------------------------------------------------------


@pytest.fixture
def served():
    with serve() as running:
        yield running


def test_served_sso_flow_end_to_end(served):
    http = requests.Session()
    params = authorize_params(scope="snsapi_privateinfo")
    page = http.get(f"{served.base_url}/connect/oauth2/authorize", params=params, timeout=5)
    assert 'data-testid="sim-user-canary"' in page.text
    css = http.get(f"{served.base_url}/_sim/static/sim.css", timeout=5)
    assert css.status_code == 200 and "text/css" in css.headers["Content-Type"]
    consent = http.post(f"{served.base_url}/connect/oauth2/authorize",
                        data={**form_fields(params), "userid": "canary"}, timeout=5)
    assert 'data-testid="sim-consent-accept"' in consent.text
    back = http.post(f"{served.base_url}/connect/oauth2/consent",
                     data={**form_fields(params), "userid": "canary", "decision": "accept"},
                     allow_redirects=False, timeout=5)
    assert back.status_code == 302
    code = query_of(back.headers["Location"])["code"][0]
    token = http.get(f"{served.base_url}/cgi-bin/gettoken",
                     params={"corpid": CORP_ID, "corpsecret": SECRET}, timeout=5).json()
    info = http.get(f"{served.base_url}/cgi-bin/auth/getuserinfo",
                    params={"access_token": token["access_token"], "code": code}, timeout=5).json()
    detail = http.post(f"{served.base_url}/cgi-bin/auth/getuserdetail",
                       params={"access_token": token["access_token"]},
                       json={"user_ticket": info["user_ticket"]}, timeout=5).json()
    assert detail["mobile"] == "13812345678"
    assert detail["avatar"].startswith(served.base_url)
    assert [c.path for c in served.calls("/cgi-bin/auth/getuserinfo")] == [
        "/cgi-bin/auth/getuserinfo"]


def test_served_timeout_fault_keeps_the_effect_but_loses_the_answer(served):
    token = requests.get(f"{served.base_url}/cgi-bin/gettoken",
                         params={"corpid": CORP_ID, "corpsecret": SECRET}, timeout=5).json()
    served.fail_next("/cgi-bin/todo/add", "timeout", seconds=3)
    body = {"taskNum": "T-timeout", "pcAgentId": PC_AGENT_ID, "agentid": AGENT_ID,
            "taskName": "超时", "receiver": "lina", "sender": "zhangwei", "sendMessage": 0}
    url = f"{served.base_url}/cgi-bin/todo/add"
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.post(url, params={"access_token": token["access_token"]}, json=body, timeout=0.3)
    # The platform acted before the answer was lost; the retry with the same taskNum is safe.
    retry = requests.post(url, params={"access_token": token["access_token"]}, json=body,
                          timeout=5).json()
    assert retry["data"]["errcode"] == 0
    assert served.state.todos["T-timeout"].duplicate_attempts == 1


def test_served_down_refuse_drops_connections(served):
    requests.post(f"{served.base_url}/_sim/down", json={"mode": "refuse"}, timeout=5)
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(f"{served.base_url}/cgi-bin/gettoken",
                     params={"corpid": CORP_ID, "corpsecret": SECRET}, timeout=5)
    requests.post(f"{served.base_url}/_sim/up", timeout=5)
    answer = requests.get(f"{served.base_url}/cgi-bin/gettoken",
                          params={"corpid": CORP_ID, "corpsecret": SECRET}, timeout=5)
    assert answer.json()["errcode"] == 0


def test_served_disconnect_fault(served):
    served.fail_next("/cgi-bin/gettoken", "disconnect")
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(f"{served.base_url}/cgi-bin/gettoken", timeout=5)
    assert served.calls("/cgi-bin/gettoken")[0].fault == "disconnect"


def test_serve_uses_free_ports_and_stops():
    with serve() as first, serve() as second:
        assert first.port != second.port
        assert first.base_url.startswith("http://127.0.0.1:")
        assert requests.get(f"{first.base_url}/_sim/status", timeout=5).status_code == 200
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(f"{first.base_url}/_sim/status", timeout=5)


def test_the_command_line_access_log_hides_credentials():
    from devtools.platform_sim.server import redact

    line = '"GET /cgi-bin/gettoken?corpid=ww1&corpsecret=s3cr3t HTTP/1.1" 200 -'
    assert redact(line) == '"GET /cgi-bin/gettoken?corpid=ww1&corpsecret=*** HTTP/1.1" 200 -'
    assert redact("/cgi-bin/user/get?access_token=tok1&userid=lina") == (
        "/cgi-bin/user/get?access_token=***&userid=lina")

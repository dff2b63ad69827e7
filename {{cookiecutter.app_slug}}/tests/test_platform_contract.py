"""contract.json against the standard's own text, and both sides of the wire against contract.json.

The client builds todo and report bodies from contract.json and the simulator validates them
with it, so neither side can catch a misreading of the standard that they share: this file
does, by parsing the standard's tables (a verbatim excerpt vendored in tests/data/, since the
standard itself is not part of the app) and comparing them field by field.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest
import requests
from devtools.platform_sim.server import serve

from {{ cookiecutter.__package_name }}.platform import (
    ContractError,
    MemoryTokenStore,
    PlatformClient,
    PlatformError,
)
from {{ cookiecutter.__package_name }}.platform.contract import build_body, load_contract

from .platform_sim_support import AGENT_ID, CORP_ID, PC_AGENT_ID, SECRET

EXCERPT = Path(__file__).parent / "data" / "db31dsj-z-003-2026-appendix-c.txt"
LINK = "http://127.0.0.1:5000/#/items/1"


def excerpt() -> str:
    return EXCERPT.read_text(encoding="utf-8")


def table_c1() -> dict[str, tuple[str, bool]]:
    """Table C.1 as {parameter: (位置, 是否必填)}, parsed from the standard's rows."""
    text = excerpt()
    table = text[text.index("表 C.1 接口请求参数表"):text.index("C.3 接口返回参数表")]
    rows = {}
    for line in table.splitlines():
        cells = line.split("\t")
        if len(cells) == 4 and cells[0] != "参数":
            rows[cells[0]] = (cells[1], cells[2] == "是")
    return rows


def example_c4() -> dict:
    """Example C.4, the JSON between the code fences after "C.4 接口请求调用示例"."""
    text = excerpt()
    section = text[text.index("C.4 接口请求调用示例"):text.index("C.5 接口返回示例")]
    return json.loads(re.search(r"```\n(.*?)\n```", section, re.S).group(1))


def json_type(value) -> str:
    return {bool: "boolean", int: "integer", float: "number", str: "string",
            list: "array"}[type(value)]


# -- the contract against the standard -------------------------------------------------------


def test_table_c1_is_the_todo_add_contract():
    rows = table_c1()
    assert rows.pop("access_token") == ("Params", True)  # a query parameter, not the body
    fields = load_contract()["apis"]["todo_add"]["fields"]
    assert list(fields) == list(rows)  # same fields, same order
    for name, (where, required) in rows.items():
        assert where == "Body"
        assert fields[name]["required"] is required, name


def test_table_c1_notes_become_contract_rules():
    fields = load_contract()["apis"]["todo_add"]["fields"]
    trusted = {name for name, spec in fields.items() if spec.get("trusted_url")}
    assert trusted == {"linkUrl", "mobileLinkUrl"}  # "url 需要配置在应用的可信域名内"
    assert (fields["sendMessage"]["enum"], fields["sendMessage"]["default"]) == ([0, 1], 1)
    assert (fields["type"]["enum"], fields["type"]["default"]) == ([0, 1], 0)


def test_example_c4_is_an_update_body_with_the_contract_types():
    example = example_c4()
    fields = load_contract()["apis"]["todo_update"]["fields"]
    assert list(example) == list(fields)
    for name, value in example.items():
        assert json_type(value) == fields[name]["type"], name
    # The types C.4 shows hold for the same fields of todo_add too.
    add = load_contract()["apis"]["todo_add"]["fields"]
    for name in set(example) & set(add):
        assert json_type(example[name]) == add[name]["type"], name
    assert build_body("todo_update", example) == example


def test_example_c4_labelled_add_lacks_table_c1_required_fields():
    """C.4 is titled 新增待办任务 but is not a valid add: the contract says why, exactly."""
    assert "新增待办任务的请求调用示例" in excerpt()
    with pytest.raises(ContractError) as refused:
        build_body("todo_add", example_c4())
    missing = {p.split()[1].split("（")[0] for p in refused.value.problems
               if p.startswith("缺少必填字段")}
    unknown = {p.split()[1] for p in refused.value.problems if p.startswith("未知字段")}
    assert missing == {"taskName", "receiver", "sender"}
    assert unknown == {"status", "readStatus", "doneUrl", "pcDoneUrl"}


def test_key_operation_report_cites_6_2_4_e():
    text = excerpt()
    assert "e) 关键操作数据监测对接" in text and "例如异步调用" in text
    report = load_contract()["apis"]["datacollect_report"]
    assert report["source"].startswith("6.2.4 e)")
    events = report["fields"]["events"]["items"]
    assert events["async"]["type"] == "boolean"  # "例如异步调用"
    assert events["operation"]["required"] is True  # "调用平台接口"


def test_paths_are_configuration_to_confirm():
    contract = load_contract()
    assert "confirm them with the platform operator" in contract["about"]
    assert {api["path"] for api in contract["apis"].values()} == {
        "/cgi-bin/todo/add", "/cgi-bin/todo/update", "/cgi-bin/datacollect/report"}


# -- the client builds, the simulator validates -----------------------------------------------


@dataclasses.dataclass(frozen=True)
class Settings:
    ywxt_api_base: str
    ywxt_corp_id: str = CORP_ID
    ywxt_agent_id: str = AGENT_ID
    ywxt_pc_agent_id: str = PC_AGENT_ID
    ywxt_secret: str = SECRET
    app_base_url: str = "http://127.0.0.1:5000"


@pytest.fixture
def platform():
    with serve() as sim:
        yield sim


@pytest.fixture
def client(platform):
    return PlatformClient(Settings(platform.base_url), token_store=MemoryTokenStore(),
                          sleep=lambda _: None)


def todo(**fields) -> dict:
    return {"taskNum": "C4-1", "taskName": "审核材料", "taskDesc": "请审核", "linkUrl": LINK,
            "mobileLinkUrl": LINK, "receiver": "lina", "sender": "zhangwei",
            "sendMessage": 1, "type": 0, **fields}


def test_the_simulator_refuses_example_c4_as_an_add_and_takes_it_as_an_update(client, platform):
    # C.4's placeholders ("WWWwav") swapped for this app's ids and links, keys and types kept.
    example = {**example_c4(), "agentid": AGENT_ID, "pcAgentId": PC_AGENT_ID,
               "doneUrl": LINK, "pcDoneUrl": LINK}
    token = client._access_token()
    as_add = platform_post(platform, "/cgi-bin/todo/add", token, example)
    assert as_add["data"]["errcode"] == 40063
    client.add_todo(todo(taskNum=example["taskNum"]))
    as_update = platform_post(platform, "/cgi-bin/todo/update", token, example)
    assert as_update["data"]["errcode"] == 0
    stored = platform.state.todos[example["taskNum"]]
    assert (stored.status, stored.read_status, stored.done_url) == (1, 1, LINK)


def platform_post(platform, path: str, token: str, body: dict) -> dict:
    return requests.post(f"{platform.base_url}{path}", params={"access_token": token},
                         json=body, timeout=5).json()


def test_client_bodies_pass_the_simulator(client, platform):
    client.add_todo(todo())
    client.update_todo({"taskNum": "C4-1", "status": 1, "readStatus": 1, "doneUrl": LINK,
                        "pcDoneUrl": LINK})
    client.report_events([{"eventId": "e1", "operation": "/cgi-bin/todo/add", "outcome": "ok",
                           "errcode": 0, "durationMs": 12.5, "async": True,
                           "occurredAt": 1_800_000_000}])
    assert platform.state.todos["C4-1"].status == 1
    assert len(platform.state.reports) == 1


@pytest.mark.parametrize(("call", "problem"), [
    (lambda c: c.add_todo(todo(taskName=None)), "缺少必填字段 taskName（待办名称）"),
    (lambda c: c.add_todo(todo(type="0")), "字段 type（办件阅件）应为整数"),
    (lambda c: c.add_todo(todo(sendMessage=2)),
     "字段 sendMessage（是否推送应用消息）只能是 0、1"),
    (lambda c: c.add_todo(todo(taskname="拼错")), "未知字段 taskname"),
    (lambda c: c.update_todo({"taskNum": "C4-1"}),
     "至少需要一项变更：status、readStatus、doneUrl、pcDoneUrl"),
    (lambda c: c.report_events([{"eventId": "e1"}]),
     "缺少必填字段 events[0].operation（调用的平台接口）"),
])
def test_client_refuses_a_body_the_platform_would_refuse_before_sending(client, platform, call,
                                                                        problem):
    with pytest.raises(ContractError) as refused:
        call(client)
    assert problem in refused.value.problems
    assert platform.calls("/cgi-bin/todo/add") == []
    assert platform.calls("/cgi-bin/todo/update") == []
    assert platform.calls("/cgi-bin/datacollect/report") == []


def test_contract_error_message_is_chinese_and_lists_every_problem(client):
    with pytest.raises(ContractError) as refused:
        client.add_todo(todo(taskName=None, receiver=None))
    assert str(refused.value).startswith("新增待办任务请求不符合接口约定：")
    assert "taskName" in str(refused.value) and "receiver" in str(refused.value)


def test_simulator_checks_types_from_the_same_contract(client, platform):
    token = client._access_token()
    body = {**todo(), "agentid": AGENT_ID, "pcAgentId": PC_AGENT_ID, "type": "0"}
    answer = platform_post(platform, "/cgi-bin/todo/add", token, body)
    assert answer["data"]["errcode"] == 40058
    with pytest.raises(PlatformError):
        client.update_todo({"taskNum": "unknown", "status": 1})

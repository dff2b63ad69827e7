"""Step 4: on approval a platform message reaches the applicant through the outbox, and the
calls are in the key-operation report."""

from __future__ import annotations

from .common import (
    APPLICANT,
    APPROVER,
    deliver_all,
    file_leave,
    outbox_kinds,
    post,
    sim_json,
)

MESSAGE_PATH = "/cgi-bin/message/send"


def decide(client, login, action: str) -> int:
    record_id = file_leave(client, login)
    answer = post(client, f"/api/leave/{record_id}/{action}", login(APPROVER))
    assert answer.status_code == 200, (
        f"请先完成第 3 步：{action} 接口应返回 200（实际 {answer.status_code}）")
    return record_id


def test_approval_enqueues_a_message_in_the_same_transaction(platform_client, platform_app,
                                                            login):
    decide(platform_client, login, "approve")
    kinds = outbox_kinds(platform_app)
    assert len(kinds) >= 3 and any(kind not in ("leave.todo_add", "leave.todo_update")
                                   for kind in kinds), (
        "同意后发件箱里应多一条消息（例如 leave.notify_approved）：在 service.py 的同意函数中 "
        f"enqueue(…)，并在 deliveries.DELIVERIES 中登记它。实际发件箱：{kinds}")


def test_the_applicant_receives_it_and_the_call_is_reported(platform_client, platform_app,
                                                           login, sim):
    record_id = decide(platform_client, login, "approve")
    deliver_all(platform_app)
    messages = sim_json(sim, "messages")["messages"]
    sent = [message for message in messages
            if message["channel"] == "app" and APPLICANT in message["recipients"]]
    assert sent, ("投递后平台没有收到发给申请人（zhangwei）的消息：在 deliveries.py 中用 "
                  "client.send_message([record.creator_userid], \"textcard\", {...}) 发送")
    assert f"/#/leave/{record_id}" in str(sent[-1]["content"]), (
        "消息应带上这条申请的链接（page_link(record.id)，用 _link(record) 拼成完整地址），"
        "点开能回到申请页")
    events = sim_json(sim, "reports")["events"]
    operations = {str(report["event"].get("operation")) for report in events}
    assert MESSAGE_PATH in operations, (
        "关键操作上报中没有 /cgi-bin/message/send：消息要经 platform 客户端发送"
        f"（它会记录每次调用），不要自己发 HTTP 请求。已上报：{sorted(operations)}")


def test_rejection_sends_no_approval_message(platform_client, platform_app, login, sim):
    decide(platform_client, login, "reject")
    deliver_all(platform_app)
    messages = sim_json(sim, "messages")["messages"]
    approved = [message for message in messages
                if message["channel"] == "app" and "已同意" in str(message["content"])]
    assert not approved, "驳回时不应发出“已同意”的消息"

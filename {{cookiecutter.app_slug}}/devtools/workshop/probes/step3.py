"""Step 3: the approver 同意 (approve) or 驳回 (reject); the todo is marked done."""

from __future__ import annotations

import pytest

from .common import APPLICANT, APPROVER, OTHER, file_leave, outbox_kinds, post

DECISIONS = {"approve": ("同意", "approved"), "reject": ("驳回", "rejected")}


@pytest.mark.parametrize("action", DECISIONS)
def test_the_approver_decides_once(platform_client, platform_app, login, action):
    word, status = DECISIONS[action]
    record_id = file_leave(platform_client, login)
    path = f"/api/leave/{record_id}/{action}"
    token = login(APPROVER)
    refused = post(platform_client, path, None)
    assert refused.status_code not in (404, 405), (
        f"还没有 POST /api/leave/<id>/{action}（{refused.status_code}）：在 routes.py 中加上"
        f"{word}的接口")
    assert refused.status_code == 403, (
        f"不带 X-CSRF-Token 的{word}请求应被拒绝（403），实际 {refused.status_code}：接口要用 "
        "@bp.post（CSRF 由核心检查），不要用 GET")
    done = post(platform_client, path, token)
    assert done.status_code == 200, (
        f"审批人{word}（POST {path}）应返回 200，实际 {done.status_code}："
        f"{(done.json or {}).get('error', done.json)}")
    assert done.json["record"]["status"] == status, (
        f"{word}后 status 应为 \"{status}\"，实际 \"{done.json['record']['status']}\"")
    again = post(platform_client, path, token)
    assert again.status_code == 409, (
        f"已经审批过的申请再次{word}应返回 409（已经审批），实际 {again.status_code}")
    assert outbox_kinds(platform_app)[-1:] == ["leave.todo_update"], (
        f"{word}后审批人的待办应办结：在同一事务中 enqueue(MARK_TODO_DONE, …)，"
        f"实际发件箱：{outbox_kinds(platform_app)}")


@pytest.mark.parametrize("action", DECISIONS)
def test_only_the_approver_decides(platform_client, login, action):
    record_id = file_leave(platform_client, login)
    answer = post(platform_client, f"/api/leave/{record_id}/{action}", login(APPLICANT))
    assert answer.status_code == 403, (
        f"申请人自己{DECISIONS[action][0]}应被拒绝（403），实际 {answer.status_code}")
    answer = post(platform_client, f"/api/leave/{record_id}/{action}", login(OTHER))
    assert answer.status_code == 404, (
        f"无关的人{DECISIONS[action][0]}应得到 404（看不到这条申请），实际 {answer.status_code}")


def test_the_interface_document_describes_both(platform_client):
    paths = platform_client.get("/openapi.json").json["paths"]
    for action, (word, _status) in DECISIONS.items():
        documented = [path for path in paths if path.startswith("/api/leave/")
                      and path.endswith(f"/{action}")]
        assert documented, (f"接口文档（/openapi.json）中没有{word}的接口：在路由上加 "
                            "@documented(Operation(...))")

"""Step 5: 联系电话 (contact_mobile): required, checked, shown in full only to the applicant."""

from __future__ import annotations

import pytest

from .common import (
    APPLICANT,
    APPROVER,
    BASE,
    MASKED,
    MOBILE,
    file_leave,
    post,
)


def test_the_applicant_sees_it_the_approver_sees_it_masked(platform_client, login):
    record_id = file_leave(platform_client, login)
    login(APPLICANT)
    own = platform_client.get(f"/api/leave/{record_id}").json["record"]
    assert own.get("contact_mobile") == MOBILE, (
        f"申请人查看自己的申请时 contact_mobile 应是完整号码 {MOBILE}，"
        f"实际：{own.get('contact_mobile')}")
    login(APPROVER)
    theirs = platform_client.get(f"/api/leave/{record_id}").json["record"]
    assert theirs.get("contact_mobile") == MASKED, (
        f"审批人看到的 contact_mobile 应脱敏为 {MASKED}（privacy.masking.mask_mobile），"
        f"实际：{theirs.get('contact_mobile')}")
    listed = platform_client.get("/api/leave").json["records"]
    assert MOBILE not in str(listed), "审批人的列表中出现了完整手机号：列表也要脱敏"


@pytest.mark.parametrize(("mobile", "why"), [
    (None, "未填写"), ("1381234567", "只有 10 位"), ("23812345678", "不以 1 开头"),
])
def test_bad_numbers_are_refused_in_chinese(platform_client, login, mobile, why):
    body = {**BASE, **({"contact_mobile": mobile} if mobile else {})}
    answer = post(platform_client, "/api/leave", login(APPLICANT), body)
    assert answer.status_code == 422, (
        f"联系电话{why}时应拒绝（422），实际 {answer.status_code}：在 NEW_RECORD 中加上 "
        "contact_mobile（required，pattern ^1[0-9]{10}$）")
    message = answer.json["error"]["fields"].get("contact_mobile", "")
    assert any("\u4e00" <= char <= "\u9fff" for char in message), (
        f"联系电话{why}时应有中文提示（x-messages），实际：{message or '没有提示'}")

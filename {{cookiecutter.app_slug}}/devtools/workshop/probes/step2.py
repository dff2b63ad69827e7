"""Step 2: 开始日期 (start_date) and 请假天数 (days), in the model, a migration and the schema."""

from __future__ import annotations

import pytest
from flask_migrate import check, upgrade
from sqlalchemy import inspect

from .common import BASE, db, post


def test_a_migration_adds_the_columns(make_config, make_app):
    app = make_app(make_config())
    with app.app_context():
        upgrade(revision="heads")
        columns = {column["name"] for column in inspect(db.engine).get_columns("leave")}
        for name in ("start_date", "days"):
            assert name in columns, (
                f"升级数据库后 leave 表中没有 {name} 列：在 features/leave/migrations/ 中"
                "新增一个迁移（flask --app wsgi db migrate --head leave@head ...）")
        try:
            check()
        except Exception as error:  # noqa: BLE001 (flask_migrate raises a plain Exception)
            raise AssertionError("模型和迁移不一致：models.py 改了，但 migrations/ 中没有对应的"
                                 f"迁移（{str(error).splitlines()[0]}）") from None


def test_a_valid_request_keeps_both_fields(platform_client, login):
    token = login("zhangwei")
    answer = post(platform_client, "/api/leave", token, BASE)
    assert answer.status_code == 201, (
        "提交含 start_date 和 days 的请假申请应返回 201，实际 "
        f"{answer.status_code}：{(answer.json or {}).get('error', answer.json)}")
    record = answer.json["record"]
    assert record.get("start_date") == "2026-05-06", (
        "返回的请假申请中 start_date 应为提交的 \"2026-05-06\"：在 models.py 的 as_json 中加上它")
    assert record.get("days") == 3, "返回的请假申请中 days 应为提交的 3：在 as_json 中加上它"


@pytest.mark.parametrize(("change", "field", "why"), [
    ({"days": None}, "days", "不填请假天数"),
    ({"days": 0}, "days", "请假天数为 0"),
    ({"days": 31}, "days", "请假天数为 31（上限 30）"),
    ({"days": "三"}, "days", "请假天数不是整数"),
    ({"start_date": None}, "start_date", "不填开始日期"),
    ({"start_date": "2026-13-40"}, "start_date", "开始日期不是真实日期（2026-13-40）"),
])
def test_bad_values_are_refused_in_chinese(platform_client, login, change, field, why):
    body = {key: value for key, value in {**BASE, **change}.items() if value is not None}
    answer = post(platform_client, "/api/leave", login("zhangwei"), body)
    assert answer.status_code == 422, (
        f"{why}时应拒绝（422），实际 {answer.status_code}：在 schemas.py 的 NEW_RECORD 中"
        f"给 {field} 加上 required 和取值范围")
    message = answer.json["error"]["fields"].get(field, "")
    assert message and any("\u4e00" <= char <= "\u9fff" for char in message), (
        f"{why}时，{field} 的错误提示应是中文（x-messages），实际：{message or '没有提示'}")


def test_the_interface_document_describes_them(platform_client):
    schema = platform_client.get("/openapi.json").json["components"]["schemas"]["NewLeave"]
    for name in ("start_date", "days"):
        assert name in schema.get("required", []), (
            f"接口文档中 NewLeave 的 required 没有 {name}：schemas.py 的 NEW_RECORD 要列出它")

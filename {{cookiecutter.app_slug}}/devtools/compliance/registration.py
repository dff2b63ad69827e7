"""registration.json, the §6.2.2 registration record, checked against its JSON Schema."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

from .results import FAIL, PASS, SKIPPED, CheckResult

CLAUSE = "§6.2.2"
HTTPS_ORIGIN = r"^https://[a-z0-9.-]+\.[a-z]{2,}(:[0-9]{1,5})?$"
NON_BLANK = {"type": "string", "minLength": 1, "pattern": r"\S"}

# DB31DSJ/Z 003 §6.2.2: 注册内容应包含应用名称、应用描述、应用分类、行业主题、应用类型、
# 可见范围、应用开发商等; plus what the platform needs to reach the app (主页 URL, 健康监测
# 地址 §6.2.4 d, 可信域名, 门户 §6.3.2 b, 页面框架 附录 D) and the §6.2.3 audit materials.
REGISTRATION_SCHEMA: dict = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://ywxt.example.gov.cn/schemas/registration.json",
    "title": "一网协同应用注册信息（DB31DSJ/Z 003—2026 §6.2.2）",
    "type": "object",
    "required": ["app_name", "app_description", "app_category", "industry_theme", "terminals",
                 "visible_scope", "developer_org", "handles_work_secrets", "home_url",
                 "health_url", "trusted_domain", "portal_origins", "page_width",
                 "audit_documents", "standard"],
    "properties": {
        "app_name": {"type": "string", "minLength": 2, "maxLength": 8,
                     "description": "应用名称（附录 D：2-8 个字）"},
        "app_description": {**NON_BLANK, "maxLength": 200, "description": "应用描述"},
        "app_category": {"enum": ["办公应用", "工具应用", "业务应用"],
                         "description": "应用分类（§5）"},
        "industry_theme": {**NON_BLANK, "description": "行业主题"},
        "terminals": {
            "type": "array", "minItems": 1, "uniqueItems": True,
            "items": {"enum": ["移动端", "PC客户端", "网页端"]},
            "description": "应用类型：支持的访问终端（§6.3.2）",
        },
        "visible_scope": {**NON_BLANK, "description": "可见范围"},
        "developer_org": {**NON_BLANK, "description": "应用开发商"},
        "handles_work_secrets": {"type": "boolean", "description": "是否处理工作秘密（§6.2.3）"},
        "home_url": {"type": "string", "pattern": r"^https://[^/?#]+/$",
                     "description": "主页 URL（附录 D；§8.3 b HTTPS）"},
        "health_url": {"type": "string", "pattern": r"^https://[^/?#]+/healthz$",
                       "description": "健康状态监测地址（§6.2.4 d）"},
        "trusted_domain": {"type": "string", "pattern": r"^[a-z0-9.-]+\.[a-z]{2,}$",
                           "description": "可信域名（待办链接、JS-SDK 签名）"},
        "portal_origins": {"type": "array", "uniqueItems": True,
                           "items": {"type": "string", "pattern": HTTPS_ORIGIN},
                           "description": "允许嵌入应用的网页端门户（§6.3.2 b）"},
        "page_width": {
            "oneOf": [
                {"type": "object", "required": ["mode"], "additionalProperties": False,
                 "properties": {"mode": {"const": "adaptive"}}},
                {"type": "object", "required": ["mode", "width"], "additionalProperties": False,
                 "properties": {"mode": {"const": "fixed"},
                                "width": {"type": "integer", "minimum": 760, "maximum": 950}}},
            ],
            "description": "页面框架（附录 D）",
        },
        "audit_documents": {"type": "array", "minItems": 1, "items": NON_BLANK,
                            "description": "接入审核材料（§6.2.3）"},
        "logo": {"type": "string", "pattern": r"\.(png|jpe?g)$",
                 "description": "应用 logo 文件（附录 D），相对于项目根目录"},
        "standard": {"const": "DB31DSJ/Z 003—2026"},
    },
}


def load_registration(project_root: Path) -> dict | None:
    try:
        data = json.loads((project_root / "registration.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def consistency_problems(registration: dict) -> list[str]:
    """What the schema cannot say: fields that must agree with each other (§6.2.3 too)."""
    problems = []
    home = registration.get("home_url", "")
    if registration.get("health_url") != home + "healthz":
        problems.append("health_url 应为 home_url 加 healthz")
    if registration.get("trusted_domain") != urlsplit(home).hostname:
        problems.append("trusted_domain 应为 home_url 的域名")
    documents = " ".join(registration.get("audit_documents", []))
    if registration.get("handles_work_secrets") and "三级" not in documents:
        problems.append("处理工作秘密的应用须提供网络安全等级保护三级测评报告（§6.2.3）")
    if registration.get("app_category") == "办公应用" and "密码应用" not in documents:
        problems.append("办公应用须提供密码应用测评报告（§6.2.3）")
    if "软件测试报告" not in documents:
        problems.append("审核材料缺少软件测试报告（§6.2.3）")
    return problems


def check_registration(project_root: Path) -> CheckResult:
    requirement = "注册内容完整（名称、描述、分类、行业主题、类型、可见范围、开发商等）"
    path = project_root / "registration.json"
    if not path.is_file():
        return CheckResult("registration", CLAUSE, requirement, FAIL, "缺少 registration.json")
    registration = load_registration(project_root)
    if registration is None:
        return CheckResult("registration", CLAUSE, requirement, FAIL,
                           "registration.json 不是有效的 JSON 对象")
    try:
        import jsonschema
    except ImportError:
        return CheckResult("registration", CLAUSE, requirement, SKIPPED,
                           "未安装 jsonschema（pip install -e '.[dev]'）")
    validator = jsonschema.Draft202012Validator(REGISTRATION_SCHEMA)
    problems = [f"{'/'.join(map(str, error.absolute_path)) or '（根）'}：{error.message}"
                for error in sorted(validator.iter_errors(registration), key=str)]
    problems += consistency_problems(registration)
    if problems:
        return CheckResult("registration", CLAUSE, requirement, FAIL, "；".join(problems))
    return CheckResult("registration", CLAUSE, requirement, PASS,
                       f"registration.json 符合 JSON Schema（{len(registration)} 项），"
                       f"审核材料 {len(registration['audit_documents'])} 项")

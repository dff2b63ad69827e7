"""Request bodies of the standard's own APIs, built from contract.json.

contract.json is the one description of todo add, todo update (DB31DSJ/Z 003 Appendix C,
Table C.1 and example C.4) and the key-operation report (§6.2.4 e): fields, which are
required, their types. The client builds its bodies here, so a body the platform would
refuse never leaves the app; the local simulator validates what it receives against the same
file, and tests/test_platform_contract.py compares the file with the standard's text.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

CONTRACT_FILE = Path(__file__).with_name("contract.json")
# A JSON object: the contract, an API's spec, a request body.
JSONObject = dict[str, Any]

TYPE_NAMES = {"string": "字符串", "integer": "整数", "number": "数字", "boolean": "布尔值",
              "array": "数组"}

_IS_TYPE: dict[str, Callable[[Any], bool]] = {
    "string": lambda value: isinstance(value, str),
    "integer": lambda value: isinstance(value, int) and not isinstance(value, bool),
    "number": lambda value: isinstance(value, int | float) and not isinstance(value, bool),
    "boolean": lambda value: isinstance(value, bool),
    "array": lambda value: isinstance(value, list),
}


class ContractError(ValueError):
    """A request body the platform would refuse; lists every problem, in Chinese."""

    def __init__(self, api: str, problems: list[str]) -> None:
        self.api = api
        self.problems = problems
        title = load_contract()["apis"][api]["title"]
        super().__init__(f"{title}请求不符合接口约定：" + "；".join(problems))


@functools.cache
def load_contract() -> JSONObject:
    """contract.json, read once."""
    contract: JSONObject = json.loads(CONTRACT_FILE.read_text(encoding="utf-8"))
    return contract


def api_spec(api: str) -> JSONObject:
    spec: JSONObject = load_contract()["apis"][api]
    return spec


def contract_path(api: str) -> str:
    """The default path of an API (configuration: the standard gives none)."""
    return str(api_spec(api)["path"])


def trusted_url_fields(api: str) -> tuple[str, ...]:
    """Fields holding links that must lie in the app's trusted domain (Table C.1)."""
    return tuple(name for name, spec in api_spec(api)["fields"].items()
                 if spec.get("trusted_url"))


def _field_problems(fields: Mapping[str, JSONObject], body: Mapping[str, Any],
                    where: str = "") -> list[str]:
    problems = [f"未知字段 {where}{name}" for name in body if name not in fields]
    for name, spec in fields.items():
        label = f"{where}{name}（{spec['label']}）"
        value = body.get(name)
        if value is None or value == "":
            if spec["required"]:
                problems.append(f"缺少必填字段 {label}")
            continue
        if not _IS_TYPE[spec["type"]](value):
            problems.append(f"字段 {label}应为{TYPE_NAMES[spec['type']]}")
        elif "enum" in spec and value not in spec["enum"]:
            allowed = "、".join(str(choice) for choice in spec["enum"])
            problems.append(f"字段 {label}只能是 {allowed}")
        elif spec["type"] == "array":
            problems.extend(_items_problems(name, spec, value))
    return problems


def _items_problems(name: str, spec: JSONObject, items: list[Any]) -> list[str]:
    if not spec.get("min_items", 0) <= len(items) <= spec.get("max_items", len(items)):
        return [f"{name} 应有 {spec.get('min_items', 0)}-{spec.get('max_items')} 项"]
    problems: list[str] = []
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            problems.append(f"{name}[{index}] 应为对象")
        else:
            problems.extend(_field_problems(spec["items"], item, f"{name}[{index}]."))
    return problems


def build_body(api: str, values: Mapping[str, Any]) -> JSONObject:
    """The body of `api` from `values`, in the contract's field order; ContractError if the
    platform would refuse it (a missing or unknown field, a wrong type or value)."""
    spec = api_spec(api)
    problems = _field_problems(spec["fields"], values)
    changes = spec.get("at_least_one_of")
    if changes and not any(values.get(name) not in (None, "") for name in changes):
        problems.append("至少需要一项变更：" + "、".join(changes))
    if problems:
        raise ContractError(api, problems)
    return {name: values[name] for name in spec["fields"] if name in values}

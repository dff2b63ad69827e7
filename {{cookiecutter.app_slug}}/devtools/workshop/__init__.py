"""The workshop's step checks: `make workshop-check STEP=n` (docs/tutorial/).

Each step of the tutorial builds part of the 请假申请 feature (`leave`). Its check looks at
the project (files, the feature registry) and runs a probe module (probes/stepN.py) with the
project's own test fixtures: the app against the local simulator, as `make dev` runs it.
It prints, in Chinese, every thing the step still misses (exit 1), or 通过 (exit 0).
Development tool only: never imported by the runtime package.
"""

from __future__ import annotations

STEPS = {
    1: "起步：用脚手架生成“请假申请”",
    2: "字段：开始日期和请假天数",
    3: "审批：同意与驳回",
    4: "通知：同意后发消息，关键操作上报",
    5: "敏感信息：联系电话对他人脱敏",
    6: "测试：为请假申请写自己的测试",
}

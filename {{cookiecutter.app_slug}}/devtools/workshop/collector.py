"""A pytest plugin for the step checks: each failure as one Chinese line in a JSON file.

A probe's `assert …, "说明"` gives the line; any other error is shown with where it happened,
since it is usually the learner's code raising (a typo, a missing import).
"""

from __future__ import annotations

import json
import os
import traceback
from pathlib import Path

import pytest

_problems: list[str] = []


def _explain(item: pytest.Item, error: BaseException) -> str:
    name = item.name.removeprefix("test_")
    if isinstance(error, AssertionError) and str(error).strip():
        first = str(error).strip().splitlines()[0]
        # A probe's assert carries its Chinese explanation; a bare assert is the learner's own.
        return f"测试 {name} 未通过：{first}" if first.startswith("assert ") else first
    frames = traceback.extract_tb(error.__traceback__)
    where = next((f"{Path(frame.filename).name}:{frame.lineno}" for frame in reversed(frames)
                  if "site-packages" not in frame.filename), "?")
    return f"测试 {name} 运行出错：{type(error).__name__}: {error}（{where}）"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed and call.excinfo is not None:
        problem = _explain(item, call.excinfo.value)
        if problem not in _problems:
            _problems.append(problem)


def pytest_collectreport(report):
    if report.failed:
        last_line = str(report.longrepr).strip().splitlines()[-1]
        _problems.append(f"无法加载 {report.nodeid or '测试'}：{last_line}")


def pytest_sessionfinish(session, exitstatus):
    target = os.environ.get("WORKSHOP_REPORT")
    if target:
        Path(target).write_text(json.dumps(_problems, ensure_ascii=False), encoding="utf-8")

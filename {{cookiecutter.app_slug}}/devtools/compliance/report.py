"""The self-test report: a table on the terminal, Markdown for people, JSON for tools."""

from __future__ import annotations

import dataclasses
import json
import re
import unicodedata
from pathlib import Path

from .matrix import MatrixRow
from .results import FAIL, STATUS_LABELS, STATUSES, CheckResult, summarize

STANDARD = "DB31DSJ/Z 003—2026"
COLUMNS = ("条款", "要求", "结果", "依据")
EVIDENCE_WIDTH = 64


@dataclasses.dataclass(frozen=True)
class Report:
    app_name: str
    generated_at: str  # ISO 8601
    results: list[CheckResult]
    url: str | None = None
    commit: str | None = None
    manual_rows: list[MatrixRow] = dataclasses.field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(result.status == FAIL for result in self.results)

    @property
    def summary(self) -> dict[str, int]:
        return summarize(self.results)

    def summary_line(self) -> str:
        counts = self.summary
        return "，".join(f"{STATUS_LABELS[status]} {counts[status]}" for status in STATUSES)


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


# Latin words, numbers, paths and URLs stay whole when a line is wrapped.
WRAP_TOKEN = re.compile(r"[\w./:\-+=×%#@~]+|.", re.ASCII)


def _wrap(text: str, width: int) -> list[str]:
    """Split `text` into lines of at most `width` display columns, keeping words whole."""
    lines, current = [], ""
    for token in WRAP_TOKEN.findall(text):
        if current and display_width(current + token) > width:
            lines.append(current.rstrip())
            current = token.lstrip()
        else:
            current += token
    return [*lines, current] if current or not lines else lines


def format_table(report: Report) -> str:
    """The results as an aligned table for a terminal (CJK characters count double)."""
    widths = [max(display_width(COLUMNS[0]), *(display_width(r.clause) for r in report.results)),
              max(display_width(COLUMNS[1]),
                  *(display_width(r.requirement) for r in report.results)),
              max(display_width(COLUMNS[2]), *(display_width(r.label) for r in report.results))]
    lines = [f"{STANDARD} 合规自检：{report.app_name}（{report.generated_at}）",
             "  ".join(_pad(name, width) for name, width in zip(COLUMNS, [*widths, 0],
                                                                  strict=True)).rstrip(),
             "-" * (sum(widths) + 6 + EVIDENCE_WIDTH)]
    indent = " " * (sum(widths) + 6)
    for result in report.results:
        evidence = _wrap(result.evidence, EVIDENCE_WIDTH)
        cells = [result.clause, result.requirement, result.label]
        lines.append("  ".join(_pad(cell, width) for cell, width in zip(cells, widths,
                                                                        strict=True))
                     + "  " + evidence[0])
        lines += [indent + more for more in evidence[1:]]
    lines += ["", f"共 {len(report.results)} 项：{report.summary_line()}"]
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(report: Report) -> str:
    lines = [
        f"# 安全自测报告（{STANDARD} §8.3 a）",
        "",
        "由 `flask --app wsgi compliance check` 生成，请勿手工编辑；重新运行即可更新。",
        "",
        f"- 应用：{report.app_name}",
        f"- 时间：{report.generated_at}",
        f"- 代码版本：{report.commit or '（不在 git 仓库中）'}",
        f"- 线上巡检地址：{report.url or '（未指定 --url，只做离线检查）'}",
        f"- 结果：{report.summary_line()}"
        + ("，**存在不通过项**" if report.failed else ""),
        "",
        "| " + " | ".join(COLUMNS) + " |",
        "|---|---|---|---|",
    ]
    for result in report.results:
        mark = f"**{result.label}**" if result.status == FAIL else result.label
        lines.append(f"| {_cell(result.clause)} | {_cell(result.requirement)} | {mark} "
                     f"| {_cell(result.evidence)} |")
    if report.manual_rows:
        lines += ["", "## 需人工完成的条款", "",
                  "以下条款没有自动检查，按 `docs/compliance.md` 中的步骤办理并留存材料：", "",
                  "| 条款 | 要求 | 适用 | 人工步骤与材料 |", "|---|---|---|---|"]
        for row in report.manual_rows:
            lines.append(f"| {'、'.join(row.clauses)} | {row.requirement} | {row.applies_to} "
                         f"| {row.proved_by} |")
    lines += [
        "",
        "## 说明",
        "",
        "- 通过：自动检查通过；不通过：须修复后重新检查；需人工：自动检查无法得出结论，"
        "须人工确认（原因见“依据”）；跳过：当前条件下不适用（如前端尚未构建、离线模式）。",
        "- 上线后定期巡检（§8.3 c）：`flask --app wsgi compliance check --url https://应用域名`，"
        "定时运行方法见 `docs/compliance.md`。",
        "",
    ]
    return "\n".join(lines)


def render_json(report: Report) -> str:
    data = {
        "standard": STANDARD,
        "app_name": report.app_name,
        "generated_at": report.generated_at,
        "commit": report.commit,
        "url": report.url,
        "summary": report.summary,
        "failed": report.failed,
        "results": [result.as_json() for result in report.results],
        "manual_clauses": [
            {"clauses": list(row.clauses), "requirement": row.requirement,
             "applies_to": row.applies_to, "steps": row.proved_by}
            for row in report.manual_rows
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def write_report(report: Report, markdown_path: Path) -> Path:
    """Write the Markdown report and its JSON twin (same name, .json); return the latter."""
    markdown_path.parent.mkdir(parents=True, exist_ok=True)
    markdown_path.write_text(render_markdown(report), encoding="utf-8")
    json_path = markdown_path.with_suffix(".json")
    json_path.write_text(render_json(report), encoding="utf-8")
    return json_path

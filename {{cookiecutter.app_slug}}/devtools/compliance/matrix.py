"""The clause matrix (docs/compliance.md): every clause of DB31DSJ/Z 003—2026 from §5 to
Appendix D, where it is implemented and what proves it.

The matrix is a Markdown table. In its 实现 and 证明 columns every `code span` is a
reference that tests/test_compliance_matrix.py resolves, so the matrix cannot rot:

- `path/to/file` — a file of this project;
- `tests/test_x.py::test_name` (or `path.py::Name`) — a test function or a top-level name;
- `compliance:check-id` — a check of `flask --app wsgi compliance check`.

A 证明 cell that starts with “人工” names a manual step and the document that records it.
"""

from __future__ import annotations

import ast
import dataclasses
import re
from pathlib import Path

# Every clause the matrix must cover: the standard's numbered requirements (§5–§8, with
# their lettered items) and the rows of Appendices A–D.
REQUIRED_CLAUSES: tuple[str, ...] = (
    "§5",
    *(f"§6.1 {item}" for item in "abcdef"),
    "§6.2.1", "§6.2.2", "§6.2.3",
    *(f"§6.2.4 {item}" for item in "abcdefgh"),
    "§6.2.5", "§6.2.6",
    *(f"§6.2.7 {item}" for item in "abc"),
    *(f"§6.3.1 {item}" for item in "abc"),
    *(f"§6.3.2 {item}" for item in "abc"),
    *(f"§6.3.3 {item}" for item in "abc"),
    "§6.3.4",
    *(f"§6.3.5 {item}" for item in "abc"),
    *(f"§6.3.6 {item}" for item in "abcde"),
    "§7.1", "§7.2", "§7.3", "§7.4",
    *(f"§8.1 {item}" for item in "abc"),
    *(f"§8.2 {item}" for item in "abcd"),
    *(f"§8.3 {item}" for item in "abcd"),
    "§8.4",
    "附录 A.1", "附录 A.2", "附录 B", "附录 C",
    *(f"附录 D·{row}" for row in ("应用 logo", "应用名称", "应用图标", "主页 URL", "消息推送",
                                "页面框架", "页面文案", "页面操作")),
)
# Clauses of the standards the app also follows, beside DB31DSJ/Z 003 (rows may cite them;
# none is required): GB/T 37668-2019 信息技术 互联网内容无障碍可访问性技术要求与测试方法
# (WCAG 2.0-based: 可感知、可操作、可理解、兼容), and 工信部《移动互联网应用（APP）适老化通用设计
# 规范》/《互联网网站适老化通用设计规范》.
RELATED_CLAUSES: tuple[str, ...] = (
    *(f"GB/T 37668·{part}" for part in ("可感知", "可操作", "可理解", "兼容")),
    *(f"适老化·{part}" for part in ("字体大小", "长辈版", "对比度与色彩", "PC 端")),
)
APPLIES_TO = ("应用", "平台职责", "流程职责")
HEADER = ("条款", "要求", "适用", "实现", "证明")
CODE_SPAN = re.compile(r"`([^`]+)`")
# A feature's own tests: src/<package>/features/<name>/tests/…, frontend/src/features/<name>/tests/…
FEATURE_TEST = re.compile(r"(?:src/\w+|frontend/src)/features/\w+/tests/")


@dataclasses.dataclass(frozen=True)
class MatrixRow:
    clauses: tuple[str, ...]
    requirement: str
    applies_to: str
    implemented_in: str
    proved_by: str
    line: int

    @property
    def references(self) -> list[str]:
        spans = CODE_SPAN.findall(self.implemented_in) + CODE_SPAN.findall(self.proved_by)
        return [span for span in spans if is_reference(span)]

    @property
    def tests(self) -> list[str]:
        return [ref for ref in CODE_SPAN.findall(self.proved_by)
                if is_reference(ref) and (ref.startswith(("tests/", "frontend/tests/"))
                                          or FEATURE_TEST.match(ref))]

    @property
    def checks(self) -> list[str]:
        return [ref.removeprefix("compliance:") for ref in self.references
                if ref.startswith("compliance:")]

    @property
    def automated(self) -> bool:
        """Proved by a test or a self-test check (not only by a manual step)."""
        return bool(self.tests or self.checks)


def is_reference(span: str) -> bool:
    """A code span naming a file, a test or a check (commands with spaces are not)."""
    return "::" in span or span.startswith("compliance:") or not re.search(r"\s", span)


def resolve_reference(project_root: Path, reference: str, check_ids: tuple[str, ...]
                      ) -> str | None:
    """None when `reference` exists; else what is missing, in a sentence."""
    if reference.startswith("compliance:"):
        check = reference.removeprefix("compliance:")
        return None if check in check_ids else f"没有自检项 {check}"
    path_text, _, name = reference.partition("::")
    path = project_root / path_text
    if not path.exists():
        return f"文件不存在：{path_text}"
    if not name:
        return None
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".py":
        return None if _defines(text, name.split("[")[0]) else f"{path_text} 中没有 {name}"
    # A spec of the front end: the test's title (or a fixed part of it) is in the file.
    return None if name in text else f"{path_text} 中没有标题含“{name}”的测试"


def _defines(source: str, dotted: str) -> bool:
    """Whether `source` defines `Name` or `Class::method` at the top level."""
    body = ast.parse(source).body
    for part in dotted.split("::"):
        found = None
        for node in body:
            names = []
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names = [node.name]
            elif isinstance(node, ast.Assign):
                names = [target.id for target in node.targets if isinstance(target, ast.Name)]
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                names = [node.target.id]
            if part in names:
                found = node
                break
        if found is None:
            return False
        body = getattr(found, "body", [])
    return True


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def parse_matrix(text: str) -> list[MatrixRow]:
    """The rows of every table in `text` whose header is HEADER."""
    rows, in_table = [], False
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.lstrip().startswith("|"):
            in_table = False
            continue
        cells = _cells(line)
        if tuple(cells) == HEADER:
            in_table = True
            continue
        if not in_table or set("".join(cells)) <= set("-: "):
            continue
        if len(cells) != len(HEADER):
            raise ValueError(f"docs/compliance.md 第 {number} 行应有 {len(HEADER)} 列：{line}")
        clauses = tuple(part.strip() for part in cells[0].split("、") if part.strip())
        rows.append(MatrixRow(clauses, cells[1], cells[2], cells[3], cells[4], number))
    return rows


def load_matrix(project_root: Path) -> list[MatrixRow]:
    path = project_root / "docs" / "compliance.md"
    return parse_matrix(path.read_text(encoding="utf-8")) if path.is_file() else []


def clause_coverage(rows: list[MatrixRow]) -> dict[str, bool]:
    """For each required clause: True when some row proves it automatically."""
    coverage = dict.fromkeys(REQUIRED_CLAUSES, False)
    for row in rows:
        for clause in row.clauses:
            if clause in coverage:
                coverage[clause] = coverage[clause] or row.automated
    return coverage

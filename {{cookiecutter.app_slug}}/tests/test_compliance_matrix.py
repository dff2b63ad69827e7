"""docs/compliance.md stays true: every clause has a row, every reference resolves.

The matrix names files, tests (`tests/test_x.py::test_name`, front-end specs by title) and
self-test checks (`compliance:<id>`); a rename anywhere makes this test fail.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from devtools import PROJECT_ROOT
from devtools.compliance import CHECK_IDS
from devtools.compliance.matrix import (
    APPLIES_TO,
    RELATED_CLAUSES,
    REQUIRED_CLAUSES,
    clause_coverage,
    load_matrix,
    parse_matrix,
    resolve_reference,
)


@pytest.fixture(scope="module")
def rows():
    matrix = load_matrix(PROJECT_ROOT)
    assert matrix, "docs/compliance.md has no clause table"
    return matrix


def test_every_clause_of_the_standard_has_a_row(rows):
    covered = {clause for row in rows for clause in row.clauses}
    assert [clause for clause in REQUIRED_CLAUSES if clause not in covered] == []


def test_no_row_cites_a_clause_the_standard_does_not_have(rows):
    unknown = [(row.line, clause) for row in rows for clause in row.clauses
               if clause not in REQUIRED_CLAUSES + RELATED_CLAUSES]
    assert unknown == []


def test_every_row_says_who_it_applies_to(rows):
    assert [(row.line, row.applies_to) for row in rows if row.applies_to not in APPLIES_TO] == []


def test_every_row_is_proved_by_a_test_a_check_or_a_manual_step(rows):
    unproved = [row.line for row in rows if not row.automated and "人工" not in row.proved_by]
    assert unproved == []


def test_every_file_test_and_check_the_matrix_names_exists(rows):
    missing = [f"第 {row.line} 行：{problem}" for row in rows for reference in row.references
               if (problem := resolve_reference(PROJECT_ROOT, reference, CHECK_IDS))]
    assert missing == []


def test_every_row_of_the_app_names_where_it_is_implemented(rows):
    assert [row.line for row in rows if row.applies_to == "应用" and not row.references] == []


def test_most_clauses_are_proved_automatically(rows):
    coverage = clause_coverage(rows)
    automated = sum(coverage.values())
    print(f"\n{automated} of {len(coverage)} clauses are proved by a test or a check, "
          f"{len(coverage) - automated} by a manual step")
    assert automated >= len(coverage) * 2 // 3


MATRIX = """| 条款 | 要求 | 适用 | 实现 | 证明 |
|---|---|---|---|---|
| §6.2.4 d | 健康 | 应用 | `src/pkg/health.py` | `tests/test_health.py::test_healthz_is_real` |
| §8.1 b | 专人专岗 | 流程职责 | `docs/gone.md` | `compliance:no-such-check` |
| §7.3 | 下线 | 平台职责 | run `make check` | 人工：通知平台 |
"""


def test_a_renamed_test_a_missing_file_and_an_unknown_check_are_caught(tmp_path):
    (tmp_path / "src" / "pkg").mkdir(parents=True)
    (tmp_path / "src" / "pkg" / "health.py").write_text("def healthz(): ...\n", encoding="utf-8")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_health.py").write_text("def test_renamed(): ...\n",
                                                       encoding="utf-8")
    rows = parse_matrix(MATRIX)
    assert [row.clauses for row in rows] == [("§6.2.4 d",), ("§8.1 b",), ("§7.3",)]
    problems = [resolve_reference(tmp_path, reference, CHECK_IDS)
                for row in rows for reference in row.references]
    assert problems == [
        None,
        "tests/test_health.py 中没有 test_healthz_is_real",
        "文件不存在：docs/gone.md",
        "没有自检项 no-such-check",
    ]
    assert [row.automated for row in rows] == [True, True, False]


def test_front_end_specs_are_resolved_by_their_title(tmp_path):
    spec = tmp_path / "frontend" / "tests" / "a.spec.ts"
    spec.parent.mkdir(parents=True)
    spec.write_text("test('opens the item', async () => {})\n", encoding="utf-8")
    assert resolve_reference(tmp_path, "frontend/tests/a.spec.ts::opens the item", ()) is None
    assert resolve_reference(tmp_path, "frontend/tests/a.spec.ts::closes it", ()) is not None


def test_a_row_with_a_missing_cell_is_an_error():
    with pytest.raises(ValueError, match="5 列"):
        parse_matrix("| 条款 | 要求 | 适用 | 实现 | 证明 |\n|---|---|---|---|---|\n"
                     "| §5 | x | 应用 |\n")


def test_the_project_root_is_this_checkout():
    assert (PROJECT_ROOT / "docs" / "compliance.md").is_file()
    assert Path(__file__).resolve().parent.parent == PROJECT_ROOT

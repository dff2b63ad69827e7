"""What a compliance check answers: one row of the self-test report."""

from __future__ import annotations

import dataclasses

PASS = "pass"  # noqa: S105 - a status, not a password
FAIL = "fail"
MANUAL = "manual"
SKIPPED = "skipped"
STATUSES = (PASS, FAIL, MANUAL, SKIPPED)
STATUS_LABELS = {PASS: "通过", FAIL: "不通过", MANUAL: "需人工", SKIPPED: "跳过"}


@dataclasses.dataclass(frozen=True)
class CheckResult:
    """One requirement of DB31DSJ/Z 003 checked one way, with the evidence a reviewer reads."""

    check: str  # a stable id, e.g. "https-urls"
    clause: str  # e.g. "§8.3 b" or "附录 D·应用名称"
    requirement: str  # the requirement in a short Chinese sentence
    status: str
    evidence: str

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}")

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]

    def as_json(self) -> dict:
        return {**dataclasses.asdict(self), "label": self.label}


def summarize(results: list[CheckResult]) -> dict[str, int]:
    """How many results have each status, in STATUSES order."""
    return {status: sum(result.status == status for result in results) for status in STATUSES}

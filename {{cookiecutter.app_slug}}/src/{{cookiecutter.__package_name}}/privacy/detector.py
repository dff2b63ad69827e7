"""Find personal data inside free text, and mask it where it stands.

Used on every log record (DB31DSJ/Z 003 §8.2 c: 不落地 — a log file is a place data
lands). Candidates are confirmed where the format allows it: an 18-digit ID number
must carry a valid check digit (GB 11643), a bank card must pass the Luhn check, so
that order numbers and timestamps are left alone.
"""

from __future__ import annotations

import dataclasses
import re

from .masking import mask_bank_card, mask_email, mask_id_card, mask_mobile

MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ID_CARD = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")
BANK_CARD = re.compile(r"(?<![\d-])(?:\d[ -]?){12,18}\d(?![\d-])")
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# Credentials that must never be logged, masked whole (`name=value` or `"name": "value"`).
CREDENTIAL = re.compile(
    r"""(?P<name>access_token|corpsecret|secret|user_ticket|ticket|code|password|csrf_token)"""
    r"""(?P<sep>["']?\s*[:=]\s*["']?)(?P<value>[^\s&"',}]+)""", re.IGNORECASE)

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_DIGITS = "10X98765432"


def valid_id_card(number: str) -> bool:
    """GB 11643 check digit of an 18-character resident ID number."""
    total = sum(int(digit) * weight for digit, weight in zip(number[:17], ID_WEIGHTS, strict=True))
    return ID_CHECK_DIGITS[total % 11] == number[17].upper()


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


@dataclasses.dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int


def find_personal_data(text: str) -> list[Finding]:
    """Personal data in `text`, without overlaps (the first kind found wins)."""
    found: list[Finding] = []

    def add(kind: str, match: re.Match[str]) -> None:
        if not any(f.start < match.end() and match.start() < f.end for f in found):
            found.append(Finding(kind, match.start(), match.end()))

    for match in ID_CARD.finditer(text):
        if valid_id_card(match.group()):
            add("id_card", match)
    for match in BANK_CARD.finditer(text):
        digits = re.sub(r"[ -]", "", match.group())
        if 13 <= len(digits) <= 19 and luhn_valid(digits):
            add("bank_card", match)
    for match in MOBILE.finditer(text):
        add("mobile", match)
    for match in EMAIL.finditer(text):
        add("email", match)
    return sorted(found, key=lambda finding: finding.start)


MASKS = {"id_card": mask_id_card, "bank_card": mask_bank_card, "mobile": mask_mobile,
         "email": mask_email}


def mask_text(text: str) -> str:
    """`text` with credentials starred and every piece of personal data masked."""
    text = CREDENTIAL.sub(lambda m: f"{m.group('name')}{m.group('sep')}***", text)
    pieces, last = [], 0
    for finding in find_personal_data(text):
        pieces += [text[last:finding.start], MASKS[finding.kind](text[finding.start:finding.end])]
        last = finding.end
    return "".join(pieces) + text[last:]

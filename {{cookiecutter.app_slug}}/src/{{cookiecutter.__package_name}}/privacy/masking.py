"""Masking of personal data (DB31DSJ/Z 003 §8.2 c: 按照要求对用户隐私数据进行数据脱敏处理).

One function per kind, following the rules of Hutool's DesensitizedUtil, which
Chinese government systems commonly use: 138****1234 for a mobile number, and so on.
The server masks; a raw value never reaches the browser unless a use case needs it.
"""

from __future__ import annotations

import ipaddress


def _hide(value: str, keep_start: int, keep_end: int) -> str:
    """Keep `keep_start` leading and `keep_end` trailing characters, star the rest."""
    if not value or keep_start + keep_end >= len(value):
        return value
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[
        len(value) - keep_end:]


def mask_name(name: str) -> str:
    """姓名: the family name stays (段正淳 → 段**)."""
    return _hide(name.strip(), 1, 0)


def mask_mobile(mobile: str) -> str:
    """手机号: first 3 and last 4 (13812345678 → 138****5678)."""
    return _hide(mobile.strip(), 3, 4)


def mask_telephone(telephone: str) -> str:
    """固定电话: first 4 and last 2 (09157518479 → 0915*****79)."""
    return _hide(telephone.strip(), 4, 2)


def mask_id_card(id_number: str) -> str:
    """身份证号: first 1 and last 2 (51343620000320711X → 5***************1X)."""
    return _hide(id_number.strip(), 1, 2)


def mask_email(email: str) -> str:
    """电子邮箱: the first character and the domain (duandazhi@... → d********@...)."""
    email = email.strip()
    at = email.find("@")
    if at <= 1:
        return email
    return email[0] + "*" * (at - 1) + email[at:]


def mask_address(address: str, hidden: int = 8) -> str:
    """地址: the last `hidden` characters starred (the street and number go)."""
    address = address.strip()
    if len(address) <= hidden:
        return "*" * len(address)
    return address[:-hidden] + "*" * hidden


def mask_bank_card(card: str) -> str:
    """银行卡号: first 4 and last digits, stars in groups of 4 (1101 **** **** **** 3256)."""
    digits = "".join(card.split())
    if len(digits) < 9:
        return digits
    tail = len(digits) % 4 or 4
    middle = len(digits) - 4 - tail
    return " ".join([digits[:4], *(["****"] * (middle // 4)), digits[-tail:]])


def mask_ip(address: str) -> str:
    """IP 地址: the first group only (192.168.1.1 → 192.*.*.*, 2001:db8::1 → 2001:*:*:*:*:*:*:*)."""
    address = address.strip()
    try:
        version = ipaddress.ip_address(address).version
    except ValueError:
        return address
    if version == 4:
        return address.split(".")[0] + ".*.*.*"
    return address.split(":")[0] + ":*" * 7

"""The one place that decides what is sensitive and how it is shown (DB31DSJ/Z 003 §8.2)."""

from .masking import (
    mask_address,
    mask_bank_card,
    mask_email,
    mask_id_card,
    mask_ip,
    mask_mobile,
    mask_name,
    mask_telephone,
)

# WeCom's own list of sensitive profile fields (only from auth/getuserdetail after the
# user's consent, snsapi_privateinfo): 不保存、不落地 (§8.2 c).
SENSITIVE_PROFILE_FIELDS = ("mobile", "telephone", "email", "biz_mail", "address", "avatar",
                            "gender", "qr_code")
# Personal but not sensitive: 按应获得、用完清除 (§8.2 b).
PERSONAL_FIELDS = ("userid", "name", "department", "position")

__all__ = [
    "PERSONAL_FIELDS",
    "SENSITIVE_PROFILE_FIELDS",
    "mask_address",
    "mask_bank_card",
    "mask_email",
    "mask_id_card",
    "mask_ip",
    "mask_mobile",
    "mask_name",
    "mask_telephone",
]

"""Error codes the simulator answers with, and the exception that carries one.

Codes and English errmsg follow WeCom's global error code list. Where WeCom documents no
code for a case (message recall window, the platform's own todo API) the choice is noted.
"""

from __future__ import annotations

import secrets

ERRMSG: dict[int, str] = {
    -1: "system busy",
    0: "ok",
    40001: "invalid credential, secret is invalid",
    40004: "invalid media type",
    40005: "invalid type",
    40006: "invalid file size",
    40007: "invalid media_id",
    40008: "invalid message type",
    40013: "invalid corpid",
    40014: "invalid access_token",
    40029: "invalid code",
    40032: "invalid userid list size",
    40056: "invalid agentid",
    40058: "invalid parameter",
    40063: "some parameters are empty",
    # WeChat / WeCom global codes for a path no API answers and a wrong HTTP method.
    40066: "invalid url",
    41001: "access_token missing",
    41002: "corpid missing",
    41004: "corpsecret missing",
    41008: "missing code",
    41009: "missing userid",
    41010: "missing url",
    41016: "missing title",
    41033: "missing description",
    42001: "access_token expired",
    43001: "require GET method",
    43002: "require POST method",
    44001: "empty media data",
    44004: "empty content",
    45001: "media size out of limit",
    45002: "content size out of limit",
    45009: "api freq out of limit",
    48002: "api forbidden",
    50001: "redirect_url not trusted",
    60003: "department not found",
    60011: "no privilege to access/modify contact/party/agent",
    60111: "userid not found",
    # WeCom has no public code for an unknown record in the platform's todo API; 60136 is
    # WeCom's generic "record not exists".
    60136: "record not exists",
    81013: "user & party & tag all invalid",
    82001: "all touser & toparty & totag invalid or empty",
    # user_ticket errors: WeCom's 成员票据过期 / 成员票据无效 / 缺失user_ticket.
    84014: "user_ticket expired",
    84015: "invalid user_ticket",
    84025: "invalid state",
    84090: "missing user_ticket",
    86001: "invalid chatid",
    86003: "chatid not exist",
    86004: "invalid chat name",
    86005: "invalid chat owner",
    86006: "chat member count out of range",
    86007: "invalid chat member",
    86215: "chatid already exists",
}


class SimError(Exception):
    """A WeCom-style error answer: errcode, errmsg and any extra response fields."""

    def __init__(self, errcode: int, detail: str = "", **extra: object) -> None:
        self.errcode = errcode
        self.errmsg = ERRMSG.get(errcode, "error") + (f": {detail}" if detail else "")
        self.extra = extra
        super().__init__(f"{errcode} {self.errmsg}")

    def payload(self) -> dict:
        """The flat body; the hint mimics WeCom's suffix so clients learn not to parse errmsg."""
        return {
            "errcode": self.errcode,
            "errmsg": f"{self.errmsg}, hint: [{secrets.token_hex(8)}]",
            **self.extra,
        }

"""Message bodies for message/send and appchat/send: which msgtypes exist, what each needs.

The rules follow WeCom's 发送应用消息 page (developer.work.weixin.qq.com/document/path/90236)
and 应用推送消息 (path/90248). Where that page says a field "超过会自动截断" the simulator
truncates, exactly as the platform does, and accepts the message; where it gives a limit
without truncation, or a field is required, the simulator refuses, as the platform does.
Each rule is listed with its source in README.md (模拟器与真实平台一致之处).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .errors import SimError

# Every msgtype message/send documents (path/90236); appchat/send takes fewer (path/90248).
APP_MESSAGE_TYPES = (
    "text", "image", "voice", "video", "file", "textcard", "news", "mpnews", "markdown",
    "miniprogram_notice", "template_card",
)
CHAT_MESSAGE_TYPES = ("text", "image", "voice", "video", "file", "textcard", "news",
                      "mpnews", "markdown")
MEDIA_TYPES = ("image", "voice", "video", "file")
MAX_ARTICLES = 8
TEXT_LIMIT_BYTES = 2048
MEDIA_TTL = 3 * 24 * 3600  # temporary media live three days (path/90253)


def truncate_bytes(text: str, limit: int) -> str:
    """The longest prefix of `text` within `limit` UTF-8 bytes, never cutting a character."""
    return text.encode()[:limit].decode(errors="ignore")


def _text_field(content: dict, name: str, *, missing: int | None = None,
                max_bytes: int | None = None, truncate: bool = False,
                max_chars: int | None = None) -> None:
    """Check one string field in place: required (errcode `missing`), limited or truncated."""
    value = content.get(name)
    if value in (None, ""):
        if missing is not None:
            raise SimError(missing, f"{name} missing")
        return
    value = str(value)
    if max_chars is not None and len(value) > max_chars:
        value = value[:max_chars]  # only ever a truncating limit (btntxt)
    if max_bytes is not None and len(value.encode()) > max_bytes:
        if not truncate:
            raise SimError(45002, f"{name} longer than {max_bytes} bytes")
        value = truncate_bytes(value, max_bytes)
    content[name] = value


def _articles(content: dict, check: Callable[[dict], None]) -> None:
    articles = content.get("articles")
    if not isinstance(articles, list) or not 1 <= len(articles) <= MAX_ARTICLES:
        raise SimError(40058, f"articles must hold 1 to {MAX_ARTICLES} items")
    for article in articles:
        if not isinstance(article, dict):
            raise SimError(40058, "each article must be an object")
        check(article)


class MessageRules:
    """Validates (and truncates in place) the content object of one msgtype."""

    def __init__(self, media_lookup: Callable[[str], Any], now: Callable[[], float],
                 channel: str) -> None:
        self._media = media_lookup
        self._now = now
        self._channel = channel  # "app" (message/send) or "appchat"

    def check(self, body: dict) -> tuple[str, dict]:
        allowed = APP_MESSAGE_TYPES if self._channel == "app" else CHAT_MESSAGE_TYPES
        msgtype = body.get("msgtype")
        if msgtype not in allowed:
            raise SimError(40008)
        content = body.get(msgtype)
        if not isinstance(content, dict):
            raise SimError(40058, f"{msgtype} object missing")
        content = dict(content)
        getattr(self, f"_check_{msgtype}")(content)
        return msgtype, content

    def _media_id(self, value: Any, kind: str | None = None) -> None:
        media = self._media(str(value or ""))
        if media is None or self._now() - media.created_at >= MEDIA_TTL:
            raise SimError(40007, "unknown or expired media_id")
        if kind and media.media_type != kind:
            raise SimError(40007, f"media_id is not a {kind}")

    def _check_text(self, content: dict) -> None:
        if not str(content.get("content") or "").strip():
            raise SimError(44004)
        # path/90236: "最长不超过2048个字节，超过将截断"; path/90248 (appchat) gives no cut.
        _text_field(content, "content", max_bytes=TEXT_LIMIT_BYTES,
                    truncate=self._channel == "app")

    def _check_markdown(self, content: dict) -> None:
        if not str(content.get("content") or "").strip():
            raise SimError(44004)
        _text_field(content, "content", max_bytes=TEXT_LIMIT_BYTES)  # no cut documented

    def _check_image(self, content: dict) -> None:
        self._media_id(content.get("media_id"), "image")

    def _check_voice(self, content: dict) -> None:
        self._media_id(content.get("media_id"), "voice")

    def _check_file(self, content: dict) -> None:
        self._media_id(content.get("media_id"), "file")

    def _check_video(self, content: dict) -> None:
        self._media_id(content.get("media_id"), "video")
        # "不超过128个字节，超过会自动截断" / "不超过512个字节，超过会自动截断"
        _text_field(content, "title", max_bytes=128, truncate=True)
        _text_field(content, "description", max_bytes=512, truncate=True)

    def _check_textcard(self, content: dict) -> None:
        _text_field(content, "title", missing=41016, max_bytes=128, truncate=True)
        _text_field(content, "description", missing=41033, max_bytes=512, truncate=True)
        _text_field(content, "url", missing=41010, max_bytes=2048)
        # "按钮文字。默认为“详情”，不超过4个文字，超过自动截断。"
        _text_field(content, "btntxt", max_chars=4)

    def _check_news(self, content: dict) -> None:
        def article(item: dict) -> None:
            _text_field(item, "title", missing=41016, max_bytes=128, truncate=True)
            _text_field(item, "description", max_bytes=512, truncate=True)
            # A link is required: a url, or a mini program (appid + pagepath).
            if not item.get("url") and not (item.get("appid") and item.get("pagepath")):
                raise SimError(41010)
            _text_field(item, "url", max_bytes=2048)
        _articles(content, article)

    def _check_mpnews(self, content: dict) -> None:
        def article(item: dict) -> None:
            _text_field(item, "title", missing=41016, max_bytes=128, truncate=True)
            self._media_id(item.get("thumb_media_id"), "image")
            _text_field(item, "author", max_bytes=64, truncate=True)
            _text_field(item, "content", missing=44004, max_bytes=666 * 1024)
            _text_field(item, "digest", max_bytes=512, truncate=True)
        _articles(content, article)

    def _check_miniprogram_notice(self, content: dict) -> None:
        if not content.get("appid"):
            raise SimError(40058, "appid missing")
        # "长度限制4-12个汉字" is documented as a limit, not a cut: refused.
        title = str(content.get("title") or "")
        if not 4 <= len(title) <= 12:
            raise SimError(40058, "title must be 4-12 characters")

    def _check_template_card(self, content: dict) -> None:
        if content.get("card_type") not in ("text_notice", "news_notice", "button_interaction",
                                            "vote_interaction", "multiple_interaction"):
            raise SimError(40058, "unknown card_type")

"""JS-SDK signatures for wx.config (corp ticket) and wx.agentConfig (agent ticket).

DB31DSJ/Z 003 §6.3.4 and Appendix B: pages call the platform's front-end interface
(JS-SDK) after the backend signs their URL with a cached jsapi ticket.
"""

from __future__ import annotations

import hashlib
import secrets
import string
import time
from collections.abc import Callable
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

NONCE_ALPHABET = string.ascii_letters + string.digits
DEFAULT_PORTS = {"http": 80, "https": 443}
MAX_SIGNABLE_URL_LENGTH = 2048


class TicketSource(Protocol):
    """What `signature_for` needs from the platform client."""

    corp_id: str
    agent_id: str

    def jsapi_ticket(self, kind: str) -> str: ...


def sign(ticket: str, noncestr: str, timestamp: int | str, url: str) -> str:
    """The sha1 signature of a page URL, exactly as the JS-SDK checks it.

    Keys in this order, values not URL-encoded, the URL without its `#…` fragment.
    """
    page = url.split("#", 1)[0]
    plain = f"jsapi_ticket={ticket}&noncestr={noncestr}&timestamp={timestamp}&url={page}"
    # SHA-1 is the JS-SDK's algorithm, not our choice of a security hash.
    return hashlib.sha1(plain.encode("utf-8"), usedforsecurity=False).hexdigest()


def new_nonce(length: int = 16) -> str:
    """A random nonceStr of letters and digits."""
    return "".join(secrets.choice(NONCE_ALPHABET) for _ in range(length))


def signature_for(client: TicketSource, url: str, kind: str, *,
                  clock: Callable[[], float] = time.time,
                  nonce: Callable[[], str] = new_nonce) -> dict[str, Any]:
    """The fields the front end passes to wx.config ("corp") or wx.agentConfig ("agent").

    The caller must first check the URL with `is_signable`: signing any URL would let other
    sites use the app's JS-SDK permissions.
    """
    if kind not in ("corp", "agent"):
        raise ValueError(f"unknown signature kind {kind!r}; use 'corp' or 'agent'")
    timestamp = int(clock())
    nonce_str = nonce()
    signature = sign(client.jsapi_ticket(kind), nonce_str, timestamp, url)
    # nonceStr is camelCase on the JS side; the signed string spells it noncestr.
    if kind == "corp":
        return {"appId": client.corp_id, "timestamp": timestamp, "nonceStr": nonce_str,
                "signature": signature}
    return {"corpid": client.corp_id, "agentid": client.agent_id, "timestamp": timestamp,
            "nonceStr": nonce_str, "signature": signature}


def is_signable(url: str, app_base_url: str) -> bool:
    """True if `url` is a page of this app: same scheme, host and port, path under the base.

    Refuses user info (`https://app@evil`), other hosts, scheme-relative `//evil`,
    backslashes (browsers read `\\` as `/`), control characters and dot segments.
    """
    if not isinstance(url, str) or not url or len(url) > MAX_SIGNABLE_URL_LENGTH:
        return False
    if "\\" in url or any(ord(char) < 0x21 or ord(char) == 0x7F for char in url):
        return False
    try:
        page, base = urlsplit(url), urlsplit(app_base_url)
        page_port = page.port or DEFAULT_PORTS.get(page.scheme.lower())
        base_port = base.port or DEFAULT_PORTS.get(base.scheme.lower())
    except ValueError:
        return False
    if "@" in page.netloc or not page.hostname:
        return False
    if (page.scheme.lower(), page.hostname, page_port) != (
        base.scheme.lower(), base.hostname, base_port
    ):
        return False
    # Dot segments, encoded or not, could climb out of the base path.
    segments = unquote(page.path).split("/")
    if "." in segments or ".." in segments:
        return False
    base_path = base.path.rstrip("/")
    return page.path == base_path or page.path.startswith(base_path + "/") or (
        not base_path and not page.path
    )

"""JS-SDK signatures: the official vector, fragments, encoding, and which URLs may be signed."""

from __future__ import annotations

import pytest

from {{ cookiecutter.__package_name }}.platform.jssdk import (
    is_signable,
    new_nonce,
    sign,
    signature_for,
)

# The official WeCom test vector (developer.work.weixin.qq.com/document/path/96909).
TICKET = "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg"
NONCE = "Wm3WZYTPz0wzccnW"
TIMESTAMP = 1414587457
URL = "http://mp.weixin.qq.com?params=value"
OFFICIAL = "0f9de62fce790f9a083d5c99e95740ceb90c27ed"


def test_official_vector():
    assert sign(TICKET, NONCE, TIMESTAMP, URL) == OFFICIAL
    assert sign(TICKET, NONCE, str(TIMESTAMP), URL) == OFFICIAL


def test_the_fragment_is_not_signed():
    assert sign(TICKET, NONCE, TIMESTAMP, URL + "#/route") == OFFICIAL
    assert sign(TICKET, NONCE, TIMESTAMP, URL + "#") == OFFICIAL


def test_the_url_is_signed_as_given_not_encoded():
    encoded = "http%3A%2F%2Fmp.weixin.qq.com%3Fparams%3Dvalue"
    assert sign(TICKET, NONCE, TIMESTAMP, encoded) == "fc555b5603f3cd82d454a79af8ad7fabb2609276"
    # A trailing slash is part of the page address and changes the signature.
    slash = "http://mp.weixin.qq.com/?params=value"
    assert sign(TICKET, NONCE, TIMESTAMP, slash) == "f50191877b62b116ef830363a3a613ed652a2d5d"


class TicketSource:
    """The part of the platform client `signature_for` uses."""

    corp_id = "ww5f3c2b1a0d9e8f7a"
    agent_id = "1000002"

    def __init__(self) -> None:
        self.kinds: list[str] = []

    def jsapi_ticket(self, kind: str) -> str:
        self.kinds.append(kind)
        return TICKET if kind == "corp" else "agent-" + TICKET


def test_corp_signature_has_the_wx_config_fields():
    source = TicketSource()

    fields = signature_for(source, URL + "#/home", "corp", clock=lambda: TIMESTAMP + 0.7,
                           nonce=lambda: NONCE)

    assert fields == {"appId": "ww5f3c2b1a0d9e8f7a", "timestamp": TIMESTAMP, "nonceStr": NONCE,
                      "signature": OFFICIAL}
    assert source.kinds == ["corp"]


def test_agent_signature_uses_the_agent_ticket_and_has_the_agent_config_fields():
    source = TicketSource()

    fields = signature_for(source, URL, "agent", clock=lambda: TIMESTAMP, nonce=lambda: NONCE)

    assert fields == {"corpid": "ww5f3c2b1a0d9e8f7a", "agentid": "1000002",
                      "timestamp": TIMESTAMP, "nonceStr": NONCE,
                      "signature": sign("agent-" + TICKET, NONCE, TIMESTAMP, URL)}
    assert fields["signature"] != OFFICIAL
    assert source.kinds == ["agent"]


def test_unknown_signature_kind_is_refused():
    with pytest.raises(ValueError, match="kind"):
        signature_for(TicketSource(), URL, "both")


def test_nonces_are_random_letters_and_digits():
    nonces = {new_nonce() for _ in range(50)}
    assert len(nonces) == 50
    assert all(len(n) == 16 and n.isascii() and n.isalnum() for n in nonces)


BASE = "https://app.example.gov.cn"
BASE_WITH_PATH = "https://app.example.gov.cn/h5"


@pytest.mark.parametrize(
    ("url", "base"),
    [
        ("https://app.example.gov.cn/", BASE),
        ("https://app.example.gov.cn", BASE),
        ("https://app.example.gov.cn/#/items/1", BASE),
        ("https://app.example.gov.cn/items?id=1&tab=2", BASE),
        ("https://APP.Example.gov.cn/items", BASE),
        ("https://app.example.gov.cn:443/items", BASE),
        ("https://app.example.gov.cn/", BASE + "/"),
        ("https://app.example.gov.cn/h5", BASE_WITH_PATH),
        ("https://app.example.gov.cn/h5/", BASE_WITH_PATH),
        ("https://app.example.gov.cn/h5/items?id=1#/x", BASE_WITH_PATH),
        ("http://127.0.0.1:5000/", "http://127.0.0.1:5000"),
    ],
)
def test_pages_of_the_app_are_signable(url, base):
    assert is_signable(url, base) is True


@pytest.mark.parametrize(
    ("url", "base"),
    [
        ("http://app.example.gov.cn/", BASE),  # another scheme
        ("https://evil.example/", BASE),
        ("https://app.example.gov.cn.evil.example/", BASE),
        ("https://evil.example/https://app.example.gov.cn/", BASE),
        ("https://app.example.gov.cn@evil.example/", BASE),  # user info
        ("https://user:pw@app.example.gov.cn/", BASE),
        ("https://app.example.gov.cn:8443/", BASE),  # another port
        ("https://app.example.gov.cn:99999/", BASE),  # no port at all
        ("//evil.example/", BASE),  # scheme-relative
        ("///evil.example/", BASE),
        ("/items", BASE),  # relative
        ("https:\\\\evil.example\\", BASE),  # browsers read backslashes as slashes
        ("https://app.example.gov.cn\\@evil.example/", BASE),
        # Python sees one odd segment; a browser reads /h5/../../admin and climbs out.
        ("https://app.example.gov.cn/h5/\\..\\..\\admin", BASE_WITH_PATH),
        ("https://app.example.gov.cn/h5evil", BASE_WITH_PATH),  # not under the base path
        ("https://app.example.gov.cn/", BASE_WITH_PATH),
        ("https://app.example.gov.cn/h5/../admin", BASE_WITH_PATH),  # climbs out
        ("https://app.example.gov.cn/h5/%2e%2e/admin", BASE_WITH_PATH),
        ("https://app.example.gov.cn/a b", BASE),  # not a browser's location.href
        ("https://app.example.gov.cn/\nSet-Cookie:x", BASE),
        ("javascript:alert(1)//app.example.gov.cn", BASE),
        ("", BASE),
        ("https://app.example.gov.cn/" + "a" * 2100, BASE),
    ],
)
def test_other_urls_are_not_signable(url, base):
    assert is_signable(url, base) is False

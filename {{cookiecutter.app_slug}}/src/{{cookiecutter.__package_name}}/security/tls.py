"""The server-side TLS context: Mozilla's "intermediate" configuration in Python's `ssl`.

DB31DSJ/Z 003 §8.3 b: 应用的链接地址应为 HTTPS 的安全域名。HTTPS 传输协议应支持
TLS v1.2 或 TLS V1.3. Mozilla's intermediate profile (guidelines 5.7 and 6.0) is exactly
that: TLS 1.2 and 1.3 only, forward-secret AEAD suites only, and no server cipher
preference (every suite offered is strong, so the client picks what its hardware does
fastest). It still serves the oldest clients Mozilla lists (Android 4.4.2, Java 8u161),
which matters for old WeCom / 政务微信 WebViews.

Used by `deploy/gunicorn.conf.py` when gunicorn terminates TLS itself (GUNICORN_CERTFILE
and GUNICORN_KEYFILE set); behind nginx, `deploy/nginx.conf` holds the same settings.
"""

from __future__ import annotations

import os
import ssl

# Mozilla intermediate, TLS 1.2: ECDHE key exchange with AES-GCM or ChaCha20-Poly1305.
# (Guidelines 5.7 also listed three DHE suites; 6.0 dropped them, and so do we.)
MOZILLA_INTERMEDIATE_CIPHERS = (
    "ECDHE-ECDSA-AES128-GCM-SHA256",
    "ECDHE-RSA-AES128-GCM-SHA256",
    "ECDHE-ECDSA-AES256-GCM-SHA384",
    "ECDHE-RSA-AES256-GCM-SHA384",
    "ECDHE-ECDSA-CHACHA20-POLY1305",
    "ECDHE-RSA-CHACHA20-POLY1305",
)
# TLS 1.3 suites are not set through `set_ciphers`: OpenSSL's default three
# (AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305) are exactly Mozilla's.
MOZILLA_INTERMEDIATE_GROUPS = ("X25519", "prime256v1", "secp384r1")
# When only one group can be set (below): the one every intermediate client supports.
SINGLE_GROUP = "prime256v1"


def server_context(certfile: str | os.PathLike[str],
                   keyfile: str | os.PathLike[str] | None = None) -> ssl.SSLContext:
    """A server `SSLContext` for `certfile` (leaf first, then intermediates) and `keyfile`.

    DB31DSJ/Z 003 §8.3 b: TLS v1.2 and v1.3 only, with Mozilla's intermediate suites.
    Raises `OSError` / `ssl.SSLError` when the files are missing or do not match.
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.maximum_version = ssl.TLSVersion.MAXIMUM_SUPPORTED
    context.set_ciphers(":".join(MOZILLA_INTERMEDIATE_CIPHERS))
    # No TLS compression (CRIME). Python sets it already; say so explicitly.
    context.options |= ssl.OP_NO_COMPRESSION
    # Mozilla intermediate: no server cipher preference. Python turns it on by default.
    context.options &= ~ssl.OP_CIPHER_SERVER_PREFERENCE
    # Refuse client-initiated renegotiation (TLS 1.2), a cheap way to load the server.
    context.options |= ssl.OP_NO_RENEGOTIATION
    _set_key_exchange_groups(context)
    context.load_cert_chain(certfile, keyfile)
    return context


def _set_key_exchange_groups(context: ssl.SSLContext) -> None:
    """Mozilla's groups where Python can set a list; else P-256 alone.

    Left alone, OpenSSL also offers X448 and secp521r1, which the profile excludes.
    `SSLContext.set_ecdh_curve` takes a single name on the Pythons this app supports;
    newer Pythons have `set_groups` for the whole list. With P-256 alone, a TLS 1.3 client
    that guessed X25519 gets one HelloRetryRequest (a round trip); nginx has no such limit.
    """
    set_groups = getattr(context, "set_groups", None)
    if set_groups is not None:
        set_groups(":".join(MOZILLA_INTERMEDIATE_GROUPS))
    else:
        context.set_ecdh_curve(SINGLE_GROUP)

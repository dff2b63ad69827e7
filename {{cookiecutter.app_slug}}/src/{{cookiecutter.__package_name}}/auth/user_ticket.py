"""The platform's user_ticket, kept so that nothing in the database can use it.

After the user consents (snsapi_privateinfo, DB31DSJ/Z 003 §8.2 d) the platform gives a
user_ticket: for 30 minutes it fetches the user's raw mobile, email and address
(auth/getuserdetail). The 我的 page reads them live and shows them masked, never storing
them (§8.2 c 不保存、不落地); for that the ticket must outlive the consent request.

It is kept sealed (AES-256-GCM) in the session's row with a key derived from the
session cookie. The cookie's token lives only in the browser (the row is keyed by its
SHA-256 digest), so a copy of the database, with or without the environment's secrets,
opens no ticket: only a request of that very session does. The row's digest is the
associated data, so a sealed ticket moved to another row does not open either.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import time

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import request

from ..extensions import db
from .models import LoginSession
from .sessions import SESSION_COOKIE, cookie_name, session_row

USER_TICKET_SECONDS = 1800  # the platform's user_ticket lifetime
TICKET_MAX = 512  # what the platform issues; longer is not a ticket
NONCE_BYTES = 12
KEY_PURPOSE = b"ywxt user_ticket v1"


def _key(session_token: str) -> bytes:
    return hmac.new(session_token.encode(), KEY_PURPOSE, hashlib.sha256).digest()


def seal(session_token: str, row: LoginSession, ticket: str) -> str:
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(_key(session_token)).encrypt(nonce, ticket.encode(),
                                                 row.token_digest.encode())
    return base64.urlsafe_b64encode(nonce + sealed).decode()


def unseal(session_token: str, row: LoginSession) -> str | None:
    try:
        raw = base64.urlsafe_b64decode(row.user_ticket_sealed or "")
        opened = AESGCM(_key(session_token)).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:],
                                                     row.token_digest.encode())
    except (InvalidTag, ValueError, binascii.Error):
        return None
    return opened.decode()


def keep_user_ticket(ticket: str) -> bool:
    """Seal the consent's ticket into this request's session; False if there is none."""
    token = request.cookies.get(cookie_name(SESSION_COOKIE))
    row = session_row()
    if not token or row is None or len(ticket) > TICKET_MAX:
        return False
    row.user_ticket_sealed = seal(token, row, ticket)
    row.user_ticket_expires_at = int(time.time()) + USER_TICKET_SECONDS
    db.session.commit()
    return True


def current_user_ticket() -> str | None:
    """This session's user_ticket while it is valid, else None."""
    token = request.cookies.get(cookie_name(SESSION_COOKIE))
    row = session_row()
    if (not token or row is None or not row.user_ticket_sealed
            or (row.user_ticket_expires_at or 0) < time.time()):
        return None
    return unseal(token, row)


def drop_user_ticket() -> None:
    """Forget this session's ticket (consent withdrawn)."""
    row = session_row()
    if row is not None:
        row.user_ticket_sealed = row.user_ticket_expires_at = None
        db.session.commit()

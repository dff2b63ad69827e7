"""Server-side login state: pending logins (the OAuth `state`) and sessions.

Only the userid and the display name are kept (DB31DSJ/Z 003 §8.2 b: 按应获得);
tokens are stored as SHA-256 digests, so a copy of the database cannot be replayed
as a cookie, and the platform's user_ticket only sealed with a key the browser holds
(auth/user_ticket.py), so a copy cannot fetch anyone's personal data either. A client
address is kept only as a keyed digest, to count logins in progress per address. Times
are Unix seconds: the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class PendingLogin(Model):
    """One login in progress: the OAuth `state`, bound to the browser and to `next`."""

    __tablename__ = "pending_login"

    state: Mapped[str] = mapped_column(String(64), primary_key=True)
    browser_digest: Mapped[str] = mapped_column(String(64))
    next_path: Mapped[str] = mapped_column(String(2048))
    scope: Mapped[str] = mapped_column(String(32), default="snsapi_base")
    expires_at: Mapped[int] = mapped_column(Integer, index=True)
    # OpenID Connect logins only (the `oidc` option): the PKCE verifier and ID-token nonce stay
    # here, never in a cookie or a URL; the row is deleted when the callback arrives.
    code_verifier: Mapped[str | None] = mapped_column(String(128), nullable=True)
    nonce: Mapped[str | None] = mapped_column(String(128), nullable=True)
    # Who started it, as HMAC(secret key, client address): logins in progress are capped
    # per address (auth/views.py admit_pending_login), and the address itself is not kept.
    origin: Mapped[str | None] = mapped_column(String(32), nullable=True)

    __table_args__ = (Index("ix_pending_login_origin_expires_at", "origin", "expires_at"),)


class LoginSession(Model):
    """A logged-in browser. The cookie holds a random token; the table its digest."""

    __tablename__ = "login_session"

    token_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    userid: Mapped[str] = mapped_column(String(64), index=True)
    display_name: Mapped[str] = mapped_column(String(64))
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[int] = mapped_column(Integer)
    last_seen_at: Mapped[int] = mapped_column(Integer, index=True)
    # After consent (snsapi_privateinfo) only: lets the app read the sensitive profile
    # for 30 minutes without storing it (§8.2 c 不落地). Sealed (AES-GCM) with a key derived
    # from the session cookie, which only the browser holds (auth/user_ticket.py): the
    # database alone cannot fetch the profile. Cleared on withdrawal and logout.
    user_ticket_sealed: Mapped[str | None] = mapped_column(String(1024), nullable=True)
    user_ticket_expires_at: Mapped[int | None] = mapped_column(Integer, nullable=True)

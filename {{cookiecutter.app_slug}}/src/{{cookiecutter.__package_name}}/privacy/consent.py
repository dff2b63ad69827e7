"""Consent to read the sensitive profile (DB31DSJ/Z 003 §8.2 d: 告知用户并获得用户授权).

A record says who agreed to what and when, and when they withdrew; it never holds
the values themselves.
"""

from __future__ import annotations

import time

from sqlalchemy import Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model, db

# What the profile page shows after consent, and tells the user before asking.
CONSENTED_FIELDS = ("mobile", "email", "address")


class ConsentRecord(Model):
    __tablename__ = "consent_record"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    userid: Mapped[str] = mapped_column(String(64), index=True)
    fields: Mapped[str] = mapped_column(String(128))
    granted_at: Mapped[int] = mapped_column(Integer)
    withdrawn_at: Mapped[int | None] = mapped_column(Integer, nullable=True)


def current_consent(userid: str) -> ConsentRecord | None:
    """The user's consent in force, if any."""
    return db.session.scalars(
        select(ConsentRecord)
        .where(ConsentRecord.userid == userid, ConsentRecord.withdrawn_at.is_(None))
        .order_by(ConsentRecord.id.desc())
    ).first()


def record_consent(userid: str) -> ConsentRecord:
    """The platform confirmed the user's consent: remember that (not the data)."""
    existing = current_consent(userid)
    if existing is not None:
        return existing
    record = ConsentRecord(userid=userid, fields=",".join(CONSENTED_FIELDS),
                           granted_at=int(time.time()))
    db.session.add(record)
    db.session.commit()
    return record


def withdraw_consent(userid: str) -> bool:
    """Withdraw the consent in force; False if there was none."""
    record = current_consent(userid)
    if record is None:
        return False
    record.withdrawn_at = int(time.time())
    db.session.commit()
    return True

"""我的: the profile, the consent flow for the sensitive fields, and the contact search."""

from __future__ import annotations

import time

from flask import Blueprint, jsonify, request
from sqlalchemy import or_, select

from ..auth import current_user, login_required
from ..auth.sessions import session_row
from ..auth.views import SCOPE_PRIVATEINFO, begin_login, bind_browser
from ..contacts import Contact, find_contact
from ..extensions import db
from ..items.models import iso
from ..platform import get_client
from ..privacy import mask_address, mask_email, mask_mobile
from ..privacy.consent import current_consent, withdraw_consent

bp = Blueprint("api_profile", __name__, url_prefix="/api")

CONTACT_LIMIT = 50
CONTACT_QUERY_MAX = 32
MASKS = {"mobile": mask_mobile, "email": mask_email, "address": mask_address}


def masked_sensitive_profile() -> dict | None:
    """The sensitive fields, masked, read from the platform now and kept nowhere (§8.2 c).

    Only while the session holds a valid user_ticket, i.e. after the user's consent.
    """
    row = session_row()
    if row is None or not row.user_ticket or (row.user_ticket_expires_at or 0) < time.time():
        return None
    detail = get_client().user_detail(row.user_ticket)
    return {field: mask(str(detail.get(field) or "")) for field, mask in MASKS.items()}


@bp.get("/profile")
@login_required
def profile():
    user = current_user()
    contact = find_contact(user.userid)
    db.session.commit()  # a contact fetched from the platform is kept (按应获得)
    consent = current_consent(user.userid)
    return {
        "userid": user.userid,
        "name": user.name,
        "department": contact.department_name if contact else "",
        "position": contact.position if contact else "",
        "sensitive": masked_sensitive_profile() if consent else None,
        "consent": {"granted": consent is not None,
                    "granted_at": iso(consent.granted_at) if consent else None},
    }


@bp.post("/consent")
@login_required
def grant_consent():
    """Start the platform's consent (snsapi_privateinfo); the user agreed in the app first."""
    url, browser = begin_login("/#/profile", scope=SCOPE_PRIVATEINFO, in_client=True)
    return bind_browser(jsonify(authorize_url=url), browser)


@bp.delete("/consent")
@login_required
def revoke_consent():
    withdraw_consent(current_user().userid)
    row = session_row()
    if row is not None:
        row.user_ticket = row.user_ticket_expires_at = None
        db.session.commit()
    return "", 204


@bp.get("/contacts")
@login_required
def search_contacts():
    """Colleagues in the app's visible range, for the picker outside the platform client."""
    query = select(Contact).order_by(Contact.department_id, Contact.name).limit(CONTACT_LIMIT)
    # Printable characters only: a NUL would make PostgreSQL refuse the query (a 500).
    text = "".join(char for char in request.args.get("q", "") if char.isprintable())
    text = text.strip()[:CONTACT_QUERY_MAX]
    if text:
        like = f"%{text}%"
        query = query.where(or_(Contact.name.like(like), Contact.userid.like(like),
                                Contact.department_name.like(like)))
    return {"users": [contact.as_json() for contact in db.session.scalars(query)]}

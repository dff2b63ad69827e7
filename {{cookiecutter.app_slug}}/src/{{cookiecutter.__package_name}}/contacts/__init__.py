"""Contacts of the app's visible range (DB31DSJ/Z 003 §6.3.5 b–c), non-sensitive only.

`sync_contacts` walks the departments the app is authorised for and their members,
keeps userid, name, department and position (§8.2 b–c), and removes members who
left or fell out of the visible range. Run it with `flask --app wsgi contacts sync`
on a schedule (see the README) and whenever the visible range changes.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select

from ..extensions import db
from ..platform import PlatformClient, PlatformError, get_client
from .models import Contact, Department

__all__ = ["Contact", "Department", "SyncReport", "find_contact", "sync_contacts"]

# 60111: userid not found; 60011 / 60020 / 48002: outside the app's privileges or range.
NOT_VISIBLE_CODES = frozenset({60111, 60011, 60020, 48002})


@dataclasses.dataclass
class SyncReport:
    departments: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0


def _primary_department(member: dict[str, Any], visible: dict[int, str]) -> int:
    """The main department, unless the app cannot see it: then the first one it can."""
    departments = [int(dept) for dept in member.get("department") or [0]]
    main = int(member.get("main_department") or departments[0])
    if main in visible:
        return main
    return next((dept for dept in departments if dept in visible), main)


def _apply(contact: Contact, member: dict[str, Any], names: dict[int, str], now: int) -> bool:
    """Copy the non-sensitive fields of a platform member; True when something changed."""
    department_id = _primary_department(member, names)
    fields = {
        "name": str(member.get("name") or contact.userid)[:64],
        "department_id": department_id,
        "department_name": names.get(department_id, "")[:64],
    }
    if "position" in member:
        fields["position"] = str(member.get("position") or "")[:64]
    changed = any(getattr(contact, key) != value for key, value in fields.items())
    for key, value in fields.items():
        setattr(contact, key, value)
    contact.synced_at = now
    return changed


def _department_names() -> dict[int, str]:
    return {dept_id: name for dept_id, name in db.session.execute(select(Department.id,
                                                                          Department.name))}


def find_contact(userid: str) -> Contact | None:
    """A colleague within the visible range: from the synced table, else asked of the platform.

    按应获得 (§8.2 b): an unknown userid is looked up once and kept like a synced one.
    Userids are case-insensitive on the platform, so its spelling is the one kept.
    """
    contact = db.session.get(Contact, userid)
    if contact is not None:
        return contact
    try:
        member = get_client().get_user(userid)
    except PlatformError as error:
        if error.errcode in NOT_VISIBLE_CODES:
            return None
        raise
    known = db.session.get(Contact, str(member["userid"]))
    if known is not None:
        return known
    contact = Contact(userid=str(member["userid"]), position="")
    _apply(contact, member, _department_names(), int(time.time()))
    db.session.add(contact)
    return contact


def _visible_member(client: PlatformClient, userid: str) -> dict[str, Any] | None:
    """The member's profile if the app may still see them, else None (left or out of range)."""
    try:
        return client.get_user(userid)
    except PlatformError as error:
        if error.errcode in NOT_VISIBLE_CODES:
            return None
        raise


def sync_contacts(now: int | None = None) -> SyncReport:
    """Bring the contact table in line with the platform's view of the visible range.

    Everything is read from the platform first and written in one transaction after:
    a platform failure half-way changes nothing, and no write lock is held while the
    platform answers (on SQLite that lock would block the key-operation recorder).
    """
    now = int(time.time()) if now is None else now
    client = get_client()
    departments = client.list_departments()
    names = {int(dept["id"]): str(dept.get("name", "")) for dept in departments}
    members: dict[str, dict[str, Any]] = {}
    for dept_id in names:
        for member in client.list_department_users(dept_id):
            members.setdefault(str(member["userid"]), member)
    known = set(db.session.scalars(select(Contact.userid)))
    # simplelist has no position: ask once for the members we have not seen.
    details = {userid: client.get_user(userid) for userid in members if userid not in known}
    # Members visible one by one (not through a department) appear in no simplelist:
    # ask about each contact the walk did not meet, and keep those the app may still see.
    for userid in sorted(known - members.keys()):
        visible = _visible_member(client, userid)
        if visible is not None:
            members[userid] = visible

    report = SyncReport(departments=len(names))
    for dept in departments:
        row = db.session.get(Department, int(dept["id"])) or Department(id=int(dept["id"]))
        row.name = names[row.id][:64]
        row.parent_id = int(dept.get("parentid") or 0)
        row.synced_at = now
        db.session.add(row)
    for userid, member in members.items():
        contact = db.session.get(Contact, userid)
        if contact is None:
            contact = Contact(userid=userid, position="")
            _apply(contact, {**member, **details.get(userid, {})}, names, now)
            db.session.add(contact)
            report.added += 1
        elif _apply(contact, member, names, now):
            report.updated += 1
    db.session.flush()
    db.session.execute(delete(Department).where(Department.id.not_in(list(names))))
    # 用完清除 (§8.2 b): members who left the range are removed.
    removed = cast("CursorResult[Any]", db.session.execute(
        delete(Contact).where(Contact.userid.not_in(list(members)))))
    report.removed = removed.rowcount or 0
    db.session.commit()
    return report

"""The contacts the app is authorised to see, kept to non-sensitive fields only.

DB31DSJ/Z 003 §6.3.5 b–c: the app syncs the members and departments of its visible
range through the platform API. §8.2 b–c: only userid, name, department and
position are kept; mobile, email, address and the like are never stored.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model


class Department(Model):
    __tablename__ = "department"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(64))
    parent_id: Mapped[int] = mapped_column(Integer, default=0)
    synced_at: Mapped[int] = mapped_column(Integer)


class Contact(Model):
    __tablename__ = "contact"

    userid: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    department_id: Mapped[int] = mapped_column(Integer, index=True)
    department_name: Mapped[str] = mapped_column(String(64), default="")
    position: Mapped[str] = mapped_column(String(64), default="")
    synced_at: Mapped[int] = mapped_column(Integer)

    def as_json(self) -> dict[str, Any]:
        return {"userid": self.userid, "name": self.name,
                "department": self.department_name, "position": self.position}

"""Times as the app stores them (integer Unix seconds) and shows them (ISO 8601, UTC)."""

from __future__ import annotations

from datetime import UTC, datetime


def iso(timestamp: int | None) -> str | None:
    return datetime.fromtimestamp(timestamp, UTC).isoformat() if timestamp else None

"""Times as the app stores them (integer Unix seconds) and shows them (ISO 8601, UTC)."""

from __future__ import annotations

import functools
from datetime import UTC, datetime


# Lists show the same items again and again: each of their times is formatted once.
@functools.lru_cache(maxsize=4096)
def iso(timestamp: int | None) -> str | None:
    return datetime.fromtimestamp(timestamp, UTC).isoformat() if timestamp else None

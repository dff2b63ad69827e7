"""Files at rest are readable by the app's own user only (DB31DSJ/Z 003 §8.2).

The embedded database, the instance folder, the platform token cache and backups hold
personal data or credentials. The process umask is tightened when the app starts (0o077
on top of whatever it was), so every file the process creates afterwards is owner-only,
whoever creates it: SQLite and its journals, Alembic, the token store, `data export`.
Files an earlier version created with wider modes are narrowed at start as well.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)

PRIVATE_UMASK = 0o077
PRIVATE_FOLDER = 0o700
PRIVATE_FILE = 0o600
# SQLite keeps its journal beside the database, under these suffixes.
SQLITE_COMPANIONS = ("", "-journal", "-wal", "-shm")


def restrict_umask() -> int:
    """Add 0o077 to the process umask; returns the umask now in force."""
    previous = os.umask(PRIVATE_UMASK)
    os.umask(previous | PRIVATE_UMASK)
    return previous | PRIVATE_UMASK


def make_private(path: Path, mode: int) -> None:
    """Narrow `path` to `mode` if it allows more; a file someone else owns is left, with a
    warning (the operator's setup, not ours to change)."""
    try:
        current = stat.S_IMODE(path.stat().st_mode)
        if current & ~mode:
            os.chmod(path, current & mode)
    except FileNotFoundError:
        return
    except PermissionError:
        log.warning("cannot restrict the permissions of %s (owned by another user)", path)


def sqlite_file(database_url: str) -> Path | None:
    """The database file of an embedded (SQLite) database URL, else None."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def protect_files_at_rest(instance_path: str | os.PathLike[str], database_url: str) -> None:
    """Owner-only from now on, and for what is already there."""
    restrict_umask()
    instance = Path(instance_path)
    instance.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    make_private(instance, PRIVATE_FOLDER)
    for child in instance.iterdir():
        if child.is_file() and not child.is_symlink():
            make_private(child, PRIVATE_FILE)  # the token cache and its lock, an old database
    database = sqlite_file(database_url)
    if database is not None:
        for suffix in SQLITE_COMPANIONS:
            make_private(database.with_name(database.name + suffix), PRIVATE_FILE)

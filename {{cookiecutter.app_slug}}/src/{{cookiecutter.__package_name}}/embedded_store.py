"""The embedded cache (cache = embedded): what the workers of one machine share, no server.

- Platform tokens and tickets: a file in the instance folder, beside the embedded
  database, locked across processes (platform/file_token_store.py).
- Login sessions: with the embedded database, copies in each worker's memory, dropped in
  every worker the moment any session ends (auth/worker_session_cache.py). With
  PostgreSQL, which other machines may share, none: every request reads its session from
  the database (auth/session_cache.py).

Another machine keeps its own token file and fetches its own tokens: several machines
need a cache server, chosen at generation.
"""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask

from .auth.session_cache import NoSessionCache, SessionCache
from .auth.worker_session_cache import EndedSessions, WorkerSessionCache
from .platform.file_token_store import FileTokenStore
from .security.files import sqlite_file

log = logging.getLogger(__name__)

# It holds credentials: FileTokenStore writes it readable by the app's user only (0600).
CACHE_FILE_NAME = "ywxt-tokens.json"


def init_app(app: Flask) -> None:
    """Bind the app's token store and session cache."""
    app.extensions["token_store"] = FileTokenStore(Path(app.instance_path) / CACHE_FILE_NAME)
    app.extensions["session_cache"] = session_cache(app.config["SETTINGS"].database_url)


def session_cache(database_url: str) -> SessionCache:
    """Copies in each worker when the database is a file: everything that can end a session
    then runs on this machine and shares the count of ended sessions kept beside it."""
    database = sqlite_file(database_url)
    if database is None:
        return NoSessionCache()
    try:
        return WorkerSessionCache(EndedSessions.beside(database))
    except OSError as error:
        # The database's folder is missing or read-only: the database cannot work either,
        # and /healthz says so. Until it does, read every session from it.
        log.warning("no session copies: cannot create %s (%s)", error.filename,
                    type(error).__name__)
        return NoSessionCache()

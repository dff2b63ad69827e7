"""The embedded cache (cache = embedded): what the workers of one machine share, no server.

- Platform tokens and tickets: a file in the instance folder, beside the embedded
  database, locked across processes (platform/file_token_store.py).
- Login sessions: no copies; every request reads its session from the database
  (auth/session_cache.py says why).

Another machine keeps its own token file and fetches its own tokens: several machines
need a cache server, chosen at generation.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from .auth.session_cache import NoSessionCache
from .platform.file_token_store import FileTokenStore

# It holds credentials: FileTokenStore writes it readable by the app's user only (0600).
CACHE_FILE_NAME = "ywxt-tokens.json"


def init_app(app: Flask) -> None:
    """Bind the app's token store and session cache."""
    app.extensions["token_store"] = FileTokenStore(Path(app.instance_path) / CACHE_FILE_NAME)
    app.extensions["session_cache"] = NoSessionCache()

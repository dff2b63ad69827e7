"""The embedded token store: one JSON file in the instance folder, for one machine's workers.

No server is needed. The workers of another machine keep a file of their own, and so fetch
their own tokens; several machines share one store only with a cache server.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import json
import logging
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from .token_store import REFRESH_MARGIN_SECONDS, CachedValue, TokenStore

log = logging.getLogger(__name__)


class FileTokenStore(TokenStore):
    """Values in one JSON file shared by the workers of one machine, locked with flock.

    Readers never lock: the file is replaced atomically, so they see the old or the new
    version, never half of one. Refreshes hold an exclusive `flock` on a lock file beside
    it; the kernel drops the lock if its holder dies, so a crashed worker blocks nobody.
    """

    def __init__(self, path: str | os.PathLike[str], *, clock: Callable[[], float] = time.time,
                 refresh_margin: float = REFRESH_MARGIN_SECONDS) -> None:
        super().__init__(clock=clock, refresh_margin=refresh_margin)
        self.path = Path(path)
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        # The lock is held per thread: a ticket fetch that refreshes the token re-enters it.
        self._held = threading.local()

    def _read(self, key: str) -> CachedValue | None:
        return CachedValue.from_json(self._load().get(key))

    def _load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            log.warning("token cache %s unreadable; values will be fetched again", self.path)
            return {}
        return data if isinstance(data, dict) else {}

    def _write(self, key: str, entry: CachedValue, expires_in: int) -> None:
        # Called with the lock held, so this read-modify-write loses no other key.
        data = self._load()
        now = self._clock()
        data = {k: v for k, v in data.items() if isinstance(v, dict)
                and isinstance(v.get("expires_at"), int | float) and v["expires_at"] > now}
        data[key] = dataclasses.asdict(entry)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # mkstemp creates the file 0600: only the app's own user may read credentials.
        fd, temp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, self.path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)
            raise

    @contextlib.contextmanager
    def _exclusive(self, key: str, *, wait: bool) -> Iterator[bool]:
        if getattr(self._held, "depth", 0):
            self._held.depth += 1
            try:
                yield True
            finally:
                self._held.depth -= 1
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # A fresh descriptor per acquisition: flock excludes other threads' descriptors too.
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError:
                yield False
                return
            self._held.depth = 1
            try:
                yield True
            finally:
                self._held.depth = 0
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

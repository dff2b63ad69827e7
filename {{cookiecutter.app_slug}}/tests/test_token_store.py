"""The in-process and the embedded token store: the shared contract, then the file's own rules."""

from __future__ import annotations

import functools
import os

import pytest

from {{ cookiecutter.__package_name }}.platform.file_token_store import (
    FileTokenStore,
)
from {{ cookiecutter.__package_name }}.platform.token_store import (
    MemoryTokenStore,
    TokenStore,
)

from .contracts import (
    KEY,
    CountingFetch,
    SharedByProcessesContract,
    TokenStoreContract,
    WallClock,
)


class TestMemoryTokenStore(TokenStoreContract):
    @pytest.fixture
    def make_store(self):
        stores: list[TokenStore] = []

        def build(**kwargs) -> TokenStore:
            # One process only: every "worker" of a test uses the same memory store.
            if not stores:
                stores.append(MemoryTokenStore(**kwargs))
            return stores[0]

        return build


class TestFileTokenStore(TokenStoreContract, SharedByProcessesContract):
    @pytest.fixture
    def path(self, tmp_path):
        return tmp_path / "instance" / "ywxt-tokens.json"

    @pytest.fixture
    def make_store(self, path):
        return functools.partial(FileTokenStore, path)

    @pytest.fixture
    def store_builder(self, path):
        return functools.partial(FileTokenStore, str(path))

    def test_credentials_stay_private(self, path):
        store = FileTokenStore(path, clock=WallClock())

        store.get(KEY, CountingFetch())

        assert os.stat(path).st_mode & 0o777 == 0o600
        assert os.stat(store.lock_path).st_mode & 0o777 == 0o600
        assert store.lock_path.parent == path.parent
        # Written by replacing the file: no temporary file is left beside it.
        assert sorted(p.name for p in path.parent.iterdir()) == [path.name,
                                                                  store.lock_path.name]

    def test_another_instance_reads_what_one_wrote(self, path):
        clock = WallClock()
        FileTokenStore(path, clock=clock).get(KEY, CountingFetch())

        unused = CountingFetch()
        assert FileTokenStore(path, clock=clock).get(KEY, unused) == "tok-1"
        assert unused.calls == 0

    def test_a_damaged_file_is_fetched_again(self, path):
        path.parent.mkdir()
        path.write_text("{not json", encoding="utf-8")
        store = FileTokenStore(path, clock=WallClock())

        assert store.get(KEY, CountingFetch()) == "tok-1"
        assert store.get(KEY, CountingFetch()) == "tok-1"

    def test_expired_values_are_dropped_when_writing(self, path):
        clock = WallClock()
        store = FileTokenStore(path, clock=clock)
        store.get("old", lambda: ("old-value", 60))
        clock.now += 120

        store.get("new", lambda: ("new-value", 7200))

        assert "old-value" not in path.read_text(encoding="utf-8")
        assert store.peek("new") == "new-value"


def test_the_embedded_cache_keeps_tokens_in_the_instance_folder(make_config, make_app):
    """Every worker of one machine shares the file; the embedded cache needs no server."""
    app = make_app(make_config(cache="embedded"))
    store = app.extensions["ywxt"].token_store
    assert isinstance(store, FileTokenStore)
    assert str(store.path.parent) == app.instance_path

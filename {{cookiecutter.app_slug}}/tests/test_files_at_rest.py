"""Files at rest are the app's own user's only (security/files.py, DB31DSJ/Z 003 §8.2).

The embedded database was once created 0644: anyone on the machine could read every
item and message. The app now tightens the process umask when it starts and narrows what
an earlier version left readable.
"""

from __future__ import annotations

import os
import stat

import pytest

from {{ cookiecutter.__package_name }}.extensions import db

from .fixtures import tables_created


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def usual_umask():
    """The umask a shell usually gives (0o022), as before the app starts; restored after."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_what_a_fresh_app_creates_is_owner_only(usual_umask, make_config, make_app, tmp_path):
    instance = tmp_path / "instance"
    database = tmp_path / "fresh.db"
    app = make_app(make_config(database_url=f"sqlite:///{database}"))
    with tables_created(app):
        assert mode(instance) == 0o700
        assert mode(database) == 0o600
        # Whatever the process writes from now on: the token cache, a log, an export.
        later = instance / "written-later.json"
        later.write_text("{}", encoding="utf-8")
        assert mode(later) == 0o600


def test_the_token_cache_is_owner_only(usual_umask, make_config, make_app, sim):
    # The embedded cache's token file: every bake has that store, whatever its cache option.
    app = make_app(make_config(cache="embedded", ywxt_api_base=sim.base_url,
                               ywxt_secret="sim-secret-5f3c2b1a0d9e8f7a"))
    with tables_created(app):
        assert app.test_client().get("/healthz").status_code == 200  # fetches the token
        cache = app.extensions["ywxt"].token_store.path
        assert mode(cache) == 0o600
        assert mode(cache.with_name(cache.name + ".lock")) == 0o600


def test_what_an_earlier_version_left_readable_is_narrowed_at_start(usual_umask, make_config,
                                                                    make_app, tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir(mode=0o755)
    database = instance / "app.db"
    for path in (database, instance / "app.db-journal", instance / "ywxt-tokens.json"):
        path.write_bytes(b"")
        path.chmod(0o644)
    os.chmod(instance, 0o755)  # noqa: S103 - what an earlier version left
    app = make_app(make_config(database_url=f"sqlite:///{database}"))
    assert mode(instance) == 0o700
    for path in (database, instance / "app.db-journal", instance / "ywxt-tokens.json"):
        assert mode(path) == 0o600, path.name
    with app.app_context():
        db.engine.dispose()

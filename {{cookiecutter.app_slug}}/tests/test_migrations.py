"""The migrations build the schema the models describe (Flask-Migrate / Alembic).

The core's migrations and each feature's own branch (features/<name>/migrations) together:
`flask db upgrade` applies every head.
"""

from __future__ import annotations

from alembic.script import ScriptDirectory
from flask_migrate import check, upgrade
from sqlalchemy import text

from {{ cookiecutter.__package_name }} import features
from {{ cookiecutter.__package_name }}.extensions import db, migrate


def test_upgrade_then_check_finds_no_pending_model_changes(make_config, make_app):
    app = make_app(make_config())
    with app.app_context():
        upgrade(revision="heads")
        # Raises if a model changed without a migration to match it.
        check()


def test_flask_db_upgrade_applies_the_core_and_every_feature(make_config, make_app):
    app = make_app(make_config())
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        script = ScriptDirectory.from_config(migrate.get_config())
        applied = set(db.session.scalars(text("SELECT version_num FROM alembic_version")))
        assert applied == set(script.get_heads())
        for feature in features.installed(app):
            assert script.get_revision(f"{feature.name}@head").revision in applied
        db.engine.dispose()

"""The migrations build the schema the models describe (Flask-Migrate / Alembic)."""

from __future__ import annotations

from flask_migrate import check, upgrade


def test_upgrade_then_check_finds_no_pending_model_changes(make_config, make_app):
    app = make_app(make_config())
    with app.app_context():
        upgrade()
        # Raises if a model changed without a migration to match it.
        check()

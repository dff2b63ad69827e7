"""Flask commands, registered in one place. Each is a thin shell over a testable function."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from .config import Config


def describe_settings(settings: Config) -> list[tuple[str, str]]:
    """The settings an operator needs to see, with every secret left out."""
    return [
        ("APP_ENV", settings.app_env),
        ("APP_BASE_URL", settings.app_base_url),
        ("DATABASE_URL", _without_password(settings.database_url)),
        ("REDIS_URL", _without_password(settings.redis_url or "") or "（未使用）"),
        ("YWXT_API_BASE", settings.ywxt_api_base),
        ("YWXT_CORP_ID", settings.ywxt_corp_id),
        ("YWXT_AGENT_ID", settings.ywxt_agent_id),
        ("YWXT_PC_AGENT_ID", settings.ywxt_pc_agent_id),
        ("YWXT_PORTAL_ORIGINS", ", ".join(settings.ywxt_portal_origins) or "（无）"),
        ("TRUSTED_PROXY_HOPS", str(settings.trusted_proxy_hops)),
        ("FLASK_SECRET_KEY", "已设置（不显示）"),
        ("YWXT_SECRET", "已设置（不显示）"),
    ]


def _without_password(url: str) -> str:
    from sqlalchemy.engine import make_url

    if not url or "@" not in url:
        return url
    return make_url(url).render_as_string(hide_password=True)


@click.command("settings")
@with_appcontext
def settings_command() -> None:
    """显示当前生效的配置（不显示密钥）。"""
    for name, value in describe_settings(current_app.config["SETTINGS"]):
        click.echo(f"{name:<22}{value}")


def register_commands(app: Flask) -> None:
    app.cli.add_command(settings_command)

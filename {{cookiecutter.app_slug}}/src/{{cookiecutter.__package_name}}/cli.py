"""Flask commands, registered in one place. Each is a thin shell over a testable function.

These are the commands production runs. The development toolkit's (`compliance check`)
live in devtools/cli.py; wsgi.py adds them in a checkout.
"""

from __future__ import annotations

import copy
import signal
import threading
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from flask_migrate.cli import db as flask_migrate_group

from . import features
from .config import Config
from .contacts import sync_contacts
from .data_export import (
    DataImportError,
    ExportSection,
    describe_counts,
    dumps,
    export_data,
    import_data,
    read_backup,
    write_backup,
)
from .inbox.export import SECTION as INBOX_SECTION
from .outbox.relay import Relay, backlog, replay_dead
from .platform import get_client
from .reports import flush_reports


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


outbox_group = AppGroup("outbox", help="待办、消息的可靠投递（发件箱）。")


def build_relay() -> Relay:
    return Relay(get_client(), features.deliveries())


@outbox_group.command("run")
@click.option("--once", is_flag=True, help="投递当前到期的全部内容后退出（供 cron 调用）。")
@click.option("--idle-seconds", default=1.0, show_default=True,
              help="无待投递内容时的等待秒数。")
def outbox_run(once: bool, idle_seconds: float) -> None:
    """投递待办、消息和关键操作数据到一网协同平台。"""
    relay = build_relay()
    if once:
        stats = relay.run_once(limit=10_000)
        reported = flush_reports(relay.client)
        paused = "（平台连续失败，已暂停）" if stats.paused else ""
        click.echo(f"已投递 {stats.delivered}，待重试 {stats.retried}，放弃 {stats.dead}，"
                   f"上报关键操作 {reported}{paused}")
        return
    stop = threading.Event()
    # SIGTERM (a rolling update, `kill`) finishes the row in hand, then stops.
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    click.echo("发件箱投递已启动，Ctrl-C 停止。")
    try:
        relay.run_forever(stop, idle_seconds, after_each=lambda: flush_reports(relay.client))
    except KeyboardInterrupt:
        stop.set()


@outbox_group.command("status")
def outbox_status() -> None:
    """显示待投递数量、最早等待时长和已放弃的条目。"""
    waiting = backlog()
    click.echo(f"待投递 {waiting.pending} 条，已放弃 {waiting.dead} 条，"
               f"最早一条已等待 {waiting.oldest_age_seconds} 秒")


@outbox_group.command("replay")
@click.option("--id", "row_id", type=int, default=None, help="只重新投递这一条。")
def outbox_replay(row_id: int | None) -> None:
    """让已放弃的条目重新进入投递（修复原因后使用）。"""
    click.echo(f"已重新排队 {replay_dead(row_id)} 条")


contacts_group = AppGroup("contacts", help="通讯录（§6.3.5）。")


@contacts_group.command("sync")
def contacts_sync() -> None:
    """从平台同步可见范围内的部门和成员（只保存非敏感字段）。"""
    report = sync_contacts()
    click.echo(f"部门 {report.departments} 个；成员新增 {report.added}，更新 {report.updated}，"
               f"移除 {report.removed}")


data_group = AppGroup("data", help="应用数据的备份与迁移（§7.4 应用注销前的数据备份或迁移）。")


def backup_sections() -> list[ExportSection]:
    """What a backup holds: the inbox's messages and each feature's records."""
    return [INBOX_SECTION, *features.export_sections()]


@data_group.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def data_export(path: Path) -> None:
    """把站内消息和各业务功能的数据导出为 JSON 备份文件（不含通讯录、会话、令牌和发件箱）。"""
    sections = backup_sections()
    document = export_data(sections)
    write_backup(path, dumps(document))
    counts = {section.key: len(document[section.key]) for section in sections}
    click.echo(f"已导出{describe_counts(sections, counts)}到 {path}")
    waiting = backlog()
    if waiting.pending or waiting.dead:
        # Deliveries in flight are not part of the backup: the platform should hear them
        # from this deployment before it is shut down.
        click.echo(f"注意：发件箱还有 {waiting.pending + waiting.dead} 条未投递到平台，"
                   "迁移前请先运行 flask outbox run --once 或 flask outbox status 查看。", err=True)


@data_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def data_import(path: Path) -> None:
    """把 data export 导出的备份导入到空数据库（非空数据库或文件有误时不做任何修改）。"""
    sections = backup_sections()
    try:
        counts = import_data(read_backup(path), sections)
    except DataImportError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"已导入{describe_counts(sections, counts)}")


def migration_group() -> click.Group:
    """Flask-Migrate's `flask db`, whose `upgrade` goes to every head by default.

    The core's migrations and each feature's (features/<name>/migrations) are branches of
    one history, so there is one head per branch: `flask db upgrade` applies them all
    ("heads"), where Flask-Migrate's default ("head") would refuse.
    """
    upgrade = copy.copy(flask_migrate_group.commands["upgrade"])
    upgrade.params = [copy.copy(param) for param in upgrade.params]
    for param in upgrade.params:
        if param.name == "revision":
            param.default = "heads"
    group: click.Group = copy.copy(flask_migrate_group)
    group.commands = {**flask_migrate_group.commands, "upgrade": upgrade}
    return group


def register_commands(app: Flask) -> None:
    app.cli.add_command(settings_command)
    app.cli.add_command(outbox_group)
    app.cli.add_command(contacts_group)
    app.cli.add_command(data_group)
    app.cli.add_command(migration_group())  # replaces the `db` of Migrate.init_app

"""Flask commands, registered in one place. Each is a thin shell over a testable function.

These are the commands production runs. The development toolkit's (`compliance check`)
live in devtools/cli.py; wsgi.py adds them in a checkout.
"""

from __future__ import annotations

import copy
import dataclasses
import ipaddress
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

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
from .platform import (
    MemoryTokenStore,
    PlatformClient,
    PlatformError,
    PlatformUnavailable,
    get_client,
)
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


def stop_on_signal(stop: threading.Event) -> Callable[[int, object], None]:
    """A signal handler that sets `stop` from a thread of its own.

    A handler runs in the main thread between two steps of whatever it was doing, perhaps
    inside `stop.wait()` with the event's own lock held: calling `stop.set()` there waits on that
    lock forever (seen as a relay that outlived `make dev`'s Ctrl-C). The helper thread takes
    the lock once the main thread lets it go.
    """

    def handler(signum: int, frame: object) -> None:
        threading.Thread(target=stop.set, name="stop-on-signal", daemon=True).start()

    return handler


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
    signal.signal(signal.SIGTERM, stop_on_signal(stop))
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


# What an errcode from gettoken or a ticket most often means when an app is first connected.
PREFLIGHT_ERRCODES = {
    41002: "YWXT_CORP_ID 为空：填平台管理后台分配的组织 ID（CorpID）。",
    40013: "平台不认识这个 YWXT_CORP_ID：核对组织 ID（CorpID），注意测试环境与正式环境不同。",
    41004: "YWXT_SECRET 为空：填应用的 Secret（应用管理页面查看）。",
    40001: "YWXT_SECRET 不对，或已在平台重置：到应用管理页面重新查看，"
           "并确认它属于 YWXT_AGENT_ID 这个应用。",
    40091: "YWXT_SECRET 不对，或已在平台重置：到应用管理页面重新查看。",
    60020: "服务器的出口 IP 不在应用的可信 IP 中：请平台管理方登记本服务器的"
           "公网或政务外网出口 IP。",
    48002: "这个应用没有调用该接口的权限：请平台管理方开通（通用能力申请，§6.2.4 c）。",
}


@dataclasses.dataclass(frozen=True)
class PreflightResult:
    name: str
    ok: bool | None  # None: cannot be checked from the server, a person must look
    detail: str


def _is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _explain_platform_error(error: PlatformError | PlatformUnavailable, what: str) -> str:
    if isinstance(error, PlatformUnavailable):
        return (f"{what}失败：连不上 YWXT_API_BASE（网络、代理、防火墙或地址有误）："
                f"{type(error).__name__}")
    return PREFLIGHT_ERRCODES.get(error.errcode, f"{what}失败：平台返回 errcode {error.errcode}"
                                  f"（{error.errmsg}），含义见平台接口文档。")


def preflight(settings: Config, client: PlatformClient) -> list[PreflightResult]:
    """Check the configuration against the configured platform, one finding per item."""
    results = []
    base, api = settings.app_base_url, settings.ywxt_api_base
    if _is_loopback(base) and not _is_loopback(api):
        results.append(PreflightResult("应用地址", False, (
            f"APP_BASE_URL 是本机地址（{base}）：平台的授权回调、待办和消息链接会指向用户自己的"
            "电脑。改为在平台登记的 HTTPS 域名。")))
    elif urlsplit(base).scheme != "https" and not _is_loopback(api):
        results.append(PreflightResult("应用地址", False,
                                       f"APP_BASE_URL 不是 HTTPS（{base}）：§8.3 b 要求 HTTPS。"))
    else:
        host = urlsplit(base).hostname
        results.append(PreflightResult("应用地址", True, (
            f"{base}；请确认平台中“可信域名”和“授权回调域名”都登记为 {host}，"
            f"回调地址为 {base.rstrip('/')}/auth/callback")))
    try:
        client.ensure_access_token()
    except (PlatformError, PlatformUnavailable) as error:
        results.append(PreflightResult("CorpID 与 Secret（gettoken）", False,
                                       _explain_platform_error(error, "获取 access_token ")))
        return results  # every later call needs the token
    results.append(PreflightResult("CorpID 与 Secret（gettoken）", True, "已取得 access_token"))
    for kind, name, used_by in (("corp", "企业 jsapi_ticket", "wx.config"),
                                ("agent", "应用 jsapi_ticket", "wx.agentConfig")):
        try:
            client.jsapi_ticket(kind)
        except (PlatformError, PlatformUnavailable) as error:
            results.append(PreflightResult(name, False, _explain_platform_error(
                error, f"获取 {used_by} 所需的票据")))
        else:
            results.append(PreflightResult(name, True, f"已取得（{used_by} 签名用）"))
    results.append(PreflightResult("AgentID", None, (
        f"YWXT_AGENT_ID={settings.ywxt_agent_id}：服务端接口无法单独核对。第一次在平台客户端"
        "打开应用时，若 wx.agentConfig 报错且提示 agentid，即为此项填错。")))
    return results


@click.group("platform")
def platform_group() -> None:
    """一网协同平台的接入检查。"""


@platform_group.command("check")
@with_appcontext
def platform_check_command() -> None:
    """对照配置的平台检查接入配置（CorpID、Secret、票据、回调域名），逐项说明。"""
    settings = current_app.config["SETTINGS"]
    # A fresh token store: the check must ask the platform, not trust a cached token.
    client = PlatformClient(settings, token_store=MemoryTokenStore())
    click.echo(f"平台：{settings.ywxt_api_base}    应用：{settings.app_base_url}")
    results = preflight(settings, client)
    marks = {True: "通过", False: "不通过", None: "需人工确认"}
    for result in results:
        click.echo(f"[{marks[result.ok]}] {result.name}：{result.detail}")
    failed = [result for result in results if result.ok is False]
    if failed:
        raise click.ClickException(
            f"{len(failed)} 项不通过，改好 .env 或部署环境中的配置后再运行。")
    click.echo("接入配置检查通过。")


def register_commands(app: Flask) -> None:
    app.cli.add_command(settings_command)
    app.cli.add_command(outbox_group)
    app.cli.add_command(contacts_group)
    app.cli.add_command(data_group)
    app.cli.add_command(platform_group)
    app.cli.add_command(migration_group())  # replaces the `db` of Migrate.init_app

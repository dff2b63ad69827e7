"""The toolkit's flask commands: `flask --app wsgi compliance check`, `feature new`.

wsgi.py adds them to the app when devtools/ is beside it (a checkout, CI); a production
image has no devtools/ and so only the app's own commands (the package's cli.py).
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from . import PROJECT_ROOT
from .compliance import format_table, run_compliance_check, write_report
from .scaffold import ScaffoldError, create_feature

compliance_group = AppGroup("compliance", help="DB31DSJ/Z 003 合规自检与上线后巡检（§8.3 a、c）。")


@compliance_group.command("check")
@click.option("--url", help="同时巡检已部署的应用，例如 https://app.example.gov.cn（§8.3 c）。")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("docs/self-test-report.md"), show_default=True,
              help="报告文件（Markdown；同名 .json 为机器可读版本）。")
@click.option("--offline", is_flag=True, help="不运行需要联网的依赖漏洞审计。")
@click.option("--live-only", is_flag=True, help="只做 --url 的线上检查（上线后的定期巡检用）。")
@click.option("--cafile", type=click.Path(exists=True, dir_okay=False),
              help="校验线上证书用的 CA 文件（内网自建 CA 时使用）。")
def compliance_check(url: str | None, output: Path, offline: bool, live_only: bool,
                     cafile: str | None) -> None:
    """运行全部自动检查，打印结果表并写入自测报告；有不通过项时退出码为 1。"""
    if live_only and not url:
        raise click.UsageError("--live-only 需要同时给出 --url")
    report = run_compliance_check(current_app.config["SETTINGS"],
                                  current_app.jinja_env.globals["app_name"], url=url,
                                  offline=offline, live_only=live_only, cafile=cafile)
    click.echo(format_table(report))
    json_path = write_report(report, output)
    click.echo(f"报告已写入 {output} 和 {json_path}")
    if report.failed:
        raise SystemExit(1)


feature_group = AppGroup("feature", help="业务功能（features/<名称>/）：按同一模式新建。")


@feature_group.command("new")
@click.argument("name")
@click.option("--title", required=True,
              help="功能的中文名，例如 请假申请（工作台、消息和备份中显示）。")
def feature_new(name: str, title: str) -> None:
    """新建一个业务功能：后端（模型、服务、接口、待办投递、迁移、测试）和前端页面，并登记。

    NAME 为小写字母开头的英文名，例如 leave 或 leave_request。
    """
    package_root = Path(current_app.root_path)
    try:
        written = create_feature(PROJECT_ROOT, package_root, name, title)
    except ScaffoldError as error:
        click.echo(f"错误：{error}", err=True)
        raise SystemExit(1) from None
    for path in written:
        click.echo(f"  已写入 {path.relative_to(PROJECT_ROOT)}")
    click.echo(f"功能“{title}”（{name}）已创建并登记。接下来：\n"
               "  flask --app wsgi db upgrade      建表\n"
               f"  .venv/bin/pytest src/{package_root.name}/features/{name}  运行它的测试\n"
               "  make api-types                   接口改动后重新生成前端类型\n"
               "  make dev                         在工作台上看到它")


def register_toolkit_commands(app: Flask) -> None:
    app.cli.add_command(compliance_group)
    app.cli.add_command(feature_group)

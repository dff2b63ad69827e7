"""Bake with bad answers: generation stops in pre_gen_project with a Chinese message.

A refused bake is cheap (the hook runs before any file is rendered), so every rule gets
its own case. The message is read from the hook's stderr (capfd), as the user sees it.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cookiecutter.exceptions import FailedHookException
from cookiecutter.main import cookiecutter

TEMPLATE_DIR = Path(__file__).resolve().parent.parent
COOKIECUTTER_CLI = Path(sys.executable).parent / "cookiecutter"
DEFAULT_BANNED = json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text(encoding="utf-8"))[
    "_banned_name_words"
]

# (override, fragment of the message the user must see)
REJECTED = [
    ({"app_name": "协"}, "共 1 个字，应为 2–8 个字"),
    ({"app_name": "一二三四五六七八九"}, "共 9 个字，应为 2–8 个字"),
    ({"app_name": "微信助手"}, "包含禁用词“微信”"),
    ({"app_name": "测试助手"}, "包含禁用词“测试”"),
    ({"app_name": "免费助手"}, "包含禁用词“免费”"),
    ({"app_name": "协同!"}, "包含特殊字符“!”"),
    ({"app_name": "协同 事项"}, "包含特殊字符“空格”"),
    ({"app_name": "协同😀"}, "包含特殊字符“😀”"),
    ({"app_name": '协同"事项'}, '包含特殊字符“"”'),  # a quote must not break the hook
    ({"app_slug": "XieTong"}, "格式不正确"),
    ({"app_slug": "xietong_shixiang"}, "格式不正确"),
    ({"app_slug": "2xietong"}, "格式不正确"),
    ({"app_slug": "x" * 41}, "不能超过 40 个"),
    ({"app_slug": "json"}, "与 Python 标准库模块同名"),
    ({"app_slug": "class"}, "是 Python 关键字"),
    ({"page_width_mode": "fixed", "fixed_page_width": "759"}, "759px 超出范围"),
    ({"page_width_mode": "fixed", "fixed_page_width": "951"}, "951px 超出范围"),
    ({"page_width_mode": "fixed", "fixed_page_width": "abc"}, "“abc”不是整数"),
    ({"app_domain": "http://xietong.example.gov.cn"}, "必须使用 HTTPS"),
    ({"app_domain": "https://xietong.example.gov.cn/app"}, "不应包含路径“/app”"),
    ({"portal_origins": "http://portal.example.gov.cn"}, "门户地址“http://portal.example.gov.cn”"),
    ({"app_description": " "}, "应用描述不能为空"),
    ({"app_description": "述" * 201}, "不能超过 200 个字"),
    ({"developer_org": ""}, "应用开发商不能为空"),
    ({"handles_work_secrets": True, "database": "sqlite"}, "处理工作秘密的应用不能使用 SQLite"),
    # cookiecutter turns the text "yes" into a bool before the hook sees it.
    ({"handles_work_secrets": "yes"}, "处理工作秘密的应用不能使用 SQLite"),
    ({"terminals": "mobile", "portal_origins": "https://portal.example.gov.cn"}, "不含网页端"),
    ({"terminals": "mobile+pc", "portal_origins": "https://portal.example.gov.cn"}, "不含网页端"),
]


def _fixture_id(ctx: dict) -> str:
    return "-".join(f"{key}:{str(value)[:20]}" for key, value in ctx.items())


def project_folders(tmp_path: Path) -> list[Path]:
    """Whatever pytest-cookies' bake folders (tmp_path/cookies/bakeNN) still hold."""
    return sorted((tmp_path / "cookies").glob("bake*/*"))


def bake(cookies, context: dict, override: dict, template: Path = TEMPLATE_DIR):
    return cookies.bake(extra_context={**context, **override}, template=str(template))


def assert_refused(result, tmp_path: Path) -> None:
    assert result.exit_code != 0
    assert isinstance(result.exception, FailedHookException), result.exception
    assert project_folders(tmp_path) == [], "a refused bake leaves no project folder"


@pytest.mark.parametrize(
    ("override", "fragment"), REJECTED, ids=[_fixture_id(o) for o, _ in REJECTED]
)
def test_rejected_input_stops_generation(cookies, context, tmp_path, capfd, override, fragment):
    result = bake(cookies, context, override)
    assert_refused(result, tmp_path)
    err = capfd.readouterr().err
    assert "无法生成应用：以下 1 项输入不符合" in err
    assert fragment in err


def test_every_problem_is_reported_in_one_run(cookies, context, tmp_path, capfd):
    override = {"app_name": "测试!", "app_domain": "http://x.gov.cn", "fixed_page_width": "abc"}
    result = bake(cookies, context, {**override, "page_width_mode": "fixed"})
    assert_refused(result, tmp_path)
    err = capfd.readouterr().err
    assert "以下 4 项输入不符合" in err
    for number in range(1, 5):
        assert f"  {number}. " in err


def test_banned_word_added_through_extra_context_is_refused(cookies, context, tmp_path, capfd):
    # A dict, because cookiecutter lets extra_context only narrow a list variable.
    assert isinstance(DEFAULT_BANNED, dict)
    extension = {"协同": "平台管理方追加"}
    result = bake(cookies, context, {"app_name": "协同事项", "_banned_name_words": extension})
    assert_refused(result, tmp_path)
    assert "包含禁用词“协同”" in capfd.readouterr().err


@pytest.fixture
def dict_banned_template(tmp_path: Path) -> Path:
    """A copy of the template whose banned words are a dict (the extendable shape)."""
    template = tmp_path / "template"
    (template / "hooks").mkdir(parents=True)
    shutil.copy(TEMPLATE_DIR / "hooks" / "pre_gen_project.py", template / "hooks")
    (template / "{{cookiecutter.app_slug}}").mkdir()
    (template / "{{cookiecutter.app_slug}}" / "README.md").write_text("x", encoding="utf-8")
    answers = json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text(encoding="utf-8"))
    answers["_banned_name_words"] = {word: "附录 D 表 D.1" for word in ["微信", "测试", "免费"]}
    (template / "cookiecutter.json").write_text(json.dumps(answers, ensure_ascii=False), "utf-8")
    return template


def test_dict_banned_words_extend_through_extra_context(
    cookies, context, tmp_path, capfd, dict_banned_template
):
    override = {"app_name": "微信协同", "_banned_name_words": {"协同": "平台管理方追加"}}
    result = bake(cookies, context, override, template=dict_banned_template)
    assert_refused(result, tmp_path)
    err = capfd.readouterr().err
    assert "包含禁用词“协同”" in err  # the platform's word
    assert "包含禁用词“微信”" in err  # the standard's words stay


def test_dict_banned_words_extend_through_a_config_file(tmp_path, capfd, dict_banned_template):
    config = tmp_path / "platform.yaml"
    config.write_text(
        f"replay_dir: '{tmp_path / 'replay'}'\n"
        "default_context:\n"
        "  _banned_name_words:\n"
        "    协同: 平台管理方追加\n",
        encoding="utf-8",
    )
    with pytest.raises(FailedHookException):
        cookiecutter(
            str(dict_banned_template),
            no_input=True,
            output_dir=str(tmp_path / "out"),
            config_file=str(config),
        )
    assert "包含禁用词“协同”" in capfd.readouterr().err
    assert list((tmp_path / "out").iterdir()) == []


@pytest.mark.parametrize("width", ["760", "950"])
def test_fixed_width_bounds_are_accepted(cookies, context, width):
    result = bake(cookies, context, {"page_width_mode": "fixed", "fixed_page_width": width})
    assert result.exit_code == 0, result.exception
    registration = json.loads((result.project_path / "registration.json").read_text("utf-8"))
    assert registration["page_width"] == {"mode": "fixed", "width": int(width)}


def test_adaptive_mode_ignores_the_width(cookies, context):
    result = bake(cookies, context, {"page_width_mode": "adaptive", "fixed_page_width": "abc"})
    assert result.exit_code == 0, result.exception


@pytest.mark.parametrize(("name", "slug"), [("OA2026", "oa2026"), ("OA助手2", "oa-zhushou")])
def test_names_with_latin_letters_and_digits_are_accepted(cookies, context, name, slug):
    result = bake(cookies, context, {"app_name": name, "app_slug": slug})
    assert result.exit_code == 0, result.exception
    registration = json.loads((result.project_path / "registration.json").read_text("utf-8"))
    assert registration["app_name"] == name


def test_empty_portal_origins_are_accepted(cookies, context):
    result = bake(cookies, context, {"portal_origins": ""})
    assert result.exit_code == 0, result.exception
    registration = json.loads((result.project_path / "registration.json").read_text("utf-8"))
    assert registration["portal_origins"] == []


@pytest.mark.parametrize("none_word", ["无", "-"])
def test_mobile_only_app_takes_the_portal_default_or_a_none_word(cookies, context, none_word):
    # cookiecutter keeps the default on Enter: for a mobile-only app that default is 无.
    for override in ({"terminals": "mobile"}, {"terminals": "mobile", "portal_origins": none_word}):
        result = bake(cookies, context, override)
        assert result.exit_code == 0, result.exception
        registration = json.loads((result.project_path / "registration.json").read_text("utf-8"))
        assert registration["portal_origins"] == []
        env = (result.project_path / ".env").read_text("utf-8")
        assert "\nYWXT_PORTAL_ORIGINS=\n" in env


def test_work_secrets_with_postgresql_are_accepted(cookies, context):
    result = bake(cookies, context, {"handles_work_secrets": "yes", "database": "postgresql"})
    assert result.exit_code == 0, result.exception
    project = result.project_path
    registration = json.loads((project / "registration.json").read_text("utf-8"))
    assert registration["handles_work_secrets"] is True
    checklist = (project / "docs" / "audit-checklist.md").read_text("utf-8")
    assert "- [ ] 网络安全等级保护三级测评报告" in checklist


def test_cli_shows_the_message_and_the_replay_file_works(tmp_path):
    """What a user sees on the command line, and that its advice gets them through."""
    home = tmp_path / "home"  # the replay file goes to ~/.cookiecutter_replay/
    home.mkdir()
    output = tmp_path / "out"
    env = {key: value for key, value in os.environ.items() if key != "COOKIECUTTER_CONFIG"}
    env["HOME"] = str(home)
    refused = subprocess.run(
        [str(COOKIECUTTER_CLI), "--no-input", "-o", str(output), str(TEMPLATE_DIR)]
        + ["app_name=测试助手"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode == 1
    assert (
        "应用名称“测试助手”包含禁用词“测试”（附录 D 表 D.1·应用名称：不应使用特殊词汇）"
        in refused.stderr
    )
    # The Chinese report is the whole story: no cookiecutter traceback after it.
    assert "Traceback" not in refused.stdout + refused.stderr
    assert "Stopping generation" not in refused.stdout + refused.stderr
    replay_file = home / ".cookiecutter_replay" / f"{TEMPLATE_DIR.name}.json"
    assert replay_file.is_file(), "cookiecutter dumps the replay file before the hooks run"
    assert '"app_name": "测试助手"' in replay_file.read_text(encoding="utf-8")
    assert f"  {replay_file}\n" in refused.stderr
    assert list(output.iterdir()) == []

    # Follow the printed advice: fix the value in the replay file, run the printed command.
    saved = json.loads(replay_file.read_text(encoding="utf-8"))
    assert saved["cookiecutter"]["app_name"] == "测试助手"
    saved["cookiecutter"]["app_name"] = "协同助手"
    replay_file.write_text(json.dumps(saved, ensure_ascii=False), encoding="utf-8")
    command = next(
        line.strip()
        for line in refused.stderr.splitlines()
        if line.strip().startswith("cookiecutter --replay-file ")
    )
    argv = shlex.split(command)
    rerun = subprocess.run(
        [str(COOKIECUTTER_CLI), *argv[1:]],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert rerun.returncode == 0, rerun.stderr
    assert f"cd {output / 'xietong-shixiang'} && make dev" in rerun.stdout
    registration = json.loads(
        (output / "xietong-shixiang" / "registration.json").read_text(encoding="utf-8")
    )
    assert registration["app_name"] == "协同助手"

"""Unit tests for the hook helpers, imported unrendered (their Jinja lives in string literals)."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from cookiecutter.environment import StrictEnvironment
from cookiecutter.generate import generate_context
from cookiecutter.prompt import prompt_for_config

TEMPLATE_DIR = Path(__file__).resolve().parent.parent
BANNED = ["微信", "测试", "免费"]


def load_hook(name: str):
    spec = importlib.util.spec_from_file_location(
        f"ywxt_{name}", TEMPLATE_DIR / "hooks" / f"{name}.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


pre_gen = load_hook("pre_gen_project")
post_gen = load_hook("post_gen_project")


def default_answers() -> dict:
    """The answers a --no-input bake would give, read from cookiecutter.json."""
    raw = json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text(encoding="utf-8"))
    answers = {
        key: value[0] if isinstance(value, list) else value
        for key, value in raw.items()
        if not key.startswith("_")
    }
    answers["__package_name"] = answers["app_slug"].replace("-", "_")
    # The portal default is Jinja that depends on the terminals: the web default renders so.
    answers["portal_origins"] = "https://portal.example.gov.cn"
    answers["_banned_name_words"] = raw["_banned_name_words"]
    answers["_template"] = "gh:example/cookiecutter-ywxt"
    answers["_output_dir"] = "/home/someone/apps"
    answers["_repo_dir"] = "/home/someone/.cookiecutters/cookiecutter-ywxt"
    answers["_checkout"] = None
    return answers


@pytest.fixture
def working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def tree(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


# ---- pre_gen_project: validators ---------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("", "应用名称不能为空"),
        ("协", "共 1 个字，应为 2–8 个字"),
        ("一二三四五六七八九", "共 9 个字，应为 2–8 个字"),
        ("微信助手", "包含禁用词“微信”（附录 D 表 D.1·应用名称：不应使用特殊词汇）"),
        ("测试助手", "包含禁用词“测试”"),
        ("免费办公", "包含禁用词“免费”"),
        ("协同!", "包含特殊字符“!”"),
        ("协同 助手", "包含特殊字符“空格”"),
        ("协同😀", "包含特殊字符“😀”"),
        ("协同·事项", "包含特殊字符“·”"),
        ("协同－事项", "包含特殊字符“－”"),
        ("ＯＡ助手", "包含特殊字符“Ｏ”“Ａ”"),  # full-width letters are not ASCII letters
        ("协同\n事项", "包含特殊字符“U+000A”"),
    ],
)
def test_validate_app_name_rejects(name, fragment):
    messages = pre_gen.validate_app_name(name, BANNED)
    assert any(fragment in message for message in messages), messages
    assert all("附录 D 表 D.1" in message for message in messages)


def test_validate_app_name_message_names_rule_and_clause():
    assert pre_gen.validate_app_name("测试助手", BANNED) == [
        "应用名称“测试助手”包含禁用词“测试”（附录 D 表 D.1·应用名称：不应使用特殊词汇）"
    ]


def test_validate_app_name_reports_every_problem_at_once():
    messages = pre_gen.validate_app_name("微信测试免费助手!", BANNED)
    assert len(messages) == 5  # length, special character, three banned words


@pytest.mark.parametrize("name", ["协同事项", "OA助手2", "ab", "一二三四五六七八", "㐀𠀀办公"])
def test_validate_app_name_accepts(name):
    assert pre_gen.validate_app_name(name, BANNED) == []


def test_banned_latin_word_is_case_insensitive():
    messages = pre_gen.validate_app_name("myTEST1", ["Test"])
    assert messages == [
        "应用名称“myTEST1”包含禁用词“Test”（附录 D 表 D.1·应用名称：不应使用特殊词汇）"
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (["微信", "测试"], ["微信", "测试"]),
        ({"微信": "附录 D", "助手": "平台管理方"}, ["微信", "助手"]),
        ("微信, 测试,,", ["微信", "测试"]),
        ([" ", "", "免费"], ["免费"]),
        (None, []),
    ],
)
def test_parse_banned_words_accepts_every_shape(value, expected):
    assert pre_gen.parse_banned_words(value) == expected


@pytest.mark.parametrize(
    ("slug", "fragment"),
    [
        ("", "格式不正确"),
        ("XieTong", "格式不正确"),
        ("xietong_shixiang", "格式不正确"),
        ("1app", "格式不正确"),
        ("-app", "格式不正确"),
        ("app-", "格式不正确"),
        ("a--b", "格式不正确"),
        ("协同", "格式不正确"),
        ("a" * 41, "共 41 个字符，不能超过 40 个"),
        ("import", "包名“import”是 Python 关键字"),
        ("class", "是 Python 关键字"),
        ("json", "包名“json”与 Python 标准库模块同名"),
        ("email", "与 Python 标准库模块同名"),
    ],
)
def test_validate_app_slug_rejects(slug, fragment):
    messages = pre_gen.validate_app_slug(slug)
    assert any(fragment in message for message in messages), messages


@pytest.mark.parametrize("slug", ["xietong-shixiang", "oa2", "a" * 40, "app-v2-beta"])
def test_validate_app_slug_accepts(slug):
    assert pre_gen.validate_app_slug(slug) == []


@pytest.mark.parametrize(
    ("width", "fragment"),
    [
        ("759", "759px 超出范围"),
        ("951", "951px 超出范围"),
        ("0", "超出范围"),
        ("abc", "“abc”不是整数"),
        ("", "“”不是整数"),
        ("800.0", "不是整数"),
        (" 800", "不是整数"),
        ("0800", "“0800”不应以 0 开头"),
        ("８００", "不是整数"),  # full-width digits pass str.isdigit()
        ("-800", "不是整数"),
    ],
)
def test_validate_fixed_page_width_rejects(width, fragment):
    messages = pre_gen.validate_fixed_page_width(width, "fixed")
    assert len(messages) == 1
    assert fragment in messages[0]
    assert "附录 D 表 D.1·页面框架" in messages[0]


@pytest.mark.parametrize("width", ["760", "800", "950"])
def test_validate_fixed_page_width_accepts_the_range(width):
    assert pre_gen.validate_fixed_page_width(width, "fixed") == []


def test_fixed_page_width_is_ignored_when_adaptive():
    assert pre_gen.validate_fixed_page_width("abc", "adaptive") == []


@pytest.mark.parametrize(
    ("origin", "fragment"),
    [
        ("", "应用域名不能为空"),
        ("http://xietong.example.gov.cn", "使用了 http://，必须使用 HTTPS"),
        ("HTTP://xietong.example.gov.cn", "必须使用 HTTPS"),
        ("xietong.example.gov.cn", "应为 https://域名 形式"),
        ("ftp://xietong.example.gov.cn", "应为 https://域名 形式"),
        ("https://xietong.example.gov.cn/app", "不应包含路径“/app”"),
        ("https://xietong.example.gov.cn/", "末尾不应有“/”"),
        ("https://xietong.example.gov.cn?from=portal", "不应包含查询参数"),
        ("https://xietong.example.gov.cn#home", "不应包含片段"),
        ("https://admin:pw@xietong.example.gov.cn", "不应包含用户名或密码"),
        ("https://xietong.example.gov.cn:99999", "端口“99999”无效"),
        ("https://xietong.example.gov.cn:abc", "端口“abc”无效"),
        ("https://xietong.example.gov.cn:", "端口“”无效"),
        ("https://localhost", "域名“localhost”无效"),
        ("https://10.0.0.1", "域名“10.0.0.1”无效"),
        ("https://-xietong.example.gov.cn", "无效"),
        ("https://xie_tong.example.gov.cn", "无效"),
        ("https://xietong..gov.cn", "无效"),
        ("https://协同.gov.cn", "Punycode"),
        ("https://XieTong.example.gov.cn", "请使用小写字母"),
        ("https://", "域名“”无效"),
        ("https://xietong.example.gov.cn /", "包含空白字符"),
    ],
)
def test_validate_https_origin_rejects(origin, fragment):
    messages = pre_gen.validate_https_origin(origin, "应用域名")
    assert any(fragment in message for message in messages), messages
    assert all("§8.3 b" in message for message in messages)


@pytest.mark.parametrize(
    "origin",
    ["https://xietong.example.gov.cn", "https://app.example.cn:8443", "https://xn--fiq228c.cn"],
)
def test_validate_https_origin_accepts(origin):
    assert pre_gen.validate_https_origin(origin, "应用域名") == []


@pytest.mark.parametrize(
    ("origins", "fragment"),
    [
        ("https://a.gov.cn,http://b.gov.cn", "门户地址“http://b.gov.cn”使用了 http://"),
        ("https://a.gov.cn/portal", "门户地址“https://a.gov.cn/portal”不应包含路径"),
        ("https://a.gov.cn,,https://b.gov.cn", "中有空项"),
        ("https://a.gov.cn,", "中有空项"),
    ],
)
def test_validate_portal_origins_rejects(origins, fragment):
    messages = pre_gen.validate_portal_origins(origins)
    assert any(fragment in message for message in messages), messages
    assert all("§6.3.2 b" in message for message in messages)


@pytest.mark.parametrize(
    "origins", ["", "  ", "https://a.gov.cn", "https://a.gov.cn, https://b.gov.cn"]
)
def test_validate_portal_origins_accepts(origins):
    assert pre_gen.validate_portal_origins(origins) == []


@pytest.mark.parametrize(
    ("field", "label"),
    [
        ("app_description", "应用描述"),
        ("industry_theme", "行业主题"),
        ("visible_scope", "可见范围"),
        ("developer_org", "应用开发商"),
    ],
)
@pytest.mark.parametrize("blank", ["", "   "])
def test_registration_fields_must_not_be_blank(field, label, blank):
    answers = {**default_answers(), field: blank}
    messages = pre_gen.check_answers(answers, BANNED)
    assert messages == [f"{label}不能为空（§6.2.2：注册内容应包含{label}）"]


@pytest.mark.parametrize("text", ['含"英文引号"', "反斜杠\\", "换行\n第二行"])
def test_registration_text_refuses_what_breaks_config_files(text):
    messages = pre_gen.validate_registration_text(text, "行业主题", "§6.2.2")
    assert len(messages) == 1
    assert "请改用中文引号" in messages[0]


def test_app_description_length_limit():
    assert pre_gen.validate_app_description("述" * 200) == []
    messages = pre_gen.validate_app_description("述" * 201)
    assert messages == [
        "应用描述共 201 个字，不能超过 200 个字（§6.2.2 注册内容；200 字为模板上限）"
    ]


@pytest.mark.parametrize("value", [True, False, "True", "False", "yes", "no", "on", "0"])
def test_handles_work_secrets_accepts_yes_no_words(value):
    assert pre_gen.validate_handles_work_secrets(value) == []


def test_handles_work_secrets_refuses_other_text():
    assert pre_gen.validate_handles_work_secrets("maybe") == [
        "是否处理工作秘密“maybe”无法识别，请填写 yes 或 no（§6.2.3）"
    ]


@pytest.mark.parametrize(
    ("override", "fragment"),
    [
        ({"handles_work_secrets": True, "database": "sqlite"}, "处理工作秘密的应用不能使用 SQLite"),
        ({"handles_work_secrets": "yes", "database": "sqlite"}, "§6.2.3"),
        (
            {"terminals": "mobile", "portal_origins": "https://p.gov.cn"},
            "不含网页端，但填写了门户地址",
        ),
        ({"terminals": "mobile+pc", "portal_origins": "https://p.gov.cn"}, "§6.3.2 b"),
    ],
)
def test_unsupported_combinations(override, fragment):
    messages = pre_gen.validate_combinations({**default_answers(), **override})
    assert len(messages) == 1
    assert fragment in messages[0]


@pytest.mark.parametrize(
    "override",
    [
        {"handles_work_secrets": True, "database": "postgresql"},
        {"handles_work_secrets": False, "database": "sqlite"},
        {"terminals": "mobile", "portal_origins": ""},
        {"terminals": "mobile+pc+web", "portal_origins": "https://p.gov.cn"},
    ],
)
def test_supported_combinations(override):
    assert pre_gen.validate_combinations({**default_answers(), **override}) == []


def test_default_answers_pass():
    answers = default_answers()
    assert (
        pre_gen.check_answers(answers, pre_gen.parse_banned_words(answers["_banned_name_words"]))
        == []
    )


def test_check_answers_gathers_messages_in_question_order():
    answers = {
        **default_answers(),
        "app_name": "测",
        "app_slug": "Bad",
        "app_domain": "http://x.gov.cn",
        "page_width_mode": "fixed",
        "fixed_page_width": 800,  # an int from a config file is fine
    }
    messages = pre_gen.check_answers(answers, BANNED)
    assert [message[:4] for message in messages] == ["应用名称", "应用英文", "应用域名"]


# ---- pre_gen_project: report and replay hint ---------------------------------------------


def write_replay(path: Path, output_dir: str, repo_dir: str, app_slug: str) -> None:
    context = {"_output_dir": output_dir, "_repo_dir": repo_dir, "app_slug": app_slug}
    path.write_text(json.dumps({"cookiecutter": context}), encoding="utf-8")


def test_find_replay_file_picks_this_run(tmp_path):
    write_replay(tmp_path / "other-template.json", "/out", "/other", "xietong")
    write_replay(tmp_path / "cookiecutter-ywxt.json", "/out", "/tpl", "xietong")
    write_replay(tmp_path / "elsewhere.json", "/elsewhere", "/tpl", "xietong")
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    found = pre_gen.find_replay_file(tmp_path, "/out", "/tpl", "xietong")
    assert found == tmp_path / "cookiecutter-ywxt.json"


def test_find_replay_file_without_a_match(tmp_path):
    write_replay(tmp_path / "a.json", "/out", "/tpl", "other-app")
    assert pre_gen.find_replay_file(tmp_path, "/out", "/tpl", "xietong") is None
    assert pre_gen.find_replay_file(tmp_path / "missing", "/out", "/tpl", "xietong") is None


def test_rerun_hint_names_the_replay_file_and_command():
    hint = pre_gen.rerun_hint(
        Path("/home/u/.cookiecutter_replay/tpl.json"), "gh:org/tpl", "/my apps"
    )
    assert "您的回答没有丢失" in hint
    assert (
        "cookiecutter --replay-file /home/u/.cookiecutter_replay/tpl.json -o '/my apps' gh:org/tpl"
        in hint
    )


def test_rerun_hint_outside_the_cookiecutter_command():
    assert pre_gen.rerun_hint(None, "https://git.example/tpl.git", None) == (
        "请修改上面指出的回答后重新生成。"
    )


def test_rerun_hint_without_a_file_points_to_replay_dir():
    hint = pre_gen.rerun_hint(None, "gh:org/tpl", "/out")
    assert "replay_dir" in hint
    assert "cookiecutter --replay-file <回放文件> -o /out gh:org/tpl" in hint


def test_format_report_numbers_every_message():
    report = pre_gen.format_report(["第一", "第二"], "提示")
    assert report.splitlines()[:4] == [
        "无法生成应用：以下 2 项输入不符合 DB31DSJ/Z 003—2026 或模板要求。",
        "",
        "  1. 第一",
        "  2. 第二",
    ]
    assert report.rstrip().endswith("提示")


def set_pre_gen_answers(monkeypatch, answers: dict, replay_dir: Path) -> None:
    """Stand in for cookiecutter's rendering of the Jinja block."""
    for key, value in answers.items():
        constant = key.lstrip("_").upper() + "_JSON"
        if hasattr(pre_gen, constant):
            monkeypatch.setattr(pre_gen, constant, json.dumps(value))
    monkeypatch.setattr(pre_gen, "DEFAULT_REPLAY_DIR", replay_dir)


def test_main_exits_once_with_every_message_and_the_replay_hint(monkeypatch, tmp_path, capsys):
    answers = {**default_answers(), "app_name": "测试!", "app_domain": "http://x.gov.cn"}
    write_replay(
        tmp_path / "cookiecutter-ywxt.json",
        answers["_output_dir"],
        answers["_repo_dir"],
        answers["app_slug"],
    )
    set_pre_gen_answers(monkeypatch, answers, tmp_path)
    with pytest.raises(SystemExit) as excinfo:
        pre_gen.main()
    assert excinfo.value.code == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "以下 3 项输入不符合" in captured.err
    assert "包含禁用词“测试”" in captured.err
    assert "包含特殊字符“!”" in captured.err
    assert "必须使用 HTTPS" in captured.err
    assert f"--replay-file {tmp_path / 'cookiecutter-ywxt.json'}" in captured.err


def test_main_is_silent_when_answers_are_valid(monkeypatch, tmp_path, capsys):
    set_pre_gen_answers(monkeypatch, default_answers(), tmp_path)
    pre_gen.main()
    assert capsys.readouterr() == ("", "")


def render_hook(name: str, extra_context: dict, tmp_path: Path, *, by_cruft: bool = False):
    """Render a hook the way cookiecutter (or cruft) does, then import the result."""
    context = generate_context(str(TEMPLATE_DIR / "cookiecutter.json"), extra_context=extra_context)
    context["cookiecutter"] = prompt_for_config(context, no_input=True)
    if by_cruft:  # cruft's generate_cookiecutter_context adds only these two
        context["cookiecutter"].update(_template="https://git.example/tpl.git", _commit="a" * 40)
    else:  # cookiecutter.main adds these four
        context["cookiecutter"].update(
            _template=str(TEMPLATE_DIR),
            _output_dir=str(tmp_path),
            _repo_dir=str(TEMPLATE_DIR),
            _checkout=None,
        )
    env = StrictEnvironment(context=context, keep_trailing_newline=True)
    source = (TEMPLATE_DIR / "hooks" / f"{name}.py").read_text(encoding="utf-8")
    rendered = tmp_path / f"rendered_{name}.py"
    rendered.write_text(env.from_string(source).render(**context), encoding="utf-8")
    spec = importlib.util.spec_from_file_location(f"rendered_{name}", rendered)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module, context["cookiecutter"]


def test_rendered_pre_gen_reads_every_answer(tmp_path):
    module, answers = render_hook("pre_gen_project", {}, tmp_path)
    read = module.read_answers()
    assert read == {key: answers[key] for key in read}
    assert read["handles_work_secrets"] is False  # JSON false, not the text "False"
    assert sorted(module.parse_banned_words(json.loads(module.BANNED_NAME_WORDS_JSON))) == sorted(
        BANNED
    )
    assert json.loads(module.TEMPLATE_JSON) == str(TEMPLATE_DIR)
    assert json.loads(module.OUTPUT_DIR_JSON) == str(tmp_path)


def test_rendered_pre_gen_survives_quotes_and_backslashes(tmp_path, capsys):
    hostile = "say \"hi\" \\ and ''' too"
    module, _ = render_hook("pre_gen_project", {"app_description": hostile}, tmp_path)
    assert module.read_answers()["app_description"] == hostile
    with pytest.raises(SystemExit):
        module.main()
    assert f"应用描述“{hostile}”包含英文双引号" in capsys.readouterr().err


def test_hooks_render_and_run_under_cruft(tmp_path, monkeypatch, capsys):
    """`cruft create/update` render the hooks without _output_dir and _repo_dir."""
    pre, _ = render_hook("pre_gen_project", {}, tmp_path, by_cruft=True)
    pre.main()  # valid defaults: no exit
    bad, _ = render_hook("pre_gen_project", {"app_name": "测试助手"}, tmp_path, by_cruft=True)
    with pytest.raises(SystemExit):
        bad.main()
    err = capsys.readouterr().err
    assert "包含禁用词“测试”" in err
    assert "请修改上面指出的回答后重新生成" in err
    assert "--replay-file" not in err  # cruft writes no replay file
    post, _ = render_hook("post_gen_project", {}, tmp_path, by_cruft=True)
    project = tmp_path / "project"
    project.mkdir()
    monkeypatch.chdir(project)
    post.main()
    state = json.loads((project / ".cruft.json").read_text(encoding="utf-8"))
    assert state["commit"] == "a" * 40
    assert state["template"] == "https://git.example/tpl.git"


def test_rendered_post_gen_reads_the_answers(tmp_path):
    extra = {"cache": "redis", "app_slug": "oa-helper"}
    module, answers = render_hook("post_gen_project", extra, tmp_path)
    assert module.CACHE == "redis"
    assert module.PACKAGE_NAME == "oa_helper"
    assert json.loads(module.ANSWERS_JSON) == answers


# ---- post_gen_project ---------------------------------------------------------------------


def test_remove_paths_removes_files_and_folders_and_ignores_missing(working_directory):
    (working_directory / "src/app").mkdir(parents=True)
    (working_directory / "src/app/redis_store.py").write_text("x", encoding="utf-8")
    (working_directory / "src/app/keep.py").write_text("x", encoding="utf-8")
    (working_directory / "old/sub").mkdir(parents=True)
    post_gen.remove_paths(["src/app/redis_store.py", "old", "tests/test_redis_store.py"])
    assert tree(working_directory) == {"src/app/keep.py": b"x"}
    assert not (working_directory / "old").exists()


def test_remove_demo_feature_drops_both_halves_and_its_registration_line(working_directory):
    registry = working_directory / "src/app/features/__init__.py"
    for path in ("src/app/features/items/models.py", "src/app/features/leave/models.py",
                 "frontend/src/features/items/feature.ts", "frontend/src/features/index.ts"):
        (working_directory / path).parent.mkdir(parents=True, exist_ok=True)
        (working_directory / path).write_text("x", encoding="utf-8")
    registry.write_text('INSTALLED_FEATURES = (\n    "items",\n    "leave",\n)\n',
                        encoding="utf-8")
    post_gen.remove_demo_feature("app")
    post_gen.remove_demo_feature("app")  # idempotent
    assert tree(working_directory) == {
        "src/app/features/__init__.py": b'INSTALLED_FEATURES = (\n    "leave",\n)\n',
        "src/app/features/leave/models.py": b"x",
        "frontend/src/features/index.ts": b"x",
    }


@pytest.mark.parametrize(
    ("ci", "kept"),
    [
        ("gitlab", {".gitlab-ci.yml", "ci/debian-packages.sh"}),
        ("github", {".github/workflows/ci.yml", ".github/workflows/inspection.yml",
                    "ci/debian-packages.sh"}),
        ("none", set()),
    ],
)
def test_remove_ci_files_keeps_only_the_chosen_pipeline(working_directory, ci, kept):
    pipeline_files = {".gitlab-ci.yml", ".github/workflows/ci.yml",
                      ".github/workflows/inspection.yml", "ci/debian-packages.sh"}
    for path in (*pipeline_files, "Makefile"):
        (working_directory / path).parent.mkdir(parents=True, exist_ok=True)
        (working_directory / path).write_text("x", encoding="utf-8")
    post_gen.remove_ci_files(ci)
    post_gen.remove_ci_files(ci)  # idempotent
    assert set(tree(working_directory)) == kept | {"Makefile"}
    assert (working_directory / ".github").exists() == (ci == "github")


def test_set_flag_replaces_every_sentinel(tmp_path):
    path = tmp_path / ".env"
    path.write_text("A=!!!SET X!!!\nB=!!!SET X!!!\nC=keep\n", encoding="utf-8")
    value = post_gen.set_flag(path, "!!!SET X!!!", "s3cret")
    assert value == "s3cret"
    assert path.read_text(encoding="utf-8") == "A=s3cret\nB=s3cret\nC=keep\n"


def test_set_flag_generates_a_random_secret(tmp_path):
    first, second = tmp_path / "1", tmp_path / "2"
    first.write_text("K=!!!F!!!", encoding="utf-8")
    second.write_text("K=!!!F!!!", encoding="utf-8")
    value = post_gen.set_flag(first, "!!!F!!!")
    assert len(value) == 64  # token_urlsafe(48): 48 random bytes
    assert value != post_gen.set_flag(second, "!!!F!!!")
    assert first.read_text(encoding="utf-8") == f"K={value}"


EXAMPLE_ENV = (
    "APP_ENV=production\nFLASK_SECRET_KEY=!!!SET FLASK_SECRET_KEY!!!\nDATABASE_URL=sqlite:///x\n"
)


def test_write_dotenv_fills_the_secret_and_development_mode(working_directory):
    Path(".env.example").write_text(EXAMPLE_ENV, encoding="utf-8")
    post_gen.write_dotenv(Path(".env.example"), Path(".env"))
    lines = Path(".env").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "APP_ENV=development"
    assert lines[1].startswith("FLASK_SECRET_KEY=")
    assert len(lines[1].removeprefix("FLASK_SECRET_KEY=")) == 64
    assert "!!!" not in lines[1]
    assert lines[2] == "DATABASE_URL=sqlite:///x"
    assert Path(".env.example").read_text(encoding="utf-8") == EXAMPLE_ENV
    if os.name == "posix":
        assert stat.S_IMODE(Path(".env").stat().st_mode) == 0o600


def test_write_dotenv_adds_app_env_when_the_example_lacks_it(working_directory):
    Path(".env.example").write_text("FLASK_SECRET_KEY=!!!SET FLASK_SECRET_KEY!!!", encoding="utf-8")
    post_gen.write_dotenv(Path(".env.example"), Path(".env"))
    assert Path(".env").read_text(encoding="utf-8").splitlines()[-1] == "APP_ENV=development"


def test_write_dotenv_keeps_an_existing_env(working_directory):
    Path(".env.example").write_text(EXAMPLE_ENV, encoding="utf-8")
    post_gen.write_dotenv(Path(".env.example"), Path(".env"))
    first = Path(".env").read_text(encoding="utf-8")
    post_gen.write_dotenv(Path(".env.example"), Path(".env"))
    assert Path(".env").read_text(encoding="utf-8") == first
    Path(".env").write_text("MINE=1\n", encoding="utf-8")
    post_gen.write_dotenv(Path(".env.example"), Path(".env"))
    assert Path(".env").read_text(encoding="utf-8") == "MINE=1\n"


def test_write_dotenv_without_an_example_does_nothing(working_directory):
    post_gen.write_dotenv(Path(".env.example"), Path(".env"))
    assert tree(working_directory) == {}


BASELINE = ["软件测试报告", "网络安全等级保护测评报告或安全测试报告"]
CRYPTO = "密码应用测评报告或密码应用安全性评估报告"
WORK_SECRETS = [
    "软件测试报告",
    "网络安全等级保护三级测评报告",
    "密码应用安全性评估报告",
    "达到《工作秘密信息防护指南（试用）》的技术要求",
]


@pytest.mark.parametrize(
    ("category", "handles_work_secrets", "expected"),
    [
        ("业务应用", False, BASELINE),
        ("办公应用", False, [*BASELINE, CRYPTO]),
        ("业务应用", True, WORK_SECRETS),
        ("办公应用", True, WORK_SECRETS),
        ("工具应用", True, WORK_SECRETS),
    ],
)
def test_audit_documents_follow_6_2_3(category, handles_work_secrets, expected):
    assert post_gen.audit_documents(category, handles_work_secrets) == expected


def test_audit_documents_for_tool_apps_use_the_baseline_and_say_why():
    documents = post_gen.audit_documents("工具应用", False)
    assert documents[:2] == BASELINE
    assert len(documents) == 3
    assert "未单列工具应用" in documents[2]
    assert "以平台管理方的要求为准" in documents[2]


def test_audit_documents_refuse_an_unknown_category():
    with pytest.raises(ValueError, match="未知的应用分类"):
        post_gen.audit_documents("游戏应用", False)


def test_write_audit_checklist(tmp_path):
    path = tmp_path / "docs" / "audit-checklist.md"
    post_gen.write_audit_checklist(path, [*BASELINE, CRYPTO], "办公应用", False)
    text = path.read_text(encoding="utf-8")
    checklist = [line for line in text.splitlines() if line.startswith("- [ ] ")]
    assert checklist == [
        f"- [ ] {item}"
        for item in [*BASELINE, CRYPTO, "联调确认单", "功能测试报告", "安全测试报告"]
    ]
    assert "## 接入审核材料（§6.2.3）" in text
    assert "## 上线申请材料（§6.2.7 a）" in text
    assert "办公应用应提供" in text


def test_write_audit_checklist_for_work_secrets(tmp_path):
    path = tmp_path / "audit-checklist.md"
    post_gen.write_audit_checklist(path, WORK_SECRETS, "业务应用", True)
    text = path.read_text(encoding="utf-8")
    assert "处理工作秘密：是" in text
    assert "处理工作秘密的应用应提供" in text
    assert "- [ ] 网络安全等级保护三级测评报告" in text


def test_write_registration_json(tmp_path):
    answers = {
        **default_answers(),
        "app_category": "业务应用",
        "terminals": "mobile+pc",
        "handles_work_secrets": "True",  # how a bare placeholder renders a cookiecutter bool
        "page_width_mode": "fixed",
        "fixed_page_width": "800",
        "app_domain": "https://xietong.example.gov.cn:8443",
        "portal_origins": "https://a.gov.cn, https://b.gov.cn",
    }
    path = tmp_path / "registration.json"
    post_gen.write_registration_json(path, answers)
    text = path.read_text(encoding="utf-8")
    registration = json.loads(text)
    assert registration == {
        "app_name": answers["app_name"],
        "app_description": answers["app_description"],
        "app_category": "业务应用",
        "industry_theme": answers["industry_theme"],
        "terminals": ["移动端", "PC客户端"],
        "visible_scope": answers["visible_scope"],
        "developer_org": answers["developer_org"],
        "handles_work_secrets": True,
        "home_url": "https://xietong.example.gov.cn:8443/",
        "health_url": "https://xietong.example.gov.cn:8443/healthz",
        "trusted_domain": "xietong.example.gov.cn",
        "portal_origins": ["https://a.gov.cn", "https://b.gov.cn"],
        "page_width": {"mode": "fixed", "width": 800},
        "audit_documents": WORK_SECRETS,
        "standard": "DB31DSJ/Z 003—2026",
    }
    assert answers["app_name"] in text  # readable Chinese, not \u escapes
    assert text == json.dumps(registration, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def test_registration_json_defaults(tmp_path):
    path = tmp_path / "registration.json"
    post_gen.write_registration_json(path, {**default_answers(), "portal_origins": ""})
    registration = json.loads(path.read_text(encoding="utf-8"))
    assert registration["terminals"] == ["移动端", "PC客户端", "网页端"]
    assert registration["handles_work_secrets"] is False
    assert registration["page_width"] == {"mode": "adaptive"}
    assert registration["portal_origins"] == []


def make_git_repo(path: Path) -> str:
    git = [
        "git",
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@example.invalid",
        "-c",
        "commit.gpgsign=false",
    ]
    path.mkdir(parents=True, exist_ok=True)
    subprocess.run([*git, "init", "-q"], cwd=path, check=True)
    subprocess.run([*git, "commit", "-q", "--allow-empty", "-m", "init"], cwd=path, check=True)
    return subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=path, check=True, capture_output=True, text=True
    ).stdout.strip()


def test_write_answers_in_cruft_format(tmp_path):
    repo_dir = tmp_path / "cookiecutter-ywxt"
    head = make_git_repo(repo_dir)
    answers = {**default_answers(), "_template": str(repo_dir), "_repo_dir": str(repo_dir)}
    path = tmp_path / "app" / ".cruft.json"
    post_gen.write_answers(path, answers)
    state = json.loads(path.read_text(encoding="utf-8"))
    assert list(state) == ["template", "commit", "checkout", "context", "directory", "skip"]
    assert state["template"] == str(repo_dir)
    assert state["commit"] == head
    assert state["checkout"] is None
    assert state["directory"] is None
    assert state["skip"] == [".cruft.json", ".env"]
    context = state["context"]["cookiecutter"]
    for key in ("_output_dir", "_repo_dir", "_checkout"):
        assert key not in context
    assert context["_template"] == str(repo_dir)
    assert context["_commit"] == head
    assert context["app_name"] == answers["app_name"]
    assert context["_banned_name_words"] == answers["_banned_name_words"]


@pytest.mark.parametrize(
    ("template", "repo_dir", "expected"),
    [
        (
            "gh:org/cookiecutter-ywxt",
            "/u/.cookiecutters/cookiecutter-ywxt",
            "https://github.com/org/cookiecutter-ywxt.git",
        ),
        ("gl:org/tpl", None, "https://gitlab.com/org/tpl.git"),
        (
            "https://git.example.gov.cn/tpl.git",
            "/u/.cookiecutters/tpl",
            "https://git.example.gov.cn/tpl.git",
        ),
        (
            "git@git.example.gov.cn:org/tpl.git",
            "/u/.cookiecutters/tpl",
            "git@git.example.gov.cn:org/tpl.git",
        ),
        (".", "/work/tpl", "/work/tpl"),
        (".", ".", "."),  # relative and unresolvable from inside the new project: kept as given
    ],
)
def test_template_source(template, repo_dir, expected):
    assert post_gen.template_source(template, repo_dir) == expected


def test_template_commit_is_none_outside_a_git_work_tree(tmp_path):
    assert post_gen.template_commit(str(tmp_path)) is None
    assert post_gen.template_commit(str(tmp_path / "missing")) is None
    assert post_gen.template_commit(None) is None


def test_template_commit_ignores_a_relative_repo_dir(tmp_path, monkeypatch):
    make_git_repo(tmp_path)  # the hook's working directory is the new project, not the template
    monkeypatch.chdir(tmp_path)
    assert post_gen.template_commit(".") is None


def test_write_answers_prefers_the_commit_cruft_passes(tmp_path):
    answers = {**default_answers(), "_commit": "a" * 40}
    del answers["_repo_dir"]  # `cruft update` renders without _repo_dir
    path = tmp_path / ".cruft.json"
    post_gen.write_answers(path, answers)
    state = json.loads(path.read_text(encoding="utf-8"))
    assert state["commit"] == "a" * 40
    assert state["template"] == "https://github.com/example/cookiecutter-ywxt.git"


def run_post_gen_main(monkeypatch, answers: dict, cache: str) -> None:
    monkeypatch.setattr(post_gen, "CACHE", cache)
    monkeypatch.setattr(post_gen, "PACKAGE_NAME", answers["__package_name"])
    monkeypatch.setattr(post_gen, "ANSWERS_JSON", json.dumps(answers))
    post_gen.main()


TEMPLATE_PROJECT = TEMPLATE_DIR / "{{cookiecutter.app_slug}}"

# The Redis cache's files: embedded bakes lose them.
REDIS_CACHE_FILES = (
    "src/{package}/redis_store.py",
    "src/{package}/auth/redis_session_cache.py",
    "src/{package}/platform/redis_token_store.py",
    "tests/redis_fixtures.py",
    "tests/test_redis_store.py",
    "tests/test_redis_session_cache.py",
    "tests/test_redis_token_store.py",
)
# The embedded cache's files: every bake keeps them.
EMBEDDED_CACHE_FILES = (
    "src/{package}/embedded_store.py",
    "src/{package}/auth/session_cache.py",
    "src/{package}/auth/worker_session_cache.py",
    "src/{package}/platform/token_store.py",
    "src/{package}/platform/file_token_store.py",
    "tests/fixtures.py",
    "tests/contracts.py",
    "tests/test_session_cache.py",
    "tests/test_worker_session_cache.py",
    "tests/test_token_store.py",
)


def seed_cache_files(root: Path, package: str) -> tuple[list[Path], list[Path]]:
    """Write the Redis cache's files and the embedded one's; return both lists."""
    redis, embedded = (
        [root / path.format(package=package) for path in paths]
        for paths in (REDIS_CACHE_FILES, EMBEDDED_CACHE_FILES)
    )
    for path in redis + embedded:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"# {path.name}\n", encoding="utf-8")
    return redis, embedded


def test_remove_redis_files_keeps_the_embedded_cache(working_directory):
    redis, embedded = seed_cache_files(working_directory, "oa_helper")
    post_gen.remove_redis_files("oa_helper")
    assert [path.exists() for path in redis] == [False] * len(redis)
    assert [path.exists() for path in embedded] == [True] * len(embedded)
    kept = tree(working_directory)
    post_gen.remove_redis_files("oa_helper")  # idempotent: nothing left to remove, no error
    assert tree(working_directory) == kept


def test_remove_redis_files_leaves_no_redis_file_of_the_template(working_directory):
    """Run on a copy of the template's src/ and tests/: every file named after Redis goes
    (one the helper forgot would stay in embedded bakes), and nothing else does."""
    for folder in ("src", "tests"):
        shutil.copytree(TEMPLATE_PROJECT / folder, working_directory / folder,
                        ignore=shutil.ignore_patterns("__pycache__"))
    before = set(tree(working_directory))
    post_gen.remove_redis_files("{{cookiecutter.__package_name}}")
    removed = before - set(tree(working_directory))
    assert removed == {path for path in before if "redis" in Path(path).name}
    assert len(removed) == len(REDIS_CACHE_FILES)


def seed_project(root: Path, package: str) -> None:
    seed_cache_files(root, package)
    (root / "src" / package / "health.py").write_text("# health\n", encoding="utf-8")
    (root / ".env.example").write_text(EXAMPLE_ENV, encoding="utf-8")


def test_post_gen_main_is_idempotent_and_keeps_the_secret(working_directory, monkeypatch):
    answers = default_answers()
    package = answers["__package_name"]
    seed_project(working_directory, package)
    run_post_gen_main(monkeypatch, answers, "embedded")
    first = tree(working_directory)
    run_post_gen_main(monkeypatch, answers, "embedded")
    assert tree(working_directory) == first
    assert sorted(first) == sorted([
        ".cruft.json",
        ".env",
        ".env.example",
        "docs/audit-checklist.md",
        "registration.json",
        f"src/{package}/health.py",
        *(path.format(package=package) for path in EMBEDDED_CACHE_FILES),
    ])
    assert b"!!!SET FLASK_SECRET_KEY!!!" not in first[".env"]


def test_post_gen_main_keeps_redis_files_with_redis(working_directory, monkeypatch):
    answers = {**default_answers(), "cache": "redis"}
    package = answers["__package_name"]
    redis, embedded = seed_cache_files(working_directory, package)
    run_post_gen_main(monkeypatch, answers, "redis")
    assert all(path.exists() for path in redis + embedded)


def seed_oidc_files(root: Path, package: str) -> list[Path]:
    paths = [
        root / "src" / package / "auth" / "oidc.py",
        root / "devtools" / "platform_sim" / "oidc.py",
        root / "tests" / "test_oidc.py",
    ]
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("# oidc\n", encoding="utf-8")
    return paths


@pytest.mark.parametrize(("oidc", "kept"), [(False, False), (True, True), ("yes", True)])
def test_post_gen_main_keeps_oidc_files_only_with_oidc(working_directory, monkeypatch, oidc,
                                                         kept):
    answers = {**default_answers(), "oidc": oidc}
    package = answers["__package_name"]
    seed_project(working_directory, package)
    paths = seed_oidc_files(working_directory, package)
    run_post_gen_main(monkeypatch, answers, "embedded")
    assert [path.exists() for path in paths] == [kept] * 3
    assert (working_directory / "src" / package / "health.py").exists()


def test_post_gen_jinja_block_is_the_only_templated_code():
    source = (TEMPLATE_DIR / "hooks" / "post_gen_project.py").read_text(encoding="utf-8")
    templated = [line for line in source.splitlines() if "{{" in line or "{%" in line]
    assert templated == [
        'CACHE = "{{ cookiecutter.cache }}"',
        'PACKAGE_NAME = "{{ cookiecutter.__package_name }}"',
        "ANSWERS_JSON = r'{{ cookiecutter | tojson }}'",
    ]


@pytest.mark.parametrize("none_word", ["无", "-", " 无 ", ""])
def test_portal_none_words_mean_no_portal(none_word):
    assert pre_gen.validate_portal_origins(none_word) == []
    answers = {**default_answers(), "terminals": "mobile", "portal_origins": none_word}
    assert pre_gen.check_answers(answers, []) == []
    assert post_gen.registration_content(answers)["portal_origins"] == []


def test_make_replay_readable_keeps_the_data_and_shows_chinese(tmp_path):
    replay = tmp_path / "template.json"
    data = {"cookiecutter": {"app_name": "测试助手", "oidc": False}}
    replay.write_text(json.dumps(data), encoding="utf-8")  # cookiecutter's \\uXXXX form
    pre_gen.make_replay_readable(replay)
    text = replay.read_text(encoding="utf-8")
    assert '"app_name": "测试助手"' in text
    assert json.loads(text) == data


def test_next_steps_name_the_commands_and_the_services(tmp_path):
    answers = {**default_answers(), "database": "postgresql", "cache": "redis"}
    text = post_gen.next_steps(answers, tmp_path / "xietong-shixiang", "https://git.example/t.git")
    assert f"cd {tmp_path / 'xietong-shixiang'} && make dev" in text
    assert "git init" in text
    assert "PostgreSQL 和 Redis" in text
    assert ".cruft.json" not in text  # a URL teammates can reach needs no advice
    local = post_gen.next_steps(default_answers(), tmp_path, "/home/someone/cookiecutter-ywxt")
    assert "PostgreSQL" not in local
    assert '本机路径 /home/someone/cookiecutter-ywxt' in local


def test_write_answers_records_the_team_template_url(tmp_path):
    answers = {**default_answers(), "_template_url": "https://git.example.gov.cn/ywxt/template.git"}
    path = tmp_path / ".cruft.json"
    assert post_gen.write_answers(path, answers) == answers["_template_url"]
    assert json.loads(path.read_text("utf-8"))["template"] == answers["_template_url"]

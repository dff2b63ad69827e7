"""Reject answers that would give a non-compliant or broken app (DB31DSJ/Z 003—2026).

Runs before any file is written. Each validator returns Chinese messages instead of
exiting, so the user sees every problem at once; main() exits once. Standard library only.
"""

from __future__ import annotations

import json
import keyword
import re
import shlex
import sys
import unicodedata
from pathlib import Path
from urllib.parse import urlsplit

# ---- Jinja: the only templated lines -----------------------------------------------------
# Each answer arrives as JSON text in a raw single-quoted literal: `tojson` escapes quotes
# (' included), backslashes and newlines, so whatever the user typed leaves this file valid
# Python (a bare quoted placeholder would turn 应用"助手" into a SyntaxError instead of a
# message); read_answers() decodes them. handles_work_secrets, a cookiecutter boolean,
# arrives as JSON true/false (a bare placeholder renders Python's "True"/"False"; cookiecutter
# turns an extra_context "yes"/"no" into a bool, but a hand-edited replay file may hold text).
# `cruft create/update` render hooks without _output_dir and _repo_dir: hence default(none).
# fmt: off
APP_NAME_JSON = r'{{ cookiecutter.app_name | tojson }}'
APP_SLUG_JSON = r'{{ cookiecutter.app_slug | tojson }}'
APP_DESCRIPTION_JSON = r'{{ cookiecutter.app_description | tojson }}'
INDUSTRY_THEME_JSON = r'{{ cookiecutter.industry_theme | tojson }}'
TERMINALS_JSON = r'{{ cookiecutter.terminals | tojson }}'
VISIBLE_SCOPE_JSON = r'{{ cookiecutter.visible_scope | tojson }}'
DEVELOPER_ORG_JSON = r'{{ cookiecutter.developer_org | tojson }}'
HANDLES_WORK_SECRETS_JSON = r'{{ cookiecutter.handles_work_secrets | tojson }}'
PAGE_WIDTH_MODE_JSON = r'{{ cookiecutter.page_width_mode | tojson }}'
FIXED_PAGE_WIDTH_JSON = r'{{ cookiecutter.fixed_page_width | tojson }}'
APP_DOMAIN_JSON = r'{{ cookiecutter.app_domain | tojson }}'
PORTAL_ORIGINS_JSON = r'{{ cookiecutter.portal_origins | tojson }}'
DATABASE_JSON = r'{{ cookiecutter.database | tojson }}'
BANNED_NAME_WORDS_JSON = r'{{ cookiecutter._banned_name_words | tojson }}'
TEMPLATE_JSON = r'{{ cookiecutter._template | default(none) | tojson }}'
REPO_DIR_JSON = r'{{ cookiecutter._repo_dir | default(none) | tojson }}'
OUTPUT_DIR_JSON = r'{{ cookiecutter._output_dir | default(none) | tojson }}'
# fmt: on
# ---- end of Jinja ------------------------------------------------------------------------

NAME_CLAUSE = "附录 D 表 D.1·应用名称"
WIDTH_CLAUSE = "附录 D 表 D.1·页面框架：固定宽度模式为 760px ~ 950px 之间的任意整数"
HTTPS_CLAUSE = "§8.3 b：应用的链接地址应为 HTTPS 的安全域名"
PORTAL_CLAUSE = "§6.3.2 b 网页端与平台门户统一集成；§8.3 b HTTPS"
SLUG_RULE = "模板要求：用作目录名和 Python 包名"
TEXT_RULE = "模板要求：该值会原样写入 pyproject.toml、.env 等配置文件"

NAME_MIN, NAME_MAX = 2, 8
SLUG_MAX = 40
WIDTH_MIN, WIDTH_MAX = 760, 950
DESCRIPTION_MAX = 200
SLUG_PATTERN = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")
WIDTH_PATTERN = re.compile(r"[0-9]+")  # ASCII only: str.isdigit() also takes ８００
DNS_LABEL = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")
ASCII_LETTERS_DIGITS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
# Same words cookiecutter's own yes/no prompt accepts (cookiecutter.prompt.YesNoPrompt).
TRUE_WORDS = frozenset({"1", "true", "t", "yes", "y", "on"})
FALSE_WORDS = frozenset({"0", "false", "f", "no", "n", "off"})

# (field, label, clause) of the §6.2.2 registration fields that must not be blank.
REGISTRATION_TEXT_FIELDS = (
    ("app_description", "应用描述", "§6.2.2：注册内容应包含应用描述"),
    ("industry_theme", "行业主题", "§6.2.2：注册内容应包含行业主题"),
    ("visible_scope", "可见范围", "§6.2.2：注册内容应包含可见范围"),
    ("developer_org", "应用开发商", "§6.2.2：注册内容应包含应用开发商"),
)

DEFAULT_REPLAY_DIR = Path("~/.cookiecutter_replay")
# What the portal question takes for "no portal": cookiecutter keeps the default on a bare
# Enter, so an empty answer cannot be typed; cookiecutter.json maps these to "" as well.
NO_PORTAL_WORDS = frozenset({"", "无", "-"})


def parse_bool(value: object) -> bool | None:
    """Return the boolean an answer stands for, or None when it is not a yes/no word."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    return None


def parse_banned_words(value: object) -> list[str]:
    """The banned-word list from `_banned_name_words`, whatever shape the platform gave it.

    A dict (word -> note) is the shape cookiecutter can extend: extra_context and a config
    file's default_context merge new keys into it, while a list may only be narrowed. A
    comma-separated string (from `cookiecutter ... _banned_name_words=a,b`) also works.
    """
    if isinstance(value, str):
        words = value.split(",")
    elif isinstance(value, dict | list | tuple):
        words = list(value)
    else:
        words = []
    return [str(word).strip() for word in words if str(word).strip()]


def is_cjk_ideograph(char: str) -> bool:
    return unicodedata.name(char, "").startswith(
        ("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH")
    )


def describe_char(char: str) -> str:
    if char == " " or char == "\u3000":
        return "空格"
    if not char.isprintable():
        return f"U+{ord(char):04X}"
    return char


def validate_app_name(value: str, banned_words: list[str]) -> list[str]:
    # DB31DSJ/Z 003 附录 D 表 D.1：应用中文名称应简洁，建议 2-8 个字，不应使用特殊字符及特殊词汇。
    if not value.strip():
        return [f"应用名称不能为空（{NAME_CLAUSE}；§6.2.2：注册内容应包含应用名称）"]
    messages = []
    if not NAME_MIN <= len(value) <= NAME_MAX:
        messages.append(
            f"应用名称“{value}”共 {len(value)} 个字，应为 {NAME_MIN}–{NAME_MAX} 个字"
            f"（{NAME_CLAUSE}：建议 2-8 个字）"
        )
    special = []
    for char in value:
        if char in ASCII_LETTERS_DIGITS or is_cjk_ideograph(char):
            continue
        shown = describe_char(char)
        if shown not in special:
            special.append(shown)
    if special:
        listed = "".join(f"“{shown}”" for shown in special)
        messages.append(
            f"应用名称“{value}”包含特殊字符{listed}，只能使用汉字、英文字母和数字"
            f"（{NAME_CLAUSE}：不应使用特殊字符）"
        )
    folded = value.casefold()
    for word in banned_words:
        if word.casefold() in folded:
            messages.append(
                f"应用名称“{value}”包含禁用词“{word}”（{NAME_CLAUSE}：不应使用特殊词汇）"
            )
    return messages


def validate_app_slug(value: str) -> list[str]:
    if not SLUG_PATTERN.fullmatch(value):
        message = (
            f"应用英文标识“{value}”格式不正确：只能使用小写英文字母、数字和连字符，"
            f"以字母开头，连字符不能连用或位于末尾，例如 xietong-shixiang（{SLUG_RULE}）"
        )
        return [message]
    messages = []
    if len(value) > SLUG_MAX:
        messages.append(
            f"应用英文标识“{value}”共 {len(value)} 个字符，不能超过 {SLUG_MAX} 个（{SLUG_RULE}）"
        )
    package = value.replace("-", "_")
    if keyword.iskeyword(package):
        messages.append(
            f"应用英文标识“{value}”对应的包名“{package}”是 Python 关键字，不能用作包名"
            f"（{SLUG_RULE}）"
        )
    elif package in sys.stdlib_module_names:
        messages.append(
            f"应用英文标识“{value}”对应的包名“{package}”与 Python 标准库模块同名，"
            f"会遮蔽标准库，请换一个标识（{SLUG_RULE}）"
        )
    return messages


def validate_fixed_page_width(value: str, mode: str) -> list[str]:
    # DB31DSJ/Z 003 附录 D 页面框架：固定宽度模式（760px ~ 950px 之间的任意整数）或宽度自适应。
    if mode != "fixed":  # 宽度自适应模式不使用该值
        return []
    expected = f"应为 {WIDTH_MIN}–{WIDTH_MAX} 之间的整数（{WIDTH_CLAUSE}）"
    if not WIDTH_PATTERN.fullmatch(value):
        return [f"固定页面宽度“{value}”不是整数，{expected}"]
    if len(value) > 1 and value.startswith("0"):  # 0800 would be read as octal in some files
        return [f"固定页面宽度“{value}”不应以 0 开头，{expected}"]
    if not WIDTH_MIN <= int(value) <= WIDTH_MAX:
        return [f"固定页面宽度 {value}px 超出范围，{expected}"]
    return []


def validate_hostname(host: str) -> bool:
    labels = host.split(".")
    return (
        len(host) <= 253
        and len(labels) >= 2
        and all(DNS_LABEL.fullmatch(label) for label in labels)
        and not labels[-1].isdigit()  # an IP address is not a 域名
    )


def validate_https_origin(value: str, label: str, clause: str = HTTPS_CLAUSE) -> list[str]:
    """Check `https://host[:port]`: a secure domain and nothing else.

    DB31DSJ/Z 003 §8.3 b: 应用的链接地址应为 HTTPS 的安全域名. The value is used as an origin
    (home and health URLs are built from it, portals frame it), so a path or query would break.
    """
    shown = f"{label}“{value}”"
    if not value.strip():
        return [f"{label}不能为空（{clause}）"]
    if any(char.isspace() for char in value):
        return [f"{shown}包含空白字符（{clause}）"]
    scheme, sep, _ = value.partition("://")
    if scheme.lower() == "http" and sep:
        return [f"{shown}使用了 http://，必须使用 HTTPS，请改为 https:// 开头（{clause}）"]
    if scheme != "https" or not sep:
        return [f"{shown}应为 https://域名 形式，例如 https://app.example.gov.cn（{clause}）"]
    parts = urlsplit(value)
    messages = []
    if parts.path == "/":
        messages.append(f"{shown}末尾不应有“/”，请只填写 https://域名（{clause}）")
    elif parts.path:
        messages.append(f"{shown}不应包含路径“{parts.path}”，请只填写 https://域名（{clause}）")
    if "?" in value:
        messages.append(f"{shown}不应包含查询参数（“?”之后的部分）（{clause}）")
    if "#" in value:
        messages.append(f"{shown}不应包含片段（“#”之后的部分）（{clause}）")
    if "@" in parts.netloc:
        messages.append(f"{shown}不应包含用户名或密码（“@”之前的部分）（{clause}）")
        return messages
    host, colon, port = parts.netloc.partition(":")
    if colon and not (port.isascii() and port.isdigit() and 1 <= int(port) <= 65535):
        messages.append(f"{shown}的端口“{port}”无效，应为 1–65535 之间的整数（{clause}）")
    if host != host.lower():
        messages.append(f"{shown}的域名请使用小写字母（{clause}）")
    elif not validate_hostname(host):
        messages.append(
            f"{shown}的域名“{host}”无效：应为由字母、数字、连字符和点组成的域名，"
            f"不能是 IP 地址；中文域名请填写 Punycode（xn--）形式（{clause}）"
        )
    return messages


def split_origins(value: str) -> list[str]:
    """The portal origins; 无 or - (the prompt's words for none) and blank mean none."""
    if value.strip() in NO_PORTAL_WORDS:
        return []
    return [item.strip() for item in value.split(",")]


def validate_portal_origins(value: str) -> list[str]:
    messages = []
    for origin in split_origins(value):
        if not origin:
            messages.append(
                f"门户地址列表“{value}”中有空项，请删除多余的英文逗号（{PORTAL_CLAUSE}）"
            )
            continue
        messages.extend(validate_https_origin(origin, "门户地址", PORTAL_CLAUSE))
    return messages


def validate_registration_text(value: str, label: str, clause: str) -> list[str]:
    if not value.strip():
        return [f"{label}不能为空（{clause}）"]
    messages = []
    if any(char in '"\\' or not char.isprintable() for char in value):
        messages.append(
            f"{label}“{value}”包含英文双引号、反斜杠或换行等控制字符，请改用中文引号“”"
            f"（{TEXT_RULE}）"
        )
    return messages


def validate_app_description(value: str) -> list[str]:
    messages = validate_registration_text(value, "应用描述", REGISTRATION_TEXT_FIELDS[0][2])
    if len(value) > DESCRIPTION_MAX:
        messages.append(
            f"应用描述共 {len(value)} 个字，不能超过 {DESCRIPTION_MAX} 个字"
            f"（§6.2.2 注册内容；{DESCRIPTION_MAX} 字为模板上限）"
        )
    return messages


def validate_handles_work_secrets(value: object) -> list[str]:
    if parse_bool(value) is None:
        return [f"是否处理工作秘密“{value}”无法识别，请填写 yes 或 no（§6.2.3）"]
    return []


def validate_combinations(answers: dict) -> list[str]:
    """Options that are fine alone but not together."""
    messages = []
    if parse_bool(answers["handles_work_secrets"]) and answers["database"] == "sqlite":
        messages.append(
            "处理工作秘密的应用不能使用 SQLite：此类应用须通过网络安全等级保护三级测评，"
            "而嵌入式文件数据库没有访问控制和审计能力，请选择 postgresql"
            "（§6.2.3：处理工作秘密的应用应提供网络安全等级保护三级测评报告）"
        )
    terminals = str(answers["terminals"]).split("+")
    if "web" not in terminals and split_origins(str(answers["portal_origins"])):
        messages.append(
            f"访问终端“{answers['terminals']}”不含网页端，但填写了门户地址："
            "嵌入平台网页端门户属于网页端，请选择含网页端（web）的终端，或把门户地址填为“无”"
            "（§6.3.2 b：应用的网页端应与平台网页端门户进行统一集成）"
        )
    return messages


def check_answers(answers: dict, banned_words: list[str]) -> list[str]:
    """Every problem with the answers, in the order the questions are asked."""
    text = {key: str(value) for key, value in answers.items()}
    messages = validate_app_name(text["app_name"], banned_words)
    messages += validate_app_slug(text["app_slug"])
    messages += validate_app_description(text["app_description"])
    for field, label, clause in REGISTRATION_TEXT_FIELDS[1:]:
        messages += validate_registration_text(text[field], label, clause)
    messages += validate_handles_work_secrets(answers["handles_work_secrets"])
    messages += validate_fixed_page_width(text["fixed_page_width"], text["page_width_mode"])
    messages += validate_https_origin(text["app_domain"], "应用域名")
    messages += validate_portal_origins(text["portal_origins"])
    messages += validate_combinations(answers)
    return messages


def find_replay_file(
    replay_dir: Path, output_dir: str, repo_dir: str, app_slug: str
) -> Path | None:
    """The replay file cookiecutter dumped for this run, if it is in replay_dir.

    cookiecutter 2.7 writes <replay_dir>/<template dir name>.json before any hook runs
    (cookiecutter.main: dump() precedes generate_files()), so the answers survive a refusal.
    """
    candidates = []
    for path in replay_dir.expanduser().glob("*.json"):
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))["cookiecutter"]
            mtime = path.stat().st_mtime
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if (
            saved.get("_output_dir") == output_dir
            and saved.get("_repo_dir") == repo_dir
            and saved.get("app_slug") == app_slug
        ):
            candidates.append((mtime, path))
    return max(candidates)[1] if candidates else None


def make_replay_readable(replay_file: Path) -> None:
    """Rewrite the replay file with Chinese as characters, not \\uXXXX escapes.

    cookiecutter dumps it with json.dump's default ensure_ascii=True; the user is asked to
    edit it, so write the same data back in a form they can read. Unreadable files are left.
    """
    try:
        data = json.loads(replay_file.read_text(encoding="utf-8"))
        replay_file.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    except (OSError, ValueError):
        return


def rerun_hint(replay_file: Path | None, template: str | None, output_dir: str | None) -> str:
    if output_dir is None or template is None:  # not run by the cookiecutter command (e.g. cruft)
        return "请修改上面指出的回答后重新生成。"
    output = shlex.quote(output_dir)
    if replay_file is not None:
        replay = shlex.quote(str(replay_file))
        return (
            "您的回答没有丢失：cookiecutter 在运行本检查之前已把它们保存到回放文件\n"
            f"  {replay_file}\n"
            '请在该文件的 "cookiecutter" 部分修改上面指出的值，然后运行下面的命令重新生成，'
            "无需再次回答全部问题：\n"
            f"  cookiecutter --replay-file {replay} -o {output} {shlex.quote(template)}"
        )
    return (
        "您的回答没有丢失：cookiecutter 在运行本检查之前已把它们保存为回放文件，"
        "位于 cookiecutter 配置项 replay_dir 指定的目录（默认 ~/.cookiecutter_replay/），"
        "文件名为模板目录名加 .json。\n"
        '请在该文件的 "cookiecutter" 部分修改上面指出的值，然后运行：\n'
        f"  cookiecutter --replay-file <回放文件> -o {output} {shlex.quote(template)}"
    )


def format_report(messages: list[str], hint: str) -> str:
    lines = [f"无法生成应用：以下 {len(messages)} 项输入不符合 DB31DSJ/Z 003—2026 或模板要求。", ""]
    lines += [f"  {number}. {message}" for number, message in enumerate(messages, start=1)]
    lines += ["", hint, ""]
    return "\n".join(lines)


def read_answers() -> dict:
    return {
        "app_name": json.loads(APP_NAME_JSON),
        "app_slug": json.loads(APP_SLUG_JSON),
        "app_description": json.loads(APP_DESCRIPTION_JSON),
        "industry_theme": json.loads(INDUSTRY_THEME_JSON),
        "terminals": json.loads(TERMINALS_JSON),
        "visible_scope": json.loads(VISIBLE_SCOPE_JSON),
        "developer_org": json.loads(DEVELOPER_ORG_JSON),
        "handles_work_secrets": json.loads(HANDLES_WORK_SECRETS_JSON),
        "page_width_mode": json.loads(PAGE_WIDTH_MODE_JSON),
        "fixed_page_width": json.loads(FIXED_PAGE_WIDTH_JSON),
        "app_domain": json.loads(APP_DOMAIN_JSON),
        "portal_origins": json.loads(PORTAL_ORIGINS_JSON),
        "database": json.loads(DATABASE_JSON),
    }


def main() -> None:
    answers = read_answers()
    messages = check_answers(answers, parse_banned_words(json.loads(BANNED_NAME_WORDS_JSON)))
    if not messages:
        return
    output_dir = json.loads(OUTPUT_DIR_JSON)
    replay_file = None
    if output_dir is not None:
        replay_file = find_replay_file(
            DEFAULT_REPLAY_DIR, output_dir, json.loads(REPO_DIR_JSON), answers["app_slug"]
        )
    if replay_file is not None:
        make_replay_readable(replay_file)
    hint = rerun_hint(replay_file, json.loads(TEMPLATE_JSON), output_dir)
    print(format_report(messages, hint), file=sys.stderr)
    sys.exit(1)


if __name__ == "__main__":
    main()

"""Finish the generated app: prune unused options, write .env, registration and audit files.

Runs inside the generated project directory. Standard library only, and idempotent:
running it again gives the same tree and never replaces an existing .env (its secret).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

# ---- Jinja: the only templated lines -----------------------------------------------------
# Choice values and the slug-derived package name were checked by pre_gen_project.py, so
# they are safe as plain strings. The full answer record arrives as JSON text in a raw
# single-quoted literal (`tojson` escapes quotes, ' included, and backslashes), so free
# text cannot break this file.
# fmt: off
CACHE = "{{ cookiecutter.cache }}"
PACKAGE_NAME = "{{ cookiecutter.__package_name }}"
ANSWERS_JSON = r'{{ cookiecutter | tojson }}'
# fmt: on
# ---- end of Jinja ------------------------------------------------------------------------

STANDARD = "DB31DSJ/Z 003—2026"
SECRET_KEY_SENTINEL = "!!!SET FLASK_SECRET_KEY!!!"  # noqa: S105 - placeholder, not a secret
TERMINAL_LABELS = {"mobile": "移动端", "pc": "PC客户端", "web": "网页端"}
TRUE_WORDS = frozenset({"1", "true", "t", "yes", "y", "on"})
NO_PORTAL_WORDS = frozenset({"无", "-"})

# DB31DSJ/Z 003 §6.2.3 接入审核材料.
BASELINE_DOCUMENTS = ("软件测试报告", "网络安全等级保护测评报告或安全测试报告")
CRYPTO_DOCUMENT = "密码应用测评报告或密码应用安全性评估报告"
WORK_SECRET_DOCUMENTS = (
    "软件测试报告",
    "网络安全等级保护三级测评报告",
    "密码应用安全性评估报告",
    "达到《工作秘密信息防护指南（试用）》的技术要求",
)
TOOL_APP_NOTE = (
    "向平台管理方确认审核材料：标准 §6.2.3 未单列工具应用，以上按业务应用的基线准备，"
    "具体以平台管理方的要求为准"
)
# DB31DSJ/Z 003 §6.2.7 a) 上线申请材料.
LAUNCH_DOCUMENTS = ("联调确认单", "功能测试报告", "安全测试报告")

# Keys that describe one machine's run, not the app: they must not travel in .cruft.json.
MACHINE_KEYS = ("_output_dir", "_repo_dir", "_checkout")
# cruft regenerates the template (running this hook) for check/update. Skip files this hook
# makes per run: .env holds a fresh random secret each time, and .cruft.json is rewritten by
# cruft itself after an update.
CRUFT_SKIP = [".cruft.json", ".env"]
# cookiecutter's built-in abbreviations (cookiecutter.config.BUILTIN_ABBREVIATIONS); cruft
# clones the template with git and does not expand them.
ABBREVIATIONS = {
    "gh": "https://github.com/{0}.git",
    "gl": "https://gitlab.com/{0}.git",
    "bb": "https://bitbucket.org/{0}",
}


def parse_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in TRUE_WORDS


def remove_paths(paths: list[str | Path]) -> None:
    """Delete files or folders of an unused option; a path already gone is fine."""
    for path in map(Path, paths):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()


def remove_oidc_files(package_name: str) -> None:
    """Without the oidc option: no OpenID Connect login, simulator mode or tests."""
    remove_paths([
        f"src/{package_name}/auth/oidc.py",
        "devtools/platform_sim/oidc.py",
        "tests/test_oidc.py",
    ])


def remove_demo_feature(package_name: str) -> None:
    """Without include_demo: no 事项 slice, backend or front end, and no line registering it.

    What stays is the core, with an empty 工作台 that says how to add a feature.
    """
    remove_paths([f"src/{package_name}/features/items", "frontend/src/features/items"])
    unregister_feature(Path(f"src/{package_name}/features/__init__.py"), "items")


def unregister_feature(registry: Path, name: str) -> None:
    """Drop the feature's line from INSTALLED_FEATURES (the one line a feature adds)."""
    if not registry.exists():
        return
    line = f'    "{name}",\n'
    text = registry.read_text(encoding="utf-8")
    registry.write_text(text.replace(line, "", 1), encoding="utf-8")


def remove_redis_files(package_name: str) -> None:
    """With the embedded cache: no Redis client, stores, fixtures or tests.

    The embedded stores stay in Redis bakes: they need nothing installed, pass the same
    contract tests as the Redis ones, and `Config(cache="embedded")` runs on one machine.
    """
    remove_paths([
        f"src/{package_name}/redis_store.py",
        f"src/{package_name}/auth/redis_session_cache.py",
        f"src/{package_name}/platform/redis_token_store.py",
        "tests/redis_fixtures.py",
        "tests/test_redis_store.py",
        "tests/test_redis_session_cache.py",
        "tests/test_redis_token_store.py",
    ])


CI_FILES = {"gitlab": [".gitlab-ci.yml"], "github": [".github"]}


def remove_ci_files(ci: str) -> None:
    """Keep the chosen platform's pipeline; `none` keeps none, nor the script they share."""
    for platform, paths in CI_FILES.items():
        if platform != ci:
            remove_paths(paths)
    if ci not in CI_FILES:
        remove_paths(["ci"])


def remove_kubernetes_files() -> None:
    """SQLite lives in one pod's volume: several pods and rolling updates need PostgreSQL."""
    remove_paths(["deploy/k8s"])


def set_flag(path: Path, flag: str, value: str | None = None) -> str:
    """Replace every `flag` in the file with value (a new random secret when None)."""
    if value is None:
        value = secrets.token_urlsafe(48)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(flag, value), encoding="utf-8")
    return value


def write_dotenv(example_path: Path, env_path: Path) -> None:
    """Create .env for local development from .env.example, once."""
    if env_path.exists() or not example_path.exists():
        return  # never regenerate secrets an existing .env already holds
    text = example_path.read_text(encoding="utf-8")
    if re.search(r"^APP_ENV=.*$", text, flags=re.MULTILINE):
        text = re.sub(r"^APP_ENV=.*$", "APP_ENV=development", text, flags=re.MULTILINE)
    else:
        text = text.rstrip("\n") + "\nAPP_ENV=development\n"
    # Owner-only from the first byte: the file is about to hold a secret.
    fd = os.open(env_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as env_file:
        env_file.write(text)
    set_flag(env_path, SECRET_KEY_SENTINEL)


def terminal_labels(terminals: str) -> list[str]:
    return [TERMINAL_LABELS[name] for name in terminals.split("+")]


def split_origins(value: str) -> list[str]:
    if value.strip() in NO_PORTAL_WORDS:  # the portal question's words for "none"
        return []
    return [item.strip() for item in value.split(",") if item.strip()]


def audit_documents(category: str, handles_work_secrets: bool) -> list[str]:
    """Materials the platform administrator audits before access (§6.2.3)."""
    if handles_work_secrets:  # 处理工作秘密的要求高于应用分类
        return list(WORK_SECRET_DOCUMENTS)
    if category == "业务应用":
        return list(BASELINE_DOCUMENTS)
    if category == "办公应用":
        return [*BASELINE_DOCUMENTS, CRYPTO_DOCUMENT]
    if category == "工具应用":
        return [*BASELINE_DOCUMENTS, TOOL_APP_NOTE]
    raise ValueError(f"未知的应用分类：{category}")


def registration_content(answers: dict) -> dict:
    """The §6.2.2 registration fields plus what the platform needs to reach the app."""
    app_domain = answers["app_domain"]
    handles_work_secrets = parse_bool(answers["handles_work_secrets"])
    if answers["page_width_mode"] == "fixed":
        page_width = {"mode": "fixed", "width": int(answers["fixed_page_width"])}
    else:
        page_width = {"mode": "adaptive"}
    return {
        "app_name": answers["app_name"],
        "app_description": answers["app_description"],
        "app_category": answers["app_category"],
        "industry_theme": answers["industry_theme"],
        "terminals": terminal_labels(answers["terminals"]),
        "visible_scope": answers["visible_scope"],
        "developer_org": answers["developer_org"],
        "handles_work_secrets": handles_work_secrets,
        "home_url": app_domain + "/",
        "health_url": app_domain + "/healthz",
        "trusted_domain": urlsplit(app_domain).hostname,
        "portal_origins": split_origins(answers["portal_origins"]),
        "page_width": page_width,
        "audit_documents": audit_documents(answers["app_category"], handles_work_secrets),
        "standard": STANDARD,
    }


def write_json(path: Path, data: dict, *, sort_keys: bool) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=sort_keys)
    path.write_text(text + "\n", encoding="utf-8")


def write_registration_json(path: Path, answers: dict) -> None:
    write_json(path, registration_content(answers), sort_keys=True)


def write_audit_checklist(
    path: Path, documents: list[str], category: str, handles_work_secrets: bool
) -> None:
    scope = "处理工作秘密的应用" if handles_work_secrets else category
    lines = [
        "# 接入审核与上线材料清单",
        "",
        f"本清单由模板按生成时的回答自动生成（应用分类：{category}；"
        f"处理工作秘密：{'是' if handles_work_secrets else '否'}），依据 {STANDARD}。",
        "准备好一项就勾选一项。",
        "",
        "## 接入审核材料（§6.2.3）",
        "",
        f"平台管理方对注册申请接入的应用进行审核，{scope}应提供：",
        "",
        *[f"- [ ] {document}" for document in documents],
        "",
        "## 上线申请材料（§6.2.7 a）",
        "",
        "应用走查和兼容性测试通过后提交上线申请，应提交：",
        "",
        *[f"- [ ] {document}" for document in LAUNCH_DOCUMENTS],
        "",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")


def template_source(template: str, repo_dir: str | None) -> str:
    """Where cruft can clone the template from: a URL or an absolute local path."""
    prefix, colon, rest = template.partition(":")
    if colon and prefix in ABBREVIATIONS:
        return ABBREVIATIONS[prefix].format(rest)
    if "://" in template or template.startswith("git@"):
        return template
    # A local template: cookiecutter may record it relative to the user's working
    # directory, which this hook (running in the new project) cannot see; prefer the
    # absolute repo dir when cookiecutter gave one.
    if repo_dir and os.path.isabs(repo_dir):
        return repo_dir
    return template


def template_commit(repo_dir: str | None) -> str | None:
    """The template's git HEAD, or None when repo_dir is not a git work tree."""
    if not repo_dir or not os.path.isabs(repo_dir) or not os.path.isdir(repo_dir):
        return None  # a relative path would be resolved against the new project: wrong repo
    try:
        result = subprocess.run(
            ["git", "rev-parse", "HEAD"],  # noqa: S607 - git from PATH, as cruft uses it
            cwd=repo_dir,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:  # git not installed
        return None
    commit = result.stdout.strip()
    return commit if result.returncode == 0 and re.fullmatch(r"[0-9a-f]{40,64}", commit) else None


def is_local_path(template: str) -> bool:
    return "://" not in template and not template.startswith("git@")


def write_answers(path: Path, answers: dict) -> str:
    """Save the answers as .cruft.json (cruft 2.16 format); return the template location.

    `_template_url` (empty by default) is where teammates fetch the template from; set it
    in a team's copy of cookiecutter.json, or on the command line, when the template was
    cloned to a local path that only this machine has.
    """
    repo_dir = answers.get("_repo_dir")
    # Under `cruft update` the context carries _commit and no _repo_dir.
    commit = answers.get("_commit") or template_commit(repo_dir)
    template = answers.get("_template_url") or template_source(answers["_template"], repo_dir)
    context = {
        key: value
        for key, value in answers.items()
        if key not in MACHINE_KEYS and key != "__prompts__"
    }
    context["_template"] = template
    context["_commit"] = commit
    cruft_state = {
        "template": template,
        "commit": commit,
        "checkout": answers.get("_checkout"),
        "context": {"cookiecutter": context},
        "directory": None,
        "skip": CRUFT_SKIP,
    }
    write_json(path, cruft_state, sort_keys=False)
    return template


def next_steps(answers: dict, project_dir: Path, template: str) -> str:
    """What to do after a successful bake, printed by the cookiecutter command."""
    services = [
        name
        for name, used in (
            ("PostgreSQL", answers["database"] == "postgresql"),
            ("Redis", answers["cache"] == "redis"),
        )
        if used
    ]
    lines = [
        f"已生成应用“{answers['app_name']}”：{project_dir}",
        "下一步：",
        f"  cd {project_dir} && make dev"
        "    # 首次运行安装依赖并构建前端（几分钟），之后几秒即可启动",
        '  git init && git add -A && git commit -m "由 cookiecutter-ywxt 生成"',
    ]
    if services:
        lines.append(
            f"make dev 会在 instance/ 下启动本机开发用的 {' 和 '.join(services)}（需要 Debian 的 "
            "postgresql、redis-server 软件包；也可在 .env 中改为已有的服务）"
        )
    if is_local_path(template):
        lines.append(
            f".cruft.json 记录的模板位置是本机路径 {template}：团队共用前，请把其中的 "
            '"template" 改为团队能访问的 git 仓库地址（或生成时加 _template_url=<仓库地址>）'
        )
    return "\n".join(lines)


def main() -> None:
    answers = json.loads(ANSWERS_JSON)
    handles_work_secrets = parse_bool(answers["handles_work_secrets"])
    category = answers["app_category"]

    if CACHE == "embedded":
        remove_redis_files(PACKAGE_NAME)
    if answers["database"] == "sqlite":
        remove_kubernetes_files()
    if not parse_bool(answers.get("oidc", False)):
        remove_oidc_files(PACKAGE_NAME)
    if not parse_bool(answers.get("include_demo", True)):
        remove_demo_feature(PACKAGE_NAME)
    remove_ci_files(answers.get("ci", "gitlab"))
    write_dotenv(Path(".env.example"), Path(".env"))
    write_registration_json(Path("registration.json"), answers)
    write_audit_checklist(
        Path("docs/audit-checklist.md"),
        audit_documents(category, handles_work_secrets),
        category,
        handles_work_secrets,
    )
    template = write_answers(Path(".cruft.json"), answers)
    if answers.get("_output_dir"):  # the cookiecutter command, not a cruft re-render
        print(next_steps(answers, Path.cwd(), template))


if __name__ == "__main__":
    main()

"""`flask --app wsgi feature new <name> --title <中文名>`: a new feature slice in the pattern.

It writes src/<package>/features/<name>/ (model, service, routes with CSRF and schemas, the
unified todo sent through the outbox, its backup section, its Alembic branch, tests) and
frontend/src/features/<name>/ (list, detail and new pages, routes, a 工作台 panel, a unit
test), and adds the one line to features.INSTALLED_FEATURES. Every check runs before the
first byte is written: a bad or taken name is refused in Chinese and nothing changes.
"""

from __future__ import annotations

import dataclasses
import keyword
import re
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

TEMPLATES = Path(__file__).parent / "templates"
# Short enough that every generated line stays within the project's line length.
NAME = re.compile(r"[a-z][a-z0-9_]{1,15}")
TITLE_MAX = 8
# Taken by the core: URL segments under /api/, blueprints, tables and Python names.
RESERVED = frozenset({
    "api", "app", "auth", "cli", "config", "consent", "contacts", "contact", "core", "data",
    "department", "errors", "extensions", "features", "frontend", "health", "healthz",
    "inbox", "jssdk", "livez", "login", "logout", "me", "messages", "app_message", "migrations",
    "openapi", "outbox", "outbox_message", "operation_event", "pages", "platform", "privacy",
    "profile", "reports", "security", "static", "tests", "timestamps", "login_session",
    "pending_login", "consent_record", "alembic_version", "assets",
    # Shared schema names of the interface document (Error, Person).
    "error", "person",
})
REGISTRY_LINE = '    "{name}",\n'
REGISTRY_END = "\n)\n"


class ScaffoldError(Exception):
    """Why the feature cannot be written, in Chinese; nothing was written."""


@dataclasses.dataclass(frozen=True)
class NewFeature:
    name: str   # leave_request: package, table, URL segment, outbox kind prefix
    title: str  # 请假申请

    @property
    def model(self) -> str:
        return "".join(part.capitalize() for part in self.name.split("_"))

    def fill(self, text: str, when: datetime) -> str:
        return (text.replace("%%name%%", self.name).replace("%%Model%%", self.model)
                .replace("%%title%%", self.title)
                .replace("%%date%%", when.strftime("%Y-%m-%d %H:%M:%S")))


def check_title(title: str) -> str:
    title = title.strip()
    if not title:
        raise ScaffoldError("请用 --title 给出功能的中文名，例如 --title 请假申请。")
    if len(title) > TITLE_MAX:
        raise ScaffoldError(f"中文名“{title}”太长：不超过 {TITLE_MAX} 个字。")
    if any(unicodedata.category(char)[0] in "CZ" for char in title) or any(
            char in "\"'\\`<>{}%" for char in title):
        raise ScaffoldError(f"中文名“{title}”含有空白、引号或其他特殊字符，请只用文字和数字。")
    return title


def check_name(name: str, package_root: Path) -> None:
    if not NAME.fullmatch(name):
        raise ScaffoldError(
            f"功能名“{name}”不可用：只能用小写字母开头，由小写字母、数字和下划线组成，"
            "2-16 个字符，例如 leave 或 leave_request。")
    if keyword.iskeyword(name) or name in RESERVED:
        raise ScaffoldError(f"功能名“{name}”已被应用的基础部分使用，"
                            f"请换一个，例如 {name}_request。")
    if (package_root / "features" / name).exists():
        raise ScaffoldError(f"功能“{name}”已经存在（src/…/features/{name}/），未做任何修改。")


def plan(feature: NewFeature, project_root: Path, package_root: Path,
         when: datetime) -> dict[Path, str]:
    """Every file to write, with its content; refuses if any of them exists."""
    files: dict[Path, str] = {}
    targets = {
        "backend": package_root / "features" / feature.name,
        "frontend": project_root / "frontend" / "src" / "features" / feature.name,
    }
    for side, target in targets.items():
        source = TEMPLATES / side
        for template in sorted(source.rglob("*.tmpl")):
            relative = template.relative_to(source).with_suffix("")
            if relative.parent.name == "migrations":
                relative = relative.with_name(f"{feature.name}_{relative.name}")
            relative = Path(feature.fill(str(relative), when))
            files[target / relative] = feature.fill(template.read_text(encoding="utf-8"), when)
    taken = [path for path in files if path.exists()]
    if taken or targets["frontend"].exists():
        shown = taken[0] if taken else targets["frontend"]
        raise ScaffoldError(f"{shown.relative_to(project_root)} 已经存在，未做任何修改。")
    return files


def registered(registry_text: str, name: str) -> str:
    """features/__init__.py with `name` added at the end of INSTALLED_FEATURES."""
    start = registry_text.find("INSTALLED_FEATURES")
    end = registry_text.find(REGISTRY_END, start)
    if start < 0 or end < 0:
        raise ScaffoldError("在 features/__init__.py 中找不到 INSTALLED_FEATURES 的列表，"
                            "请先恢复它的格式（每行一个功能名，以单独一行的 ) 结束）。")
    if REGISTRY_LINE.format(name=name) in registry_text[start:end + 1]:
        raise ScaffoldError(f"功能“{name}”已登记在 INSTALLED_FEATURES 中，未做任何修改。")
    return registry_text[:end + 1] + REGISTRY_LINE.format(name=name) + registry_text[end + 1:]


def create_feature(project_root: Path, package_root: Path, name: str, title: str, *,
                   when: datetime | None = None) -> list[Path]:
    """Write the new feature and register it; the paths written, registry last."""
    title = check_title(title)
    check_name(name, package_root)
    feature = NewFeature(name, title)
    files = plan(feature, project_root, package_root, when or datetime.now(UTC))
    registry = package_root / "features" / "__init__.py"
    new_registry = registered(registry.read_text(encoding="utf-8"), name)
    written: list[Path] = []
    try:
        for path, content in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("x", encoding="utf-8") as handle:  # never over an existing file
                handle.write(content)
            written.append(path)
    except OSError as error:
        for path in written:
            path.unlink(missing_ok=True)
        raise ScaffoldError(f"写入 {error.filename} 失败（{error.strerror}），已撤回已写的文件。"
                            ) from None
    registry.write_text(new_registry, encoding="utf-8")
    return [*written, registry]

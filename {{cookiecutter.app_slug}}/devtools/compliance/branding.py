"""Appendix D rules for what the platform shows of the app: its name, logo and icon."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

from .results import FAIL, MANUAL, PASS, SKIPPED, CheckResult

NAME_CLAUSE = "附录 D·应用名称"
LOGO_CLAUSE = "附录 D·应用 logo"
ICON_CLAUSE = "附录 D·应用图标"
NAME_MIN, NAME_MAX = 2, 8
# The standard's own examples ("包括但不限于"); a platform may ban more, saved in .cruft.json.
STANDARD_BANNED_WORDS = ("微信", "测试", "免费")
ASCII_LETTERS_DIGITS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
DEFAULT_LOGO = Path("branding/logo.png")
LOGO_SIZE = (750, 750)
LOGO_MAX_BYTES = 1024 * 1024
LOGO_FORMATS = {"PNG": "png", "JPEG": "jpg"}


def banned_words(project_root: Path) -> tuple[list[str], str]:
    """The banned words saved with the app's answers (.cruft.json), else the standard's three."""
    try:
        state = json.loads((project_root / ".cruft.json").read_text(encoding="utf-8"))
        saved = state["context"]["cookiecutter"]["_banned_name_words"]
    except (OSError, ValueError, KeyError, TypeError):
        return list(STANDARD_BANNED_WORDS), "标准列举的禁用词"
    words = saved.split(",") if isinstance(saved, str) else list(saved)
    words = [str(word).strip() for word in words if str(word).strip()]
    return (words, ".cruft.json 中保存的禁用词") if words else (list(STANDARD_BANNED_WORDS),
                                                               "标准列举的禁用词")


def _is_cjk_ideograph(char: str) -> bool:
    return unicodedata.name(char, "").startswith(("CJK UNIFIED IDEOGRAPH",
                                                  "CJK COMPATIBILITY IDEOGRAPH"))


def name_problems(name: str, words: list[str]) -> list[str]:
    """The same rules as the template's pre-generation hook, as Chinese messages."""
    problems = []
    if not NAME_MIN <= len(name) <= NAME_MAX:
        problems.append(f"共 {len(name)} 个字，应为 {NAME_MIN}–{NAME_MAX} 个字")
    special = sorted({char for char in name
                      if char not in ASCII_LETTERS_DIGITS and not _is_cjk_ideograph(char)})
    if special:
        problems.append("包含特殊字符" + "".join(f"“{char}”" for char in special))
    problems += [f"包含禁用词“{word}”" for word in words if word.casefold() in name.casefold()]
    return problems


def check_app_name(name: str, project_root: Path) -> CheckResult:
    words, source = banned_words(project_root)
    problems = name_problems(name, words)
    requirement = "应用名称 2-8 个字，不含特殊字符及特殊词汇"
    if problems:
        return CheckResult("app-name", NAME_CLAUSE, requirement, FAIL,
                           f"“{name}”" + "；".join(problems))
    return CheckResult("app-name", NAME_CLAUSE, requirement, PASS,
                       f"“{name}”共 {len(name)} 个字；已对照{source}：{'、'.join(words)}")


def logo_path(project_root: Path, registration: dict | None) -> Path:
    relative = (registration or {}).get("logo") or DEFAULT_LOGO
    return project_root / relative


def check_logo(path: Path) -> list[CheckResult]:
    """附录 D 应用 logo: 750 px × 750 px, ≤ 1 MB, jpg or png; 应用图标: no square corners."""
    requirement = "logo 为 750×750 px、1 MB 以内的 jpg/png 图片"
    icon_requirement = "图标不描边、非方角，无“new、hot”等标注，不用商业图案，文字与名称相符"
    if not path.is_file():
        return [CheckResult("logo", LOGO_CLAUSE, requirement, FAIL, f"未找到 {path.name}")]
    try:
        from PIL import Image
    except ImportError:
        return [CheckResult("logo", LOGO_CLAUSE, requirement, SKIPPED,
                            "未安装 Pillow（pip install -e '.[dev]'）")]
    size = path.stat().st_size
    try:
        with Image.open(path) as image:
            image.load()
            kind, dimensions = image.format, image.size
            corners = _corner_alpha(image)
    except OSError as error:
        return [CheckResult("logo", LOGO_CLAUSE, requirement, FAIL, f"无法读取图片：{error}")]
    problems = []
    if kind not in LOGO_FORMATS:
        problems.append(f"格式为 {kind}，应为 jpg 或 png")
    if dimensions != LOGO_SIZE:
        problems.append(f"尺寸为 {dimensions[0]}×{dimensions[1]} px，应为 750×750 px")
    if size > LOGO_MAX_BYTES:
        problems.append(f"大小为 {size / 1024:.0f} KB，超过 1 MB")
    facts = f"{path.name}：{LOGO_FORMATS.get(kind, kind)}，{dimensions[0]}×{dimensions[1]} px，" \
            f"{size / 1024:.0f} KB"
    logo = CheckResult("logo", LOGO_CLAUSE, requirement, FAIL if problems else PASS,
                       "；".join(problems) if problems else facts)
    if problems:
        return [logo]
    if max(corners) == 0:
        icon = CheckResult("icon-corners", ICON_CLAUSE, icon_requirement, MANUAL,
                           "四角透明（圆角）已自动确认；是否描边、标注、商业图案、文字与名称相符请人工确认")
    else:
        icon = CheckResult("icon-corners", ICON_CLAUSE, icon_requirement, FAIL,
                           "图片四角不透明，可能为方角：请把四角做成透明的圆角（png）")
    return [logo, icon]


def _corner_alpha(image) -> list[int]:
    """Alpha of the four corner pixels (255 each when the image has no transparency)."""
    if "A" not in image.getbands() and "transparency" not in image.info:
        return [255, 255, 255, 255]
    rgba = image.convert("RGBA")
    width, height = rgba.size
    return [rgba.getpixel(point)[3] for point in ((0, 0), (width - 1, 0), (0, height - 1),
                                                  (width - 1, height - 1))]

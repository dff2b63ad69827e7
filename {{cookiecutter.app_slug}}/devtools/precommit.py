"""Checks the Git hooks run on what a commit changes (.pre-commit-config.yaml).

    python -m devtools.precommit styles FILE...   no red, enough contrast in changed styles
    python -m devtools.precommit template         remind when the template has moved on

`styles` reads the stylesheets and the `<style>` blocks of Vue files it is given:
- no red (DB31DSJ/Z 003 附录 D 页面框架：不宜使用红色), the rule the compliance self-test
  applies to the built CSS (compliance/colours.py), caught here before a commit;
- a rule that sets both a foreground colour and a background colour keeps at least 3:1
  between them: WCAG 2.1's floor for anything drawn in `color` (large text, 1.4.3; icons
  and controls, 1.4.11). Body text needs 4.5:1, but a rule does not say whether it colours
  body text or an icon, so that stricter figure is left to the browser tests.
  `var(--app-…)` and `var(--van-…)` are looked up in the theme (frontend/src/styles/
  theme.css), so `color: var(--app-text-3)` is checked too.
A colour that is only known in the browser (a variable the theme does not set, a
gradient, a translucent background) is not guessed at.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from .compliance.colours import find_red, parse_colour, parse_declarations, root_specificity

THEME = Path("frontend/src/styles/theme.css")
STYLE_BLOCK = re.compile(r"<style\b[^>]*>(.*?)</style>", re.DOTALL | re.IGNORECASE)
VARIABLE = re.compile(r"var\(\s*(--[\w-]+)\s*(?:,\s*([^()]*))?\)")
# WCAG 2.1 AA's lowest figure: large text (1.4.3) and non-text contrast (1.4.11).
MIN_CONTRAST = 3.0
BACKGROUND_PROPERTIES = ("background-color", "background")

Runner = Callable[..., subprocess.CompletedProcess[str]]


def style_text(path: Path) -> str:
    """The CSS of a stylesheet, or of every `<style>` block of a Vue file."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".vue":
        return "\n".join(STYLE_BLOCK.findall(text))
    return text


def theme_tokens(css: str) -> dict[str, str]:
    """Custom properties the theme sets on the root element, unconditionally."""
    tokens: dict[str, str] = {}
    for declaration in parse_declarations(css):
        if (declaration.prop.startswith("--") and not declaration.conditions
                and root_specificity(declaration.selector) is not None):
            tokens[declaration.prop] = declaration.value
    return tokens


def resolve(value: str, tokens: dict[str, str]) -> str | None:
    """The value with every var() replaced from the theme; None if one is not known there."""
    for _ in range(10):  # variables refer to variables: --van-text-color → --app-text
        match = VARIABLE.search(value)
        if match is None:
            return value.strip()
        name, fallback = match.group(1), match.group(2)
        replacement = tokens.get(name, fallback)
        if replacement is None:
            return None
        value = value[: match.start()] + replacement + value[match.end():]
    return None


def _luminance(channel: float) -> float:
    channel /= 255
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4


def contrast_ratio(first: tuple[float, float, float], second: tuple[float, float, float]) -> float:
    """WCAG 2.1 contrast ratio of two opaque sRGB colours (1 to 21)."""
    lighter, darker = sorted(
        (0.2126 * _luminance(r) + 0.7152 * _luminance(g) + 0.0722 * _luminance(b)
         for r, g, b in (first, second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _opaque_colour(value: str | None) -> tuple[float, float, float] | None:
    if value is None:
        return None
    channels = parse_colour(value)
    if channels is None or channels[3] < 1:
        return None  # a gradient, an image, a keyword, or see-through: known only when painted
    return channels[0], channels[1], channels[2]


def low_contrast(css: str, source: str, tokens: dict[str, str]) -> list[str]:
    """Rules whose own foreground and background colours are below MIN_CONTRAST."""
    rules: dict[tuple[tuple[str, ...], str], dict[str, str]] = {}
    for declaration in parse_declarations(css, source):
        key = (declaration.conditions, declaration.selector)
        rules.setdefault(key, {})[declaration.prop.lower()] = declaration.value
    findings = []
    for (conditions, selector), properties in rules.items():
        if "color" not in properties:
            continue
        background = next((properties[name] for name in BACKGROUND_PROPERTIES
                           if name in properties), None)
        if background is None:
            continue
        text = _opaque_colour(resolve(properties["color"], tokens))
        fill = _opaque_colour(resolve(background, tokens))
        if text is None or fill is None:
            continue
        ratio = contrast_ratio(text, fill)
        if ratio < MIN_CONTRAST:
            where = " ".join((*conditions, selector))
            findings.append(f"{source}: {where} 的前景与背景对比度 {ratio:.2f}:1，低于 "
                            f"{MIN_CONTRAST:g}:1（WCAG 2.1 1.4.3、1.4.11）："
                            f"color: {properties['color']}; background: {background}")
    return findings


def check_styles(paths: Iterable[Path], theme: Path = THEME) -> list[str]:
    """Every problem in the given style files, as Chinese sentences."""
    tokens = theme_tokens(theme.read_text(encoding="utf-8")) if theme.exists() else {}
    sheets = {str(path): style_text(path) for path in paths}
    red, _ = find_red(sheets)
    problems = [f"{finding.describe()}：附录 D 页面框架不宜使用红色" for finding in red]
    for source, css in sheets.items():
        problems += low_contrast(css, source, tokens)
    return problems


def remind_template_update(run: Runner | None = None) -> str | None:
    """A reminder when `cruft check` says the template has moved on; never blocks a commit."""
    run = run or subprocess.run
    cruft = Path(sys.executable).parent / "cruft"
    try:
        result = run([str(cruft), "check"], capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"提醒：未能检查模板是否有更新（{type(error).__name__}）。"
    if result.returncode == 0:
        return None
    output = result.stdout + result.stderr
    if "out of date" in output:
        return ("提醒：本应用所用的模板已有更新。方便时运行 `.venv/bin/cruft diff` 查看、"
                "`.venv/bin/cruft update` 合并（本次提交不受影响）。")
    # cruft prints a traceback: its exception line says why better than its last line.
    errors = re.findall(r"^\w+(?:Error|Exception|Repository)\b.*$", output, flags=re.MULTILINE)
    lines = [line.strip() for line in output.splitlines() if len(line.strip()) > 2]
    reason = (errors or lines or ["无输出"])[-1]
    return f"提醒：未能检查模板是否有更新（可能无法访问模板仓库）：{reason}"


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    command = args.pop(0) if args else ""
    if command == "styles":
        problems = check_styles(Path(name) for name in args)
        for problem in problems:
            print(problem)
        return 1 if problems else 0
    if command == "template":
        reminder = remind_template_update()
        if reminder:
            print(reminder)
        return 0
    print("用法：python -m devtools.precommit styles 文件… | template", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())

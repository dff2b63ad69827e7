"""Colours of the built stylesheets: no red (DB31DSJ/Z 003 附录 D 页面框架：不宜使用红色), and
enough contrast (WCAG 2.1 SC 1.4.3, 1.4.11; GB/T 37668-2019; 工信部 适老化 规范: ≥ 4.5:1).

"Red" is the same rule the browser tests apply to computed styles (frontend/tests/e2e/
support.ts): HSL hue within 20° of 0 and saturation above 0.3, not fully transparent.
Here it is applied to the colours written in the CSS the browser downloads. A red value
of a custom property on the root element that a stronger root rule replaces (Vant's
`--van-red: #ee0a24`, remapped in frontend/src/styles/theme.css) is never painted and
does not count.
"""

from __future__ import annotations

import colorsys
import dataclasses
import math
import re

HUE_LIMIT = 20.0
SATURATION_LIMIT = 0.3

# CSS named colours near hue 0. Every other named colour is far from red and needs no entry.
NAMED_COLOURS = {
    "red": "#ff0000", "darkred": "#8b0000", "maroon": "#800000", "crimson": "#dc143c",
    "firebrick": "#b22222", "indianred": "#cd5c5c", "lightcoral": "#f08080",
    "salmon": "#fa8072", "darksalmon": "#e9967a", "lightsalmon": "#ffa07a",
    "tomato": "#ff6347", "orangered": "#ff4500", "coral": "#ff7f50", "brown": "#a52a2a",
    "sienna": "#a0522d", "rosybrown": "#bc8f8f", "mistyrose": "#ffe4e1", "pink": "#ffc0cb",
    "lightpink": "#ffb6c1", "palevioletred": "#db7093", "lavenderblush": "#fff0f5",
    "hotpink": "#ff69b4", "deeppink": "#ff1493",
}

COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
VARIABLE_NAME = re.compile(r"var\(\s*--[\w-]+")
URL = re.compile(r"url\([^)]*\)", re.IGNORECASE)
HEX = re.compile(r"#([0-9a-fA-F]{8}|[0-9a-fA-F]{6}|[0-9a-fA-F]{3,4})(?![0-9a-zA-Z_-])")
FUNCTION = re.compile(r"\b(rgba?|hsla?)\(([^()]*)\)", re.IGNORECASE)
NAMED = re.compile(r"(?<![\w#-])(" + "|".join(NAMED_COLOURS) + r")(?![\w-])", re.IGNORECASE)
ROOT_PART = re.compile(r":root|html|:host|:where\([^()]*\)")


@dataclasses.dataclass(frozen=True)
class Declaration:
    """One `property: value` of a style rule, with where it sits."""

    source: str
    selector: str
    conditions: tuple[str, ...]  # enclosing at-rules, outermost first
    prop: str
    value: str
    order: int


@dataclasses.dataclass(frozen=True)
class RedFinding:
    declaration: Declaration
    colour: str

    def describe(self) -> str:
        where = " ".join((*self.declaration.conditions, self.declaration.selector))
        rule = f"{self.declaration.prop}: {self.colour}"
        return f"{self.declaration.source}: {where} " + "{ " + rule + " }"


def is_red(red: float, green: float, blue: float, alpha: float = 1.0) -> bool:
    """Channels 0–255. Hue within HUE_LIMIT of 0°, HSL saturation above SATURATION_LIMIT."""
    if alpha <= 0:
        return False
    hue, lightness, saturation = colorsys.rgb_to_hls(red / 255, green / 255, blue / 255)
    if lightness in (0.0, 1.0):
        return False
    # colorsys divides by (max+min) or (2-max-min); CSS HSL saturation is the same value.
    degrees = hue * 360
    return saturation > SATURATION_LIMIT and (degrees <= HUE_LIMIT or degrees >= 360 - HUE_LIMIT)


def _number(text: str, scale: float) -> float:
    """A CSS number or percentage; `scale` is what 100% means."""
    if text.endswith("%"):
        return float(text[:-1]) * scale / 100
    return float(text)


def _hue(text: str) -> float:
    text = text.lower()
    for unit, factor in (("deg", 1.0), ("grad", 0.9), ("rad", 180 / math.pi), ("turn", 360.0)):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * factor
    return float(text)


def parse_colour(text: str) -> tuple[float, float, float, float] | None:
    """(r, g, b, alpha) of a hex, rgb()/rgba(), hsl()/hsla() or listed named colour."""
    text = text.strip()
    named = NAMED_COLOURS.get(text.lower())
    if named:
        text = named
    if text.startswith("#"):
        digits = text[1:]
        if len(digits) in (3, 4):
            digits = "".join(char * 2 for char in digits)
        if len(digits) not in (6, 8):
            return None
        channels = [int(digits[i : i + 2], 16) for i in range(0, len(digits), 2)]
        alpha = channels[3] / 255 if len(channels) == 4 else 1.0
        return channels[0], channels[1], channels[2], alpha
    match = FUNCTION.fullmatch(text)
    if not match:
        return None
    kind = match.group(1).lower()
    parts = [part for part in re.split(r"[\s,/]+", match.group(2).strip()) if part]
    if len(parts) < 3 or any(part in ("none",) or part.startswith("var(") for part in parts):
        return None
    try:
        alpha = _number(parts[3], 1.0) if len(parts) > 3 else 1.0
        if kind.startswith("rgb"):
            red, green, blue = (_number(part, 255) for part in parts[:3])
            return red, green, blue, alpha
        hue = _hue(parts[0]) % 360 / 360
        saturation = _number(parts[1], 1.0) / (100 if not parts[1].endswith("%") else 1)
        lightness = _number(parts[2], 1.0) / (100 if not parts[2].endswith("%") else 1)
    except ValueError:
        return None
    red, green, blue = colorsys.hls_to_rgb(hue, lightness, saturation)
    return red * 255, green * 255, blue * 255, alpha


def colours_in(value: str) -> list[str]:
    """The colour literals of a declaration value (custom-property names and URLs skipped)."""
    value = URL.sub("url()", VARIABLE_NAME.sub("var(", value))
    found = [match.group(0) for match in HEX.finditer(value)]
    found += [match.group(0) for match in FUNCTION.finditer(value)]
    found += [match.group(0) for match in NAMED.finditer(value)]
    return found


def red_colours_in(value: str) -> list[str]:
    reds = []
    for colour in colours_in(value):
        channels = parse_colour(colour)
        if channels is not None and is_red(*channels):
            reds.append(colour)
    return reds


def _skip_string(css: str, start: int) -> int:
    """Index just past the quoted string that starts at `start`."""
    quote, index = css[start], start + 1
    while index < len(css) and css[index] != quote:
        index += 2 if css[index] == "\\" else 1
    return index + 1


def parse_declarations(css: str, source: str = "") -> list[Declaration]:
    """Every declaration of a stylesheet, in order, with its selector and at-rules."""
    css = COMMENT.sub("", css)
    declarations: list[Declaration] = []
    stack: list[str] = []
    buffer: list[str] = []
    index = 0

    def flush() -> None:
        text = "".join(buffer).strip()
        buffer.clear()
        if not text or not stack or stack[-1].startswith("@") or ":" not in text:
            return
        prop, _, value = text.partition(":")
        conditions = tuple(prelude for prelude in stack[:-1] if prelude.startswith("@"))
        declarations.append(Declaration(source, stack[-1], conditions, prop.strip(),
                                        value.strip(), len(declarations)))

    while index < len(css):
        char = css[index]
        if char in "\"'":
            end = _skip_string(css, index)
            buffer.append(css[index:end])
            index = end
            continue
        if char == "{":
            stack.append("".join(buffer).strip())
            buffer.clear()
        elif char == "}":
            flush()
            if stack:
                stack.pop()
        elif char == ";":
            flush()
        else:
            buffer.append(char)
        index += 1
    return declarations


def root_specificity(selector_list: str) -> tuple[int, int] | None:
    """(pseudo-classes, types) when every selector of the list matches only the root element."""
    best = None
    for selector in selector_list.split(","):
        selector = selector.strip()
        if not selector or ROOT_PART.sub("", selector) != "":
            return None
        classes = len(re.findall(r":root|:host", selector))
        types = len(re.findall(r"(?<![\w:-])html", selector))
        best = max(best or (0, 0), (classes, types))
    return best


def _overridden(declaration: Declaration, declarations: list[Declaration]) -> bool:
    """A root custom property that an unconditional, stronger (or later) root rule replaces."""
    if not declaration.prop.startswith("--"):
        return False
    own = root_specificity(declaration.selector)
    if own is None:
        return False
    for other in declarations:
        if other is declaration or other.prop != declaration.prop or other.conditions:
            continue
        theirs = root_specificity(other.selector)
        if theirs is None or red_colours_in(other.value):
            continue
        if theirs > own or (theirs == own and other.order > declaration.order):
            return True
    return False


def find_red(stylesheets: dict[str, str]) -> tuple[list[RedFinding], int]:
    """(red findings, how many red root tokens are overridden) over all stylesheets."""
    declarations: list[Declaration] = []
    for source, css in stylesheets.items():
        for declaration in parse_declarations(css, source):
            declarations.append(dataclasses.replace(declaration, order=len(declarations)))
    findings, overridden = [], 0
    for declaration in declarations:
        reds = red_colours_in(declaration.value)
        if not reds:
            continue
        if _overridden(declaration, declarations):
            overridden += 1
            continue
        findings.extend(RedFinding(declaration, colour) for colour in reds)
    return findings, overridden


# ------------------------------------------------------------------------------------------
# Contrast (WCAG 2.1 SC 1.4.3 text ≥ 4.5:1; SC 1.4.11 focus rings and field edges ≥ 3:1)

TEXT_MINIMUM = 4.5
NON_TEXT_MINIMUM = 3.0
# The theme's text colours (frontend/src/styles/theme.css) and every surface text sits on.
TEXT_TOKENS = ("--app-text", "--app-text-2", "--app-text-3", "--app-primary", "--app-attention",
               "--app-success")
SURFACE_TOKENS = ("--app-bg", "--app-surface", "--app-primary-soft", "--app-attention-soft",
                  "--app-success-soft", "--van-active-color")
# Filled buttons and badges: light text (a literal #fff in the CSS) sits on these.
FILL_TOKENS = ("--app-primary", "--app-primary-active", "--app-attention")
# Not text, but what shows where focus is and where a field is (3:1 against the surfaces).
NON_TEXT_TOKENS = ("--app-focus", "--app-input-border")
VAR_REFERENCE = re.compile(r"^var\(\s*(--[\w-]+)\s*(?:,\s*(.+))?\)$")


def relative_luminance(red: float, green: float, blue: float) -> float:
    """WCAG 2.1 relative luminance of 0–255 channels."""
    def linear(channel: float) -> float:
        channel /= 255
        return channel / 12.92 if channel <= 0.03928 else ((channel + 0.055) / 1.055) ** 2.4
    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio of two opaque colours (1 to 21)."""
    lighter, darker = sorted(
        (relative_luminance(*parse_colour(colour)[:3]) for colour in (first, second)),  # type: ignore[index]
        reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def root_tokens(stylesheets: dict[str, str]) -> dict[str, str]:
    """The value each custom property has on the root element, var() references resolved.

    Only unconditional root rules count; the strongest (then the latest) wins, as in the
    browser. Values that are not colours stay as written.
    """
    chosen: dict[str, tuple[tuple[int, int], int, str]] = {}
    order = 0
    for source, css in stylesheets.items():
        for declaration in parse_declarations(css, source):
            order += 1
            specificity = root_specificity(declaration.selector)
            if (specificity is None or declaration.conditions
                    or not declaration.prop.startswith("--")):
                continue
            rank = (specificity, order, declaration.value)
            if declaration.prop not in chosen or rank[:2] >= chosen[declaration.prop][:2]:
                chosen[declaration.prop] = rank
    raw = {name: value for name, (_, _, value) in chosen.items()}

    def resolve(value: str, depth: int = 0) -> str:
        match = VAR_REFERENCE.match(value.strip())
        if not match or depth > 10:
            return value.strip()
        name, fallback = match.groups()
        if name in raw:
            return resolve(raw[name], depth + 1)
        return resolve(fallback, depth + 1) if fallback else value.strip()

    return {name: resolve(value) for name, value in raw.items()}


@dataclasses.dataclass(frozen=True)
class ContrastFinding:
    foreground: str  # a token name or the CSS rule a literal colour is in
    foreground_colour: str
    background: str
    background_colour: str
    ratio: float
    minimum: float

    def describe(self) -> str:
        return (f"{self.foreground}（{self.foreground_colour}）在 {self.background}"
                f"（{self.background_colour}）上 {self.ratio:.2f}:1，低于 {self.minimum:g}:1")


def _opaque(value: str | None) -> str | None:
    channels = parse_colour(value) if value else None
    return value if channels is not None and channels[3] >= 1 else None


def check_contrast(stylesheets: dict[str, str]) -> tuple[list[ContrastFinding], dict[str, float]]:
    """(pairs below their minimum, the lowest ratio of each colour checked).

    Every theme text colour against every surface (4.5:1); the focus ring and field edge
    against every surface (3:1); every literal light text colour in a `color:` declaration
    against the filled backgrounds it sits on (4.5:1). A token the theme lacks is a finding.
    """
    tokens = root_tokens(stylesheets)
    findings: list[ContrastFinding] = []
    lowest: dict[str, float] = {}

    def pair(fg_name: str, fg: str | None, bg_name: str, minimum: float) -> None:
        bg = _opaque(tokens.get(bg_name))
        if fg is None or bg is None:
            missing = fg_name if fg is None else bg_name
            findings.append(ContrastFinding(missing, "未定义或非不透明颜色", bg_name, bg or "—",
                                            0.0, minimum))
            return
        ratio = contrast_ratio(fg, bg)
        lowest[fg_name] = min(lowest.get(fg_name, ratio), ratio)
        if ratio < minimum:
            findings.append(ContrastFinding(fg_name, fg, bg_name, bg, ratio, minimum))

    for text in TEXT_TOKENS:
        for surface in SURFACE_TOKENS:
            pair(text, _opaque(tokens.get(text)), surface, TEXT_MINIMUM)
    for mark in NON_TEXT_TOKENS:
        for surface in SURFACE_TOKENS:
            pair(mark, _opaque(tokens.get(mark)), surface, NON_TEXT_MINIMUM)
    for source, css in stylesheets.items():
        for declaration in parse_declarations(css, source):
            if declaration.prop != "color":
                continue
            for colour in colours_in(declaration.value):
                channels = parse_colour(colour)
                if channels is None or channels[3] < 1:
                    continue
                label = f"{source}: {declaration.selector} color"
                # Light text sits on a fill; dark text on a surface.
                light = relative_luminance(*channels[:3]) > 0.5
                for background in FILL_TOKENS if light else SURFACE_TOKENS:
                    pair(label, colour, background, TEXT_MINIMUM)
    return findings, lowest

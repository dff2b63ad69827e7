"""Checks on the H5 front end: its sources and, when built, what the browser downloads."""

from __future__ import annotations

import dataclasses
import gzip
import re
from pathlib import Path

from .colours import check_contrast, find_red
from .results import FAIL, PASS, SKIPPED, CheckResult

# DB31DSJ/Z 003 §6.3.3 a: pages load in under 5 s on 4G. The first screen's budget, gzipped.
JS_BUDGET_BYTES = 50_000
CSS_BUDGET_BYTES = 15_000
TOAST_LIMIT_MS = 1500  # 附录 D 页面操作: 反馈时长不宜超过 1.5 秒
MAX_ROUTE_DEPTH = 5  # §6.3.6 e: 完整流程页面跳转不宜超过 5 层
TOAST_CALLS = re.compile(r"\bshow(Success|Fail|Loading)?Toast\s*\(")
NOT_BUILT = "前端尚未构建（运行 make frontend 后重新检查）"


def _assets_folder(frontend: Path) -> Path:
    return frontend / "dist" / "assets"


def built_stylesheets(frontend: Path) -> dict[str, str]:
    """The built CSS by file name; empty when the front end is not built."""
    if not (frontend / "dist" / "index.html").is_file():
        return {}
    return {path.name: path.read_text(encoding="utf-8")
            for path in sorted(_assets_folder(frontend).glob("*.css"))}


def first_findings(findings: list, shown: int = 5) -> str:
    """The first few findings in a sentence, and how many more there are."""
    text = "；".join(finding.describe() for finding in findings[:shown])
    return text + (f"（另有 {len(findings) - shown} 处）" if len(findings) > shown else "")


def check_no_red(frontend: Path) -> CheckResult:
    requirement = "页面不宜使用红色（构建后的 CSS 中无红色）"
    clause = "附录 D·页面框架"
    stylesheets = built_stylesheets(frontend)
    if not stylesheets:
        return CheckResult("no-red", clause, requirement, SKIPPED, NOT_BUILT)
    findings, overridden = find_red(stylesheets)
    if findings:
        return CheckResult("no-red", clause, requirement, FAIL,
                           f"红色 {len(findings)} 处：{first_findings(findings)}")
    return CheckResult("no-red", clause, requirement, PASS,
                       f"{len(stylesheets)} 个样式表中没有红色（色相 0±20°、饱和度 > 0.3）；"
                       f"{overridden} 个组件库红色变量已由 theme.css 覆盖")


def check_colour_contrast(frontend: Path) -> CheckResult:
    requirement = "文字对比度 ≥ 4.5:1，焦点框与输入框边框 ≥ 3:1（构建后的 CSS）"
    clause = "GB/T 37668-2019·适老化规范"
    stylesheets = built_stylesheets(frontend)
    if not stylesheets:
        return CheckResult("contrast", clause, requirement, SKIPPED, NOT_BUILT)
    findings, lowest = check_contrast(stylesheets)
    if findings:
        return CheckResult("contrast", clause, requirement, FAIL,
                           f"对比度不足 {len(findings)} 处：{first_findings(findings)}")
    tokens = "，".join(f"{name} {ratio:.2f}:1" for name, ratio in lowest.items()
                      if name.startswith("--"))
    return CheckResult("contrast", clause, requirement, PASS,
                       f"各颜色在所有底色上的最低对比度：{tokens}")


def _milliseconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)\s*(ms|s)", text.strip()).groups()
    return float(number) * (1 if unit == "ms" else 1000)


def check_toast_duration(frontend: Path) -> CheckResult:
    requirement = "操作反馈用 toast，时长不超过 1.5 秒"
    clause = "附录 D·页面操作"
    toast_module = frontend / "src" / "ui" / "toast.ts"
    if not toast_module.is_file():
        return CheckResult("toast", clause, requirement, FAIL, "未找到 frontend/src/ui/toast.ts")
    match = re.search(r"TOAST_DURATION_MS\s*=\s*([\d_]+)", toast_module.read_text(encoding="utf-8"))
    if not match:
        return CheckResult("toast", clause, requirement, FAIL,
                           "frontend/src/ui/toast.ts 未定义 TOAST_DURATION_MS")
    shown = int(match.group(1).replace("_", ""))
    fade = 0.0
    theme = frontend / "src" / "styles" / "theme.css"
    if theme.is_file():
        found = re.search(r"--van-duration-base\s*:\s*([\d.]+\s*m?s)", theme.read_text("utf-8"))
        fade = _milliseconds(found.group(1)) if found else 0.0
    bypassing = sorted(
        str(path.relative_to(frontend))
        for path in (frontend / "src").rglob("*")
        if path.suffix in (".ts", ".vue") and path != toast_module
        and TOAST_CALLS.search(path.read_text(encoding="utf-8"))
    )
    total = shown + fade
    problems = []
    if total > TOAST_LIMIT_MS:
        problems.append(f"显示 {shown} ms + 淡出 {fade:.0f} ms = {total:.0f} ms，超过 1500 ms")
    if bypassing:
        problems.append("这些文件绕过 ui/toast.ts 直接调用 Vant 的 toast：" + "、".join(bypassing))
    if problems:
        return CheckResult("toast", clause, requirement, FAIL, "；".join(problems))
    return CheckResult("toast", clause, requirement, PASS,
                       f"TOAST_DURATION_MS = {shown} ms，淡出 {fade:.0f} ms，共 {total:.0f} ms；"
                       "所有 toast 经 ui/toast.ts")


@dataclasses.dataclass(frozen=True)
class Route:
    path: str  # the full path, parents' paths included
    name: str | None
    component: str  # the component expression as written
    level: int  # 0 for a top-level route, 1 for its children, …

    @property
    def lazy(self) -> bool:
        return bool(re.search(r"=>\s*import\s*\(", self.component))

    @property
    def depth(self) -> int:
        """How many levels below the landing page: the path's segments."""
        return len([segment for segment in self.path.split("/") if segment])

    @property
    def catch_all(self) -> bool:
        return "(.*)" in self.path


TOKEN = re.compile(r"""\s*(?:(?P<string>'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*"|`[^`]*`)"""
                   r"""|(?P<word>[A-Za-z_$][\w$]*)|(?P<punct>=>|\.\.\.|\S))""")


def _tokens(source: str) -> list[str]:
    source = re.sub(r"/\*.*?\*/", "", source, flags=re.DOTALL)
    source = re.sub(r"(?m)^\s*//.*$|(?<=[,;{}\[\]])\s*//.*$", "", source)
    return [match.group(match.lastgroup) for match in TOKEN.finditer(source)
            if match.lastgroup is not None]


def _skip_value(tokens: list[str], index: int) -> tuple[str, int]:
    """Consume a value up to the ',' or closing bracket that ends it; return its text."""
    depth, start = 0, index
    while index < len(tokens):
        symbol = tokens[index]
        if symbol in "([{":
            depth += 1
        elif symbol in ")]}":
            if depth == 0:
                break
            depth -= 1
        elif symbol == "," and depth == 0:
            break
        index += 1
    return " ".join(tokens[start:index]), index


def _parse_routes(tokens: list[str], index: int, parent: str, level: int
                  ) -> tuple[list[Route], int]:
    """Parse the array literal at tokens[index] == '['."""
    routes: list[Route] = []
    index += 1
    while index < len(tokens) and tokens[index] != "]":
        if tokens[index] != "{":
            _, index = _skip_value(tokens, index)
            index += 1 if index < len(tokens) and tokens[index] == "," else 0
            continue
        index += 1
        fields: dict[str, str] = {}
        children: list[Route] = []
        while tokens[index] != "}":
            key = tokens[index].strip("'\"")
            if index + 1 < len(tokens) and tokens[index + 1] == ":":
                index += 2
                if key == "children" and tokens[index] == "[":
                    child_parent = _join(parent, fields.get("path", "").strip("'\"`"))
                    children, index = _parse_routes(tokens, index, child_parent, level + 1)
                    index += 1
                else:
                    fields[key], index = _skip_value(tokens, index)
            else:  # shorthand or spread
                _, index = _skip_value(tokens, index)
            if tokens[index] == ",":
                index += 1
        index += 1
        path = fields.get("path", "").strip("'\"`")
        name = fields.get("name", "").strip("'\"`") or None
        routes.append(Route(_join(parent, path), name, fields.get("component", ""), level))
        routes.extend(children)
        if index < len(tokens) and tokens[index] == ",":
            index += 1
    return routes, index


def _join(parent: str, path: str) -> str:
    if path.startswith("/") or not parent:
        return path
    return parent.rstrip("/") + "/" + path


def parse_routes(source: str) -> list[Route]:
    """The routes of a vue-router route table, children flattened: a `routes: [...]` property
    (createRouter's options, a feature descriptor) or a `routes` declaration
    (`export const routes: RouteRecordRaw[] = [...]`)."""
    tokens = _tokens(source)
    for index, symbol in enumerate(tokens[:-2]):
        if symbol != "routes":
            continue
        if tokens[index + 1] == ":" and tokens[index + 2] == "[":
            return _parse_routes(tokens, index + 2, "", 0)[0]
        after = index + 1  # past a type annotation, if any, to the `=`
        while after < len(tokens) - 1 and tokens[after] not in ("=", ";", ",", "{", ")"):
            after += 1
        if tokens[after] == "=" and tokens[after + 1] == "[":
            return _parse_routes(tokens, after + 1, "", 0)[0]
    return []


def check_routes(frontend: Path) -> list[CheckResult]:
    # The route table lives apart from the router (src/router/routes.ts): the build's server
    # renderer draws the first screen from it too.
    table = frontend / "src" / "router" / "routes.ts"
    depth_requirement = "完整流程页面跳转不超过 5 层（路由深度）"
    lazy_requirement = "资源较多的页面按需加载（除首页外路由懒加载）"
    if not table.is_file():
        missing = "未找到 frontend/src/router/routes.ts"
        return [CheckResult("route-depth", "§6.3.6 e", depth_requirement, FAIL, missing),
                CheckResult("lazy-routes", "§6.3.3 b", lazy_requirement, FAIL, missing)]
    source = table.read_text(encoding="utf-8")
    # Each feature's pages are in its own frontend/src/features/<name>/feature.ts: the router
    # adds them before its catch-all.
    descriptors = sorted((frontend / "src" / "features").glob("*/feature.ts"))
    routes = [route for text in [source, *(path.read_text(encoding="utf-8")
                                          for path in descriptors)]
              for route in parse_routes(text) if not route.catch_all]
    if not routes:
        problem = "无法从 router/routes.ts 解析出路由表"
        return [CheckResult("route-depth", "§6.3.6 e", depth_requirement, FAIL, problem),
                CheckResult("lazy-routes", "§6.3.3 b", lazy_requirement, FAIL, problem)]
    deepest = max(routes, key=lambda route: route.depth)
    depth = CheckResult(
        "route-depth", "§6.3.6 e", depth_requirement,
        PASS if deepest.depth <= MAX_ROUTE_DEPTH else FAIL,
        f"{len(routes)} 个页面，最深为 {deepest.path}"
        f"（{deepest.depth} 层，上限 {MAX_ROUTE_DEPTH}）",
    )
    eager = [route for route in routes if not route.lazy and route.path != "/"]
    eager_imports = re.findall(r"^import\s+(\w+)\s+from\s+['\"][^'\"]*views/[^'\"]+['\"]",
                               source, flags=re.MULTILINE)
    landing = next((route for route in routes if route.path == "/"), None)
    stray = [name for name in eager_imports if landing is None or landing.component != name]
    if eager or stray:
        names = [route.path for route in eager] + [f"import {name}" for name in stray]
        lazy = CheckResult("lazy-routes", "§6.3.3 b", lazy_requirement, FAIL,
                           "这些页面随首屏一起加载：" + "、".join(names))
    else:
        lazy_count = sum(route.lazy for route in routes)
        lazy = CheckResult("lazy-routes", "§6.3.3 b", lazy_requirement, PASS,
                           f"{lazy_count} 个页面按需加载；首页随首屏加载（少一次往返）")
    return [depth, lazy]


ENTRY_SCRIPT = re.compile(r"<script\b[^>]*\btype=[\"']module[\"'][^>]*\bsrc=[\"']([^\"']+)")
PRELOAD = re.compile(r"<link\b[^>]*\brel=[\"']modulepreload[\"'][^>]*\bhref=[\"']([^\"']+)")
STYLESHEET = re.compile(r"<link\b[^>]*\brel=[\"']stylesheet[\"'][^>]*\bhref=[\"']([^\"']+)")


def gzipped_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=6, mtime=0))


def check_initial_bundle(frontend: Path) -> CheckResult:
    requirement = "首屏资源在预算内（JS ≤ 50 kB、CSS ≤ 15 kB，gzip 后）"
    clause = "§6.3.3 a"
    index = frontend / "dist" / "index.html"
    if not index.is_file():
        return CheckResult("bundle-budget", clause, requirement, SKIPPED, NOT_BUILT)
    html = index.read_text(encoding="utf-8")
    dist = frontend / "dist"

    def total(urls: list[str]) -> tuple[int, list[str]]:
        size, missing = 0, []
        for url in dict.fromkeys(urls):
            if url.startswith(("http:", "https:", "//")):
                continue  # another origin: not part of the app's own bundle
            path = dist / url.lstrip("/")
            if path.is_file():
                size += gzipped_size(path)
            else:
                missing.append(url)
        return size, missing

    js, js_missing = total(ENTRY_SCRIPT.findall(html) + PRELOAD.findall(html))
    css, css_missing = total(STYLESHEET.findall(html))
    facts = f"JS {js / 1000:.1f} kB / {JS_BUDGET_BYTES // 1000} kB，" \
            f"CSS {css / 1000:.1f} kB / {CSS_BUDGET_BYTES // 1000} kB（gzip）"
    problems = []
    if js_missing or css_missing:
        problems.append("index.html 引用的文件不存在：" + "、".join(js_missing + css_missing))
    if js > JS_BUDGET_BYTES:
        problems.append(f"首屏 JS 超出预算 {(js - JS_BUDGET_BYTES) / 1000:.1f} kB")
    if css > CSS_BUDGET_BYTES:
        problems.append(f"首屏 CSS 超出预算 {(css - CSS_BUDGET_BYTES) / 1000:.1f} kB")
    if problems:
        return CheckResult("bundle-budget", clause, requirement, FAIL,
                           facts + "；" + "；".join(problems))
    return CheckResult("bundle-budget", clause, requirement, PASS, facts)

"""Serves the built H5 front end (frontend/dist) from the app's own origin.

One origin for pages, API and assets keeps the CSP at 'self', the session cookie
first-party and the JS-SDK signature to one URL. The front end is copied into the
app without cookiecutter rendering, so its run-time settings (name, page width,
platform ids) are written into index.html's `<meta name="app-config">` here.

For a logged-in user the page also carries the first screen's data (工作台): the answers of
GET /api/me, /api/messages (the tab bar's unread count) and what each feature's 工作台 panel
asks for first (features/<name>: `first_screen`), built by the very functions the API
answers with, in a `<script type="application/json">` block. It
is data, never executed, so the CSP's script-src 'self' is unchanged. The front end renders
the first screen from it instead of waiting for more round trips after its scripts have
run (DB31DSJ/Z 003 §6.3.6 d: the first screen within 2 s); without the block it asks the
API, as it always did.

With the build's first-screen template (dist/first-screen.json, prerender.py) the page also
carries the first screen itself as HTML in `#app`, filled from the same answers: it shows
before any script has run, and the app takes over when they have (§6.3.6 d).
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import mimetypes
import re
from html import escape
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, current_app, request, send_from_directory
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.security import safe_join

from . import features, prerender
from .api.me import me_answer
from .auth import CurrentUser, current_user
from .auth.sessions import SESSION_COOKIE, cookie_name
from .config import Config
from .extensions import db
from .inbox import message_list_answer
from .security.headers import fixed_headers

CONFIG_PLACEHOLDER = "__APP_CONFIG__"
# Hashed file names never change content: cache them for a year (§6.3.3 a, fast loads).
ASSET_MAX_AGE = 31_536_000
# The build writes a Brotli copy beside each asset that compresses usefully
# (frontend/vite-plugins/brotli-assets.ts).
BROTLI_SUFFIX = ".br"
TITLE = re.compile(r"<title>.*?</title>", re.DOTALL)
# The block's id, read by frontend/src/api/firstScreen.ts.
FIRST_SCREEN_ID = "first-screen"
BODY_END = "</body>"
# Where the first screen's HTML goes (frontend/index.html; the app mounts there).
APP_ROOT = '<div id="app"></div>'
# Where the front end keeps the reader's 字体大小 and 长辈版 (TEXT_SETTINGS_KEY in
# frontend/src/composables/useTextSettings.ts): the server-drawn page applies them before
# its first paint.
TEXT_SETTINGS_KEY = "ywxt.text-settings.v1"
HTML_START = re.compile(r"<html\b([^>]*)>")
# The built index.html's stylesheets (Vite writes each as such a link).
STYLESHEET = re.compile(r'<link rel="stylesheet"[^>]*? href="/assets/([^"]+\.css)"[^>]*>')
STYLE_SRC = "style-src 'self'"
SCRIPT_SRC = "script-src 'self'"
# The built index.html's module script (Vite writes one) and its preloads.
MODULE_SCRIPT = re.compile(r'<script type="module"[^>]*? src="(/assets/[^"]+\.js)"[^>]*></script>')
MODULE_PRELOAD = re.compile(r'<link rel="modulepreload"[^>]*? href="(/assets/[^"]+\.js)"[^>]*>')
HEAD_END = "</head>"
# For a browser with no session cookie at all, read by frontend/src/main.ts: it goes to the
# login page before sending a request, so a first visit logs no failing (401) request.
VISITOR_MARK = '<meta name="app-session" content="none">'
# Outside its strings JSON has none of these characters, and inside them \uXXXX means the
# same character. Escaped, a user's text (a message's title) can never end the block
# (`</script>`) or open a comment in it (`<!--`), and the JSON stays valid JavaScript
# (U+2028/2029); `&` too, as is usual for JSON in HTML.
JSON_IN_HTML = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                              "\u2028": "\\u2028", "\u2029": "\\u2029"})

bp = Blueprint("frontend", __name__)


def dist_folder(app: Flask) -> Path:
    folder: Path = app.config["SETTINGS"].frontend_dist
    return folder


def is_built(app: Flask) -> bool:
    return (dist_folder(app) / "index.html").is_file()


def app_config(settings: Config, app_name: str) -> dict[str, Any]:
    """What the front end needs to know at run time; nothing secret."""
    page_width: dict[str, Any] = {"mode": settings.page_width_mode}
    if settings.page_width_mode == "fixed":
        page_width["width"] = settings.fixed_page_width
    return {"appName": app_name, "pageWidth": page_width, "jssdkUrl": settings.ywxt_jssdk_url,
            "corpId": settings.ywxt_corp_id, "agentId": settings.ywxt_agent_id}


def render_index(template: str, settings: Config, app_name: str) -> str:
    config = json.dumps(app_config(settings, app_name), ensure_ascii=False)
    page = template.replace(CONFIG_PLACEHOLDER, escape(config, quote=True), 1)
    return TITLE.sub(f"<title>{escape(app_name)}</title>", page, count=1)


def json_for_html(data: object) -> str:
    """JSON that can stand inside a `<script>` element of an HTML page as it is."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(JSON_IN_HTML)


def first_screen_answers(user: CurrentUser) -> dict[str, dict[str, Any]]:
    """The GET answers 工作台 starts with, keyed by the URL the front end asks for them by."""
    answers = {"/api/me": me_answer(user), "/api/messages": message_list_answer(user)}
    for url, answer in features.first_screen().items():
        answers[url] = answer(user)
    return answers


def with_first_screen(page: str, answers: dict[str, dict[str, Any]]) -> str:
    """The page with the answers in a data block at the end of its body."""
    block = (f'<script type="application/json" id="{FIRST_SCREEN_ID}">'
             f"{json_for_html(answers)}</script>")
    head, found, tail = page.rpartition(BODY_END)
    return f"{head}{block}{found}{tail}" if found else page


@dataclasses.dataclass(frozen=True)
class ServerDrawn:
    """What a page with the first screen as HTML is made of, prepared once per process."""

    template: dict[str, Any]   # dist/first-screen.json
    page: str                  # index.html with the run-time config, stylesheets inline,
                               # scripts requested after the first paint
    csp: str                   # the app's CSP, allowing those inline elements by their hashes


def inline_stylesheets(page: str, folder: Path) -> tuple[str, str | None]:
    """The page with the stylesheets it links replaced by one `<style>`, and that style's CSP
    source ('sha256-…'); the page as it is if there is nothing to inline.

    Linked, they block the first paint until they have come, sharing a slow link with the
    scripts; inline, the server-drawn first screen paints with the HTML (§6.3.6 d).
    """
    names = STYLESHEET.findall(page)
    css = "\n".join((folder / "assets" / name).read_text(encoding="utf-8") for name in names)
    if not names or "</style" in css.lower():
        return page, None
    style = f"<style>{css}</style>"
    # The first link becomes the style, the others go: the same rules in the same order.
    inlined = STYLESHEET.sub("", STYLESHEET.sub(lambda _: style, page, count=1))
    return inlined, sha256_source(css)


def sha256_source(text: str) -> str:
    """The CSP source that allows one inline element with exactly this text."""
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
    return f"'sha256-{digest}'"


def scripts_after_paint(page: str) -> tuple[str, str | None]:
    """The page with its scripts requested once the server-drawn first screen is painted,
    and the CSP source of the one inline script, right after #app, that does it; the page
    as it is if it has no module script.

    The first screen needs no script; requested with the HTML they would share the link with
    it and keep the browser (and Lighthouse's simulation, which counts every request made
    before the largest paint) from counting the first screen as painted before them. Once
    the browser has timed its largest paint (two frames on, where it does not time it; 2 s
    at the latest) the script adds the preloads and the module script exactly as the built
    page has them.
    The server cannot see the address's #route: opened at another page (a platform todo's
    link, /#/items/5), #app is emptied before it is painted, and that page shows as before.
    Nor the reader's text settings, kept in the browser: 字体大小 大/特大 is applied to
    <html> before the first paint, so the drawn screen has the size the app keeps; in 长辈版,
    whose 工作台 is another layout, #app is emptied too and the app draws it.
    """
    entries = MODULE_SCRIPT.findall(page)
    if len(entries) != 1 or APP_ROOT not in page:
        return page, None
    preloads = MODULE_PRELOAD.findall(page)
    loader = (
        "(()=>{let done=false;const load=()=>{if(done)return;done=true;"
        "const add=(tag,set)=>{const e=document.createElement(tag);"
        "e.crossOrigin='';set(e);document.head.append(e)};"
        "for(const u of PRELOADS)add('link',e=>{e.rel='modulepreload';e.href=u});"
        "add('script',e=>{e.type='module';e.src=ENTRY})};"
        "setTimeout(load,2000);"
        "let t=null;try{t=JSON.parse(localStorage.getItem(TEXT_KEY))}catch(e){}"
        "const html=document.documentElement;"
        "if(t&&(t.size==='large'||t.size==='xlarge'))html.classList.add('text-'+t.size);"
        "const elder=!!t&&t.elder===true;if(elder)html.classList.add('elder');"
        "if(elder||!/^#?\\/?$/.test(location.hash)){document.getElementById('app').textContent='';"
        "return load()}"
        "const lcp='largest-contentful-paint',po=window.PerformanceObserver;"
        "if(po&&(po.supportedEntryTypes||[]).includes(lcp))"
        "new po(load).observe({type:lcp,buffered:true});"
        "else requestAnimationFrame(()=>requestAnimationFrame(load))})()"
    ).replace("PRELOADS", json.dumps(preloads)).replace("ENTRY", json.dumps(entries[0])).replace(
        "TEXT_KEY", json.dumps(TEXT_SETTINGS_KEY))
    page = MODULE_PRELOAD.sub("", MODULE_SCRIPT.sub("", page))
    page = page.replace(APP_ROOT, f"{APP_ROOT}<script>{loader}</script>", 1)
    return page, sha256_source(loader)


def server_drawn(app: Flask, page: str) -> ServerDrawn | None:
    """Read once: the build's first-screen template and the page around it; None without a
    template (an older build) or with one that cannot be read (logged)."""
    if "frontend_first_screen" not in app.extensions:
        drawn = None
        try:
            template = prerender.load_template(dist_folder(app))
            if template is not None:
                inlined, style = inline_stylesheets(page, dist_folder(app))
                drawn_page, script = scripts_after_paint(inlined)
                policy = fixed_headers(app.config["SETTINGS"])["Content-Security-Policy"]
                # Only those inline elements are allowed, by their hashes: nothing else inline.
                if style:
                    policy = policy.replace(STYLE_SRC, f"{STYLE_SRC} {style}", 1)
                if script:
                    policy = policy.replace(SCRIPT_SRC, f"{SCRIPT_SRC} {script}", 1)
                drawn = ServerDrawn(template, drawn_page, policy)
        except (OSError, ValueError) as error:
            app.logger.warning("first-screen template not used: %s", error)
        app.extensions["frontend_first_screen"] = drawn
    loaded: ServerDrawn | None = app.extensions["frontend_first_screen"]
    return loaded


def with_first_screen_html(page: str, html: str, page_width_mode: str) -> str:
    """The page with `html` in #app, and <html> with the page-width class main.ts would set
    (frontend/src/config.ts applyPageWidth), so the layout is the app's before it runs."""
    if APP_ROOT not in page:
        return page
    page = page.replace(APP_ROOT, f'<div id="app">{html}</div>', 1)
    return HTML_START.sub(lambda match: f'<html{match[1]} class="page-{page_width_mode}">',
                          page, count=1)


def first_screen_page(app: Flask, page: str,
                      answers: dict[str, dict[str, Any]]) -> tuple[str, str | None]:
    """The page with the first screen as HTML when the build made a template for it, and
    the CSP it needs (None: the usual one)."""
    drawn = server_drawn(app, page)
    if drawn is None:
        return page, None
    try:
        html = prerender.first_screen_html(drawn.template, answers,
                                           features.first_screen_panels(app), prerender.utc_now())
    except (KeyError, TypeError, ValueError) as error:
        # A template that does not fit: the page as before, the app draws the first screen.
        app.logger.warning("first screen without HTML: %s", type(error).__name__)
        return page, None
    mode = app.config["SETTINGS"].page_width_mode
    return with_first_screen_html(drawn.page, html, mode), drawn.csp


def logged_in_first_screen() -> dict[str, dict[str, Any]] | None:
    """The first screen's answers for the logged-in user; None for a visitor.

    They only save round trips: should the database fail here, the page goes out without
    them and the front end's own requests show the usual error with 重试.
    """
    try:
        user = current_user()
        return first_screen_answers(user) if user is not None else None
    except SQLAlchemyError as error:
        db.session.rollback()
        # The class only: the error's text would carry the query's parameters.
        current_app.logger.warning("index.html without first-screen data: %s",
                                   type(error).__name__)
        return None


def is_visitor() -> bool:
    """No session cookie: certainly logged out (no database asked, none needed)."""
    return not request.cookies.get(cookie_name(SESSION_COOKIE))


def with_visitor_mark(page: str) -> str:
    head, found, tail = page.partition(HEAD_END)
    return f"{head}{VISITOR_MARK}{found}{tail}" if found else page


@bp.get("/")
def index() -> Response:
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    if "frontend_index" not in app.extensions:
        template = (dist_folder(app) / "index.html").read_text(encoding="utf-8")
        app.extensions["frontend_index"] = render_index(
            template, app.config["SETTINGS"], str(app.jinja_env.globals["app_name"]))
    page = app.extensions["frontend_index"]
    answers = logged_in_first_screen()
    csp = None
    if answers is not None:
        page, csp = first_screen_page(app, page, answers)
        page = with_first_screen(page, answers)
    elif is_visitor():
        page = with_visitor_mark(page)
    response = Response(page, mimetype="text/html")
    if csp is not None:
        response.headers["Content-Security-Policy"] = csp  # security/headers.py keeps a view's
    # With a person's data in it, no browser or proxy keeps the page (ASVS 14.3.2, as for
    # /api/); without, it is tiny and names the current build's assets: always revalidate.
    response.headers["Cache-Control"] = "no-store" if answers is not None else "no-cache"
    response.vary.add("Cookie")
    return response


def accepts_brotli() -> bool:
    """Whether the request's Accept-Encoding allows br (`br;q=0` refuses it, `*` allows it)."""
    return request.accept_encodings.quality("br") > 0


def has_brotli_copy(folder: Path, filename: str) -> bool:
    # safe_join refuses what send_from_directory would refuse (`..`, absolute paths).
    path = safe_join(str(folder), filename + BROTLI_SUFFIX)
    return path is not None and Path(path).is_file()


@bp.get("/assets/<path:filename>")
def asset(filename: str) -> Response:
    """A built file; its Brotli copy instead to a browser that accepts br.

    Fewer bytes on the landing page's scripts mean an earlier first screen on a slow
    mobile link (§6.3.6 d: within 2 s). nginx does the same with `brotli_static`
    (deploy/nginx.conf); this route serves development, the perf benchmark, nginx's
    fallback to the app and Kubernetes (the Ingress sends every path to the app).
    """
    folder = dist_folder(current_app) / "assets"
    brotli_copy = has_brotli_copy(folder, filename)
    if brotli_copy and accepts_brotli():
        # The plain file's type, not the copy's: the browser decodes, then reads a script.
        mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        response = send_from_directory(folder, filename + BROTLI_SUFFIX, mimetype=mimetype,
                                       max_age=ASSET_MAX_AGE)
        response.headers["Content-Encoding"] = "br"
    else:
        response = send_from_directory(folder, filename, max_age=ASSET_MAX_AGE)
    if brotli_copy:
        # Both answers to the one URL: caches must key them by Accept-Encoding.
        response.vary.add("Accept-Encoding")
    response.headers["Cache-Control"] = f"public, max-age={ASSET_MAX_AGE}, immutable"
    return response

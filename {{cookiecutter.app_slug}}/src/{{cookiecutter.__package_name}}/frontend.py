"""Serves the built H5 front end (frontend/dist) from the app's own origin.

One origin for pages, API and assets keeps the CSP at 'self', the session cookie
first-party and the JS-SDK signature to one URL. The front end is copied into the
app without cookiecutter rendering, so its run-time settings (name, page width,
platform ids) are written into index.html's `<meta name="app-config">` here.
"""

from __future__ import annotations

import json
import re
from html import escape
from pathlib import Path

from flask import Blueprint, Flask, Response, current_app, send_from_directory

from .config import Config

CONFIG_PLACEHOLDER = "__APP_CONFIG__"
# Hashed file names never change content: cache them for a year (§6.3.3 a, fast loads).
ASSET_MAX_AGE = 31_536_000
TITLE = re.compile(r"<title>.*?</title>", re.DOTALL)

bp = Blueprint("frontend", __name__)


def dist_folder(app: Flask) -> Path:
    return app.config["SETTINGS"].frontend_dist


def is_built(app: Flask) -> bool:
    return (dist_folder(app) / "index.html").is_file()


def app_config(settings: Config, app_name: str) -> dict:
    """What the front end needs to know at run time; nothing secret."""
    page_width: dict = {"mode": settings.page_width_mode}
    if settings.page_width_mode == "fixed":
        page_width["width"] = settings.fixed_page_width
    return {"appName": app_name, "pageWidth": page_width, "jssdkUrl": settings.ywxt_jssdk_url,
            "corpId": settings.ywxt_corp_id, "agentId": settings.ywxt_agent_id}


def render_index(template: str, settings: Config, app_name: str) -> str:
    config = json.dumps(app_config(settings, app_name), ensure_ascii=False)
    page = template.replace(CONFIG_PLACEHOLDER, escape(config, quote=True), 1)
    return TITLE.sub(f"<title>{escape(app_name)}</title>", page, count=1)


@bp.get("/")
def index() -> Response:
    app = current_app._get_current_object()
    if "frontend_index" not in app.extensions:
        template = (dist_folder(app) / "index.html").read_text(encoding="utf-8")
        app.extensions["frontend_index"] = render_index(
            template, app.config["SETTINGS"], app.jinja_env.globals["app_name"])
    response = Response(app.extensions["frontend_index"], mimetype="text/html")
    # The page is tiny and names the current build's assets: always revalidate it.
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/assets/<path:filename>")
def asset(filename: str) -> Response:
    response = send_from_directory(dist_folder(current_app) / "assets", filename,
                                   max_age=ASSET_MAX_AGE)
    response.headers["Cache-Control"] = f"public, max-age={ASSET_MAX_AGE}, immutable"
    return response

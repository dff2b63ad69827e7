"""Business features: each one a slice under features/<name>/, plugged into the core here.

A feature owns everything of its business: models, a service module (what other code may
call; its routes stay thin), routes with their schemas and interface-document entries, the
outbox deliveries that tell the platform (todos, messages), its section of the data backup,
the data its 工作台 panel shows first, its migrations and its tests; the front end's half is
frontend/src/features/<name>/. Its package exposes `feature = Feature(...)`. The core never
names a feature: it asks this registry.

Add one with `flask --app wsgi feature new <name> --title <中文名>` (it adds its line below);
remove one by deleting its folder, its line below and frontend/src/features/<name>/.
"""

from __future__ import annotations

import dataclasses
import importlib
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, current_app

from ..auth import CurrentUser
from ..data_export import ExportSection
from ..outbox.relay import Delivery
from ..prerender import PanelHtml

# The installed features, one line each (Django's INSTALLED_APPS).
INSTALLED_FEATURES: tuple[str, ...] = (
    "items",
)

EXTENSION = "features"
# A feature's name is a Python package name, an outbox kind prefix and a URL segment.
NAME = re.compile(r"[a-z][a-z0-9_]{1,30}")

FirstScreen = Callable[[CurrentUser], dict[str, Any]]


@dataclasses.dataclass(frozen=True)
class Feature:
    """What a feature plugs into the core."""

    name: str
    title: str                     # 中文名, as the 工作台 and the backup name it
    blueprint: Blueprint
    # Outbox kind ("<name>.<what>") → the function that builds and sends that request.
    deliveries: Mapping[str, Delivery] = dataclasses.field(default_factory=dict)
    # GET URL → its answer for the logged-in user, carried by index.html for 工作台's first
    # screen (frontend.py; DB31DSJ/Z 003 §6.3.6 d).
    first_screen: Mapping[str, FirstScreen] = dataclasses.field(default_factory=dict)
    # Its 工作台 panel as HTML from those answers, for index.html's #app (prerender.py), when
    # frontend/src/features/<name>/firstScreen.server.ts renders its fragments; without it
    # the panel shows once the scripts run.
    first_screen_panel: PanelHtml | None = None
    # The feature's records in `flask data export` / `import` (§7.4).
    export: ExportSection | None = None
    # Its own Alembic branch (branch label = name); the core's tables are in migrations/.
    migrations: Path | None = None

    def __post_init__(self) -> None:
        if not NAME.fullmatch(self.name):
            raise ValueError(f"feature name {self.name!r} is not a lowercase identifier")
        foreign = [kind for kind in self.deliveries if not kind.startswith(f"{self.name}.")]
        if foreign:
            raise ValueError(f"feature {self.name}: outbox kinds must start with "
                             f"'{self.name}.': {foreign}")


def load(names: Iterable[str] = INSTALLED_FEATURES) -> list[Feature]:
    """Import each feature package and return its `feature`."""
    features = []
    for name in names:
        feature = importlib.import_module(f"{__name__}.{name}").feature
        if feature.name != name:
            raise ValueError(f"features/{name}/ declares the feature {feature.name!r}")
        features.append(feature)
    return features


def init_app(app: Flask, features: Iterable[Feature]) -> None:
    installed = list(features)
    for feature in installed:
        app.register_blueprint(feature.blueprint)
    app.extensions[EXTENSION] = installed


def installed(app: Flask | None = None) -> list[Feature]:
    features: list[Feature] = (app or current_app).extensions.get(EXTENSION, [])
    return features


def deliveries(app: Flask | None = None) -> dict[str, Delivery]:
    """Every feature's outbox deliveries, by kind: what the relay can send."""
    return {kind: deliver for feature in installed(app)
            for kind, deliver in feature.deliveries.items()}


def first_screen(app: Flask | None = None) -> dict[str, FirstScreen]:
    return {url: answer for feature in installed(app)
            for url, answer in feature.first_screen.items()}


def first_screen_panels(app: Flask | None = None) -> dict[str, PanelHtml]:
    return {feature.name: feature.first_screen_panel for feature in installed(app)
            if feature.first_screen_panel is not None}


def export_sections(app: Flask | None = None) -> list[ExportSection]:
    return [feature.export for feature in installed(app) if feature.export is not None]


def migration_folders(app: Flask | None = None) -> list[Path]:
    return [feature.migrations for feature in installed(app) if feature.migrations is not None]

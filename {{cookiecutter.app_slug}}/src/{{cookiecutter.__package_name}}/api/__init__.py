"""The app's JSON API (DB31DSJ/Z 003 §6.3.1 c: RESTful, JSON)."""

from flask import Flask

from . import jssdk, me, profile

__all__ = ["init_app"]


def init_app(app: Flask) -> None:
    app.register_blueprint(me.bp)
    app.register_blueprint(jssdk.bp)
    app.register_blueprint(profile.bp)

"""Hostile request bodies: every JSON body is parsed within the app's limits, or refused.

Flask's request parses JSON with the standard parser, which recurses: 100,000 nested
arrays raised RecursionError (a 500 with a full traceback in the log, per request), and a
lone surrogate escape ("\\ud800") parsed fine only to fail at insert. The app's request
class parses through `api.validation.load_json` instead: too deep or invalid Unicode is
400, too large is 413, each with a Chinese message and one log line (errors.py), before
any view sees the body. Whatever calls `request.get_json()`, in the core or in a feature,
gets the same protection.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Request
from flask import json as flask_json

from ..api.validation import UnsafeJSONError, load_json
from ..errors import FRIENDLY_MESSAGES, FriendlyError


def refusal(error: UnsafeJSONError) -> FriendlyError:
    """The friendly 400 / 413 for a body `load_json` refused."""
    title = FRIENDLY_MESSAGES[error.status][0]
    return FriendlyError(error.status, title, f"提交的内容{error.reason}，请修改后重试。")


class GuardedJSON:
    """The `json_module` of the request class: `loads` within the limits, `dumps` as Flask's."""

    @staticmethod
    def loads(data: bytes | str, **kwargs: Any) -> Any:
        raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
        try:
            return load_json(raw)
        except UnsafeJSONError as error:
            # Not a ValueError: `get_json(silent=True)` must not turn it into "no body".
            raise refusal(error) from None

    dumps = staticmethod(flask_json.dumps)


class GuardedRequest(Request):
    """Flask's request, whose `get_json()` parses through GuardedJSON."""

    # A class with json's loads and dumps stands in for the module.
    @property  # type: ignore[override]
    def json_module(self) -> type[GuardedJSON]:
        return GuardedJSON

    @json_module.setter
    def json_module(self, provider: Any) -> None:
        # Flask's request context assigns the app's JSON provider to every request; the
        # guard stays (responses still use the provider).
        pass


def init_app(app: Flask) -> None:
    app.request_class = GuardedRequest

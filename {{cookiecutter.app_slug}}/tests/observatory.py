"""The Mozilla HTTP Observatory's header rules on a test client's response.

The rules live in the toolkit (`devtools/compliance/observatory.py`), where the live
compliance check (`flask --app wsgi compliance check --url …`) scores a deployed app with
them too.
"""

from __future__ import annotations

from devtools.compliance.observatory import (
    Result,
    grade,
    parse_csp,
    score_headers,
)

__all__ = ["Result", "grade", "parse_csp", "score"]


def score(response) -> tuple[int, list[Result]]:
    """(score, results) for one werkzeug response, the Observatory's way."""
    html = response.get_data(as_text=True) if response.mimetype == "text/html" else None
    return score_headers(response.headers, response.headers.getlist("Set-Cookie"), html)

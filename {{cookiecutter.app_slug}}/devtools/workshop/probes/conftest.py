"""The probes' fixture beside the project's own (tests/fixtures.py)."""

from __future__ import annotations

import pytest


@pytest.fixture
def login(auth):
    """Log in as `userid`; returns the CSRF token for POSTs."""

    def as_user(userid: str) -> str:
        auth.login(userid)
        return auth.csrf_token()

    return as_user

"""Fixtures shared by the template's tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def context() -> dict:
    """The answers every bake starts from (the defaults, spelled out)."""
    return {"app_name": "协同事项", "app_slug": "xietong-shixiang"}

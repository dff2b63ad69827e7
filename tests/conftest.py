"""Fixtures shared by the template's tests."""

from __future__ import annotations

import pytest

# The answers every bake starts from (the defaults, spelled out).
CONTEXT = {"app_name": "协同事项", "app_slug": "xietong-shixiang"}


@pytest.fixture
def context() -> dict:
    """The answers every bake starts from, a fresh copy per test."""
    return dict(CONTEXT)

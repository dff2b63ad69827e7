"""Every generation option has its page in docs/options/, as cookiecutter-django documents
each of its options; the template README links to them."""

from __future__ import annotations

import json
import re

import pytest

from .bakery import TEMPLATE

OPTIONS = TEMPLATE / "docs" / "options"
VARIABLES = [name for name in json.loads((TEMPLATE / "cookiecutter.json").read_text(
    encoding="utf-8")) if not name.startswith("_")]


@pytest.mark.parametrize("variable", VARIABLES)
def test_every_option_has_a_page_that_names_its_default(variable):
    page = OPTIONS / f"{variable}.md"
    assert page.exists(), f"docs/options/{variable}.md is missing"
    text = page.read_text(encoding="utf-8")
    assert text.startswith(f"# `{variable}`"), "the page's title names the variable"
    assert "默认值" in text
    assert f"]({variable}.md)" in (OPTIONS / "README.md").read_text(encoding="utf-8")


def test_no_page_for_an_option_that_does_not_exist():
    pages = {page.stem for page in OPTIONS.glob("*.md")} - {"README"}
    assert pages <= set(VARIABLES), sorted(pages - set(VARIABLES))


def test_links_in_the_option_pages_and_the_readme_resolve():
    for page in [TEMPLATE / "README.md", *OPTIONS.glob("*.md")]:
        for target in re.findall(r"\]\(([^)\s#]+)", page.read_text(encoding="utf-8")):
            if not re.match(r"[a-z]+:", target):
                assert (page.parent / target).exists(), (page.name, target)

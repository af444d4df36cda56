"""Golden pages: three pages of the mini fixture, compared byte for byte with tests/golden/.

A template or render change shows up here as a readable diff of the HTML a reader gets.
When the change is intended, refresh the golden files with one command and review the diff:

    UPDATE_GOLDEN=1 pytest tests/test_golden.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from builder.build import check
from builder.render import render_site
from builder.urls import Urls

HERE = Path(__file__).resolve().parent
MINI = HERE / "fixtures" / "mini"
GOLDEN = HERE / "golden" / "mini"
TEMPLATES = HERE.parent / "templates"
PAGES = [
    "facts/twenty-seven-states/index.html",
    "sources/alpha/index.html",
    "allies/index.html",
]


@pytest.fixture(scope="module")
def site() -> dict[str, bytes]:
    result = check(MINI)
    assert result.briefing is not None, [p.as_text() for p in result.problems]
    return render_site(result.briefing, TEMPLATES, Urls("/"))


@pytest.mark.parametrize("page", PAGES)
def test_page_matches_its_golden_file(site: dict[str, bytes], page: str) -> None:
    golden = GOLDEN / page
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(site[page])
    assert golden.is_file(), f"no golden file for {page}: run UPDATE_GOLDEN=1 pytest {__file__}"
    expected = golden.read_text(encoding="utf-8").splitlines()
    actual = site[page].decode("utf-8").splitlines()
    assert actual == expected, f"{page} differs from {golden}; if intended, UPDATE_GOLDEN=1"

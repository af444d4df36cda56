"""JSON-LD on fact and source pages, expanded by a JSON-LD processor as a crawler would."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup
from pyld import jsonld

from builder.jsonld import fact_jsonld, source_jsonld
from builder.urls import Urls
from tests.conftest import BuiltSite
from tests.test_feeds import make_briefing

SCHEMA = "http://schema.org/"
CONTEXT = json.loads(
    (Path(__file__).parent / "schemas" / "schemaorg-context.jsonld").read_text(encoding="utf-8"))
"""The part of schema.org's published context these pages need (its vocabulary and the
properties whose values are addresses), kept here so the tests need no network."""
ORIGIN = "https://briefing.example"
"""Where the pages are taken to be served: their relative addresses resolve against it."""


def offline_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """pyld's document loader: schema.org's context from the file above, nothing else."""
    if url.rstrip("/") in ("https://schema.org", "http://schema.org"):
        return {"contextUrl": None, "documentUrl": url, "document": CONTEXT}
    raise AssertionError(f"the JSON-LD asked for {url}: the tests are offline")


def expand(text: str, base: str) -> list[dict[str, Any]]:
    expanded: list[dict[str, Any]] = jsonld.expand(
        json.loads(text), {"base": base, "documentLoader": offline_loader})
    return expanded


def scripts(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    return [s.string or "" for s in soup.find_all("script", type="application/ld+json")]


def value(node: dict[str, Any], name: str) -> Any:
    """The one value of a schema.org property of an expanded node (`@id` or `@value`)."""
    [item] = node[SCHEMA + name]
    return item.get("@id", item.get("@value"))


def values(node: dict[str, Any], name: str) -> list[Any]:
    return list(node.get(SCHEMA + name, []))


def test_every_fact_and_source_page_describes_itself(built_site: BuiltSite) -> None:
    out = built_site.out
    data = json.loads((out / "facts.json").read_text(encoding="utf-8"))
    sources = {s["id"]: s for s in data["sources"]}
    actors = {a["id"]: a for a in data["actors"]}
    full = lambda path: urljoin(ORIGIN, path)  # noqa: E731

    for fact in data["facts"]:
        page_url = full(fact["url"])
        html = (out / fact["url"].strip("/") / "index.html").read_text(encoding="utf-8")
        [text] = scripts(html)
        [claim] = expand(text, page_url)
        assert claim["@type"] == [SCHEMA + "Claim"]
        assert claim["@id"] == page_url == value(claim, "url")
        assert value(claim, "text") == fact["claim"]["text"]
        if fact["date"]:
            assert value(claim, "temporalCoverage") == fact["date"]
        else:
            assert SCHEMA + "temporalCoverage" not in claim
        mentioned = [(m["@id"], m[SCHEMA + "name"][0]["@value"]) for m in values(claim, "mentions")]
        assert mentioned == [(full(actors[a]["url"]), actors[a]["name"]) for a in fact["actors"]]
        appearances = values(claim, "appearance")
        assert len(appearances) == len(fact["citations"])
        for appearance, citation in zip(appearances, fact["citations"], strict=True):
            assert appearance["@id"] == full(citation["url"])
            assert value(appearance, "text") == citation["passage"]
            [work] = values(appearance, "isPartOf")
            source = sources[citation["source"]]
            assert work["@type"] == [SCHEMA + "CreativeWork"]
            assert work["@id"] == full(source["url"])
            assert value(work, "name") == source["title"]
            assert [v["@value"] for v in values(work, "datePublished")] == \
                ([source["published"]] if source["published"] else [])

    for source in data["sources"]:
        page_url = full(source["url"])
        html = (out / source["url"].strip("/") / "index.html").read_text(encoding="utf-8")
        [text] = scripts(html)
        [work] = expand(text, page_url)
        assert work["@type"] == [SCHEMA + "CreativeWork"]
        assert work["@id"] == page_url == value(work, "archivedAt")
        assert value(work, "name") == source["title"]
        assert value(work, "genre") == source["kind"]
        assert [v["@id"] for v in values(work, "url")] == \
            ([source["original_url"]] if source["original_url"] else [])
        publishers = [p[SCHEMA + "name"][0]["@value"] for p in values(work, "publisher")]
        assert publishers == ([] if source["outlet"] == "unknown" else [source["outlet"]])

    others = [p for p in built_site.html_pages()
              if not p.relative_to(out).as_posix().startswith(("facts/", "sources/"))
              or p.relative_to(out).as_posix() == "sources/index.html"]
    assert others and not [p for p in others if scripts(p.read_text(encoding="utf-8"))]


def test_known_urls_dates_and_publishers_are_given() -> None:
    briefing = make_briefing("https://example.org/briefing/")
    urls = Urls(briefing.site.base_url)
    [claim] = expand(fact_jsonld(briefing, urls, "signed-declaration", "The leaders signed."),
                     "https://example.org/briefing/facts/signed-declaration/")
    assert claim["@id"] == "https://example.org/briefing/facts/signed-declaration/"
    assert value(claim, "temporalCoverage") == "2026-01-06"
    first, second = values(claim, "appearance")
    assert SCHEMA + "url" not in first  # seed A has no address of its own
    assert value(second, "url").startswith("https://news.example/story#:~:text=")
    [work] = values(second, "isPartOf")
    assert value(work, "url") == "https://news.example/story"
    assert value(work, "datePublished") == "2026-01-07"
    [publisher] = values(work, "publisher")
    assert publisher["@type"] == [SCHEMA + "Organization"]
    assert value(publisher, "name") == "BBC"
    [person, country] = values(expand(
        fact_jsonld(briefing, urls, "macron-26", "Macron said."), ORIGIN)[0], "mentions")
    assert person["@type"] == [SCHEMA + "Person"] and country["@type"] == [SCHEMA + "Country"]


@pytest.mark.parametrize("claim", [
    "</script><script>alert(1)</script>", "<!-- a comment", "a & b > c \u2028 d",
])
def test_claims_cannot_break_out_of_the_script_element(claim: str) -> None:
    briefing = make_briefing()
    text = str(fact_jsonld(briefing, Urls("/"), "hostile", claim))
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["text"] == claim
    source = str(source_jsonld(briefing, Urls("/"), "seed-a"))
    assert json.loads(source)["name"] == 'Seed A: "quotes" & <tags>' and "<" not in source

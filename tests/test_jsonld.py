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
SCHEMAS = Path(__file__).parent / "schemas"
CONTEXT = json.loads((SCHEMAS / "schemaorg-context.jsonld").read_text(encoding="utf-8"))
"""schema.org's published JSON-LD context (release 12.0), kept here so the tests need no
network."""
VOCABULARY = json.loads((SCHEMAS / "schemaorg-vocabulary.json").read_text(encoding="utf-8"))
"""schema.org's core types with their supertypes and properties with the types they apply
to (release 12.0, trimmed from its published CSV files)."""
ORIGIN = "https://briefing.example"
"""Where the pages are taken to be served: their relative addresses resolve against it."""


def offline_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """pyld's document loader: schema.org's context from the file above, nothing else."""
    if url.rstrip("/") in ("https://schema.org", "http://schema.org"):
        return {"contextUrl": None, "documentUrl": url, "document": CONTEXT}
    raise AssertionError(f"the JSON-LD asked for {url}: the tests are offline")


def expand(text: str, base: str) -> list[dict[str, Any]]:
    expanded: list[dict[str, Any]] = jsonld.expand(
        json.loads(text), {"base": base, "documentLoader": offline_loader}
    )
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
            assert [v["@value"] for v in values(work, "datePublished")] == (
                [source["published"]] if source["published"] else []
            )

    for source in data["sources"]:
        page_url = full(source["url"])
        html = (out / source["url"].strip("/") / "index.html").read_text(encoding="utf-8")
        [text] = scripts(html)
        [work] = expand(text, page_url)
        assert work["@type"] == [SCHEMA + "CreativeWork"]
        assert work["@id"] == page_url
        assert value(work, "name") == source["title"]
        assert value(work, "genre") == source["kind"]
        assert [v["@id"] for v in values(work, "url")] == (
            [source["original_url"]] if source["original_url"] else []
        )
        publishers = [p[SCHEMA + "name"][0]["@value"] for p in values(work, "publisher")]
        assert publishers == ([] if source["outlet"] == "unknown" else [source["outlet"]])

    others = [
        p
        for p in built_site.html_pages()
        if not p.relative_to(out).as_posix().startswith(("facts/", "sources/"))
        or p.relative_to(out).as_posix() == "sources/index.html"
    ]
    assert others and not [p for p in others if scripts(p.read_text(encoding="utf-8"))]


def ancestors(type_name: str) -> set[str]:
    """A schema.org type and every type above it."""
    found, todo = set(), [type_name]
    while todo:
        name = todo.pop()
        if name not in found:
            found.add(name)
            todo += VOCABULARY["types"][name]
    return found


def vocabulary_misuse(node: dict[str, Any]) -> list[str]:
    """Types and properties of an expanded node (and the nodes in it) that schema.org's core
    vocabulary does not have, or does not allow on that type."""
    wrong: list[str] = []
    kinds: set[str] = set()
    for iri in node.get("@type", []):
        name = iri.removeprefix(SCHEMA)
        if name not in VOCABULARY["types"]:
            wrong.append(f"type {iri}")
        else:
            kinds |= ancestors(name)
    for key, items in node.items():
        if key.startswith("@"):
            continue
        name = key.removeprefix(SCHEMA)
        domain = VOCABULARY["properties"].get(name)
        if domain is None:
            wrong.append(f"property {key}")
        elif kinds and not kinds & set(domain):
            wrong.append(f"{name} on {sorted(kinds)}")
        for item in items:
            if isinstance(item, dict) and "@value" not in item:
                wrong += vocabulary_misuse(item)
    return wrong


def test_only_schema_orgs_core_vocabulary_is_used(built_site: BuiltSite) -> None:
    pages = [p for p in built_site.html_pages() if p.parent.parent.name in ("facts", "sources")]
    checked = 0
    for page in pages:
        for text in scripts(page.read_text(encoding="utf-8")):
            for node in expand(text, urljoin(ORIGIN, built_site.url_of(page))):
                assert vocabulary_misuse(node) == [], page
                checked += 1
    assert checked > 0
    # The check does catch a term schema.org lacks, and one used on the wrong type.
    assert vocabulary_misuse({"@type": [SCHEMA + "Claim"], SCHEMA + "archivedAt": []}) == [
        f"property {SCHEMA}archivedAt"
    ]
    assert vocabulary_misuse({"@type": [SCHEMA + "Person"], SCHEMA + "appearance": []}) == [
        "appearance on ['Person', 'Thing']"
    ]


def test_known_urls_dates_and_publishers_are_given() -> None:
    briefing = make_briefing("https://example.org/briefing/")
    urls = Urls(briefing.site.base_url)
    [claim] = expand(
        fact_jsonld(briefing, urls, "signed-declaration", "The leaders signed."),
        "https://example.org/briefing/facts/signed-declaration/",
    )
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
    [person, country] = values(
        expand(fact_jsonld(briefing, urls, "macron-26", "Macron said."), ORIGIN)[0], "mentions"
    )
    assert person["@type"] == [SCHEMA + "Person"] and country["@type"] == [SCHEMA + "Country"]


@pytest.mark.parametrize(
    "claim",
    [
        "</script><script>alert(1)</script>",
        "<!-- a comment",
        "a & b > c \u2028 d",
    ],
)
def test_claims_cannot_break_out_of_the_script_element(claim: str) -> None:
    briefing = make_briefing()
    text = str(fact_jsonld(briefing, Urls("/"), "hostile", claim))
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["text"] == claim
    source = str(source_jsonld(briefing, Urls("/"), "seed-a"))
    assert json.loads(source)["name"] == 'Seed A: "quotes" & <tags>' and "<" not in source

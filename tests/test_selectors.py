"""W3C Web Annotation selectors in facts.json: every citation found again from the data alone."""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from builder.briefing import Briefing
from builder.build import check
from builder.feeds import Feeds
from builder.selectors import CONTEXT, select
from builder.urls import Urls
from tests.conftest import BuiltSite

REPO = Path(__file__).parent.parent
ASTRAL = "🇺🇦 𝐁𝐫𝐢𝐞𝐟𝐢𝐧𝐠 𓂀 🛡️\n"
"""Characters outside the Basic Multilingual Plane: one code point each, two UTF-16 units."""


def archived_text(path: Path) -> str:
    """A seed as the selectors count it: UTF-8, byte-order mark dropped, line ends as LF."""
    return path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")


def reanchor(citation: dict[str, Any], text: str) -> tuple[int, int]:
    """Where the citation's passage is in `text`, by each selector on its own, as an
    annotation client would find it: the quote selector's triple must occur exactly once,
    and the position selector must cut out the same passage."""
    quote, position = citation["target"]["selector"]
    assert quote["type"] == "TextQuoteSelector"
    assert position["type"] == "TextPositionSelector"
    triple = quote["prefix"] + quote["exact"] + quote["suffix"]
    found = text.find(triple)
    assert found >= 0, f"{citation['url']}: the quote selector is not in the text"
    assert text.find(triple, found + 1) < 0, f"{citation['url']}: the quote selector is ambiguous"
    start = found + len(quote["prefix"])
    assert text[position["start"] : position["end"]] == quote["exact"]
    return start, start + len(quote["exact"])


def reanchor_all(data: dict[str, Any], root: Path) -> int:
    count = 0
    for fact in data["facts"]:
        for citation in fact["citations"]:
            target = citation["target"]
            if target["sha256"] is not None:  # a pinned source: the very file described
                digest = hashlib.sha256((root / target["source"]).read_bytes()).hexdigest()
                assert digest == target["sha256"], target["source"]
            text = archived_text(root / target["source"])
            start, end = reanchor(citation, text)
            position = target["selector"][1]
            assert (start, end) == (position["start"], position["end"]), citation["url"]
            # The selector carries the passage as archived, which may differ from the
            # editor's quote in quote marks, dashes and spaces.
            assert target["selector"][0]["exact"] == citation["passage"]
            count += 1
    return count


def test_every_citation_of_the_real_briefing_is_found_again(built_site: BuiltSite) -> None:
    data = json.loads((built_site.out / "facts.json").read_text(encoding="utf-8"))
    count = reanchor_all(data, REPO)
    assert count == sum(len(f["citations"]) for f in data["facts"]) > 0
    # The repository's sources are pinned: every citation names the digest it was made from.
    assert all(c["target"]["sha256"] for f in data["facts"] for c in f["citations"])


def test_positions_count_code_points_after_astral_characters(tmp_path: Path) -> None:
    """The same briefing with characters outside the BMP at the top of every seed: offsets
    move by one per character (a UTF-16 count would move by two), and still re-anchor."""
    root = tmp_path / "project"
    for folder in ("content", "seeds", "templates"):
        shutil.copytree(REPO / folder, root / folder)
    sources = root / "content" / "sources.yaml"
    for seed in (root / "seeds").iterdir():
        if not seed.is_file():
            continue
        old = seed.read_bytes()
        seed.write_bytes(ASTRAL.encode() + old)
        # Re-pinned, as `briefing sources pin` would after a deliberate re-archive.
        pins = sources.read_text(encoding="utf-8")
        sources.write_text(
            pins.replace(
                hashlib.sha256(old).hexdigest(), hashlib.sha256(seed.read_bytes()).hexdigest()
            ),
            encoding="utf-8",
        )
    before = check(REPO)
    after = check(root)
    assert before.briefing is not None and after.briefing is not None, after.problems
    old = json.loads(Feeds(before.briefing, Urls("/")).files()["facts.json"])
    new = json.loads(Feeds(after.briefing, Urls("/")).files()["facts.json"])
    assert reanchor_all(new, root) > 0
    shift = len(ASTRAL)
    assert shift < len(ASTRAL.encode("utf-16-le")) // 2  # the astral characters count once
    for old_fact, new_fact in zip(old["facts"], new["facts"], strict=True):
        for a, b in zip(old_fact["citations"], new_fact["citations"], strict=True):
            old_position, new_position = a["target"]["selector"][1], b["target"]["selector"][1]
            assert new_position["start"] == old_position["start"] + shift
            assert new_position["end"] == old_position["end"] + shift


def test_context_grows_until_the_passage_is_found_once() -> None:
    # The passage and 40 characters on each side occur twice: 32 cannot tell them apart.
    block = "x" * 40 + " the force " + "y" * 40
    text = f"One: {block} Two: {block} end."
    start = text.rindex("the force")
    found = select(text, start, start + len("the force"))
    assert found.exact == "the force"
    assert len(found.prefix) > CONTEXT
    triple = found.prefix + found.exact + found.suffix
    assert text.count(triple) == 1
    assert text.index(triple) + len(found.prefix) == start


def test_a_unique_passage_keeps_the_usual_context() -> None:
    text = "Paris, 6 January. The leaders signed a declaration of intent. More text follows."
    start = text.index("signed")
    found = select(text, start, start + len("signed"))
    assert found.prefix == text[:start][-CONTEXT:]
    assert found.suffix == text[start + 6 :][:CONTEXT]


@given(st.text(alphabet="ab🇺\n", max_size=60), st.data())
def test_any_passage_of_any_text_reanchors_once(text: str, data: st.DataObject) -> None:
    if not text:
        return
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    found = select(text, start, end)
    triple = found.prefix + found.exact + found.suffix
    first = text.find(triple)
    assert text.find(triple, first + 1) < 0
    assert first + len(found.prefix) == start
    assert text[found.start : found.end] == found.exact


def test_an_unpinned_sources_citations_carry_no_digest() -> None:
    from tests.test_feeds import make_briefing

    data = json.loads(Feeds(make_briefing(), Urls("/")).files()["facts.json"])
    digests = {c["target"]["sha256"] for f in data["facts"] for c in f["citations"]}
    assert digests == {None}


def test_a_pinned_sources_digest_goes_with_its_citations() -> None:
    from tests.test_feeds import make_briefing

    briefing = make_briefing()
    pinned = replace(briefing.source_by_id["seed-b"], sha256="AB" * 32)
    sources = tuple(pinned if s.id == "seed-b" else s for s in briefing.sources)
    changed = Briefing.assemble(briefing.site, sources, briefing.actors, briefing.facts, ())
    data = json.loads(Feeds(changed, Urls("/")).files()["facts.json"])
    digests = {c["source"]: c["target"]["sha256"] for f in data["facts"] for c in f["citations"]}
    assert digests == {"seed-a": None, "seed-b": "ab" * 32}

"""The finder's ranking: passages for the words an editor remembers, tried on the real
briefing's five sources with queries written from memory of them (`fixtures/remembered.txt`),
and on small texts made to show one behaviour each."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from builder.cite import Library, find, load_library
from builder.finder import query_terms, rank
from builder.passages import Text, fold, prepare, sentences
from builder.quotes import normalise_quote
from tests.helpers import FIXTURES, REPO


@dataclass(frozen=True)
class Remembered:
    line: int
    words: str
    meant: tuple[tuple[str, str], ...]
    """(source id, words of the passage meant); any one will do."""

    def rank_of(self, library: Library, depth: int = 3) -> int | None:
        """0-based place of the first offer that is a passage meant, or None."""
        offers = find(library, self.words, limit=depth).offers
        for place, offer in enumerate(offers):
            quote = normalise_quote(offer.quote)
            if any(
                offer.source == source and normalise_quote(said) in quote
                for source, said in self.meant
            ):
                return place
        return None


def remembered() -> list[Remembered]:
    """The table: `words | source: passage | source: passage` a line, `#` for comments."""
    rows = []
    text = (FIXTURES / "remembered.txt").read_text(encoding="utf-8")
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        words, *meant = (part.strip() for part in line.split(" | "))
        pairs = tuple((s.strip(), said.strip()) for s, _, said in (m.partition(":") for m in meant))
        rows.append(Remembered(number, words, pairs))
    return rows


@pytest.fixture(scope="module")
def briefing() -> Library:
    return load_library(REPO)


def test_the_table_is_large_and_names_real_passages(briefing: Library) -> None:
    rows = remembered()
    assert len(rows) >= 30
    texts = {t.id: normalise_quote(t.text) for t in briefing.texts}
    for row in rows:
        for source, said in row.meant:
            assert normalise_quote(said) in texts[source], f"remembered.txt:{row.line}"


@pytest.mark.parametrize("row", remembered(), ids=lambda r: f"line {r.line}: {r.words}")
def test_remembered_words_rank_the_passage_meant_in_the_first_three(
    row: Remembered, briefing: Library
) -> None:
    place = row.rank_of(briefing)
    shown = [o.quote[:90] for o in find(briefing, row.words, limit=3).offers]
    assert place is not None, f"remembered.txt:{row.line}: {row.words!r} gave {shown}"


def test_foreign_troops_legitimate_targets_finds_all_four_sources_that_say_it(
    briefing: Library,
) -> None:
    offers = find(briefing, "foreign troops legitimate targets").offers
    saying = {o.source for o in offers if "legitimate" in o.quote and "targets" in o.quote}
    assert saying == {
        "putin-dismisses-reassurance-force",
        "putin-rejects-western-plan",
        "axis-of-war-roundup",
        "mnf-u-explainer",
    }


def test_one_source_is_searched_alone(briefing: Library) -> None:
    offers = find(briefing, "foreign troops legitimate targets", "mnf-u-explainer").offers
    assert offers and {o.source for o in offers} == {"mnf-u-explainer"}


def test_an_exact_quote_comes_first(briefing: Library) -> None:
    quote = "any troops deployed to Ukraine would be considered"
    first = find(briefing, quote).offers[0]
    assert first.how == "the words as written" and first.quote == quote
    first = find(briefing, quote.upper()).offers[0]  # case is forgiven too
    assert first.how == "the words as written" and first.quote == quote


# Small texts, one behaviour each -----------------------------------------------------------


def test_sentences_end_at_stops_but_not_at_abbreviations_or_inside_quotes() -> None:
    text = (
        '- A list item.\nHe said so. Then U.S. troops left! "Why?" she asked. '
        "Mr. Smith came on Jan. 8.\n\n  A line without a stop  \n—\n"
    )
    spans, paragraphs = sentences(text)
    assert [text[a:b] for a, b in spans] == [
        "A list item.",
        "He said so.",
        "Then U.S. troops left!",
        '"Why?" she asked.',
        "Mr. Smith came on Jan. 8.",
        "A line without a stop",
    ]
    assert paragraphs == [0, 1, 1, 1, 1, 3]


def test_folding_keeps_one_character_per_character() -> None:
    text = "L’Élysée — “Zelenskyy’s” plan"
    assert fold(text) == "l'elysee - \"zelenskyy's\" plan"
    assert len(fold(text)) == len(text)
    decomposed = prepare("x", "x.txt", "Cafe\u0301 talks. Second sentence.")
    assert decomposed.folded.split("\n") == ["café talks.".replace("é", "e"), "second sentence."]


def test_common_words_count_only_when_nothing_else_is_asked() -> None:
    assert [t.word for t in query_terms("the axis of war")] == ["axis", "war"]
    assert [t.word for t in query_terms("of the")] == ["of", "the"]
    assert [t.word for t in query_terms("U.S. troops and troop")] == ["us", "troops"]


def _texts(*bodies: str) -> list[Text]:
    return [prepare(f"s{i}", f"s{i}.txt", body) for i, body in enumerate(bodies)]


def _passages(texts: list[Text], words: str, limit: int = 5) -> list[str]:
    ranking = rank(texts, words, limit)
    return [texts[c.source].text[c.start : c.end] for c in ranking.candidates]


def test_a_run_of_sentences_is_offered_when_the_words_are_spread_over_it() -> None:
    texts = _texts(
        "Putin spoke in Vladivostok. He called the deployments unnecessary. "
        "The weather was fine.\nPutin spoke again later."
    )
    assert _passages(texts, "Putin Vladivostok unnecessary")[0] == (
        "Putin spoke in Vladivostok. He called the deployments unnecessary."
    )


def test_runs_never_cross_a_paragraph() -> None:
    texts = _texts("Putin spoke in Vladivostok.\nHe called the deployments unnecessary.")
    assert all("\n" not in p for p in _passages(texts, "Putin Vladivostok unnecessary"))


def test_stems_prefixes_and_typos_match() -> None:
    texts = _texts("The coordination centre opens.", "Zakharova spoke.", "Countries agreed.")
    assert _passages(texts, "coordinat")[0] == "The coordination centre opens."
    assert _passages(texts, "Zakharowa")[0] == "Zakharova spoke."
    assert _passages(texts, "country")[0] == "Countries agreed."
    assert _passages(texts, "quantum") == []


def test_more_of_the_query_ranks_higher_and_sources_take_turns() -> None:
    texts = _texts(
        "Troops will be targets. Troops are troops. Targets are targets.",
        "Foreign troops would be legitimate targets.",
    )
    found = _passages(texts, "foreign troops legitimate targets")
    assert found[0] == "Foreign troops would be legitimate targets."
    assert found[1] == "Troops will be targets."


def test_hyphenated_words_match_joined_or_by_their_first_part() -> None:
    texts = _texts("A U.S.-led cease-fire holds.", "The post-war order.", "Nothing here.")
    assert _passages(texts, "ceasefire")[0] == "A U.S.-led cease-fire holds."
    assert _passages(texts, "post war")[0] == "The post-war order."
    ranking = rank(texts, "post ceasefire")  # (a last word may be cut short: "post" is not)
    assert {"cease", "fire", "post"} <= ranking.words and "war" not in ranking.words

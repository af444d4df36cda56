"""Properties that hold for any input: arbitrary text never breaks a build or injects markup,
quote verification accepts every unique passage and refuses every one-letter edit, and the
output does not depend on the machine it is built on.

Derandomised in CI (`CI` set): the examples are the same on every run.
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from builder.quotes import Match, SourceIndex

settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.register_profile(
    "dev", deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

ROOT = Path(__file__).resolve().parent.parent
SEEDS = {p.name: p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))}
INDEXES = {name: SourceIndex(text) for name, text in SEEDS.items()}


def spans(matches: list[Match]) -> list[tuple[int, int]]:
    return [(m.start, m.end) for m in matches]


@st.composite
def unique_passages(draw: st.DrawFn) -> tuple[str, int, int]:
    """(seed name, start, end) of a passage of 30-240 characters that occurs once in its seed,
    without leading or trailing whitespace."""
    name = draw(st.sampled_from(sorted(SEEDS)))
    text = SEEDS[name]
    start = draw(st.integers(0, len(text) - 30))
    end = draw(st.integers(start + 30, min(len(text), start + 240)))
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    passage = text[start:end]
    assume(len(passage) >= 30 and text.count(passage) == 1)
    return name, start, end


@settings(max_examples=60)
@given(unique_passages())
def test_every_unique_passage_is_found_where_it_is(found: tuple[str, int, int]) -> None:
    name, start, end = found
    assert spans(INDEXES[name].find(SEEDS[name][start:end])) == [(start, end)]


# What an editor cannot see, and so is forgiven: each maps a passage to a variant.
INVISIBLE_EDITS = {
    "curly-to-straight": lambda s: s.translate(str.maketrans("‘’“”", "''\"\"")),
    "straight-to-curly": lambda s: s.replace("'", "’").replace('"', "“"),
    "dashes-to-hyphen": lambda s: s.translate(str.maketrans("‑–—", "---")),
    "nfd": lambda s: unicodedata.normalize("NFD", s),
    "whitespace-runs": lambda s: " ".join(s.split()).replace(" ", "  \n "),
}


@settings(max_examples=40)
@given(unique_passages(), st.sampled_from(sorted(INVISIBLE_EDITS)))
def test_invisible_differences_are_forgiven(found: tuple[str, int, int], edit: str) -> None:
    name, start, end = found
    variant = INVISIBLE_EDITS[edit](SEEDS[name][start:end])
    assert spans(INDEXES[name].find(variant)) == [(start, end)]


@settings(max_examples=60)
@given(unique_passages(), st.data())
def test_a_one_letter_edit_inside_a_word_fails(
    found: tuple[str, int, int], data: st.DataObject
) -> None:
    name, start, end = found
    passage = SEEDS[name][start:end]
    inside = [
        i
        for i in range(1, len(passage) - 1)
        if passage[i - 1].isalpha() and passage[i].isalpha() and passage[i + 1].isalpha()
    ]
    assume(inside)
    i = data.draw(st.sampled_from(inside), label="position")
    letter = data.draw(
        st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ").filter(
            lambda c: c != passage[i]
        ),
        label="letter",
    )
    edited = passage[:i] + letter + passage[i + 1 :]
    assume(edited.casefold() not in SEEDS[name].casefold())
    assert INDEXES[name].find(edited) == []
    closest = INDEXES[name].closest(edited)
    assert closest is not None
    assert closest.start <= start + 2 and closest.end >= end - 2, "the closest is the edited one"
    assert closest.score < 100


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_the_whole_source_quotes_itself(name: str) -> None:
    text = SEEDS[name]
    stripped = text.strip()
    begin = text.index(stripped)
    assert spans(INDEXES[name].find(stripped)) == [(begin, begin + len(stripped))]

"""Quote lookup forgives only what an editor cannot see."""

import pytest

from builder.quotes import SourceIndex, normalise

TEXT = (
    "He said \u201chello\u201d  to   the world\u2014again.\n"
    "Cafe\u0301 cre\u0300me  and\u00a0more \u2018x\u2019 here.\n"
    "Zero\u200bwidth stays visible to the matcher.\n"
)


@pytest.mark.parametrize(
    "quote, expected",
    [
        ('"hello" to the world-again', "\u201chello\u201d  to   the world\u2014again"),
        ("Café crème and more", "Cafe\u0301 cre\u0300me  and\u00a0more"),
        ("Cafe\u0301 cre\u0300me", "Cafe\u0301 cre\u0300me"),
        ("'x' here", "\u2018x\u2019 here"),
        ("  hello\u201d to  ", "hello\u201d  to"),
    ],
)
def test_invisible_differences_are_forgiven(quote: str, expected: str) -> None:
    index = SourceIndex(TEXT)
    [match] = index.find(quote)
    assert index.passage(match) == expected


@pytest.mark.parametrize(
    "quote",
    [
        "Hello to the world",  # changed case
        "said hello to",  # dropped quote marks are words the source has
        "the world again",  # dash is not a space
        "Cafe creme",  # accents are visible
        "Zerowidth stays",  # an invisible character in the source is not skipped
        "He said \u2026 to the world",  # an ellipsis is not in the source
        "",
    ],
)
def test_visible_differences_fail(quote: str) -> None:
    assert SourceIndex(TEXT).find(quote) == []


def test_every_occurrence_is_reported() -> None:
    index = SourceIndex("a cat sat. a cat ran.")
    assert [(m.start, m.end) for m in index.find("a cat")] == [(0, 5), (11, 16)]


def test_closest_passage_is_whole_words_near_the_quote() -> None:
    index = SourceIndex(TEXT)
    best = index.closest("the wrld again")
    assert best is not None
    assert index.passage(best) == "the world\u2014again."
    assert index.line_of(best.start) == 1


def test_a_long_wrong_quote_still_gets_the_passage_it_was_copied_from() -> None:
    """Long quotes are placed by their exact pieces (bounded time, `benchmarks/
    wrong_quotes.py`), and the passage shown is still the one the quote came from."""
    words = [f"word{i % 97}x{i}" for i in range(3_000)]
    text = " ".join(words)
    quote = " ".join(words[1_000:1_500])
    wrong = quote.replace(words[1_250], "zebra")
    index = SourceIndex(text)
    assert index.find(quote) and not index.find(wrong)
    best = index.closest(wrong)
    assert best is not None and best.score > 95
    assert index.passage(best) == quote


def test_a_long_quote_with_no_piece_in_the_source_shows_no_passage() -> None:
    assert SourceIndex("one two three " * 50).closest("zebra " * 100) is None


def test_line_numbers() -> None:
    index = SourceIndex(TEXT)
    [match] = index.find("more 'x'")
    assert index.line_of(match.start) == 2


def test_normalised_offsets_map_back() -> None:
    norm = normalise("a\u00a0\u00a0b  c")
    assert norm.text == "a b c"
    assert [norm.original_offset(i) for i in range(5)] == [0, 1, 3, 4, 6]

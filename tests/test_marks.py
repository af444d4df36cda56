"""Source text segmentation: overlapping, identical and nested passages all get marked."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from builder.source_pages import Span, segment


def test_overlapping_passages_split_at_every_boundary() -> None:
    segs = segment("0123456789", [Span(2, 6, "a"), Span(4, 9, "b")])
    assert [(s.text, s.covering) for s in segs] == [
        ("01", ()),
        ("23", ("a",)),
        ("45", ("a", "b")),
        ("678", ("b",)),
        ("9", ()),
    ]
    assert [s.starting for s in segs] == [(), ("a",), ("b",), (), ()]
    assert [s.ending for s in segs] == [(), (), ("a",), ("b",), ()]


def test_identical_passages_keep_both_anchors() -> None:
    segs = segment("abcdef", [Span(1, 3, "y"), Span(1, 3, "x")])
    assert segs[1].text == "bc"
    assert segs[1].starting == ("x", "y")
    assert segs[1].ending == ("x", "y")


def test_empty_text_and_empty_spans_still_carry_anchors() -> None:
    segs = segment("", [Span(0, 0, "a")])
    assert [s.starting for s in segs] == [("a",)]
    segs = segment("abc", [Span(3, 3, "end"), Span(1, 1, "mid")])
    anchors = [a for s in segs for a in s.starting]
    assert sorted(anchors) == ["end", "mid"]
    assert all(not s.covering for s in segs)


@given(
    st.text(min_size=0, max_size=40),
    st.lists(st.tuples(st.integers(0, 45), st.integers(0, 45)), max_size=6),
)
def test_segments_rebuild_the_text_and_every_anchor_appears_once(
    text: str, pairs: list[tuple[int, int]]
) -> None:
    spans = [Span(min(a, b), max(a, b), f"s{i}") for i, (a, b) in enumerate(pairs)]
    segs = segment(text, spans)
    assert "".join(s.text for s in segs) == text
    starts = [a for s in segs for a in s.starting]
    ends = [a for s in segs for a in s.ending]
    assert sorted(starts) == sorted(s.anchor for s in spans)
    assert sorted(ends) == sorted(s.anchor for s in spans)
    pos = 0
    for s in segs:
        for span in spans:
            inside = span.start <= pos and pos + len(s.text) <= span.end and s.text
            assert (span.anchor in s.covering) == bool(inside)
        pos += len(s.text)


@given(
    st.text(min_size=0, max_size=40),
    st.lists(st.tuples(st.integers(0, 45), st.integers(0, 45)), max_size=6),
)
def test_each_anchor_starts_and_ends_where_its_passage_does(
    text: str, pairs: list[tuple[int, int]]
) -> None:
    size = len(text)
    spans = [Span(min(a, b), max(a, b), f"s{i}") for i, (a, b) in enumerate(pairs)]
    segs = segment(text, spans)
    offsets, pos = [], 0
    for s in segs:
        offsets.append((pos, pos + len(s.text)))
        pos += len(s.text)
        assert list(s.covering) == sorted(s.covering)
        assert list(s.ending) == sorted(s.ending)
    for span in spans:
        start, end = min(span.start, size), min(span.end, size)
        begins = [i for i, s in enumerate(segs) if span.anchor in s.starting]
        finishes = [i for i, s in enumerate(segs) if span.anchor in s.ending]
        assert offsets[begins[0]][0] == start
        if end > start:
            assert offsets[finishes[0]][1] == end
        else:  # an empty passage ends in the segment it starts
            assert finishes == begins

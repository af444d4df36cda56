"""A source's text + the passages cited from it -> segments ready to mark up.

Goes in: the archived text and (start, end, anchor) spans, which may overlap or coincide.
Comes out: the text cut at every span boundary, each segment knowing which spans cover it,
which spans start at its beginning (their anchors go there) and which end with it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise


@dataclass(frozen=True, slots=True)
class Span:
    """A cited passage: `text[start:end]`, anchored on the page by `anchor`."""

    start: int
    end: int
    anchor: str


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of text with one and the same set of covering spans."""

    text: str
    covering: tuple[str, ...]
    """Anchors of the spans that cover this run (empty: plain text)."""
    starting: tuple[str, ...]
    """Anchors of the spans that begin where this run begins."""
    ending: tuple[str, ...]
    """Anchors of the spans that end where this run ends."""


def segment(text: str, spans: Iterable[Span]) -> list[Segment]:
    """Cut `text` at every span boundary, in one sweep over the sorted boundaries.

    Spans are clipped to the text. An empty span covers nothing but still starts and ends
    at its position, so its anchor exists and no link points nowhere.
    """
    size = len(text)
    clipped = [
        Span(min(max(s.start, 0), size), min(max(s.end, s.start, 0), size), s.anchor) for s in spans
    ]
    starts_at: dict[int, list[str]] = {}
    ends_at: dict[int, list[str]] = {}
    for s in sorted(clipped, key=lambda s: (s.start, s.anchor)):
        starts_at.setdefault(s.start, []).append(s.anchor)
        if s.end > s.start:
            ends_at.setdefault(s.end, []).append(s.anchor)
    empty = {s.anchor for s in clipped if s.end == s.start}
    bounds = sorted({0, size, *starts_at, *ends_at})
    active: set[str] = set()
    segments: list[Segment] = []
    none: list[str] = []
    for left, right in pairwise(bounds):
        active.difference_update(ends_at.get(left, none))
        starting = starts_at.get(left, none)
        ending = ends_at.get(right, none)
        if empty:
            active.update(a for a in starting if a not in empty)
            ending = [*ending, *(empty & set(starting))]
        else:
            active.update(starting)
        segments.append(
            Segment(
                text=text[left:right],
                covering=tuple(active) if len(active) < 2 else tuple(sorted(active)),
                starting=tuple(starting),
                ending=tuple(ending) if len(ending) < 2 else tuple(sorted(set(ending))),
            )
        )
    trailing = starts_at.get(size, none)
    if trailing or not segments:
        segments.append(Segment("", (), tuple(trailing), tuple(sorted(trailing))))
    return segments

"""Quote normalisation and lookup: finds an editor's quote in a source text.

Goes in: a source's text and a quote. Comes out: where the quote occurs (offsets into the
original text), or the closest passage when it does not. Matching forgives only what an
editor cannot see: Unicode normalisation (NFC), runs of whitespace (including no-break
spaces), straight vs curly quotes and apostrophes, hyphen and dash variants. Case, spelling,
ellipses and invisible characters such as zero-width spaces are never forgiven.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass

_SPACES = "\t\n\v\f\r\u00a0\u1680\u2028\u2029\u202f\u205f\u3000" + "".join(
    map(chr, range(0x2000, 0x200B))
)
_FOLD = str.maketrans(
    {
        **{c: " " for c in _SPACES},
        **{c: "'" for c in "\u2018\u2019\u201a\u201b\u2032\u02bc"},
        **{c: '"' for c in "\u201c\u201d\u201e\u201f\u2033"},
        **{c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"},
    }
)
_RUNS = re.compile(r" {2,}")


_Stage = tuple[tuple[int, ...], tuple[int, ...]]


@dataclass(frozen=True, slots=True)
class Normalised:
    """A normalised text and the way back to offsets of the original.

    Each stage that shortens the text records breakpoints: from a breakpoint on, offsets in
    the stage's output and input advance together.
    """

    text: str
    stages: tuple[_Stage, ...] = ()
    """Shortening stages, first applied first."""

    def original_offset(self, offset: int) -> int:
        """Offset in the original text of normalised offset `offset`."""
        for norm_points, orig_points in reversed(self.stages):
            i = bisect.bisect_right(norm_points, offset) - 1
            offset = orig_points[i] + (offset - norm_points[i])
        return offset


def normalise(text: str) -> Normalised:
    """Fold what an editor cannot see, keeping a map back to the original offsets.

    Character folds are one-to-one and keep offsets; NFC composition and whitespace-run
    collapsing shorten the text, and each is recorded as a stage of breakpoints.
    """
    if text.isascii() and text.isprintable() and "  " not in text:
        return Normalised(text)  # nothing to fold (the common case for a quote)
    stages: list[_Stage] = []
    if not unicodedata.is_normalized("NFC", text):
        text, norm_points, orig_points = _nfc_with_map(text)
        stages.append((tuple(norm_points), tuple(orig_points)))
    folded = text.translate(_FOLD)
    if "  " in folded:
        pieces: list[str] = []
        last = removed = 0
        norm_points, orig_points = [0], [0]
        for run in _RUNS.finditer(folded):
            pieces.append(folded[last : run.start() + 1])
            norm_points.append(run.start() + 1 - removed)
            orig_points.append(run.end())
            removed += run.end() - run.start() - 1
            last = run.end()
        pieces.append(folded[last:])
        folded = "".join(pieces)
        stages.append((tuple(norm_points), tuple(orig_points)))
    return Normalised(folded, tuple(stages))


def _nfc_with_map(text: str) -> tuple[str, list[int], list[int]]:
    """NFC, composing cluster by cluster so each cluster's original offset is known."""
    out: list[str] = []
    norm_points = [0]
    orig_points = [0]
    n = 0
    i = 0
    length = len(text)
    while i < length:
        j = i + 1
        while j < length and unicodedata.combining(text[j]):
            j += 1
        cluster = unicodedata.normalize("NFC", text[i:j])
        out.append(cluster)
        n += len(cluster)
        if len(cluster) != j - i:
            norm_points.append(n)
            orig_points.append(j)
        i = j
    return "".join(out), norm_points, orig_points


def normalise_quote(quote: str) -> str:
    """A quote as it is looked up: normalised and trimmed."""
    return normalise(quote).text.strip()


@dataclass(frozen=True, slots=True)
class Match:
    """A passage of the original text: `text[start:end]`."""

    start: int
    end: int
    score: float = 100.0
    """100 for an exact (normalised) match; lower for a closest-passage suggestion."""


class SourceIndex:
    """One source text, normalised once, searched for many quotes."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._norm = normalise(text)
        self._line_starts: list[int] | None = None

    def find(self, quote: str) -> list[Match]:
        """Every place the quote occurs, in original offsets (empty when it does not)."""
        needle = normalise_quote(quote)
        if not needle:
            return []
        hay = self._norm.text
        found: list[Match] = []
        at = hay.find(needle)
        while at >= 0:
            found.append(self._match(at, at + len(needle)))
            at = hay.find(needle, at + 1)
        return found

    def _match(self, start: int, end: int, score: float = 100.0) -> Match:
        orig_start = self._norm.original_offset(start)
        orig_end = self._norm.original_offset(end - 1) + 1 if end > start else orig_start
        # A folded character may stand for a longer original cluster (NFD accents).
        while orig_end < len(self.text) and unicodedata.combining(self.text[orig_end]):
            orig_end += 1
        return Match(orig_start, orig_end, score)

    def closest(self, quote: str) -> Match | None:
        """The passage most like the quote, widened to whole words; None for an empty text."""
        from rapidfuzz import fuzz

        needle = normalise_quote(quote)
        hay = self._norm.text
        if not needle or not hay:
            return None
        if len(needle) > LONG_QUOTE:
            aligned = _aligned(needle, hay)
            if aligned is None:
                return None
            start, end, score = aligned
        else:
            found = fuzz.partial_ratio_alignment(needle, hay)
            if found is None:
                return None
            start, end, score = found.dest_start, found.dest_end, found.score
        while start > 0 and not hay[start - 1].isspace():
            start -= 1
        while end < len(hay) and not hay[end].isspace():
            end += 1
        return self._match(start, end, score)

    def line_of(self, offset: int) -> int:
        """1-based line number of an original offset."""
        if self._line_starts is None:
            starts = [0]
            at = self.text.find("\n")
            while at >= 0:
                starts.append(at + 1)
                at = self.text.find("\n", at + 1)
            self._line_starts = starts
        return bisect.bisect_right(self._line_starts, offset)

    def passage(self, match: Match) -> str:
        return self.text[match.start : match.end]


LONG_QUOTE, _CHUNK, _MAX_PLACES = 300, 24, 20
"""Quotes longer than `LONG_QUOTE` characters are placed by their exact pieces of `_CHUNK`
characters rather than by rapidfuzz's `partial_ratio`, whose time grows with the quote's
length: about a second for one wrong 4,900-character quote against a 12 kB seed, two
against 1 MB (`benchmarks/wrong_quotes.py`)."""


def _aligned(needle: str, hay: str) -> tuple[int, int, float] | None:
    """Where in `hay` the long `needle` most likely sits, and how alike the two are: each
    place (up to `_MAX_PLACES`) where a piece of the needle occurs in `hay` votes for the
    start it implies; the start with most votes wins, the earliest among equals. None when
    no piece is found (nothing close enough to show)."""
    from collections import Counter

    from rapidfuzz import fuzz

    votes: Counter[int] = Counter()
    for offset in range(0, len(needle) - _CHUNK + 1, _CHUNK):
        piece = needle[offset : offset + _CHUNK]
        at = hay.find(piece)
        for _ in range(_MAX_PLACES):  # a piece repeated all over the text votes less
            if at < 0:
                break
            votes[at - offset] += 1
            at = hay.find(piece, at + 1)
    if not votes:
        return None
    shift = min(votes, key=lambda start: (-votes[start], start))
    start, end = max(0, shift), min(len(hay), shift + len(needle))
    return start, end, fuzz.ratio(needle, hay[start:end])

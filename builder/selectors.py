"""W3C Web Annotation selectors: where a cited passage stands in its archived text.

Goes in: a source's archived text (as `load` reads it) and a passage's offsets in it. Comes
out: a `TextQuoteSelector` and a `TextPositionSelector`
(https://www.w3.org/TR/annotation-model/#selectors), enough to find the passage again in the
archived text alone, with no tool of ours.
"""

from __future__ import annotations

from dataclasses import dataclass

from builder.model import Source

CONTEXT = 32
"""Code points of context taken on each side to start with (as annotation clients such as
Hypothesis take); doubled until the prefix, passage and suffix occur once in the text."""


@dataclass(frozen=True, slots=True)
class Selectors:
    """A passage of an archived text, as the two W3C selectors describe it."""

    exact: str
    """The passage exactly as it stands in the text (not the editor's quote)."""
    prefix: str
    """The text just before it: with `exact` and `suffix`, found once in the whole text."""
    suffix: str
    """The text just after it."""
    start: int
    """Offset of the passage in code points (a Python `str` index), so that
    `text[start:end] == exact`."""
    end: int

    def as_json(self) -> list[dict[str, object]]:
        """The `selector` list of a W3C `SpecificResource`: quote first, then position."""
        return [
            {
                "type": "TextQuoteSelector",
                "exact": self.exact,
                "prefix": self.prefix,
                "suffix": self.suffix,
            },
            {"type": "TextPositionSelector", "start": self.start, "end": self.end},
        ]


def select(text: str, start: int, end: int) -> Selectors:
    """The selectors of `text[start:end]`, with the shortest context of `CONTEXT` doubled
    that makes prefix + exact + suffix occur exactly once in `text` (or the whole text)."""
    exact = text[start:end]
    width = CONTEXT
    while True:
        prefix = text[max(0, start - width) : start]
        suffix = text[end : end + width]
        whole = start - width <= 0 and end + width >= len(text)
        if whole or _occurs_once(text, prefix + exact + suffix):
            return Selectors(exact, prefix, suffix, start, end)
        width *= 2


def _occurs_once(text: str, triple: str) -> bool:
    """Whether `triple` (which occurs at least once) occurs nowhere else, overlaps counted."""
    first = text.find(triple)
    return text.find(triple, first + 1) < 0


def source_sha256(source: Source) -> str | None:
    """The SHA-256 of the source's archived file when the source is pinned, else None: a
    digest is published only when the build has checked the file against it."""
    return source.sha256.lower() if source.sha256 else None

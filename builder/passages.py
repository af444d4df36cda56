"""Source texts cut into passages for search: goes in a source's text, comes out its sentences
(with their place in the original) and a folded copy of the text where words are looked up.

Folding forgives what an editor cannot be expected to remember: case, accents, curly or
straight quote marks, dash variants. A sentence ends at `.`, `!` or `?` (closing quote marks
and brackets included) before a space and a word that does not start in lower case, unless
the dot closes an abbreviation (`U.S.`, `Mr.`, `Jan.`); a line break always ends one.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

WORD = re.compile(r"[^\W_]+")
"""A word of folded text: letters and digits (an apostrophe or hyphen ends it)."""

_QUOTES = "\u2018\u2019\u201a\u201b\u2032\u02bc\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_SPACES = "\t\v\f\r\u00a0\u1680\u2028\u2029\u202f\u205f\u3000" + "".join(
    map(chr, range(0x2000, 0x200B))
)
_FOLD = str.maketrans(
    {
        **{c: "'" for c in _QUOTES[:6]},
        **{c: '"' for c in _QUOTES[6:]},
        **{c: "-" for c in _DASHES},
        **{c: " " for c in _SPACES},
    }
)

_END = re.compile(r"""[.!?]+["'\u2019\u201d\u00bb)\]]*(?=[ \t\u00a0]+\S)""")
"""Where a sentence may end inside a line: terminal punctuation before a space."""
_LIST_MARKS = frozenset("-*\u2022\u2013\u2014")
ABBREVIATIONS = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "gen",
        "lt",
        "col",
        "maj",
        "capt",
        "sgt",
        "adm",
        "gov",
        "sen",
        "rep",
        "st",
        "jr",
        "sr",
        "no",
        "vs",
        "etc",
        "approx",
        "dept",
        "est",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
    }
)


def fold(text: str) -> str:
    """Lower case, no accents, plain quote marks and hyphens; keeps one character per
    character wherever the text is already composed (NFC), as seeds are."""
    folded = unicodedata.normalize("NFC", text).translate(_FOLD).lower()
    if folded.isascii():
        return folded
    return folded.translate({ord(c): _plain(c) for c in set(folded) if not c.isascii()})


@lru_cache(maxsize=4096)
def _plain(char: str) -> str:
    """A letter without its accents (`é` -> `e`); any other character as it is."""
    base = unicodedata.normalize("NFD", char)[0]
    return base if base.isascii() and base.isalpha() else char


@dataclass(frozen=True, slots=True)
class Text:
    """One source, ready to be searched."""

    id: str
    file: str
    text: str
    """The archived text, as read."""
    folded: str
    """`fold(text)`, sentence by sentence: where words are looked up."""
    starts: tuple[int, ...]
    """Where each sentence starts in `folded` (sorted)."""
    spans: tuple[tuple[int, int], ...]
    """Each sentence's (start, end) in `text`."""
    paragraphs: tuple[int, ...]
    """Each sentence's paragraph (line) number, 0-based: runs never cross a paragraph."""

    def length(self, first: int, last: int) -> int:
        """Characters of sentences `first`..`last`, as in the source."""
        return self.spans[last][1] - self.spans[first][0]


def prepare(ident: str, file: str, text: str) -> Text:
    """Cut a source into sentences and fold it for search."""
    spans, paragraphs = sentences(text)
    folded = fold(text)
    if len(folded) == len(text):  # one folded character per character: offsets carry over
        return Text(
            ident, file, text, folded, tuple(s for s, _ in spans), tuple(spans), tuple(paragraphs)
        )
    pieces, starts, at = [], [], 0  # fold sentence by sentence; keep where each begins
    for start, end in spans:
        piece = fold(text[start:end])
        starts.append(at)
        pieces.append(piece)
        at += len(piece) + 1
    return Text(
        ident, file, text, "\n".join(pieces), tuple(starts), tuple(spans), tuple(paragraphs)
    )


def sentences(text: str) -> tuple[list[tuple[int, int]], list[int]]:
    """The sentences of a text as (start, end) offsets, each trimmed of spaces and of a
    leading list mark, and the paragraph (line) each is in."""
    spans: list[tuple[int, int]] = []
    paragraphs: list[int] = []
    stops = [m.end() for m in _END.finditer(text) if _ends_sentence(text, *m.span())]
    stops.append(len(text) + 1)
    next_stop = 0
    start = 0
    for paragraph, line in enumerate(text.split("\n")):
        end = start + len(line)
        while stops[next_stop] <= start:
            next_stop += 1
        if stops[next_stop] >= end:  # the common case: the line is one sentence at most
            _add(text, start, end, paragraph, spans, paragraphs)
        else:
            at = start
            while stops[next_stop] < end:
                _add(text, at, stops[next_stop], paragraph, spans, paragraphs)
                at = stops[next_stop]
                next_stop += 1
            _add(text, at, end, paragraph, spans, paragraphs)
        start = end + 1
    return spans, paragraphs


def _ends_sentence(text: str, dot: int, after: int) -> bool:
    """Whether punctuation at `dot` ends a sentence: the next word does not start in lower
    case, and a lone dot does not close an abbreviation or an initial."""
    following = text[after : after + 8].lstrip()
    if following and following[0].islower():
        return False
    if text[dot] != "." or text[dot + 1 : dot + 2] == ".":
        return True
    space = max(text.rfind(" ", 0, dot), text.rfind("\n", 0, dot))
    word = text[space + 1 : dot]
    return not ("." in word or (len(word) == 1 and word.isalpha()) or word.lower() in ABBREVIATIONS)


def _add(
    text: str,
    start: int,
    end: int,
    paragraph: int,
    spans: list[tuple[int, int]],
    paragraphs: list[int],
) -> None:
    """Keep `text[start:end]` as a sentence, trimmed, when it holds a word."""
    piece = text[start:end]
    stripped = piece.strip()
    if not stripped:
        return
    if stripped[0] in _LIST_MARKS and stripped[1:2].isspace():
        stripped = stripped[1:].lstrip()
    if WORD.search(stripped) is not None:
        start += piece.find(stripped)
        spans.append((start, start + len(stripped)))
        paragraphs.append(paragraph)

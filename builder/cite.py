"""The citation finder: goes in a source id (or all sources) and a few remembered words, comes
out the best-matching passage of the source with its line and a ready-to-paste YAML citation.

The search forgives what `builder.quotes` forgives (quote marks, dashes, whitespace, Unicode
forms) and, through rapidfuzz, small typos and case. The passage is widened to whole words
and lengthened until it occurs exactly once in its source, so the pasted quote verifies.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from rapidfuzz import fuzz

from builder.errors import Problem
from builder.load import Mapping, Scalar, Sequence, load_yaml_file, read_text
from builder.quotes import Match, Normalised, SourceIndex, normalise, normalise_quote
from builder.records import quick_init

GOOD_ENOUGH = 80.0
"""Lowest similarity (0-100) worth offering: below it the words are not in the source."""
MAX_RESULTS = 5
EXIT_OK, EXIT_NOTHING, EXIT_USAGE = 0, 1, 2


@quick_init
@dataclass(frozen=True, slots=True)
class SourceText:
    """A source id, its archived file and the text, indexed for lookups."""

    id: str
    file: str
    index: SourceIndex
    normalised: Normalised


@quick_init
@dataclass(frozen=True, slots=True)
class Found:
    """A passage of a source that the words point at."""

    source: str
    file: str
    line: int
    passage: str
    """Exactly as in the source (whitespace runs collapsed to one space for pasting)."""
    score: float
    """Similarity of the words and the passage, 0-100."""
    exact: bool
    """The words occur as written (up to what quotes forgive)."""
    unique: bool
    """The passage occurs once in its source: pasted as a quote, it verifies."""

    def citation_yaml(self) -> str:
        """`- source: id` / `  quote: "..."`, the quote YAML-escaped (a JSON string is a valid
        YAML double-quoted scalar)."""
        quote = json.dumps(self.passage, ensure_ascii=False)
        return f"- source: {self.source}\n  quote: {quote}"


def read_sources(root: Path) -> tuple[list[SourceText], list[Problem]]:
    """Every source of `content/sources.yaml` whose file reads, straight from the YAML, so
    the finder works while other content files are still broken."""
    problems: list[Problem] = []
    raw = load_yaml_file(root, "content/sources.yaml", problems)
    sources: list[SourceText] = []
    if not isinstance(raw.node, Sequence):
        return sources, problems
    for item in raw.node.items:
        ident, file = _text(item, "id"), _text(item, "file")
        if ident is None or file is None:
            continue
        text = read_text(root, file, problems)
        if text is not None:
            sources.append(SourceText(ident, file, SourceIndex(text), normalise(text)))
    return sorted(sources, key=lambda s: s.id), problems


def _text(node: object, key: str) -> str | None:
    if not isinstance(node, Mapping) or key not in node.entries:
        return None
    value = node.entries[key].value
    return value.value if isinstance(value, Scalar) else None


def find_passage(source: SourceText, words: str) -> Found | None:
    """The best passage of `source` for `words`, or None when the source is empty."""
    index = source.index
    exact = index.find(words)
    if exact:
        match = exact[0]
    else:
        close = _closest(source, words)
        if close is None:
            return None
        match = close
    match = _whole_words(index.text, match, words)
    match = _unique(index, match)
    passage = " ".join(index.passage(match).split())
    return Found(
        source=source.id,
        file=source.file,
        line=index.line_of(match.start),
        passage=passage,
        score=round(match.score, 1),
        exact=bool(exact),
        unique=len(index.find(passage)) == 1,
    )


def _closest(source: SourceText, words: str) -> Match | None:
    """The passage most like the words (case-blind), located with rapidfuzz's alignment over
    the normalised text and mapped back to offsets of the original."""
    needle = normalise_quote(words).lower()
    hay = source.normalised.text.lower()
    if not needle or not hay or len(hay) != len(source.normalised.text):
        return None
    found = fuzz.partial_ratio_alignment(needle, hay)
    if found is None or found.dest_end <= found.dest_start:
        return None
    start = source.normalised.original_offset(found.dest_start)
    end = source.normalised.original_offset(found.dest_end - 1) + 1
    return Match(start, end, found.score)


def _whole_words(text: str, match: Match, words: str) -> Match:
    """Widen to whole words, then drop punctuation at either end that the words lack
    (`'coalition of the willing',` -> `coalition of the willing`)."""
    start, end = match.start, match.end
    while start > 0 and _in_word(text, start - 1):
        start -= 1
    while end < len(text) and _in_word(text, end):
        end += 1
    wanted = normalise_quote(words)
    keep_left = bool(wanted) and not wanted[0].isalnum()
    keep_right = bool(wanted) and not wanted[-1].isalnum()
    while start < end and not keep_left and not text[start].isalnum():
        start += 1
    while end > start and not keep_right and not text[end - 1].isalnum():
        end -= 1
    return Match(start, end, match.score) if end > start else match


def _in_word(text: str, at: int) -> bool:
    """A letter or digit, or an apostrophe or hyphen between two of them."""
    char = text[at]
    if char.isalnum():
        return True
    inside = 0 < at < len(text) - 1 and text[at - 1].isalnum() and text[at + 1].isalnum()
    return inside and char in "'’-‐‑"


def _unique(index: SourceIndex, match: Match) -> Match:
    """Add whole words after (then before) the passage until it occurs once."""
    text = index.text
    start, end = match.start, match.end
    grow_right = True
    while len(index.find(text[start:end])) > 1:
        can_right, can_left = end < len(text), start > 0
        if not (can_right or can_left):
            break
        if (grow_right and can_right) or not can_left:
            end = _next_word_end(text, end)
        else:
            start = _previous_word_start(text, start)
        grow_right = not grow_right
    return Match(start, end, match.score)


def _next_word_end(text: str, at: int) -> int:
    while at < len(text) and text[at].isspace():
        at += 1
    while at < len(text) and not text[at].isspace():
        at += 1
    return at


def _previous_word_start(text: str, at: int) -> int:
    while at > 0 and text[at - 1].isspace():
        at -= 1
    while at > 0 and not text[at - 1].isspace():
        at -= 1
    return at


def search(sources: list[SourceText], words: str) -> list[Found]:
    """The best passage of each source, best first; only those similar enough."""
    found = [f for s in sources if (f := find_passage(s, words)) is not None]
    good = [f for f in found if f.score >= GOOD_ENOUGH]
    return sorted(good, key=lambda f: (not f.exact, -f.score, f.source))


def describe(found: Found) -> str:
    """What an editor reads: where the passage is, how close, and the block to paste."""
    how = "found as written" if found.exact else f"closest passage, {found.score:.0f}% alike"
    lines = [f"{found.file}:{found.line}: {found.source} ({how})", f"    {found.passage}", ""]
    if not found.unique:
        lines.insert(2, "    note: this passage occurs more than once; lengthen the quote")
    lines.append(found.citation_yaml())
    return "\n".join(lines)


def cite_command(root: Path, source_id: str | None, words: str, *, every_source: bool,
                 out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """`briefing cite SOURCE "words"` / `briefing cite --all "words"`: print and exit code."""
    if not normalise_quote(words):
        print("briefing cite: give some words to look for", file=err)
        return EXIT_USAGE
    if (source_id is None) == (not every_source):
        print("briefing cite: give either a source id or --all (not both)", file=err)
        return EXIT_USAGE
    sources, problems = read_sources(root)
    for problem in problems:
        print(problem.as_text(), file=err)
    known = [s.id for s in sources]
    if every_source:
        chosen = sources
    else:
        chosen = [s for s in sources if s.id == source_id]
        if not chosen:
            print(f"briefing cite: unknown source `{source_id}`", file=err)
            print("  known sources: " + (", ".join(known) if known else "none"), file=err)
            return EXIT_USAGE
    results = search(chosen, words)
    if not results:
        where = "any source" if len(chosen) != 1 else f"`{chosen[0].id}`"
        print(f"briefing cite: nothing in {where} matches {words!r} well enough "
              f"(needs {GOOD_ENOUGH:.0f}% similarity)", file=err)
        print("  hint: try fewer words, words from one sentence, or --all", file=err)
        return EXIT_NOTHING
    print("\n\n".join(describe(f) for f in results[:MAX_RESULTS]), file=out)
    return EXIT_OK

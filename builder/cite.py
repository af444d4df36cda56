"""The citation finder: goes in the project's sources and facts and the words an editor
remembers, comes out the passages that hold them, each with its place, the facts that
already cite it and a ready-to-paste YAML citation; `briefing cite` prints them.

The ranking is `builder.finder`'s, the citing facts `builder.citing`'s. Each passage offered
is widened to whole words and lengthened until it occurs exactly once in its source, so the
pasted quote verifies. Sources and facts are read straight from their YAML, so the finder
works while other content files are still broken.
"""

from __future__ import annotations

import json
import os
import sys
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from builder.citing import CitedQuote, FactFiles, read_fact_files
from builder.errors import Problem
from builder.finder import Candidate, Ranking, rank
from builder.load import Mapping, load_yaml_file, read_text
from builder.load import Sequence as YamlList
from builder.passages import WORD, Text, fold, prepare
from builder.quotes import Match, SourceIndex, normalise_quote

LIMIT = 5
EXIT_OK, EXIT_NOTHING, EXIT_USAGE = 0, 1, 2


@dataclass
class Library:
    """Every readable source, prepared for search, and the facts files."""

    texts: list[Text]
    facts: FactFiles
    problems: list[Problem]
    """Met reading the sources."""

    def ids(self) -> list[str]:
        return [t.id for t in self.texts]


@dataclass(frozen=True, slots=True)
class Offer:
    """A passage offered to the editor."""

    source: str
    file: str
    line: int
    quote: str
    """As in the source (whitespace runs collapsed): what the citation pastes."""
    segments: tuple[tuple[str, bool], ...]
    """The quote in pieces, each marked when it is a word of the query."""
    how: str
    """`the words as written`, `closest passage, 96% alike` or `3 of 4 words`."""
    unique: bool
    """The quote occurs once in its source: pasted, it verifies."""
    cited_by: tuple[CitedQuote, ...]

    def citation_yaml(self) -> str:
        """`- source: id` / `  quote: "..."`, the quote YAML-escaped (a JSON string is a valid
        YAML double-quoted scalar)."""
        quote = json.dumps(self.quote, ensure_ascii=False)
        return f"- source: {self.source}\n  quote: {quote}"


@dataclass(frozen=True, slots=True)
class Answer:
    offers: tuple[Offer, ...]
    terms: tuple[str, ...]
    """The words looked up (folded), to say what was asked."""


def load_library(root: Path) -> Library:
    """Read the sources and the facts files of the project at `root`."""
    texts, problems = read_sources(root)
    return Library(texts, read_fact_files(root), problems)


def read_sources(root: Path) -> tuple[list[Text], list[Problem]]:
    """Every source of `content/sources.yaml` whose file reads, prepared for search."""
    problems: list[Problem] = []
    raw = load_yaml_file(root, "content/sources.yaml", problems)
    texts: list[Text] = []
    if not isinstance(raw.node, YamlList):
        return texts, problems
    folders: dict[str, str] = {}
    for item in raw.node.items:
        if not isinstance(item, Mapping):
            continue
        ident, file = item.text("id"), item.text("file")
        if ident is None or file is None:
            continue
        text = read_text(root, file, problems, folders)
        if text is not None:
            texts.append(prepare(ident, file, text))
    return sorted(texts, key=lambda t: t.id), problems


def find(library: Library, words: str, source: str | None = None, limit: int = LIMIT) -> Answer:
    """The best passages for `words` in one source (or all), as offers."""
    texts = [t for t in library.texts if source is None or t.id == source]
    ranking = rank(texts, words, limit)
    return Answer(
        tuple(_offer(library, texts, ranking, c) for c in ranking.candidates), ranking.terms
    )


def _offer(
    library: Library, texts: Sequence[Text], ranking: Ranking, candidate: Candidate
) -> Offer:
    text = texts[candidate.source]
    index = SourceIndex(text.text)
    match = _unique(index, Match(candidate.start, candidate.end))
    quote = " ".join(text.text[match.start : match.end].split())
    if candidate.kind == "quote":
        how = "the words as written"
    elif candidate.kind == "close":
        how = f"closest passage, {candidate.score:.0f}% alike"
    else:
        total = len(ranking.terms)
        how = (
            f"all {total} words"
            if candidate.matched == total and total > 1
            else f"{candidate.matched} of {total} words"
        )
    return Offer(
        source=text.id,
        file=text.file,
        line=index.line_of(match.start),
        quote=quote,
        segments=marked(quote, ranking.words),
        how=how,
        unique=len(index.find(quote)) == 1,
        cited_by=tuple(_citing(library, index, text.id, match)),
    )


def marked(quote: str, words: frozenset[str]) -> tuple[tuple[str, bool], ...]:
    """The quote cut into plain and marked pieces: a word is marked when its folded form is
    one the query matched."""
    pieces: list[tuple[str, bool]] = []
    at = 0
    for word in WORD.finditer(quote):
        if fold(word.group()) in words:
            if word.start() > at:
                pieces.append((quote[at : word.start()], False))
            pieces.append((word.group(), True))
            at = word.end()
    if at < len(quote):
        pieces.append((quote[at:], False))
    return tuple(pieces)


def _citing(library: Library, index: SourceIndex, source: str, match: Match) -> list[CitedQuote]:
    """The facts whose quote from this source overlaps the passage."""
    found: list[CitedQuote] = []
    for cited in library.facts.citations(source):
        if cited.fact not in {c.fact for c in found} and any(
            m.start < match.end and match.start < m.end for m in index.find(cited.quote)
        ):
            found.append(cited)
    return found


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


# The command -------------------------------------------------------------------------------


def describe(number: int, offer: Offer, *, emphasis: tuple[str, str] = ("**", "**")) -> str:
    """What an editor reads: where the passage is, how it matched, the passage with the
    query's words marked, the facts citing it, and the block to paste."""
    on, off = emphasis
    passage = "".join(f"{on}{piece}{off}" if mark else piece for piece, mark in offer.segments)
    lines = [f"{number}. {offer.source}  {offer.file}:{offer.line}  ({offer.how})"]
    lines += textwrap.wrap(
        passage,
        width=96,
        initial_indent="   ",
        subsequent_indent="   ",
        break_long_words=False,
        break_on_hyphens=False,
    )
    if not offer.unique:
        lines.append("   note: this passage occurs more than once; lengthen the quote")
    if offer.cited_by:
        lines.append(
            "   already cited by: "
            + ", ".join(f"{c.fact} ({c.file}:{c.line})" for c in offer.cited_by)
        )
    else:
        lines.append("   not cited by any fact yet")
    return "\n".join(lines) + "\n\n" + offer.citation_yaml()


def cite_command(
    root: Path,
    words: Sequence[str],
    *,
    every_source: bool,
    limit: int = LIMIT,
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
) -> int:
    """`briefing cite [SOURCE] words...` / `briefing cite --all words...`: print and exit code."""
    if limit < 1:
        print("briefing cite: --limit must be 1 or more", file=err)
        return EXIT_USAGE
    library = load_library(root)
    for problem in library.problems + library.facts.problems:
        print(problem.as_text(), file=err)
    known = library.ids()
    source, query = _source_and_query(library, list(words), every_source)
    if source is not None and source not in known:
        print(f"briefing cite: unknown source `{source}`", file=err)
        print("  known sources: " + (", ".join(known) if known else "none"), file=err)
        print("  hint: to look for it as a word in every source, add --all", file=err)
        return EXIT_USAGE
    if not normalise_quote(query):
        where = f" in `{source}`" if source else ""
        print(f"briefing cite: give some words to look for{where}", file=err)
        return EXIT_USAGE
    if every_source and source is not None:
        print("briefing cite: give either a source id or --all (not both)", file=err)
        return EXIT_USAGE
    read = len(library.facts.problems)
    answer = find(library, query, source, limit)
    for problem in library.facts.problems[read:]:  # facts files that do not read as YAML
        print(problem.as_text(), file=err)
    if not answer.offers:
        _nothing(library, query, source, answer, err)
        return EXIT_NOTHING
    emphasis = ("\033[1;4m", "\033[0m") if _colour(out) else ("**", "**")
    print(
        "\n\n".join(
            describe(n, offer, emphasis=emphasis) for n, offer in enumerate(answer.offers, 1)
        ),
        file=out,
    )
    return EXIT_OK


def _source_and_query(
    library: Library, words: list[str], every_source: bool
) -> tuple[str | None, str]:
    """`SOURCE words...` when the first word is a source id, or looks like one (lower-case
    words joined by hyphens) and occurs in no source; else every word is looked up."""
    if len(words) < 2 and not (words and words[0] in library.ids()):
        return None, " ".join(words)
    first, rest = words[0], " ".join(words[1:])
    if first in library.ids():
        return first, rest
    looks_like_id = "-" in first and all(p.isalnum() and p.islower() for p in first.split("-"))
    if (
        not every_source
        and looks_like_id
        and not any(fold(first) in t.folded for t in library.texts)
    ):
        return first, rest
    return None, " ".join(words)


def _nothing(library: Library, query: str, source: str | None, answer: Answer, err: TextIO) -> None:
    """Say that no passage shares a word with the query, and what to try."""
    message, elsewhere = nothing_found(library, query, source, answer)
    print(f"briefing cite: {message}", file=err)
    if elsewhere is not None:
        print(
            f"  hint: `{elsewhere}` has some of them; search every source with: "
            f"briefing cite --all {_shell(query)}",
            file=err,
        )
    else:
        print(f"  hint: {NOTHING_HINT}", file=err)


NOTHING_HINT = (
    "check the spelling, or try other words for the same thing (a name, a place, a number)"
)


def nothing_found(
    library: Library, query: str, source: str | None, answer: Answer
) -> tuple[str, str | None]:
    """What to say when nothing shares a word with the query, and, when one source was
    searched, another source that does hold some of the words (None if none does)."""
    asked = ", ".join(answer.terms) or query
    if source is None:
        return f"no source holds any of the words ({asked})", None
    elsewhere = find(library, query, None, 1).offers
    return (
        f"none of the words ({asked}) occurs in `{source}`",
        elsewhere[0].source if elsewhere else None,
    )


def _shell(words: str) -> str:
    return "'" + words.replace("'", "'\\''") + "'"


def _colour(out: TextIO) -> bool:
    return out.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"

"""Passage search: goes in prepared sources (`builder.passages`) and the words an editor
remembers, comes out the passages that hold them, best first.

Three kinds of answer, in this order: the words as written in a source (an exact quote, up
to case and quote marks); a passage the words nearly spell out (rapidfuzz's alignment, for a
quote remembered with a slip); then passages ranked by BM25 (Okapi, k1 = 1.2, b = 0.75), the
usual text-search ranking, over sentences and runs of two or three sentences of one
paragraph, weighted by the share of the query each holds; with several sources, a source's
further passages step back so that the first answers come from different sources.

A query word matches a word of the source with the same Snowball stem (`troops`, `troop`),
written with or without its hyphens (`cease-fire`), a longer word it begins (`coordinat`,
and the last word being typed), or, when it occurs nowhere as written, a word one or two
typos away (`Zakharowa`). Words such as `the` and `of` count only when the query has
nothing else. Nothing is indexed ahead: each query looks up its own words in the folded
texts, which costs less than indexing every word of 500 sources before the first query.
"""

from __future__ import annotations

import heapq
import math
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import Stemmer
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from builder.passages import WORD, Text, fold
from builder.quotes import Match, SourceIndex, normalise, normalise_quote

K1, B = 1.2, 0.75
"""BM25's usual constants: how fast repeats of a word stop counting, how much length costs."""
NEAR_VERBATIM = 85.0
"""Lowest rapidfuzz similarity (0-100) at which remembered words count as a slipped quote."""
PREFIX_WEIGHT, TYPO_WEIGHT = 0.6, 0.8
"""How much a word that only begins with the query word, or is a typo away, counts."""
SEEDS = 100
"""Best single sentences around which runs of two or three are tried."""
POOL = 200
"""Best single sentences kept as candidates (more for a `limit` above 20)."""
SAME_SOURCE = 0.7
"""With several sources, each further passage of a source counts this much less, so that
the first answers come from different sources while the best stay on top."""
MAX_RUN = 3
RUN_COST = 0.85
"""A run of sentences counts this much less for each sentence beyond the first: a single
sentence that holds as much of the query is the tighter quote."""

_COMMON = (
    "a about after again against all also am an and any are as at be been before being "
    "between both but by can could did do does doing down during each few for from further "
    "had has have having he her here hers him his how i if in into is it its itself just me "
    "more most my no nor not now of off on once only or other our over own same she should "
    "so some such than that the their them then there these they this those through to too "
    "under until up very was we were what when where which while who whom why will with "
    "would you your"
)
STOPWORDS = frozenset(_COMMON.split())
"""Common English words: they count only in a query made of nothing else. `us`, `uk`, `out`
(as in "ruled out") and numbers are kept."""

Kind = Literal["quote", "close", "words"]


@dataclass(frozen=True, slots=True)
class Term:
    """A word of the query as it is looked up."""

    word: str
    """Folded (`Zakharova` -> `zakharova`)."""
    stem: str
    prefix: bool
    """A longer word that begins with this one matches too (long words, and the last word)."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """A passage offered for the query."""

    source: int
    """Index of its source in the searched list."""
    start: int
    end: int
    """Offsets in the source's text."""
    kind: Kind
    score: float
    """Higher is better; comparable within one kind."""
    matched: int
    """How many of the query's words it holds."""


@dataclass(frozen=True, slots=True)
class Ranking:
    """The answer to one query."""

    candidates: tuple[Candidate, ...]
    terms: tuple[str, ...]
    """The words that were looked up (folded)."""
    words: frozenset[str]
    """Every folded word of the sources that matched a query word: what to mark."""


def rank(texts: Sequence[Text], query: str, limit: int = 5) -> Ranking:
    """The best `limit` passages of `texts` for `query`, best first."""
    terms = query_terms(query)
    scope = _Scope(texts)
    hits = [scope.hits(term) for term in terms]
    for position, (term, found) in enumerate(zip(terms, hits, strict=True)):
        if not found and len(term.word) >= 4:
            found.update(scope.typo_hits(term, position))
    scored = scope.passages(hits, limit)
    quoted = _quotes(texts, query, scored, scope.words)
    chosen = _choose(quoted + scored, limit, spread=len(texts) > 1)
    return Ranking(tuple(chosen), tuple(t.word for t in terms), frozenset().union(*scope.words))


def query_terms(query: str) -> list[Term]:
    """The query's words, folded, without repeats; common words only when nothing else is
    left. Initials such as `U.S.` become one word."""
    folded = re.sub(r"\b(?:[^\W_]\.){2,}", lambda m: m[0].replace(".", ""), fold(query))
    words = [w for w in WORD.findall(folded) if len(w) > 1 or w.isdigit()]
    kept = [w for w in words if w not in STOPWORDS] or words
    terms: list[Term] = []
    seen: set[str] = set()
    for i, word in enumerate(kept):
        stem = stem_of(word)
        if stem in seen:
            continue
        seen.add(stem)
        last = i == len(kept) - 1 and not query.rstrip()[-1:].isspace()
        terms.append(Term(word, stem, len(word) >= 5 or (last and len(word) >= 3)))
    return terms


_STEMMER = Stemmer.Stemmer("english")


@lru_cache(maxsize=65536)
def stem_of(word: str) -> str:
    stem: str = _STEMMER.stemWord(word)
    return stem


class _Scope:
    """The sources searched by one query, and what each query word found in them."""

    def __init__(self, texts: Sequence[Text]) -> None:
        self.texts = texts
        self.first: list[int] = []
        """Global number of each source's first sentence."""
        self.lengths: list[int] = []
        """Characters of each sentence, by global number."""
        for text in texts:
            self.first.append(len(self.lengths))
            self.lengths += [end - start for start, end in text.spans]
        self.sentences = len(self.lengths)
        self.average = sum(self.lengths) / self.sentences if self.sentences else 1.0
        self.words: list[set[str]] = []
        """For each query word looked up, the folded words of the sources that matched."""
        self._vocabulary: list[str] | None = None

    def hits(self, term: Term, weight: float = 1.0) -> dict[int, float]:
        """Global sentence -> weighted count of the words matching one query word."""
        pattern = re.compile(re.escape(_scan_prefix(term)) + r"[^\W_]*(?:-[^\W_]+)*")
        weights: dict[str, float] = {}
        found: dict[int, float] = {}
        for first, text in zip(self.first, self.texts, strict=True):
            folded = text.folded
            matches = [(m.start(), m.group()) for m in pattern.finditer(folded)]
            for word in {word for _, word in matches} - weights.keys():
                weights[word] = _weight(term, word) * weight
            starts = text.starts
            held = Counter(  # sentences (numbered from 1 in this text) and the words found
                (bisect_right(starts, at), word)
                for at, word in matches
                if weights[word]
                and not (at and (folded[at - 1].isalnum() or folded[at - 1] == "_"))
            )
            for (sentence, word), count in held.items():
                key = first + sentence - 1
                found[key] = found.get(key, 0.0) + count * weights[word]
        if len(term.word) <= 3 and term.word.isalpha():  # `us` also finds `U.S.`
            dotted = ".".join(term.word) + "."
            weights[dotted] = weight
            for first, text in zip(self.first, self.texts, strict=True):
                at = text.folded.find(dotted)
                while at >= 0:
                    sentence = first + bisect_right(text.starts, at) - 1
                    found[sentence] = found.get(sentence, 0.0) + weight
                    at = text.folded.find(dotted, at + 1)
        self.words.append(
            {part for w, count in weights.items() if count for part in _marked_parts(term, w)}
        )
        return found

    def typo_hits(self, term: Term, position: int) -> dict[int, float]:
        """Hits of the words a typo or two away from a word found nowhere as written (the
        query's word number `position`)."""
        if self._vocabulary is None:
            vocabulary: set[str] = set()
            for text in self.texts:
                vocabulary.update(WORD.findall(text.folded))
            self._vocabulary = sorted(vocabulary)
        most = 1 if len(term.word) < 8 else 2
        found: dict[int, float] = {}
        near = process.extract(
            term.word, self._vocabulary, scorer=OSA.distance, score_cutoff=most, limit=None
        )
        words: set[str] = set()
        for word, _distance, _index in near:
            for sentence, count in self.hits(Term(word, stem_of(word), False), TYPO_WEIGHT).items():
                found[sentence] = found.get(sentence, 0.0) + count
            words |= self.words.pop()
        self.words[position] |= words
        return found

    def passages(self, hits: list[dict[int, float]], limit: int) -> list[Candidate]:
        """The best sentences that hold a query word, and runs of two or three sentences
        around the best of them that hold more of the query than any part alone, scored."""
        idf = [_idf(self.sentences, len(found)) for found in hits]
        total = sum(idf) or 1.0
        score: dict[int, float] = {}
        held: dict[int, float] = {}
        matched: dict[int, int] = {}
        lengths, average = self.lengths, self.average
        for found, term_idf in zip(hits, idf, strict=True):
            for s, tf in found.items():
                norm = K1 * (1 - B + B * lengths[s] / average)
                score[s] = score.get(s, 0.0) + term_idf * tf * (K1 + 1) / (tf + norm)
                held[s] = held.get(s, 0.0) + term_idf
                matched[s] = matched.get(s, 0) + 1
        final = {s: value * held[s] / total for s, value in score.items()}
        best = heapq.nlargest(max(POOL, POOL // 10 * limit), final, key=final.__getitem__)
        candidates = [self._candidate(s, s, final[s], matched[s]) for s in best]
        tried: set[tuple[int, int]] = set()
        for seed in best[:SEEDS]:
            source, index = self._locate(seed)
            text = self.texts[source]
            for first in range(index - MAX_RUN + 1, index + 1):
                for last in range(max(first + 1, index), first + MAX_RUN):
                    if (
                        first < 0
                        or last >= len(text.spans)
                        or text.paragraphs[first] != text.paragraphs[last]
                    ):
                        continue
                    run = (seed - index + first, seed - index + last)
                    parts = [matched.get(s, 0) for s in range(run[0], run[1] + 1)]
                    if run in tried or not (parts[0] and parts[-1]):
                        continue
                    tried.add(run)
                    value, count = self._score(hits, idf, run)
                    if count > max(parts):
                        value *= RUN_COST ** (run[1] - run[0])
                        candidates.append(self._candidate(*run, value, count))
        return candidates

    def _locate(self, sentence: int) -> tuple[int, int]:
        """Global sentence number -> (source, sentence within it)."""
        source = bisect_right(self.first, sentence) - 1
        return source, sentence - self.first[source]

    def _score(
        self, hits: list[dict[int, float]], idf: list[float], run: tuple[int, int]
    ) -> tuple[float, int]:
        """BM25 of a run of sentences (their words pooled, their length added), scaled by
        the share of the query's weight it holds; and how many query words it holds."""
        sentences = range(run[0], run[1] + 1)
        length = sum(self.lengths[s] for s in sentences)
        norm = K1 * (1 - B + B * length / self.average)
        score = held = 0.0
        matched = 0
        for found, term_idf in zip(hits, idf, strict=True):
            tf = sum(found.get(s, 0.0) for s in sentences)
            if tf:
                matched += 1
                held += term_idf
                score += term_idf * tf * (K1 + 1) / (tf + norm)
        return score * held / (sum(idf) or 1.0), matched

    def _candidate(self, first: int, last: int, score: float, matched: int) -> Candidate:
        source, index = self._locate(first)
        spans = self.texts[source].spans
        return Candidate(
            source, spans[index][0], spans[index + last - first][1], "words", score, matched
        )


def _scan_prefix(term: Term) -> str:
    """What every word matching `term` begins with: the part the word and its stem share,
    less one letter (`countries` -> stem `countri` -> `countr`, which `country` begins)."""
    shared = 0
    for a, b in zip(term.word, term.stem, strict=False):
        if a != b:
            break
        shared += 1
    scan = term.word[:shared] or term.word
    scan = scan[:-1] if len(scan) > 3 else scan
    return scan[:4]  # `ceas` also finds `cease-fire` for `ceasefire`


@lru_cache(maxsize=65536)
def _weight(term: Term, word: str) -> float:
    """How much a word of the source counts for a query word: 1 for the same stem. A word
    with hyphens counts as written without them (`cease-fire`), when its parts are letters,
    or as its first part (`ref` of `ref-250-30`)."""
    if "-" in word:
        first = _weight(term, word.split("-", 1)[0])
        return max(first, _joined(term, word))
    if word == term.word or stem_of(word) == term.stem:
        return 1.0
    if term.prefix and word.startswith(term.word):
        return PREFIX_WEIGHT
    return 0.0


def _joined(term: Term, word: str) -> float:
    """The weight of a hyphenated word of letters written as one (`cease-fire`)."""
    joined = word.replace("-", "")
    return _weight(term, joined) if joined.isalpha() else 0.0


def _marked_parts(term: Term, word: str) -> list[str]:
    """The words to mark in a passage for a matching word: all parts of `cease-fire` when
    it matched whole, only `post` of `post-ceasefire` when that part did."""
    if "-" not in word or _joined(term, word):
        return word.split("-")
    return word.split("-")[:1]


def _idf(sentences: int, holding: int) -> float:
    """BM25's inverse document frequency, never negative (Lucene's form)."""
    return math.log(1 + (sentences - holding + 0.5) / (holding + 0.5))


def _quotes(
    texts: Sequence[Text], query: str, scored: list[Candidate], words: list[set[str]]
) -> list[Candidate]:
    """The words as written in any source; else, in the sources of the best-scored
    passages, a passage they nearly spell out, unless a passage around it holds more of
    the query's words (the words were then remembered out of order)."""
    needle = normalise_quote(query)
    if len(needle.split()) < 3:
        return []
    folded = fold(needle)
    found: list[Candidate] = []
    for i, text in enumerate(texts):
        if folded not in text.folded:
            continue
        index = SourceIndex(text.text)
        matches = index.find(needle) or [m for m in [_closest(text, needle)] if m]
        for m in matches:
            m = _whole_words(text.text, m, needle)
            found.append(Candidate(i, m.start, m.end, "quote", 100.0, len(words)))
    if found or len(needle) < 12:
        return found
    best = sorted(scored, key=lambda c: -c.score)
    sources = list(dict.fromkeys(c.source for c in best))[:5]
    for i in sources:
        match = _closest(texts[i], needle)
        if match is None or match.score < NEAR_VERBATIM:
            continue
        held = set(WORD.findall(fold(texts[i].text[match.start : match.end])))
        matched = sum(1 for term_words in words if term_words & held)
        if not any(
            c.source == i and c.start < match.end and match.start < c.end and c.matched > matched
            for c in scored
        ):
            found.append(Candidate(i, match.start, match.end, "close", match.score, matched))
    return found


def _closest(text: Text, needle: str) -> Match | None:
    """The span of the source most like `needle` (case-blind), by rapidfuzz's alignment over
    the normalised text, mapped back to the original and widened to whole words."""
    normalised = normalise(text.text)
    hay = normalised.text.lower()
    if len(hay) != len(normalised.text):
        return None
    found = fuzz.partial_ratio_alignment(needle.lower(), hay)
    if found is None or found.dest_end <= found.dest_start:
        return None
    start = normalised.original_offset(found.dest_start)
    end = normalised.original_offset(found.dest_end - 1) + 1
    return _whole_words(text.text, Match(start, end, found.score), needle)


def _whole_words(text: str, match: Match, wanted: str) -> Match:
    """Widen to whole words, then drop punctuation at either end that the words lack
    (`'coalition of the willing',` -> `coalition of the willing`)."""
    start, end = match.start, match.end
    while start > 0 and _in_word(text, start - 1):
        start -= 1
    while end < len(text) and _in_word(text, end):
        end += 1
    wanted = normalise_quote(wanted)
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


def _choose(candidates: list[Candidate], limit: int, *, spread: bool) -> list[Candidate]:
    """Best first, quotes before passages; a passage overlapping one already chosen is left
    out; with several sources, each source's further passages step back a little."""
    order = {"quote": 0, "close": 1, "words": 2}
    pool = sorted(candidates, key=lambda c: (order[c.kind], -c.score, c.source, c.start))
    del pool[max(POOL, POOL // 10 * limit) :]
    chosen: list[Candidate] = []
    per_source: dict[int, int] = {}
    while pool and len(chosen) < limit:

        def worth(c: Candidate) -> tuple[int, float]:
            factor = SAME_SOURCE ** per_source.get(c.source, 0) if spread else 1.0
            return order[c.kind], -c.score * factor

        best = min(pool, key=worth)
        pool.remove(best)
        if any(
            c.source == best.source and c.start < best.end and best.start < c.end for c in chosen
        ):
            continue
        chosen.append(best)
        per_source[best.source] = per_source.get(best.source, 0) + 1
    return chosen

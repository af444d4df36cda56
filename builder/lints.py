"""Meaning checks: warnings where a claim says more than the quotes under it.

Goes in: the assembled `Briefing`. Comes out: a warning `Problem` for each fact whose claim
drops a hedge its quotes carry, names a date or actor none of its quotes carries, or states
a judgement from a single strand in the briefing's own voice; a fact silences one check with
`lint_ok` and a reason (a silence that silences nothing is reported too).

These are heuristics on words, tuned on the real briefing: they point an editor at a claim to
reread, they do not prove it wrong.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from builder.briefing import Briefing
from builder.errors import Problem, Severity
from builder.model import MONTHS, Actor, Fact, Lint

# Words with which a source reports an intention, a possibility or an offer rather than a
# fact. `may` and `might` only in lower case: `May` is a month.
_TENTATIVE = (
    r"\b(?:could|would|likely|unlikely|probably|possibly|potentially|perhaps"
    r"|expected\s+to|expects?\s+to|(?:plans?|planned|planning|intends?|intended|aims?|aimed)"
    r"\s+to|under\s+(?:current\s+)?plans|envisag(?:es?|ed)|envisions?|envisioned"
    r"|propos(?:es?|ed)|offer(?:s|ed|ing)?|ready\s+to|willing\s+to|prepared\s+to)\b"
    r"|(?-i:\b(?:may|might)\b)"
)
_ATTRIBUTED = (
    r"\b(?:reportedly|according\s+to|(?:officials?|sources?)\s+(?:say|said|says|call)"
    r"|(?:is|are|was|were)\s+said\s+to|claims?|claimed)\b"
)
_IDEA = r"\bthe\s+idea\s+of\b"
_HEDGES = {
    "tentative": re.compile(_TENTATIVE, re.IGNORECASE),
    "attributed": re.compile(_ATTRIBUTED, re.IGNORECASE),
    "idea": re.compile(_IDEA, re.IGNORECASE),
}
"""Kinds of hedge a quote may carry, each found by its words."""
_ANY_HEDGE = re.compile(
    "|".join(f"(?:{rx})" for rx in (_TENTATIVE, _ATTRIBUTED, _IDEA)), re.IGNORECASE
)

_SAYING = (
    r"\b(?:say|says|said|saying|told|tells|state[sd]?|stating|warn(?:s|ed)?|argue[sd]?"
    r"|argu(?:ing|ment)|insist(?:s|ed)?|claim(?:s|ed)?|call(?:s|ed)?|describ(?:es?|ed)"
    r"|hail(?:s|ed)?|prais(?:es?|ed)|welcom(?:es?|ed)|criticis(?:es?|ed)|see(?:s|n)?"
    r"|brand(?:s|ed)|label(?:s|led)|read(?:s|ing)?|believ(?:es?|ed)|fear(?:s|ed)?"
    r"|hope(?:s|d)?|acknowledg(?:es?|ed)|announce[sd]?|confirm(?:s|ed)|accord(?:ing)?"
    r"|reportedly|report(?:s|ed)?|reiterat(?:es?|ed)|emphasi[sz](?:es?|ed)"
    r"|stress(?:es|ed)?|frame[sd]?|framing|promis(?:es?|ed)|pledg(?:es?|ed)|vow(?:s|ed)?"
    r"|deni(?:es|ed)|dismiss(?:es|ed)?|reject(?:s|ed)?|urg(?:es?|ed)|suggest(?:s|ed)?"
    r"|in\s+(?:the|its|his|her|their)\s+(?:view|reading|words))\b"
    r"|\b(?:the|one|an?|its|this)\s+(?:roundup|explainer|analysis|report|timeline(?:\s+entry)?"
    r"|summary|article|document|headline|section|source|interview)\b"
)
_SAYING_RE = re.compile(_SAYING, re.IGNORECASE)
"""Words that put a claim in someone's mouth: the claim is theirs, not the briefing's."""

_HEDGE_KEPT = {
    "tentative": _HEDGES["tentative"],
    "attributed": _SAYING_RE,
    "idea": re.compile(r"\b(?:idea|concept|in\s+principle)\b", re.IGNORECASE),
}
"""What a claim must carry to keep each kind of hedge."""

_JUDGEMENT = re.compile(
    r"\b(?:signal(?:s|led|ed|ling|ing)?|sign\s+of|largely|theoretical(?:ly)?|crucial"
    r"|unprecedented|(?:for\s+the\s+)?first\s+time|historic|landmark|significant(?:ly)?"
    r"|critical|symbolic|mostly|merely|sharp\s+shift|dramatic(?:ally)?|decisive(?:ly)?"
    r"|breakthrough|remarkable|game[-\s]chang(?:er|ing)|changed\s+the\s+game|centrality"
    r"|core|fragile|proof|highlight(?:s|ed|ing)?|underscor(?:es?|ed|ing))\b",
    re.IGNORECASE,
)
"""Words of judgement: a reading of the facts, which one strand alone cannot make ours."""

_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_CALENDAR_NAMES = frozenset((*(month.lower() for month in MONTHS), *_DAYS))
"""Names of months and days (lower case): a quote may give them abbreviated."""
_DATE_WORD = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|[Yy]esterday"
    r"|[Tt]oday|[Tt]omorrow|(?:[Ll]ast|[Nn]ext)\s+(?:week|month|year))\b"
)
"""Names of months and days (capitalised in English) and relative dates."""
_SOURCE_NAME = re.compile(
    r"\b(?:the|one|an?)\s+(?:[^\W\d_]|[‑\-“”\"'’ ])+?\s+(?:explainer|roundup|report|analysis"
    r"|timeline|summary|article|documents?)\b",
    re.IGNORECASE,
)
"""A document named by what it is about, e.g. `the MNF‑U explainer`, `the “axis of war”
roundup`: the words name the document, not an actor."""
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


@dataclass(frozen=True, slots=True)
class Finding:
    """One check's finding on one fact, before it becomes a problem."""

    lint: Lint
    message: str
    hint: str


LINT_BATCH = 250
"""Facts checked at a time by a `spread` worker: the checks of 10,000 facts take most of a
second on one core. A briefing of one batch is checked here."""

Spread = Callable[[Callable[[int], "list[Finding]"], list[int]], "list[list[Finding]]"]
"""`map` shared out among processes, results in input order (`parallel.fork_map`)."""


class LintMemo:
    """Each fact's findings by what they were found from, kept by the preview between
    rebuilds: an edit re-checks only the facts it changed (all of them when actors did)."""

    def __init__(self) -> None:
        self.actors: tuple[Actor, ...] = ()
        self.names = _ActorNames(())
        self.found: dict[str, tuple[object, list[Finding]]] = {}

    def start(self, actors: tuple[Actor, ...]) -> None:
        """Before a pass over the facts: forget every finding if the actors changed."""
        if actors != self.actors:
            self.actors, self.names, self.found = actors, _ActorNames(actors), {}

    def findings(self, briefing: Briefing, spread: Spread | None = None) -> list[list[Finding]]:
        """Each fact's findings, in file order; those of the facts that changed since the
        last call are made again (by `spread`, when given, for a briefing of more than
        one batch)."""
        facts = briefing.facts
        keys = [
            (
                fact.claim,
                tuple(c.passage for c in fact.citations),
                len(briefing.strands_of.get(fact.id, ())),
            )
            for fact in facts
        ]
        found: list[list[Finding]] = []
        todo: list[int] = []
        for i, (fact, key) in enumerate(zip(facts, keys, strict=True)):
            kept = self.found.get(fact.id)
            if kept is not None and kept[0] == key:
                found.append(kept[1])
            else:
                found.append([])  # made below
                todo.append(i)
        names = self.names

        def one(i: int) -> list[Finding]:
            return list(check_fact(facts[i], briefing, names))

        made = (
            spread(one, todo) if spread is not None and len(todo) > LINT_BATCH else map(one, todo)
        )
        for i, findings in zip(todo, made, strict=True):
            found[i] = findings
            self.found[facts[i].id] = (keys[i], findings)
        return found


def lint_briefing(
    briefing: Briefing, memo: LintMemo | None = None, spread: Spread | None = None
) -> list[Problem]:
    """Every meaning warning of the briefing, fact by fact in file order; `memo` keeps
    findings from an earlier call (the preview's); `spread` shares the facts out among
    the cores (the build's)."""
    memo = memo if memo is not None else LintMemo()
    memo.start(briefing.actors)
    problems: list[Problem] = []
    for fact, found in zip(briefing.facts, memo.findings(briefing, spread), strict=True):
        waived = {w.lint for w in fact.lint_ok}
        for finding in found:
            if finding.lint not in waived:
                problems.append(
                    Problem(
                        fact.file,
                        fact.line,
                        0,
                        f"{fact.id}.claim",
                        f"[{finding.lint.value}] {finding.message}",
                        hint=finding.hint,
                        severity=Severity.WARNING,
                    )
                )
        for waiver in fact.lint_ok:
            if waiver.lint not in {f.lint for f in found}:
                problems.append(
                    Problem(
                        fact.file,
                        fact.line,
                        0,
                        f"{fact.id}.lint_ok",
                        f"`lint_ok` silences `{waiver.lint.value}`, which finds nothing here",
                        hint="remove this entry: a silence outlives the claim it was written for",
                        severity=Severity.WARNING,
                    )
                )
    return problems


def check_fact(fact: Fact, briefing: Briefing, names: _ActorNames) -> Iterator[Finding]:
    """The findings of every check on one fact."""
    claim = _plain(fact.claim)
    passages = [" ".join(c.passage.split()) for c in fact.citations]
    yield from hedge_dropped(claim, passages)
    yield from unsupported_detail(claim, passages, names)
    yield from one_strand_voice(claim, len(briefing.strands_of.get(fact.id, ())))


def hedge_dropped(claim: str, passages: list[str]) -> Iterator[Finding]:
    """The claim keeps no hedge although every quote carries one: no quote states the thing
    as flatly as the claim does."""
    if not passages or not all(map(_ANY_HEDGE.search, passages)):
        return  # some quote has no hedge at all: the quick answer for most facts
    words = _content_words(claim)
    hedges = [
        {
            kind: m.group()
            for kind, rx in _HEDGES.items()
            for m in rx.finditer(p)
            if _about(p, m, words)
        }
        for p in passages
    ]
    if not passages or not all(hedges):
        return  # some quote states it without a hedge
    for found in hedges:
        if all(_HEDGE_KEPT[kind].search(claim) for kind in found):
            return  # the claim keeps the hedges of at least one quote
    dropped = sorted({w.lower() for found in hedges for w in found.values()})
    yield Finding(
        Lint.HEDGE_DROPPED,
        "every quote hedges (" + ", ".join(f"“{w}”" for w in dropped) + ") but the claim "
        "states it flatly",
        "keep the hedge in the claim (“plans to”, “would”, “officials say”, “the idea of”), "
        "or cite a passage that states it without one",
    )


def unsupported_detail(claim: str, passages: list[str], names: _ActorNames) -> Iterator[Finding]:
    """A date word or an actor the claim names that no quote carries."""
    quoted = " ".join(passages).lower()
    missing_dates = sorted(
        {
            m.group().lower()
            for m in _DATE_WORD.finditer(claim)
            if not _date_quoted(m.group().lower(), quoted)
        }
    )
    if missing_dates:
        yield Finding(
            Lint.UNSUPPORTED_DETAIL,
            "the claim says "
            + ", ".join(f"“{d}”" for d in missing_dates)
            + " but none of its quotes does",
            "quote the passage that dates it, or take the date out of the claim: a date no "
            "source gives is never guessed",
        )
    # "The MNF‑U explainer says" names a document, not the force.
    named = _SOURCE_NAME.sub(" ", claim)
    missing = [actor.name for actor in names.named_in(named) if not names.carried(actor, quoted)]
    if missing:
        yield Finding(
            Lint.UNSUPPORTED_DETAIL,
            "the claim names " + ", ".join(missing) + " but none of its quotes does",
            "lengthen a quote until it shows who is meant, or name only whom the quotes name",
        )


def one_strand_voice(claim: str, strands: int) -> Iterator[Finding]:
    """A judgement resting on one strand, in the briefing's own voice."""
    if strands != 1:
        return
    # Words the claim quotes (in curly or straight quotation marks) are the speaker's own.
    own = re.sub(r"“[^”]*”|\"[^\"]*\"", " ", claim)
    judgement = _JUDGEMENT.search(own)
    if judgement is None or _SAYING_RE.search(claim):
        return
    yield Finding(
        Lint.ONE_STRAND_VOICE,
        f"“{judgement.group()}” is a judgement, and only one strand supports it, yet the claim "
        "states it in the briefing's own voice",
        "attribute it to whoever makes it (“the roundup reads this as …”, “Kasyanov says …”)",
    )


_STOPWORDS = frozenset(
    (
        "that",
        "this",
        "with",
        "from",
        "have",
        "been",
        "were",
        "will",
        "would",
        "could",
        "which",
        "their",
        "there",
        "they",
        "them",
        "than",
        "into",
        "over",
        "under",
        "about",
        "after",
        "before",
        "also",
        "only",
        "such",
        "some",
        "more",
        "most",
        "other",
        "these",
        "those",
        "what",
        "when",
        "where",
        "while",
        "said",
        "says",
    )
)


def _content_words(text: str) -> set[str]:
    """The text's words of four letters or more, cut to five (a rough stem), stopwords out."""
    return {
        w.lower()[:5] for w in _WORD.findall(text) if len(w) >= 4 and w.lower() not in _STOPWORDS
    }


def _about(passage: str, match: re.Match[str], claim_words: set[str]) -> bool:
    """Whether a hedge bears on what the claim says: what it qualifies (the next four words
    that carry meaning) shares a word with the claim. A hedge elsewhere in a long quote
    qualifies something the claim does not state."""
    qualified: list[str] = []
    for word in _WORD.finditer(passage, match.end()):
        qualified.extend(_content_words(word.group()))
        if len(qualified) == 4:
            break
    return not claim_words.isdisjoint(qualified)


def _plain(claim: str) -> str:
    """The claim's words: link targets and emphasis marks dropped."""
    return " ".join(re.sub(r"\]\([^)]*\)|[*_`\[\]]", " ", claim).split())


def _date_quoted(word: str, quoted: str) -> bool:
    """Whether a date word of the claim (lower case) is in the quotes, abbreviated or not."""
    word = " ".join(word.split())
    if word in _CALENDAR_NAMES:
        return re.search(rf"\b{word[:3]}", quoted) is not None
    return word in quoted


class _ActorNames:
    """Which actors a text names (by name or alias), and whether quotes carry them."""

    def __init__(self, actors: Iterable[Actor]) -> None:
        self.actors = tuple(actors)
        self._people: dict[str, list[Actor]] = {}
        for actor in self.actors:
            if actor.country:
                self._people.setdefault(actor.country, []).append(actor)
        # Names by their first word (lower-cased when the actor's names may fold), so that
        # a claim is read once, whatever the number of actors.
        self._order = {actor: i for i, actor in enumerate(self.actors)}
        self._by_first: dict[str, list[tuple[tuple[str, ...], bool, Actor]]] = {}
        for actor in self.actors:
            folds = _folds(actor)
            for name in {actor.name, *actor.aliases}:
                words = tuple(_NAME_TOKEN.findall(name.lower() if folds else name))
                if words:
                    self._by_first.setdefault(words[0], []).append((words, folds, actor))

    def named_in(self, text: str) -> list[Actor]:
        """The actors the text names (a name begins with a capital), in the actors' order."""
        exact = _NAME_TOKEN.findall(text)
        lower: list[str] = []
        found: dict[str, Actor] = {}
        for i, word in enumerate(exact):
            if not word[0].isupper():
                continue
            if not lower:
                lower = [w.lower() for w in exact]
            for first, tokens in ((word, exact), (lower[i], lower)):
                for words, folds, actor in self._by_first.get(first, ()):
                    if folds == (tokens is lower) and tuple(tokens[i : i + len(words)]) == words:
                        found[actor.id] = actor
        return sorted(found.values(), key=self._order.__getitem__) if found else []

    def carried(self, actor: Actor, quoted: str) -> bool:
        """Whether lower-cased quotes name the actor, a word made from its name (`British`,
        `Ukrainian`) or one of its people (`Macron` for France)."""
        for candidate in (actor, *self._people.get(actor.id, ())):
            for name in (candidate.name, *candidate.aliases):
                if _name_in(name.lower(), quoted):
                    return True
        return False


_NAME_TOKEN = re.compile(r"[^\W_]+(?:[.‑-][^\W_]+)*")
"""A word of a name, with its inner dots and hyphens (`U.S`, `MNF‑U`)."""


def _folds(actor: Actor) -> bool:
    """Whether the actor's names may be matched whatever their case: not for short,
    all-capital names (`US`, `EU`), which are ordinary words in lower case."""
    return not any(len(n) <= 3 and n.isupper() for n in (actor.name, *actor.aliases))


def _name_in(name: str, quoted: str) -> bool:
    if re.search(r"(?<![\w.])" + re.escape(name) + r"(?!\w)", quoted):
        return True
    # A word made from a one-word name: its first four letters begin a word of the quotes
    # (Britain -> British, Ukraine -> Ukrainian, Germany -> German).
    words = _WORD.findall(name)
    if len(words) == 1 and len(name) >= 5:
        return re.search(r"\b" + re.escape(name[:4]), quoted) is not None
    return False

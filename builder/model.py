"""The briefing as typed, immutable objects, plus the derived indexes every page needs.

Goes in: validated values (from `validate`). Comes out: a `Briefing`, read by `render`.
Nothing here reads files or knows about HTML.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from types import MappingProxyType

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True, slots=True, order=True)
class PartialDate:
    """A date known to the day (`2026-01-06`) or only to the month (`2026-01`)."""

    year: int
    month: int
    day: int = 0
    """0 when the source gives only the month."""

    def iso(self) -> str:
        if self.day:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        return f"{self.year:04d}-{self.month:02d}"

    def human(self) -> str:
        """`6 January 2026` or `January 2026`."""
        month = MONTHS[self.month - 1]
        return f"{self.day} {month} {self.year}" if self.day else f"{month} {self.year}"

    def __str__(self) -> str:
        return self.iso()


class SourceKind(StrEnum):
    NEWS = "news"
    ANALYSIS = "analysis"
    AGGREGATOR = "aggregator"
    OFFICIAL = "official"


class ActorKind(StrEnum):
    COUNTRY = "country"
    PERSON = "person"
    ORGANISATION = "organisation"


class Stance(StrEnum):
    COMMITTED = "committed"
    CONDITIONAL = "conditional"
    RULED_OUT = "ruled-out"
    OFFERED_OTHER = "offered-other"
    UNSTATED = "unstated"


class Status(StrEnum):
    REPORTED = "reported"
    CLAIMED = "claimed"
    DISPUTED = "disputed"
    """Never taken on an editor's word: a fact is disputed when a `contradicts` dispute
    links it to another fact (either side declares it)."""


class DisputeKind(StrEnum):
    """How two facts disagree. Only `contradicts` makes a fact disputed; the others are notes."""

    CONTRADICTS = "contradicts"
    """The sources assert incompatible things."""
    DIFFERS = "differs"
    """The same thing reported with different words, numbers or dates."""
    INCONSISTENT = "inconsistent"
    """One source contradicts itself."""


class Lint(StrEnum):
    """The meaning checks `check` runs on every fact (see `lints`); a fact may silence one
    with `lint_ok` and a stated reason."""

    HEDGE_DROPPED = "hedge-dropped"
    """A quote hedges or attributes ("reportedly", "plans", "officials say"); the claim does not."""
    UNSUPPORTED_DETAIL = "unsupported-detail"
    """The claim names a date or an actor that none of its quotes carries."""
    ONE_STRAND_VOICE = "one-strand-voice"
    """A judgement resting on one strand, stated in the briefing's own voice."""


@dataclass(frozen=True, slots=True)
class Event:
    """Something that happened, which facts belong to (`events` in `content/site.yaml`)."""

    id: str
    label: str
    """Short: shown on the badge of a fact outside the main event."""
    description: str = ""


@dataclass(frozen=True, slots=True)
class Topic:
    """A subject facts are filed under; each has a page."""

    id: str
    title: str
    summary: str = ""


@dataclass(frozen=True, slots=True)
class PositionIssue:
    """A column of the allied-positions matrix (ground troops, air support, ...)."""

    id: str
    title: str


@dataclass(frozen=True, slots=True)
class Site:
    """`content/site.yaml`: the briefing's identity and navigation."""

    title: str
    description: str
    language: str
    base_url: str
    """Always starts and ends with `/` (a path, e.g. `/briefing/`), or a full origin + path."""
    as_of: PartialDate
    nav: tuple[str, ...]
    """Page slugs in navigation order."""
    topics: tuple[Topic, ...]
    issues: tuple[PositionIssue, ...]
    author: str = ""
    events: tuple[Event, ...] = ()
    main_event: str = ""
    """The id of the event the briefing is about; empty when no events are declared."""
    matrix_order: tuple[str, ...] = ()
    """Allies listed first in the positions matrix, in this order (lead nations, then the
    US, say); the others follow by name."""

    def event(self, event_id: str) -> Event | None:
        """The declared event with this id."""
        for event in self.events:
            if event.id == event_id:
                return event
        return None

    def side_event(self, event_id: str) -> Event | None:
        """The event to label a fact with: None for the main event (no label needed)."""
        return None if event_id == self.main_event else self.event(event_id)


@dataclass(frozen=True, slots=True)
class Source:
    """One archived source document (`content/sources.yaml` + its file under `seeds/`)."""

    id: str
    title: str
    outlet: str
    """Who published it, or `unknown`."""
    published: PartialDate | None
    """None when the document does not make its date clear (shown as unknown)."""
    kind: SourceKind
    file: str
    """Path relative to the project root, e.g. `seeds/000_55bc.txt`."""
    text: str
    """The full archived text, exactly as on disk (decoded UTF-8, newlines normalised)."""
    url: str | None = None
    cites: tuple[str, ...] = ()
    """Outlets the document itself names."""
    strand: str = ""
    """Independence group: two sources of one strand count once in "corroborated by N".
    Defaults to the outlet when known, else the source id."""
    notes: str = ""
    sha256: str = ""
    """The SHA-256 of `file` as archived (`pinning` checks it); empty when not pinned."""
    archived: PartialDate | None = None
    """When the document was archived (the Robust Links version date), if recorded."""
    covers: tuple[str, ...] = ()
    """Ids of the events the document reports on; a fact citing only sources that cover one
    event belongs to it unless it says otherwise."""
    aliases: tuple[str, ...] = ()
    """Ids the source had before: their URLs redirect to this one."""


@dataclass(frozen=True, slots=True)
class Position:
    """An ally's stance on one issue, with the facts that support it."""

    issue: str
    stance: Stance
    facts: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True, slots=True)
class Actor:
    """A country, person or organisation (`content/actors.yaml`)."""

    id: str
    name: str
    kind: ActorKind
    aliases: tuple[str, ...] = ()
    role: str = ""
    country: str | None = None
    """Actor id of the country a person or organisation belongs to."""
    positions: tuple[Position, ...] = ()
    former_ids: tuple[str, ...] = ()
    """Ids the actor had before (its `aliases` are other names): their URLs redirect here."""


@dataclass(frozen=True, slots=True)
class Citation:
    """A verbatim quote of a source that supports a fact, located in the source text."""

    source: str
    quote: str
    """As the editor wrote it."""
    number: int
    """1-based position among the fact's citations; shown as the citation mark."""
    start: int
    """Offset of the matched passage in `Source.text`."""
    end: int
    line: int
    """1-based line of the source file where the passage starts."""
    anchor: str
    """Fragment id of the marked passage on the source page, e.g. `cite-fact-id-1`."""
    passage: str
    """The passage exactly as it appears in the source (may differ from `quote` in quotes,
    dashes and whitespace)."""


@dataclass(frozen=True, slots=True)
class Dispute:
    """A link from a fact to a fact it disagrees with, and how."""

    fact: str
    kind: DisputeKind
    note: str


@dataclass(frozen=True, slots=True)
class LintWaiver:
    """`lint_ok` on a fact: one meaning check silenced for it, and why."""

    lint: Lint
    reason: str


@dataclass(frozen=True, slots=True)
class Correction:
    """A change to a published fact, said openly: when, what changed, and why."""

    date: PartialDate
    what: str
    why: str


@dataclass(frozen=True, slots=True)
class FactHistory:
    """When a fact was first published and last changed, from the repository's history."""

    first_published: PartialDate
    last_changed: PartialDate
    """The last commit that changed its claim, date, actors, status or citations."""


@dataclass(frozen=True, slots=True)
class Withdrawn:
    """A published id taken down (`content/withdrawn.yaml`): its URL keeps a page saying so."""

    kind: str
    """`fact`, `actor` or `source`."""
    id: str
    date: PartialDate
    reason: str
    title: str = ""
    """What the page was (a claim, a name, a headline), shown on the page left in its place."""


@dataclass(frozen=True, slots=True)
class Fact:
    """One short, dated, attributed claim, with its citations (`content/facts/*.yaml`)."""

    id: str
    claim: str
    """Inline markdown, no raw HTML."""
    topic: str
    date: PartialDate | None
    actors: tuple[str, ...]
    citations: tuple[Citation, ...]
    status: Status = Status.REPORTED
    disputes: tuple[Dispute, ...] = ()
    file: str = ""
    line: int = 0
    event: str = ""
    """The id of the event the fact belongs to: its `event` field, else the one event all
    its sources cover, else the main event (validation settles it); empty with no events."""
    lint_ok: tuple[LintWaiver, ...] = ()
    corrections: tuple[Correction, ...] = ()
    """Oldest first."""
    minor: bool = False
    """The last edit was typo-level: it needs no correction note."""
    aliases: tuple[str, ...] = ()
    """Ids the fact had before: their URLs redirect to this one."""


@dataclass(frozen=True, slots=True)
class KeyPoint:
    """One line of a page's "At a glance" box: a short label, its words, its facts."""

    label: str
    text: str
    """Inline markdown: no more than `facts` say."""
    facts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Page:
    """A markdown page of framing prose (`content/pages/<slug>.md`)."""

    slug: str
    """URL segment; `index` is the home page."""
    title: str
    summary: str
    order: int
    body: str
    """Markdown; `[@fact-id]` cites a fact inline."""
    facts: tuple[str, ...] = ()
    """Key facts shown as cards on the page, in order."""
    topic: str | None = None
    """When set, the page also lists every fact of this topic."""
    file: str = ""
    glance: tuple[KeyPoint, ...] = ()
    """The "At a glance" key points shown beside the page's lead (the home page's)."""
    diagram: tuple[KeyPoint, ...] = ()
    """Boxes of a layered diagram drawn on the page, top to bottom (the force's layers)."""


def _index_shape(fact: Fact) -> tuple[object, ...]:
    """What the derived indexes read of a fact: everything but its claim, status, quotes'
    words and place in its file."""
    return (
        fact.id,
        fact.topic,
        fact.date,
        fact.actors,
        fact.disputes,
        fact.event,
        tuple((c.source, c.start, c.end) for c in fact.citations),
    )


def _same_indexes(previous: Briefing, sources: tuple[Source, ...], facts: tuple[Fact, ...]) -> bool:
    """Whether `previous`'s derived indexes are those of these sources and facts."""
    if len(sources) != len(previous.sources) or len(facts) != len(previous.facts):
        return False
    for a, b in zip(previous.sources, sources, strict=True):
        if a is not b and (a.id, a.strand, a.covers, a.text) != (b.id, b.strand, b.covers, b.text):
            return False
    return all(
        a is b or _index_shape(a) == _index_shape(b)
        for a, b in zip(previous.facts, facts, strict=True)
    )


def _freeze(index: Mapping[str, list[str]]) -> Mapping[str, tuple[str, ...]]:
    return MappingProxyType({k: tuple(v) for k, v in sorted(index.items())})


class _Coverage(Mapping[str, float]):
    """Share (0..1) of each source's visible characters inside at least one cited passage,
    worked out for a source when first asked for: only the pages about sources show it,
    and a big build asks for it from several processes at once, after the briefing is made.
    """

    def __init__(
        self,
        sources: Mapping[str, Source],
        facts_by_source: Mapping[str, tuple[str, ...]],
        fact_by_id: Mapping[str, Fact],
    ) -> None:
        # A source's cited spans are gathered when its share is first asked for, in the
        # process that asks, not while the briefing is assembled and the other core idles.
        self._sources = sources
        self._facts_by_source = facts_by_source
        self._fact_by_id = fact_by_id
        self._shares: dict[str, float] = {}

    def __getitem__(self, source_id: str) -> float:
        found = self._shares.get(source_id)
        if found is None:
            found = self._shares[source_id] = self._share(self._sources[source_id])
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._sources)

    def __len__(self) -> int:
        return len(self._sources)

    def _share(self, source: Source) -> float:
        text = source.text
        visible = len(text) - sum(map(text.count, " \n\t\u00a0"))
        chunks: list[str] = []
        end_so_far = 0
        spans = [
            (cit.start, cit.end)
            for fid in self._facts_by_source.get(source.id, ())
            for cit in self._fact_by_id[fid].citations
            if cit.source == source.id
        ]
        for start, end in sorted(spans):
            start = max(start, end_so_far)
            if end > start:
                chunks.append(text[start:end])
                end_so_far = end
        covered = "".join(chunks)  # the characters counted are single: counting once is the same
        hidden = sum(map(covered.count, " \n\t\u00a0"))
        return (len(covered) - hidden) / visible if visible else 0.0


@dataclass(frozen=True)
class Briefing:
    """The whole validated briefing with its derived indexes (ids, not objects, so they
    stay cheap and hashable). Build it with `Briefing.assemble`."""

    site: Site
    sources: tuple[Source, ...]
    actors: tuple[Actor, ...]
    facts: tuple[Fact, ...]
    pages: tuple[Page, ...]
    source_by_id: Mapping[str, Source] = field(repr=False)
    actor_by_id: Mapping[str, Actor] = field(repr=False)
    fact_by_id: Mapping[str, Fact] = field(repr=False)
    topic_by_id: Mapping[str, Topic] = field(repr=False)
    facts_by_topic: Mapping[str, tuple[str, ...]] = field(repr=False)
    facts_by_actor: Mapping[str, tuple[str, ...]] = field(repr=False)
    facts_by_source: Mapping[str, tuple[str, ...]] = field(repr=False)
    disputes_of: Mapping[str, tuple[Dispute, ...]] = field(repr=False)
    """Both directions: if A disputes B, B's entry lists A too (with A's note)."""
    strands_of: Mapping[str, tuple[str, ...]] = field(repr=False)
    """Independent strands (outlets) behind each fact, sorted."""
    timeline: tuple[str, ...] = field(repr=False)
    """Dated fact ids, oldest first (month-only dates sort before days of that month)."""
    undated: tuple[str, ...] = field(repr=False)
    coverage: Mapping[str, float] = field(repr=False)
    """Share (0..1) of each source's visible characters inside at least one cited passage."""
    withdrawn: tuple[Withdrawn, ...] = ()
    """Published ids taken down, by kind and id."""
    history: Mapping[str, FactHistory] = field(default_factory=dict, repr=False)
    """Each committed fact's history (empty outside a git repository, and in `check`)."""

    def redirects(self) -> list[tuple[str, str, str]]:
        """`(kind, old id, new id)` of every renamed fact, actor and source, sorted."""
        found = [("fact", old, f.id) for f in self.facts for old in f.aliases]
        found += [("actor", old, a.id) for a in self.actors for old in a.former_ids]
        found += [("source", old, s.id) for s in self.sources for old in s.aliases]
        return sorted(found)

    @classmethod
    def assemble(
        cls,
        site: Site,
        sources: Iterable[Source],
        actors: Iterable[Actor],
        facts: Iterable[Fact],
        pages: Iterable[Page],
        *,
        previous: Briefing | None = None,
    ) -> Briefing:
        """The briefing with its indexes; those of `previous` (an earlier version of it)
        are reused when they would come out the same: when the facts, in the same order,
        differ at most in what no index reads (claims, status, quotes that did not move)
        and the sources in neither text nor strand (the preview after most edits)."""
        sources_t = tuple(sorted(sources, key=lambda s: s.id))
        actors_t = tuple(sorted(actors, key=lambda a: a.id))
        facts_t = tuple(facts)
        pages_t = tuple(sorted(pages, key=lambda p: (p.order, p.slug)))
        source_by_id = {s.id: s for s in sources_t}
        if previous is not None and _same_indexes(previous, sources_t, facts_t):
            return replace(
                previous,
                site=site,
                sources=sources_t,
                actors=actors_t,
                facts=facts_t,
                pages=pages_t,
                source_by_id=MappingProxyType(source_by_id),
                actor_by_id=MappingProxyType({a.id: a for a in actors_t}),
                fact_by_id=MappingProxyType({f.id: f for f in facts_t}),
                topic_by_id=MappingProxyType({t.id: t for t in site.topics}),
            )
        by_topic: dict[str, list[str]] = defaultdict(list)
        by_actor: dict[str, list[str]] = defaultdict(list)
        by_source: dict[str, list[str]] = defaultdict(list)
        disputes: dict[str, list[Dispute]] = defaultdict(list)
        strands: dict[str, tuple[str, ...]] = {}
        for fact in facts_t:
            by_topic[fact.topic].append(fact.id)
            for actor in fact.actors:
                by_actor[actor].append(fact.id)
            seen: set[str] = set()
            for cit in fact.citations:
                if cit.source not in seen:
                    seen.add(cit.source)
                    by_source[cit.source].append(fact.id)
            strands[fact.id] = tuple(sorted({source_by_id[s].strand for s in seen}))
            for d in fact.disputes:
                disputes[fact.id].append(d)
                disputes[d.fact].append(Dispute(fact=fact.id, kind=d.kind, note=d.note))
        disputes_of: dict[str, tuple[Dispute, ...]] = {}
        for fid, found in disputes.items():
            unique: dict[str, Dispute] = {}
            for d in found:
                unique.setdefault(d.fact, d)
            disputes_of[fid] = tuple(unique[k] for k in sorted(unique))
        # By (year, month, day, id): what comparing (date, id) gives, without calling the
        # dataclass's comparison methods a hundred thousand times.
        dated = sorted(
            (f for f in facts_t if f.date),
            key=lambda f: (f.date.year, f.date.month, f.date.day, f.id),  # type: ignore[union-attr]
        )
        fact_by_id = MappingProxyType({f.id: f for f in facts_t})
        facts_by_source = _freeze(by_source)
        return cls(
            site=site,
            sources=sources_t,
            actors=actors_t,
            facts=facts_t,
            pages=pages_t,
            source_by_id=MappingProxyType(source_by_id),
            actor_by_id=MappingProxyType({a.id: a for a in actors_t}),
            fact_by_id=fact_by_id,
            topic_by_id=MappingProxyType({t.id: t for t in site.topics}),
            facts_by_topic=_freeze(by_topic),
            facts_by_actor=_freeze(by_actor),
            facts_by_source=facts_by_source,
            disputes_of=MappingProxyType(dict(sorted(disputes_of.items()))),
            strands_of=MappingProxyType(strands),
            timeline=tuple(f.id for f in dated),
            undated=tuple(sorted(f.id for f in facts_t if not f.date)),
            coverage=_Coverage(source_by_id, facts_by_source, fact_by_id),
        )

    def page(self, slug: str) -> Page | None:
        for p in self.pages:
            if p.slug == slug:
                return p
        return None

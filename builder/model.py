"""The briefing's records as typed, immutable objects: sources, actors, facts, pages.

Goes in: validated values (from `validate`). Comes out: the records a `Briefing` (see
`briefing`) holds. Nothing here reads files or knows about HTML.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

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

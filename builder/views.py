"""The data each template receives: one frozen dataclass per page kind, plus `Layout`.

Goes in: nothing (declarations only). Comes out: the tested contract between `contexts`
(which fills these) and the templates (which only loop over and branch on their fields).
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from builder.cards import DateView, EventBadge, Link


@dataclass(frozen=True, slots=True)
class NavItem:
    url: str
    text: str
    current: bool


@dataclass(frozen=True, slots=True)
class Layout:
    """What `base.html` needs on every page."""

    lang: str
    site_title: str
    title: str
    """The `<title>`: page title — site title."""
    description: str
    canonical: str
    """Full URL when `base_url` has an origin, else the site-absolute path; empty on 404."""
    og_url: str
    """Only when `base_url` has an origin (Open Graph wants absolute URLs)."""
    og_type: str
    home_url: str
    style_url: str
    script_url: str
    """`site.js`: reference previews and the phone menu (the page works without it)."""
    icon_url: str
    feed_url: str
    search_url: str
    facts_json_url: str
    facts_csv_url: str
    sources_url: str
    how_to_read_url: str
    """The page that explains labels, statuses, dispute kinds and marks."""
    nav: tuple[NavItem, ...]
    nav_html: Markup
    """`nav` rendered by `_nav.html`."""
    as_of: DateView
    search_kind: str
    """What the page is in search results (`Fact`, `Actor`, `Source`...): `<main>` becomes
    the Pagefind search body with this `kind` meta. Empty: the page is not indexed."""


@dataclass(frozen=True, slots=True)
class SectionLink:
    url: str
    title: str
    summary: str


@dataclass(frozen=True, slots=True)
class GlancePoint:
    """A key point of the "At a glance" box, with the marks of the facts it rests on."""

    label: str
    text_html: Markup
    marks: Markup


@dataclass(frozen=True, slots=True)
class HomePage:
    title: str
    body_html: Markup
    glance: tuple[GlancePoint, ...]
    strip: Markup
    """The timeline strip (inline SVG)."""
    description: str
    as_of: DateView
    key_facts: tuple[Markup, ...]
    changed: tuple[Markup, ...]
    """The latest dated facts, newest first."""
    sections: tuple[SectionLink, ...]


@dataclass(frozen=True, slots=True)
class FactGroup:
    """A run of fact cards under an optional heading: an actor, a date, or none."""

    title: str
    url: str
    """Where the heading links to; empty for no link."""
    date: DateView | None
    facts: tuple[Markup, ...]


@dataclass(frozen=True, slots=True)
class MatrixFact:
    url: str
    text: str
    hidden: str
    """Read by screen readers before `text`: which ally and issue the link is about."""
    badge: Markup
    """The fact's event badge when it is not of the main event, else empty: a cell resting
    on another event says so."""


@dataclass(frozen=True, slots=True)
class MatrixCell:
    stance: str
    """The stance id (css class); `none` when no fact says anything."""
    symbol: str
    """A shape for the stance, beside its word (`` for none)."""
    label: str
    note: str
    facts: tuple[MatrixFact, ...]


@dataclass(frozen=True, slots=True)
class MatrixRow:
    ally: Link
    cells: tuple[MatrixCell, ...]


@dataclass(frozen=True, slots=True)
class LegendItem:
    stance: str
    symbol: str
    word: str


@dataclass(frozen=True, slots=True)
class Matrix:
    issues: tuple[str, ...]
    rows: tuple[MatrixRow, ...]
    legend: tuple[LegendItem, ...]


@dataclass(frozen=True, slots=True)
class ContentPage:
    """`/<slug>/`; `/allies/` adds the matrix, `/russia/` groups its topic by actor."""

    slug: str
    title: str
    summary: str
    body_html: Markup
    key_facts: tuple[Markup, ...]
    matrix: Matrix | None
    diagram: Markup
    """The page's layered diagram (inline SVG), or empty."""
    diagram_points: tuple[GlancePoint, ...]
    """The diagram's boxes as text, with their facts' marks."""
    topic_title: str
    topic_groups: tuple[FactGroup, ...]


@dataclass(frozen=True, slots=True)
class TopicPage:
    title: str
    summary: str
    facts: tuple[Markup, ...]


@dataclass(frozen=True, slots=True)
class AllyPosition:
    issue: str
    stance: str
    label: str
    note: str
    facts: tuple[Markup, ...]
    again: tuple[Link, ...] = ()
    """Facts behind this stance whose cards an earlier position on the page shows."""


@dataclass(frozen=True, slots=True)
class AllyPage:
    title: str
    actor: Link
    positions: tuple[AllyPosition, ...]
    """The issues the ally has a stated position on."""
    unstated: tuple[str, ...]
    """The issues no cited fact states a position of the ally on, listed in one line."""


@dataclass(frozen=True, slots=True)
class TimelineRow:
    """One fact on one line of the chronology: what happened, who, its references."""

    url: str
    claim_html: Markup
    actors: tuple[Link, ...]
    marks: Markup
    key: bool
    """One of the briefing's key facts (the home page's)."""
    other_dates: tuple[Link, ...]
    """Another account's date for the same thing (`text`), linking to that account."""
    badge: Markup
    """The fact's event badge when it is not of the main event, else empty."""


@dataclass(frozen=True, slots=True)
class TimelineDay:
    date: DateView
    anchor: str
    rows: tuple[TimelineRow, ...]


@dataclass(frozen=True, slots=True)
class UndatedGroup:
    """The undated facts of one event (by topic when no events are declared), folded."""

    title: str
    anchor: str
    rows: tuple[TimelineRow, ...]


@dataclass(frozen=True, slots=True)
class TimelinePage:
    title: str
    strip: Markup
    """The timeline strip (an inline SVG picture), or empty."""
    days: tuple[TimelineDay, ...]
    undated: tuple[UndatedGroup, ...]
    months: tuple[MonthLink, ...] = ()
    """A timeline too long for one page: its months, each a page (on every one of them)."""
    month: str = ""
    """The month this page holds (`September 2025`), or empty on the timeline's first page."""
    first_url: str = ""
    """The timeline's first page (the strip, the months, the undated facts)."""


@dataclass(frozen=True, slots=True)
class MonthLink:
    url: str
    name: str
    facts: str
    """`1,653 facts`."""
    current: bool = False


@dataclass(frozen=True, slots=True)
class ActorRow:
    actor: Link
    role: str
    fact_count: int


@dataclass(frozen=True, slots=True)
class ActorGroup:
    title: str
    actors: tuple[ActorRow, ...]


@dataclass(frozen=True, slots=True)
class ActorsPage:
    title: str
    groups: tuple[ActorGroup, ...]


@dataclass(frozen=True, slots=True)
class ActorPage:
    title: str
    kind: str
    role: str
    aliases: tuple[str, ...]
    country: Link | None
    ally_url: str
    positions: tuple[AllyPosition, ...]
    facts: tuple[Markup, ...]


@dataclass(frozen=True, slots=True)
class SourceRow:
    source: Link
    outlet: str
    published: DateView | None
    kind: str
    fact_count: int
    coverage: str
    """Share of the source's text cited by at least one fact, e.g. `94.7 %`."""
    covers: tuple[str, ...]
    """Labels of the events the document reports on."""


@dataclass(frozen=True, slots=True)
class SourcesPage:
    title: str
    rows: tuple[SourceRow, ...]
    events: bool
    """Whether the briefing declares events (and the table says which each source covers)."""


@dataclass(frozen=True, slots=True)
class Passage:
    """A cited passage on its source page."""

    anchor: str
    url: str
    """The marked passage in the text below."""
    fact_id: str
    fact: Link
    number: int
    text: str
    original_url: str
    badge: Markup
    """The citing fact's event badge when it is not of the main event, else empty."""


@dataclass(frozen=True, slots=True)
class Landing:
    """Where a citation link lands: its anchor, and the claims the passage supports (shown
    only on the passage a reader landed on)."""

    anchor: str
    facts: tuple[Link, ...]


@dataclass(frozen=True, slots=True)
class TextSegment:
    text: str
    marked: bool
    overlap: bool
    """Covered by more than one cited passage."""
    anchors: tuple[str, ...]
    """Anchors of the citations that begin here (targets of citation links)."""
    backrefs: tuple[Link, ...]
    """Facts whose cited passage ends here (`text` is the fact id)."""
    covering: str = ""
    """The anchors of the passages covering this run, space-separated (site.js highlights
    every run of the passage a reader landed on)."""
    landings: tuple[Landing, ...] = ()
    """One per anchor in `anchors`."""


@dataclass(frozen=True, slots=True)
class SourcePage:
    title: str
    outlet: str
    published: DateView | None
    kind: str
    file: str
    url: str
    cites: tuple[str, ...]
    strand: str
    notes: str
    coverage: str
    facts: tuple[Link, ...]
    passages: tuple[Passage, ...]
    text: tuple[TextSegment, ...]
    jsonld: Markup
    """The source as schema.org JSON-LD, for a `<script type="application/ld+json">`."""
    sha256: str = ""
    """The archived file's recorded digest (empty when not pinned)."""
    archived: DateView | None = None
    """When the copy was archived: Robust Links' `data-versiondate`, with `url` as
    `data-originalurl` and `self_url`, this page, as the archived version."""
    self_url: str = ""


@dataclass(frozen=True, slots=True)
class CitationBlock:
    number: int
    url: str
    source: Link
    passage: str
    original_url: str


@dataclass(frozen=True, slots=True)
class FactDispute:
    note: str
    card: Markup
    kind: str
    heading: str
    """`Disputed`, `Reported differently` or `Inconsistent source`: the kind in words."""


@dataclass(frozen=True, slots=True)
class FactPage:
    title: str
    claim_html: Markup
    marks: Markup
    date: DateView | None
    actors: tuple[Link, ...]
    status: str
    corroboration: str
    topic: Link
    citations: tuple[CitationBlock, ...]
    disputes: tuple[FactDispute, ...]
    appearances: tuple[Link, ...]
    event: EventBadge | None
    """The fact's event, unless it is the main one."""
    jsonld: Markup
    """The fact as a schema.org `Claim` in JSON-LD, for a `<script type="application/ld+json">`."""
    corrections: tuple[CorrectionView, ...] = ()
    """Oldest first."""
    history: HistoryView | None = None
    """When it was first published and last changed (None before it is committed)."""


@dataclass(frozen=True, slots=True)
class CorrectionView:
    date: DateView
    what: str
    why: str


@dataclass(frozen=True, slots=True)
class HistoryView:
    first_published: DateView
    last_changed: DateView
    changed: bool
    """Whether it changed after it was first published."""


@dataclass(frozen=True, slots=True)
class DisputePair:
    notes: tuple[str, ...]
    """Every distinct note the editors gave on either side, each once."""
    sides: tuple[Markup, Markup]
    """The two facts' cards, without their dispute notes (the notes are above them)."""


@dataclass(frozen=True, slots=True)
class DisputeGroup:
    """The pairs of one kind of dispute."""

    kind: str
    title: str
    explanation: str
    pairs: tuple[DisputePair, ...]


@dataclass(frozen=True, slots=True)
class DisputesPage:
    title: str
    groups: tuple[DisputeGroup, ...]
    """Contradictions first, then differences, then inconsistent sources; empty kinds left out."""


@dataclass(frozen=True, slots=True)
class FactEntry:
    """A fact in the search page's index: its link and, outside the main event, its event's
    badge (else empty)."""

    link: Link
    badge: Markup


@dataclass(frozen=True, slots=True)
class FactEntryGroup:
    title: str
    facts: tuple[FactEntry, ...]


@dataclass(frozen=True, slots=True)
class SearchPage:
    title: str
    script_url: str
    """`search.js`, the search box over the Pagefind index."""
    fact_groups: tuple[FactEntryGroup, ...]
    """Every fact, by topic (topics in site order), oldest first within a topic."""
    actors: tuple[Link, ...]
    sources: tuple[Link, ...]


@dataclass(frozen=True, slots=True)
class NotFoundPage:
    title: str
    links: tuple[Link, ...]

"""A briefing's facts -> their view data and HTML fragments, each made once per build.

Goes in: the `Briefing`, the `Urls`, the Jinja environment and the markdown renderer.
Comes out: `FactView`s (the data every template shows about a fact) and, memoised, the
fact card and citation-mark fragments as `Markup`, reused on every page that shows them.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from jinja2 import Environment
from markupsafe import Markup

from builder.briefing import Briefing
from builder.footnotes import Cited, FactLink, placeholder
from builder.markdown import Markdown
from builder.model import DisputeKind, PartialDate, Source, Status
from builder.reads import Memo, collecting
from builder.urls import Urls, text_fragment_url

Fragments = tuple[
    tuple[str, str, frozenset[str]], tuple[str, frozenset[str]], tuple[str, frozenset[str]]
]
"""A fact's claim (HTML, text), card and marks made in another process, each with what
making it read (nothing when not recording)."""
STATUS_LABELS = {"reported": "Reported", "claimed": "Claimed", "disputed": "Disputed"}
DISPUTE_HEADINGS = {
    DisputeKind.CONTRADICTS: "Disputed",
    DisputeKind.DIFFERS: "Reported differently",
    DisputeKind.INCONSISTENT: "Inconsistent source",
}
"""How a fact card introduces each kind of dispute note."""
_STATUS_SHOWN = {status: (status.value, STATUS_LABELS[status.value]) for status in Status}
"""Each status as a view shows it, (value, label), looked up by the member itself: an
enum's `.value` is a Python-level property, asked twice per fact otherwise."""


@dataclass(frozen=True, slots=True)
class Link:
    """A link as templates show it: where it goes and its visible text."""

    url: str
    text: str


@dataclass(frozen=True, slots=True)
class DateView:
    """A date for `<time datetime="{iso}">{human}</time>`."""

    iso: str
    human: str

    @classmethod
    def of(cls, date: PartialDate | None) -> DateView | None:
        return None if date is None else cls(iso=date.iso(), human=date.human())


@dataclass(frozen=True, slots=True)
class CiteMark:
    """One citation of a fact; on a page it becomes a numbered mark (see `footnotes`)."""

    number: int
    """Its place among the fact's own citations (a page numbers them anew)."""
    placeholder: Markup
    """What the fact's marks leave for `footnotes` to number on each page."""
    url: str
    """The marked passage on the source page."""
    label: str
    """Accessible name: `Citation 1: <source title>`."""
    source: Link
    passage: str
    """The cited words exactly as the source has them."""
    original_url: str
    """Text-fragment link to the passage in the original document; empty without a url."""


@dataclass(frozen=True, slots=True)
class EventBadge:
    """The visible label of a fact outside the main event, shown wherever the fact is."""

    id: str
    label: str
    description: str


@dataclass(frozen=True, slots=True)
class DisputeNote:
    """A fact this one disagrees with, shown wherever this one is."""

    fact_id: str
    fact: Link
    """The other fact; `text` is its claim as plain text."""
    note: str
    kind: str
    """`contradicts`, `differs` or `inconsistent`."""
    heading: str
    """What the card says before the note: `Disputed`, `Reported differently`, ..."""
    pair: str = ""
    """Both facts' ids, sorted and joined: the same on either side's card (a page that
    shows both explains the dispute once, see `repeats`)."""


@dataclass(frozen=True, slots=True)
class FactView:
    """Everything a template may show about one fact, prepared once."""

    id: str
    url: str
    claim_html: Markup
    claim_text: str
    """The claim without markup, for titles, labels and descriptions."""
    date: DateView | None
    actors: tuple[Link, ...]
    cites: tuple[CiteMark, ...]
    corroboration: str
    """`single source` or `corroborated by N sources` (N independent strands)."""
    status: str
    status_label: str
    disputes: tuple[DisputeNote, ...]
    event: EventBadge | None
    """None for a fact of the main event (or of a briefing without events)."""


@dataclass(frozen=True, slots=True)
class SourceLinks:
    """What every citation of one source links to."""

    link: Link
    """The source's page, titled."""
    original: str
    """The source's own web address, or `` (see `original_url`)."""

    def passage_url(self, passage: str) -> str:
        """A text-fragment link to `passage` in the original document, or `` without one."""
        return text_fragment_url(self.original, passage) if self.original else ""


_NO_BADGE = Markup("")
"""The badge of a fact of the main event."""


def event_badges(briefing: Briefing) -> dict[str, EventBadge]:
    """The badge of each event but the main one, by event id."""
    site = briefing.site
    return {
        e.id: EventBadge(e.id, e.label, e.description)
        for e in site.events
        if e.id != site.main_event
    }


def original_url(source: Source) -> str:
    """The source's own address when it is a real web address (http or https), else ``."""
    url = (source.url or "").strip()
    return url if url.lower().startswith(("http://", "https://")) else ""


def corroboration(strands: int, documents: int) -> str:
    """`corroborated by N sources` counts independent strands (outlets), not documents; a
    single strand relayed by several documents says so, lest [1][2] look like two sources."""
    if strands > 1:
        return f"corroborated by {strands} sources"
    if documents > 1:
        return f"single source ({documents} documents relaying one outlet)"
    return "single source"


def topic_links(briefing: Briefing, urls: Urls) -> dict[str, Link]:
    """Each topic's home: the content page that lists it, else `/topics/<id>/`."""
    links = {t.id: Link(urls.topic(t.id), t.title) for t in briefing.site.topics}
    for page in briefing.pages:
        if page.topic in links and page.slug != "index":
            links[page.topic] = Link(urls.page(page.slug), page.title)
    return links


_MEMOS = (
    "_claims",
    "_views",
    "_cards",
    "_marks",
    "_bare",
    "_cited",
    "_actor_links",
    "_sources",
    "_badges",
    "_topics",
)


class Cards:
    """Memoised fact views and fragments: each claim is rendered once per build. With
    `recording`, each remembers what its making read (see `reads.Memo`)."""

    def __init__(
        self,
        briefing: Briefing,
        urls: Urls,
        env: Environment,
        markdown: Markdown,
        *,
        recording: bool = False,
    ) -> None:
        self.briefing = briefing
        self.urls = urls
        self.env = env
        self.markdown = markdown
        self._topics: Memo[str, dict[str, Link]] = Memo(recording)
        """Each topic's home (one entry, see `topic_links`), made when first asked for."""
        self.recording = recording
        self._claims: Memo[str, tuple[Markup, str]] = Memo(recording)
        self._views: Memo[str, FactView] = Memo(recording)
        self._cards: Memo[str, Markup] = Memo(recording)
        self._marks: Memo[str, Markup] = Memo(recording)
        self._bare: Memo[str, Markup] = Memo(recording)
        self._cited: Memo[tuple[str, int], Cited | None] = Memo(recording)
        # What many facts share, made once per build: actors' links, sources' links and
        # addresses, dates.
        self._actor_links: Memo[str, Link | None] = Memo(recording)
        self._sources: Memo[str, SourceLinks] = Memo(recording)
        self._dates: dict[tuple[int, int, int], DateView] = {}
        """By (year, month, day): a dataclass hashes and compares in Python, a tuple in C."""
        self.badges = event_badges(briefing)
        """Each event's badge but the main event's."""
        self._badges: Memo[str, Markup] = Memo(recording)

    def keep(self, previous: Cards, changed: AbstractSet[str]) -> None:
        """Reuse what `previous` (the last build's) made that read nothing in `changed`."""
        for name in _MEMOS:
            getattr(self, name).keep(getattr(previous, name), changed)

    def claim(self, fact_id: str) -> tuple[Markup, str]:
        """The claim as HTML and as plain text."""
        return self._claims.get(fact_id, self._make_claim)

    def _make_claim(self, fact_id: str) -> tuple[Markup, str]:
        text = self.briefing.fact_by_id[fact_id].claim
        return self.markdown.inline(text), self.markdown.plain(text)

    def view(self, fact_id: str) -> FactView:
        return self._views.get(fact_id, self._make_view)

    def card(self, fact_id: str) -> Markup:
        """The fact card: claim, marks, date, actors, corroboration, disputes."""
        return self._cards.get(fact_id, self._full_card)

    def bare_card(self, fact_id: str) -> Markup:
        """The fact card without its dispute notes, for pages that explain the dispute
        themselves (the disputes page, which prints each note once above the two cards; a
        fact's own page): said once, not on every side."""
        if not self.briefing.disputes_of.get(fact_id):
            return self.card(fact_id)
        return self._bare.get(fact_id, self._bare_card)

    def _full_card(self, fact_id: str) -> Markup:
        return self._render_card(fact_id, bare=False)

    def _bare_card(self, fact_id: str) -> Markup:
        return self._render_card(fact_id, bare=True)

    def _render_card(self, fact_id: str, *, bare: bool) -> Markup:
        template = self.env.get_template("_fact_card.html")
        html = template.render(
            fact=self.view(fact_id),
            marks=self.marks(fact_id),
            badge=self.badge_of(fact_id),
            bare=bare,
        )
        return Markup(html.strip())

    def badge_of(self, fact_id: str) -> Markup:
        """The fact's event badge, or nothing for a fact of the main event (read from the
        fact, not its view: pages that list every fact ask for every badge)."""
        event = self.badges.get(self.briefing.fact_by_id[fact_id].event)
        return self.badge(event) if event is not None else _NO_BADGE

    def badge(self, event: EventBadge) -> Markup:
        """An event's badge as HTML (`_event_badge.html`), made once per event."""
        return self._badges.get(event.id, self._make_badge)

    def _make_badge(self, event_id: str) -> Markup:
        html = self.env.get_template("_event_badge.html").render(event=self.badges[event_id])
        return Markup(html.rstrip("\n"))

    def marks(self, fact_id: str) -> Markup:
        """The fact's numbered citation marks `[1][2]`, each linking to its passage."""
        return self._marks.get(fact_id, self._make_marks)

    def _make_marks(self, fact_id: str) -> Markup:
        template = self.env.get_template("_cite_marks.html")
        return Markup(template.render(fact=self.view(fact_id)).strip())

    def cited(self, fact_id: str, number: int) -> Cited | None:
        """What a References list shows of citation `number` of `fact_id` (None: no such)."""
        return self._cited.get((fact_id, number), self._make_cited)

    def _make_cited(self, key: tuple[str, int]) -> Cited | None:
        fact_id, number = key
        fact = self.briefing.fact_by_id.get(fact_id)
        citation = next((c for c in fact.citations if c.number == number), None) if fact else None
        if citation is None:
            return None
        source = self.briefing.source_by_id[citation.source]
        links = self.source_links(citation.source)
        url = self.urls.citation(citation.source, citation.anchor)
        published = self.date(source.published)  # one text per date, not per citation
        return Cited(
            (citation.source, citation.start, citation.end),
            citation.passage,
            url,
            self.urls.origin + url if self.urls.origin else "",
            links.passage_url(citation.passage),
            links.link.text,
            "outlet unknown" if source.outlet == "unknown" else source.outlet,
            published.human if published else "date unknown",
            # Not from the fact's view: a worker would make the views of every fact its
            # long pages cite, where the claims were handed to it with the cards.
            FactLink(self.urls.fact(fact_id), self.claim(fact_id)[1]),
        )

    def fragments(self, fact_id: str) -> Fragments:
        """A fact's claim (HTML and text), card and marks as plain strings, each with what
        making it read: made in another process, they are handed back to this one with
        `adopt`."""
        if not self.recording:
            html, text = self.claim(fact_id)
            none = frozenset[str]()
            return (
                (str(html), text, none),
                (str(self.card(fact_id)), none),
                (
                    str(self.marks(fact_id)),
                    none,
                ),
            )
        with collecting() as claim_read:
            html, text = self.claim(fact_id)
        with collecting() as card_read:
            card = str(self.card(fact_id))
        with collecting() as marks_read:
            marks = str(self.marks(fact_id))
        return (
            (str(html), text, frozenset(claim_read)),
            (card, frozenset(card_read)),
            (marks, frozenset(marks_read)),
        )

    def made(self, fact_id: str) -> bool:
        """Whether the fact's card and marks are made already (here, kept or adopted)."""
        return fact_id in self._cards and fact_id in self._marks

    def adopt(self, fact_id: str, fragments: Fragments) -> None:
        """Take a fact's fragments made elsewhere by `fragments`, as if made here."""
        (html, text, claim_read), (card, card_read), (marks, marks_read) = fragments
        self._claims.put(fact_id, (Markup(html), text), claim_read)
        self._cards.put(fact_id, Markup(card), card_read)
        self._marks.put(fact_id, Markup(marks), marks_read)

    def cards(self, fact_ids: tuple[str, ...]) -> tuple[Markup, ...]:
        return tuple(self.card(f) for f in fact_ids)

    def topic(self, fact_id: str) -> Link:
        """Where the fact's topic is listed (not part of the card, so not memoised with it)."""
        topic = self.briefing.fact_by_id[fact_id].topic
        topics = self._topics.get("", self._make_topics)
        return topics.get(topic, Link(self.urls.topic(topic), topic))

    def _make_topics(self, _: str) -> dict[str, Link]:
        return topic_links(self.briefing, self.urls)

    def source_links(self, source_id: str) -> SourceLinks:
        """A source's page link and original address, made once for all its citations."""
        return self._sources.get(source_id, self._make_source_links)

    def _make_source_links(self, source_id: str) -> SourceLinks:
        source = self.briefing.source_by_id[source_id]
        return SourceLinks(Link(self.urls.source(source_id), source.title), original_url(source))

    def date(self, date: PartialDate | None) -> DateView | None:
        """`DateView.of(date)`, made once per date."""
        if date is None:
            return None
        key = (date.year, date.month, date.day)
        found = self._dates.get(key)
        if found is None:
            found = self._dates[key] = DateView(date.iso(), date.human())
        return found

    def _actor_link(self, actor_id: str) -> Link | None:
        return self._actor_links.get(actor_id, self._make_actor_link)

    def _make_actor_link(self, actor_id: str) -> Link | None:
        actor = self.briefing.actor_by_id.get(actor_id)
        return None if actor is None else Link(self.urls.actor(actor_id), actor.name)

    def _make_view(self, fact_id: str) -> FactView:
        # Made for every card, then again for the fact pages of cards another process made
        # (`benchmarks/README.md`): positional arguments, lookups in C.
        fact = self.briefing.fact_by_id[fact_id]
        claim_html, claim_text = self.claim(fact.id)
        briefing, urls = self.briefing, self.urls
        actors = tuple([link for link in map(self._actor_link, fact.actors) if link is not None])
        cites = []
        sources = set()
        for cit in fact.citations:
            source = self.source_links(cit.source)
            sources.add(cit.source)
            cites.append(
                CiteMark(
                    cit.number,
                    placeholder(fact.id, cit.number),
                    urls.citation(cit.source, cit.anchor),
                    f"Citation {cit.number}: {source.link.text}",
                    source.link,
                    cit.passage,
                    source.passage_url(cit.passage),
                )
            )
        disputed = briefing.disputes_of.get(fact.id)
        disputes = (
            tuple(
                [
                    DisputeNote(
                        d.fact,
                        Link(urls.fact(d.fact), self.claim(d.fact)[1]),
                        d.note,
                        d.kind.value,
                        DISPUTE_HEADINGS[d.kind],
                        "+".join(sorted((fact.id, d.fact))),
                    )
                    for d in disputed
                    if d.fact in briefing.fact_by_id
                ]
            )
            if disputed
            else ()
        )
        status, label = _STATUS_SHOWN[fact.status]
        return FactView(
            fact.id,
            urls.fact(fact.id),
            claim_html,
            claim_text,
            self.date(fact.date),
            actors,
            tuple(cites),
            corroboration(len(briefing.strands_of.get(fact.id, ())), len(sources)),
            status,
            label,
            disputes,
            self.badges.get(fact.event),
        )

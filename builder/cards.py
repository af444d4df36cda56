"""A briefing's facts -> their view data and HTML fragments, each made once per build.

Goes in: the `Briefing`, the `Urls`, the Jinja environment and the markdown renderer.
Comes out: `FactView`s (the data every template shows about a fact) and, memoised, the
fact card and citation-mark fragments as `Markup`, reused on every page that shows them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import TypeVar

from jinja2 import Environment
from markupsafe import Markup

from builder.footnotes import Cited, placeholder
from builder.markdown import Markdown
from builder.model import Briefing, DisputeKind, Fact, PartialDate, Source, Status
from builder.urls import Urls, text_fragment_url

V = TypeVar("V")
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


def card_deps(briefing: Briefing, fact_id: str) -> frozenset[str]:
    """What a fact card shows: the fact, its actors, its sources and disputing facts."""
    fact = briefing.fact_by_id[fact_id]
    return frozenset(
        {f"fact:{fact.id}"}
        | {f"actor:{a}" for a in fact.actors}
        | {f"source:{c.source}" for c in fact.citations}
        | {f"fact:{d.fact}" for d in briefing.disputes_of.get(fact.id, ())}
    )


def cards_showing(briefing: Briefing, changed: Iterable[str]) -> set[str]:
    """The facts whose card shows something named in `changed`: the inverse of `card_deps`
    (a fact, its actors, its sources, the facts disputing it), found from the names."""
    touched: set[str] = set()
    for name in changed:
        kind, _, key = name.partition(":")
        if kind == "fact":  # the fact's own card, and the cards of facts it disputes
            touched.add(key)
            touched.update(d.fact for d in briefing.disputes_of.get(key, ()))
        elif kind == "actor":
            touched.update(briefing.facts_by_actor.get(key, ()))
        elif kind == "source":
            touched.update(briefing.facts_by_source.get(key, ()))
    return touched


def keep_entries(mine: dict[str, V], theirs: Mapping[str, V], but: AbstractSet[str]) -> None:
    """Put all `theirs`'s entries but those of the keys in `but` into `mine` (whose own
    entries stay). After an edit `but` is the few facts it touched: copying the whole and
    dropping those is many times quicker than picking each of the others."""
    own = {key: mine[key] for key in but if key in mine}
    mine.update(theirs)
    for key in but:
        mine.pop(key, None)
    mine.update(own)


class Cards:
    """Memoised fact views and fragments: each claim is rendered once per build."""

    def __init__(
        self,
        briefing: Briefing,
        urls: Urls,
        env: Environment,
        markdown: Markdown,
        topics: Mapping[str, Link],
    ) -> None:
        self.briefing = briefing
        self.urls = urls
        self.env = env
        self.markdown = markdown
        self.topics = topics
        self._claims: dict[str, tuple[Markup, str]] = {}
        self._views: dict[str, FactView] = {}
        self._cards: dict[str, Markup] = {}
        self._marks: dict[str, Markup] = {}
        self._bare: dict[str, Markup] = {}
        self._cited: dict[tuple[str, int], Cited | None] = {}
        # What many facts share, made once per build: actors' links, sources' links and
        # addresses, dates.
        self._actor_links: dict[str, Link | None] = {}
        self._sources: dict[str, SourceLinks] = {}
        self._dates: dict[tuple[int, int, int], DateView] = {}
        """By (year, month, day): a dataclass hashes and compares in Python, a tuple in C."""
        self.badges = event_badges(briefing)
        """Each event's badge but the main event's."""
        self._badges: dict[str, Markup] = {}

    def claim(self, fact_id: str) -> tuple[Markup, str]:
        """The claim as HTML and as plain text."""
        if fact_id not in self._claims:
            text = self.briefing.fact_by_id[fact_id].claim
            self._claims[fact_id] = (self.markdown.inline(text), self.markdown.plain(text))
        return self._claims[fact_id]

    def view(self, fact_id: str) -> FactView:
        if fact_id not in self._views:
            self._views[fact_id] = self._make_view(self.briefing.fact_by_id[fact_id])
        return self._views[fact_id]

    def card(self, fact_id: str) -> Markup:
        """The fact card: claim, marks, date, actors, corroboration, disputes."""
        if fact_id not in self._cards:
            self._cards[fact_id] = self._render_card(fact_id, bare=False)
        return self._cards[fact_id]

    def bare_card(self, fact_id: str) -> Markup:
        """The fact card without its dispute notes, for pages that explain the dispute
        themselves (the disputes page, which prints each note once above the two cards; a
        fact's own page): said once, not on every side."""
        if not self.briefing.disputes_of.get(fact_id):
            return self.card(fact_id)
        if fact_id not in self._bare:
            self._bare[fact_id] = self._render_card(fact_id, bare=True)
        return self._bare[fact_id]

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
        """The fact's event badge, or nothing for a fact of the main event."""
        event = self.view(fact_id).event
        return self.badge(event) if event is not None else Markup("")

    def badge(self, event: EventBadge) -> Markup:
        """An event's badge as HTML (`_event_badge.html`), made once per event."""
        made = self._badges.get(event.id)
        if made is None:
            html = self.env.get_template("_event_badge.html").render(event=event)
            made = self._badges[event.id] = Markup(html.rstrip("\n"))
        return made

    def marks(self, fact_id: str) -> Markup:
        """The fact's numbered citation marks `[1][2]`, each linking to its passage."""
        if fact_id not in self._marks:
            template = self.env.get_template("_cite_marks.html")
            html = template.render(fact=self.view(fact_id))
            self._marks[fact_id] = Markup(html.strip())
        return self._marks[fact_id]

    def cited(self, fact_id: str, number: int) -> Cited | None:
        """What a References list shows of citation `number` of `fact_id` (None: no such)."""
        key = (fact_id, number)
        found = self._cited.get(key)
        if found is None and key not in self._cited:
            found = self._cited[key] = self._make_cited(fact_id, number)
        return found

    def _make_cited(self, fact_id: str, number: int) -> Cited | None:
        fact = self.briefing.fact_by_id.get(fact_id)
        citation = next((c for c in fact.citations if c.number == number), None) if fact else None
        if citation is None:
            return None
        source = self.briefing.source_by_id[citation.source]
        links = self.source_links(citation.source)
        url = self.urls.citation(citation.source, citation.anchor)
        view = self.view(fact_id)
        return Cited(
            (citation.source, citation.start, citation.end),
            citation.passage,
            url,
            self.urls.origin + url if self.urls.origin else "",
            links.passage_url(citation.passage),
            links.link.text,
            "outlet unknown" if source.outlet == "unknown" else source.outlet,
            source.published.human() if source.published else "date unknown",
            view.url,
            view.claim_text,
        )

    def fragments(self, fact_id: str) -> tuple[str, str, str, str]:
        """A fact's claim (HTML and text), card and marks as plain strings: made in another
        process, they are handed back to this one with `adopt`."""
        html, text = self.claim(fact_id)
        return str(html), text, str(self.card(fact_id)), str(self.marks(fact_id))

    def made(self, fact_id: str) -> bool:
        """Whether the fact's card and marks are made already (here, kept or adopted)."""
        return fact_id in self._cards and fact_id in self._marks

    def adopt(self, fact_id: str, fragments: tuple[str, str, str, str]) -> None:
        """Take a fact's fragments made elsewhere by `fragments`, as if made here."""
        html, text, card, marks = fragments
        self._claims[fact_id] = (Markup(html), text)
        self._cards[fact_id] = Markup(card)
        self._marks[fact_id] = Markup(marks)

    def cards(self, fact_ids: tuple[str, ...]) -> tuple[Markup, ...]:
        return tuple(self.card(f) for f in fact_ids)

    def keep_all_but(self, previous: Cards, touched: AbstractSet[str]) -> None:
        """Reuse what `previous` made for every fact but `touched`: the preview passes the
        facts whose card dependencies (`card_deps`) a change touched, the facts it removed
        among them (see `cards_showing`), with the same templates and site."""
        keep_entries(self._claims, previous._claims, touched)
        keep_entries(self._views, previous._views, touched)
        keep_entries(self._cards, previous._cards, touched)
        keep_entries(self._marks, previous._marks, touched)
        keep_entries(self._bare, previous._bare, touched)
        self._cited.update(
            {key: cited for key, cited in previous._cited.items() if key[0] not in touched}
        )

    def topic(self, fact_id: str) -> Link:
        """Where the fact's topic is listed (not part of the card, so not memoised with it)."""
        topic = self.briefing.fact_by_id[fact_id].topic
        return self.topics.get(topic, Link(self.urls.topic(topic), topic))

    def source_links(self, source_id: str) -> SourceLinks:
        """A source's page link and original address, made once for all its citations."""
        found = self._sources.get(source_id)
        if found is None:
            source = self.briefing.source_by_id[source_id]
            found = self._sources[source_id] = SourceLinks(
                Link(self.urls.source(source_id), source.title), original_url(source)
            )
        return found

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
        if actor_id not in self._actor_links:
            actor = self.briefing.actor_by_id.get(actor_id)
            self._actor_links[actor_id] = (
                None if actor is None else Link(self.urls.actor(actor_id), actor.name)
            )
        return self._actor_links[actor_id]

    def _make_view(self, fact: Fact) -> FactView:
        # Made for every card, then again for the fact pages of cards another process made
        # (`benchmarks/README.md`): positional arguments, lookups in C.
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

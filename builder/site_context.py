"""What every page's context is built from: the briefing, its URLs, the fact cards, the
layout (navigation made once per state) and the memoised links, orders and rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from typing import Any

from markupsafe import Markup

from builder.briefing import Briefing
from builder.cards import Cards, DateView, Link
from builder.markdown import Markdown
from builder.model import Page, PartialDate, Source
from builder.reads import Memo
from builder.urls import Urls
from builder.views import Layout, NavItem, SourceRow

Days = list[tuple[DateView | None, tuple[str, ...]]]
"""The timeline's facts by date, in order (`timeline_days`)."""

BUILTIN_TITLES = {
    "timeline": "Timeline",
    "disputes": "Disputes",
    "sources": "Sources",
    "actors": "Actors",
    "search": "Search",
    "how-to-read": "How to read this briefing",
}
BUILTIN_SUMMARIES = {
    "timeline": "Every dated fact in order; undated facts listed apart.",
    "disputes": "Where sources disagree, both sides cited.",
    "sources": "The archived source documents, with every cited passage marked.",
    "actors": "Countries, people and organisations, with their facts.",
    "search": "Find a fact, an actor or a source.",
    "how-to-read": "What the event labels, statuses, dispute kinds, corroboration counts and "
    "citation marks mean, and why outlets and dates can read “unknown”.",
}
NAV_TEMPLATE = "_nav.html"
"""The navigation fragment, rendered once per navigation state and put in every layout."""

Context = dict[str, Any]
MEMOS = (
    "_nav",
    "_nav_html",
    "_fact_links",
    "_topic_order",
    "_days",
    "_source_rows",
    "_topic_links",
)
"""`SiteContext`'s memos, kept by the preview from one build to the next."""


class SiteContext:
    """What every context builder reads: the briefing, URLs, and the memoised cards."""

    def __init__(self, briefing: Briefing, urls: Urls, cards: Cards, markdown: Markdown) -> None:
        self.briefing = briefing
        self.urls = urls
        self.cards = cards
        self.markdown = markdown
        self.as_of = DateView(briefing.site.as_of.iso(), briefing.site.as_of.human())
        self._nav: Memo[str, tuple[Link, ...]] = Memo(cards.recording)
        """The navigation's links (one entry), made when a page first asks for them."""
        self._nav_html: Memo[str, Markup] = Memo(cards.recording)
        """The navigation's HTML by the URL it marks as current (`` for none)."""
        self._site_links = {
            "home_url": urls.home(),
            "style_url": urls.static("style.css"),
            "script_url": urls.static("site.js"),
            "icon_url": urls.static("icon.svg"),
            "feed_url": urls.feed(),
            "search_url": urls.search(),
            "facts_json_url": urls.facts_json(),
            "facts_csv_url": urls.facts_csv(),
            "sources_url": urls.sources(),
            "how_to_read_url": urls.how_to_read(),
        }
        """The links every page's layout shows, made once."""
        recording = cards.recording
        self._fact_links: Memo[str, Link] = Memo(recording)
        self._topic_order: Memo[str, dict[str, tuple[str, ...]]] = Memo(recording)
        self._days: Memo[str, list[tuple[DateView | None, tuple[str, ...]]]] = Memo(recording)
        self._source_rows: Memo[str, SourceRow] = Memo(recording)
        self._topic_links: Memo[str, tuple[Link, ...]] = Memo(recording)

    def keep(self, previous: SiteContext, changed: AbstractSet[str]) -> None:
        """Reuse what `previous` (the last build's) made that read nothing in `changed`."""
        self.cards.keep(previous.cards, changed)
        for name in MEMOS:
            getattr(self, name).keep(getattr(previous, name), changed)

    def fact_link(self, fact_id: str) -> Link:
        """A link to the fact's page, its claim as plain text."""
        return self._fact_links.get(fact_id, self._make_fact_link)

    def _make_fact_link(self, fact_id: str) -> Link:
        return Link(self.urls.fact(fact_id), self.cards.claim(fact_id)[1])

    def topic_facts(self, topic_id: str) -> tuple[str, ...]:
        """The topic's facts, oldest first (see `chronological`)."""
        return self._topic_order.get("", self._make_topic_order).get(topic_id, ())

    def _make_topic_order(self, _: str) -> dict[str, tuple[str, ...]]:
        order = timeline_order(self.briefing)
        return {
            tid: chronological(order, fact_ids)
            for tid, fact_ids in self.briefing.facts_by_topic.items()
        }

    def topic_links(self, topic_id: str) -> tuple[Link, ...]:
        """Links to the topic's facts, oldest first (the search page's index)."""
        return self._topic_links.get(topic_id, self._make_topic_links)

    def _make_topic_links(self, topic_id: str) -> tuple[Link, ...]:
        return tuple(map(self.fact_link, self.topic_facts(topic_id)))

    def timeline_days(self) -> Days:
        """The timeline's facts by date, in order."""
        return self._days.get("", self._make_days)

    def _make_days(self, _: str) -> Days:
        return timeline_days(self.briefing)

    def source_row(self, source: Source) -> SourceRow:
        """The source's row on the sources page."""
        return self._source_rows.get(source.id, self._make_source_row)

    def _make_source_row(self, source_id: str) -> SourceRow:
        b = self.briefing
        source = b.source_by_id[source_id]
        covers = tuple(event.label for event in map(b.site.event, source.covers) if event)
        return SourceRow(
            Link(self.urls.source(source.id), source.title),
            source.outlet,
            DateView.of(source.published),
            source.kind.value,
            len(b.facts_by_source.get(source.id, ())),
            percent(b.coverage.get(source.id, 0.0)),
            covers,
        )

    def layout(
        self,
        url: str,
        title: str,
        description: str = "",
        *,
        search_kind: str = "",
        og_type: str = "article",
        canonical: bool = True,
    ) -> Layout:
        site, urls = self.briefing.site, self.urls
        full = urls.origin + url if urls.origin else ""
        links = self._nav.get("", self._make_nav)
        current = url if any(link.url == url for link in links) else ""
        nav = self._nav_items(current)
        return Layout(
            lang=site.language,
            site_title=site.title,
            title=site.title if title == site.title else f"{title} — {site.title}",
            description=" ".join((description or site.description).split()),
            canonical=(full or url) if canonical else "",
            og_url=full if canonical else "",
            og_type=og_type,
            **self._site_links,
            nav=nav,
            nav_html=self.nav_html(current),
            as_of=self.as_of,
            search_kind=search_kind,
        )

    def nav_html(self, current: str) -> Markup:
        """The navigation whose current page is `current` (`` for none) rendered with
        `_nav.html`, once for each page it lists and once for all the others."""
        return self._nav_html.get(current, self._make_nav_html)

    def _make_nav_html(self, current: str) -> Markup:
        nav = self._nav_items(current)
        search = next(
            (item for item in nav if item.url == self.urls.search()), NavItem("", "", False)
        )
        html = self.cards.env.get_template(NAV_TEMPLATE).render(nav=nav, search=search)
        return Markup(html.strip())

    def _make_nav(self, _: str) -> tuple[Link, ...]:
        return nav_links(self.briefing, self.urls)

    def _nav_items(self, current: str) -> tuple[NavItem, ...]:
        links = self._nav.get("", self._make_nav)
        return tuple(NavItem(link.url, link.text, link.url == current) for link in links)

    def body(self, page: Page) -> Markup:
        """The page's prose; a fact it cites from another event than the main one wears
        its event's badge, unless the page is that event's own (its topic is the event)."""
        if page.topic is None or page.topic not in self.cards.badges:
            return self.markdown.block(page.body, self.inline_cite)
        return self.markdown.block(page.body, lambda fid: self.inline_cite(fid, page.topic))

    def inline_cite(self, fact_id: str, own_event: str | None = None) -> Markup:
        """`[@fact-id]` in prose: the fact's citation marks, numbered with the page's
        references (the fact itself is one step away, from the mark's preview), after its
        event's badge when it is not of the main event nor of `own_event`."""
        if fact_id not in self.briefing.fact_by_id:
            return Markup('<span class="missing-fact">[@{}]</span>').format(fact_id)
        view = self.cards.view(fact_id)
        badge = Markup("")
        if view.event is not None and view.event.id != own_event:
            badge = self.cards.badge(view.event)
        return badge + self.cards.marks(fact_id)


def timeline_order(briefing: Briefing) -> dict[str, int]:
    """Each dated fact's place on the timeline."""
    return {fid: i for i, fid in enumerate(briefing.timeline)}


def chronological(order: Mapping[str, int], fact_ids: Iterable[str]) -> tuple[str, ...]:
    """Dated facts oldest first (`order` from `timeline_order`), then undated ones by id."""
    end = len(order)
    return tuple(sorted(set(fact_ids), key=lambda f: (order.get(f, end), f)))


def nav_links(briefing: Briefing, urls: Urls) -> tuple[Link, ...]:
    """The site's navigation in `site.nav` order; Search is always offered, last if unlisted."""
    links = []
    for slug in (*briefing.site.nav, *(() if "search" in briefing.site.nav else ("search",))):
        page = briefing.page(slug)
        if page is not None:
            links.append(Link(urls.page(slug), page.title))
        elif slug in BUILTIN_TITLES:
            links.append(Link(urls.path(f"{slug}/"), BUILTIN_TITLES[slug]))
    return tuple(links)


def percent(share: float) -> str:
    return f"{share * 100:.1f}\u00a0%"


def timeline_days(briefing: Briefing) -> Days:
    """The timeline's facts by date, in order (what `SiteContext.timeline_days` keeps)."""
    runs: list[tuple[PartialDate | None, list[str]]] = []
    last: PartialDate | None = None
    for fid in briefing.timeline:  # facts of one date are next to each other
        date = briefing.fact_by_id[fid].date
        if runs and date == last:
            runs[-1][1].append(fid)
        else:
            runs.append((date, [fid]))
            last = date
    return [(DateView.of(date), tuple(ids)) for date, ids in runs]

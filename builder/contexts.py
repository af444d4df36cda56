"""Briefing + one page's choice of facts -> the finished data its template shows.

Goes in: a `SiteContext` (briefing, urls, memoised fact cards) and what the plan decided a
page shows. Comes out: `{"layout": Layout, "page": <page view>}`, a tested contract: the
templates only loop over and branch on these fields.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from typing import Any

from markupsafe import Markup, escape

from builder.briefing import Briefing
from builder.cards import Cards, DateView, Link, original_url
from builder.jsonld import fact_jsonld, source_jsonld
from builder.markdown import Markdown
from builder.marks import Span, segment
from builder.model import MONTHS, Actor, DisputeKind, KeyPoint, Page, PartialDate, Source
from builder.pictures import (
    MAX_COLUMNS,
    MAX_DOTS,
    Column,
    Dot,
    Layer,
    layer_diagram,
    timeline_strip,
)
from builder.reads import Memo
from builder.urls import Urls
from builder.views import (
    ActorGroup,
    ActorPage,
    ActorRow,
    ActorsPage,
    AllyPage,
    AllyPosition,
    CitationBlock,
    ContentPage,
    CorrectionView,
    DisputeGroup,
    DisputePair,
    DisputesPage,
    FactDispute,
    FactEntry,
    FactEntryGroup,
    FactGroup,
    FactPage,
    GlancePoint,
    HistoryView,
    HomePage,
    Landing,
    Layout,
    LegendItem,
    Matrix,
    MatrixCell,
    MatrixFact,
    MatrixRow,
    MonthLink,
    NavItem,
    NotFoundPage,
    Passage,
    SearchPage,
    SectionLink,
    SourcePage,
    SourceRow,
    SourcesPage,
    TextSegment,
    TimelineDay,
    TimelinePage,
    TimelineRow,
    TopicPage,
    UndatedGroup,
)

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
STANCE_LABELS = {
    "committed": "Committed",
    "conditional": "Conditional",
    "ruled-out": "Ruled out",
    "offered-other": "Offered other help",
    "unstated": "Unstated",
}
STANCE_WORDS = {
    "committed": "committed",
    "conditional": "conditional",
    "ruled-out": "ruled out",
    "offered-other": "other help",
    "unstated": "unstated",
}
"""The matrix's compact stance words (its legend explains them)."""
STANCE_SYMBOLS = {
    "committed": "●",
    "conditional": "◐",
    "ruled-out": "✕",
    "offered-other": "◇",
    "unstated": "?",
}
NAV_TEMPLATE = "_nav.html"
"""The navigation fragment, rendered once per navigation state and put in every layout."""
KIND_LABELS = {"country": "Countries", "person": "People", "organisation": "Organisations"}
WHAT_CHANGED = 5
TIMELINE_MONTHS_FROM = 500
"""A timeline of more dated facts than this is a page per month, beside a first page with
the strip, the months and the undated facts."""
"""How many of the latest dated facts the home page shows."""

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

    def timeline_days(self) -> list[tuple[DateView | None, tuple[str, ...]]]:
        """The timeline's facts by date, in order."""
        return self._days.get("", self._make_days)

    def _make_days(self, _: str) -> list[tuple[DateView | None, tuple[str, ...]]]:
        b = self.briefing
        runs: list[tuple[PartialDate | None, list[str]]] = []
        last: PartialDate | None = None
        for fid in b.timeline:  # facts of one date are next to each other
            date = b.fact_by_id[fid].date
            if runs and date == last:
                runs[-1][1].append(fid)
            else:
                runs.append((date, [fid]))
                last = date
        return [(DateView.of(date), tuple(ids)) for date, ids in runs]

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
            _percent(b.coverage.get(source.id, 0.0)),
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


def _sections(briefing: Briefing, urls: Urls) -> tuple[SectionLink, ...]:
    sections = []
    for slug in briefing.site.nav:
        page = briefing.page(slug)
        if page is not None:
            sections.append(SectionLink(urls.page(slug), page.title, page.summary))
        elif slug in BUILTIN_TITLES:
            sections.append(
                SectionLink(urls.path(f"{slug}/"), BUILTIN_TITLES[slug], BUILTIN_SUMMARIES[slug])
            )
    return tuple(sections)


def home(
    ctx: SiteContext, *, url: str, key_facts: tuple[str, ...], changed: tuple[str, ...]
) -> Context:
    b = ctx.briefing
    index = b.page("index")
    title = index.title if index else b.site.title
    body = ctx.body(index) if index else Markup()
    page = HomePage(
        title=title,
        body_html=body,
        glance=glance_points(ctx, index.glance) if index else (),
        strip=timeline_strip_of(
            ctx,
            "home-strip",
            "The story at a glance: {how}. The "
            f'<a href="{escape(ctx.urls.timeline())}">timeline</a> gives the same facts as text.',
        ),
        description=(index.summary if index and index.summary else b.site.description),
        as_of=ctx.as_of,
        key_facts=ctx.cards.cards(key_facts),
        changed=ctx.cards.cards(tuple(f for f in changed if f not in key_facts)),
        sections=_sections(b, ctx.urls),
    )
    return {"layout": ctx.layout(url, title, page.description, og_type="website"), "page": page}


def glance_points(ctx: SiteContext, points: tuple[KeyPoint, ...]) -> tuple[GlancePoint, ...]:
    """Key points ("At a glance", a diagram's boxes), each followed by its facts' marks."""
    return tuple(
        GlancePoint(
            point.label,
            ctx.markdown.inline(point.text),
            Markup("").join(
                ctx.cards.marks(f) for f in point.facts if f in ctx.briefing.fact_by_id
            ),
        )
        for point in points
    )


def content_page(
    ctx: SiteContext,
    *,
    url: str,
    slug: str,
    key_facts: tuple[str, ...],
    topic_facts: tuple[str, ...],
    group_by_actor: bool,
    allies: tuple[str, ...],
) -> Context:
    b = ctx.briefing
    page = b.page(slug)
    assert page is not None
    topic = b.topic_by_id.get(page.topic or "")
    topic_facts = tuple(f for f in topic_facts if f not in key_facts)  # each card once
    if group_by_actor:
        groups = _group_by_actor(ctx, topic_facts)
    elif topic_facts:
        groups = (FactGroup("", "", None, ctx.cards.cards(topic_facts)),)
    else:
        groups = ()
    view = ContentPage(
        slug=slug,
        title=page.title,
        summary=page.summary,
        body_html=ctx.body(page),
        key_facts=ctx.cards.cards(key_facts),
        matrix=_matrix(ctx, allies) if allies else None,
        diagram=layer_diagram(
            tuple(
                Layer(
                    point.label,
                    point.text,
                    tuple(
                        Dot(ctx.fact_link(f).url, ctx.fact_link(f).text)
                        for f in point.facts
                        if f in b.fact_by_id
                    ),
                )
                for point in page.diagram
            ),
            Markup(
                "The planned force, layer by layer: each dot links to a fact the box "
                "rests on. The same boxes as text, with references, follow the picture."
            ),
            "force-layers",
        )
        if page.diagram
        else Markup(""),
        diagram_points=glance_points(ctx, page.diagram),
        topic_title=topic.title if topic else "",
        topic_groups=groups,
    )
    return {"layout": ctx.layout(url, page.title, page.summary, search_kind="Page"), "page": view}


def _group_by_actor(ctx: SiteContext, fact_ids: tuple[str, ...]) -> tuple[FactGroup, ...]:
    """Facts under the actor who said or did them (their first actor), actors by name."""
    b = ctx.briefing
    groups: dict[str, list[str]] = {}
    for fid in fact_ids:
        actors = b.fact_by_id[fid].actors
        groups.setdefault(actors[0] if actors else "", []).append(fid)

    def name(actor_id: str) -> str:
        actor = b.actor_by_id.get(actor_id)
        return actor.name if actor else "Unattributed"

    return tuple(
        FactGroup(
            name(aid),
            ctx.urls.actor(aid) if aid in b.actor_by_id else "",
            None,
            ctx.cards.cards(tuple(fids)),
        )
        for aid, fids in sorted(groups.items(), key=lambda kv: (kv[0] == "", name(kv[0])))
    )


def _matrix(ctx: SiteContext, allies: tuple[str, ...]) -> Matrix:
    b, urls = ctx.briefing, ctx.urls
    rows = []
    for actor_id in matrix_rows(b, allies):
        actor = b.actor_by_id[actor_id]
        by_issue = {p.issue: p for p in actor.positions}
        cells = []
        for issue in b.site.issues:
            pos = by_issue.get(issue.id)
            if pos is None:
                cells.append(MatrixCell("none", "", "no fact", "", ()))
                continue
            facts = tuple(
                MatrixFact(
                    urls.fact(fid),
                    f"fact {n}",
                    f"{actor.name}, {issue.title}: ",
                    ctx.cards.view(fid).event,
                )
                for n, fid in enumerate(pos.facts, start=1)
            )
            stance = pos.stance.value
            cells.append(
                MatrixCell(stance, STANCE_SYMBOLS[stance], STANCE_WORDS[stance], pos.note, facts)
            )
        rows.append(MatrixRow(Link(urls.ally(actor.id), actor.name), tuple(cells)))
    legend = tuple(LegendItem(s, STANCE_SYMBOLS[s], STANCE_WORDS[s]) for s in STANCE_WORDS)
    return Matrix(tuple(i.title for i in b.site.issues), tuple(rows), legend)


def matrix_rows(briefing: Briefing, allies: tuple[str, ...]) -> tuple[str, ...]:
    """The matrix's allies: those `site.matrix_order` names first, in its order (lead
    nations, then the US), then the others by name."""
    first = [a for a in briefing.site.matrix_order if a in allies]
    rest = sorted(
        (a for a in allies if a not in first),
        key=lambda a: (briefing.actor_by_id[a].name.casefold(), a),
    )
    return (*first, *rest)


def topic_page(ctx: SiteContext, *, url: str, topic_id: str, facts: tuple[str, ...]) -> Context:
    topic = ctx.briefing.topic_by_id[topic_id]
    view = TopicPage(topic.title, topic.summary, ctx.cards.cards(facts))
    layout = ctx.layout(url, topic.title, topic.summary, search_kind="Topic")
    return {"layout": layout, "page": view}


def _positions(ctx: SiteContext, actor: Actor) -> tuple[AllyPosition, ...]:
    by_issue = {p.issue: p for p in actor.positions}
    out = []
    for issue in ctx.briefing.site.issues:
        pos = by_issue.get(issue.id)
        if pos is None:
            out.append(AllyPosition(issue.title, "none", "no fact", "", ()))
        else:
            out.append(
                AllyPosition(
                    issue.title,
                    pos.stance.value,
                    STANCE_LABELS[pos.stance.value],
                    pos.note,
                    ctx.cards.cards(pos.facts),
                )
            )
    return tuple(out)


def ally_page(ctx: SiteContext, *, url: str, actor_id: str) -> Context:
    actor = ctx.briefing.actor_by_id[actor_id]
    title = f"{actor.name}: positions"
    by_issue = {p.issue: p for p in actor.positions}
    positions: list[AllyPosition] = []
    unstated: list[str] = []
    shown: set[str] = set()
    for issue in ctx.briefing.site.issues:
        pos = by_issue.get(issue.id)
        if pos is None:
            unstated.append(issue.title)
            continue
        new = tuple(f for f in pos.facts if f not in shown)
        shown.update(new)
        positions.append(
            AllyPosition(
                issue.title,
                pos.stance.value,
                STANCE_LABELS[pos.stance.value],
                pos.note,
                ctx.cards.cards(new),
                tuple(ctx.fact_link(f) for f in pos.facts if f not in new),
            )
        )
    view = AllyPage(
        title, Link(ctx.urls.actor(actor.id), actor.name), tuple(positions), tuple(unstated)
    )
    description = f"Where {actor.name} stands on each issue, with the facts behind it."
    return {"layout": ctx.layout(url, title, description, search_kind="Ally"), "page": view}


def timeline_page(ctx: SiteContext, *, url: str, month: str = "") -> Context:
    """The timeline: every dated fact, one line each, and the undated ones by event; when it
    is a page per month, the first page (no `month`) or that `month`'s page."""
    b = ctx.briefing
    key_ids = key_facts(b)
    months = timeline_months(b)
    days = tuple(
        TimelineDay(day, f"d-{day.iso}", tuple(timeline_row(ctx, f, key_ids) for f in fact_ids))
        for day, fact_ids in ctx.timeline_days()
        if day is not None and (day.iso[:7] == month if months else True)
    )
    links = tuple(
        MonthLink(ctx.urls.timeline_month(m), month_name(m), _facts(len(fids)), m == month)
        for m, fids in months
    )
    title = f"Timeline: {month_name(month)}" if month else "Timeline"
    if month:
        view = TimelinePage(
            title, Markup(""), days, (), links, month_name(month), ctx.urls.timeline()
        )
        summary = f"Every dated fact of {month_name(month)}, oldest first, one line each."
        return {"layout": ctx.layout(url, title, summary), "page": view}
    undated = tuple(
        UndatedGroup(label, f"undated-{key}", tuple(timeline_row(ctx, f, key_ids) for f in fids))
        for key, label, fids in undated_by_event(b)
    )
    strip = timeline_strip_of(
        ctx,
        "timeline-strip",
        "The timeline at a glance: {how}. "
        + (
            "Each month's page gives the same facts as text."
            if months
            else "The chronology below gives the same facts as text."
        ),
    )
    view = TimelinePage(title, strip, () if months else days, undated, links)
    return {"layout": ctx.layout(url, view.title, BUILTIN_SUMMARIES["timeline"]), "page": view}


def timeline_months(briefing: Briefing) -> list[tuple[str, tuple[str, ...]]]:
    """A timeline too long for one page, by month (`2026-01`, its facts in order); empty
    when it fits on one page."""
    if len(briefing.timeline) <= TIMELINE_MONTHS_FROM:
        return []
    months: dict[str, list[str]] = {}
    for fid in briefing.timeline:
        date = briefing.fact_by_id[fid].date
        if date is not None:
            months.setdefault(f"{date.year:04d}-{date.month:02d}", []).append(fid)
    return [(m, tuple(fids)) for m, fids in months.items()]


def timeline_strip_of(ctx: SiteContext, figure_id: str, caption: str) -> Markup:
    """The timeline strip: each undated event (a topic none of whose facts is dated, such
    as the earlier summit) as a labelled block first, then every dated day in order. A
    day (or event) of too many facts to draw is one bar; too many days, a column per
    month. `caption` says where the same facts are given as text: `{how}` in it becomes
    what a mark stands for."""
    b = ctx.briefing
    key = key_facts(b)

    def dot(fact_id: str) -> Dot:
        link = ctx.fact_link(fact_id)
        return Dot(link.url, link.text, fact_id in key)

    def column(label: str, url: str, fids: tuple[str, ...], dated: bool = True) -> Column:
        if len(fids) > MAX_DOTS:
            return Column(label, url, (), dated, count=len(fids))
        return Column(label, url, tuple(map(dot, fids)), dated)

    columns = [
        column(label, ctx.cards.topic(fids[0]).url, fids, dated=False)
        for label, fids in undated_events(b)
    ]
    paged = bool(timeline_months(b))

    def where(iso: str, *, day: bool = True) -> str:
        """The date's place on the timeline: its day, or (`day=False`) its month's page."""
        page = ctx.urls.timeline_month(iso[:7]) if paged else ctx.urls.timeline()
        return f"{page}#d-{iso}" if day else page

    days = [(day, fids) for day, fids in ctx.timeline_days() if day is not None]
    by_month = len(days) > MAX_COLUMNS
    if by_month:  # a column per month, linking to its first day on the timeline
        months: dict[str, tuple[str, list[str]]] = {}
        for day, fids in days:
            month = months.setdefault(day.iso[:7], (day.iso, []))
            month[1].extend(fids)
        columns.extend(
            column(
                month_name(month), where(month, day=False) if paged else where(first), tuple(fids)
            )
            for month, (first, fids) in months.items()
        )
    else:
        columns.extend(column(day.human, where(day.iso), fids) for day, fids in days)
    dots = "one dot per fact (larger: a key fact), each a link to the fact"
    if any(c.count for c in columns):
        unit = "month" if by_month else "day"
        target = "that month's page" if paged and by_month else "them on the timeline"
        how = f"one bar per {unit}, as long as its number of facts, each a link to {target}"
        if any(c.dots for c in columns):
            how += f"; elsewhere {dots}"
    else:
        how = dots
    undated = [c.label for c in columns if not c.dated]
    if undated:  # e.g. an earlier summit: before the dated days, in a dashed box
        names = " and ".join(f"“{escape(label)}”" for label in undated)
        events = "event" if len(undated) == 1 else "events"
        verb = "comes" if len(undated) == 1 else "come"
        how += f"; the undated {events} {names} {verb} first, in a dashed box"
    return timeline_strip(tuple(columns), Markup(caption.replace("{how}", how)), figure_id)


def _facts(count: int) -> str:
    return f"{count:,} fact{'s' if count != 1 else ''}"


def month_name(iso_month: str) -> str:
    """`2026-01` -> `January 2026`."""
    year, month = iso_month.split("-")
    return f"{MONTHS[int(month) - 1]} {year}"


def undated_events(briefing: Briefing) -> list[tuple[str, tuple[str, ...]]]:
    """Each undated event, its label and facts: an event besides the briefing's main one
    (such as the earlier summit) none of whose facts is dated, in the site's order."""
    return [
        (label, fids)
        for event_id, label, fids in undated_by_event(briefing)
        if event_id != briefing.site.main_event
        and len(fids) == len(_facts_of_event(briefing, event_id))
    ]


def _facts_of_event(briefing: Briefing, event_id: str) -> list[str]:
    return [f.id for f in briefing.facts if f.event == event_id]


def undated_by_event(briefing: Briefing) -> list[tuple[str, str, tuple[str, ...]]]:
    """The undated facts by event (id, label, facts), events in the site's order; by topic
    when the site declares no events."""
    groups: dict[str, list[str]] = {}
    for fid in briefing.undated:
        fact = briefing.fact_by_id[fid]
        groups.setdefault(fact.event or fact.topic, []).append(fid)
    if briefing.site.events:
        named = [(e.id, e.label) for e in briefing.site.events]
    else:
        named = [(t.id, t.title) for t in briefing.site.topics]
    return [(key, label, tuple(sorted(groups[key]))) for key, label in named if key in groups]


def key_facts(briefing: Briefing) -> frozenset[str]:
    """The briefing's key facts: the home page's, and those its key points rest on."""
    index = briefing.page("index")
    if index is None:
        return frozenset()
    return frozenset((*index.facts, *(f for point in index.glance for f in point.facts)))


def timeline_row(ctx: SiteContext, fact_id: str, key: AbstractSet[str]) -> TimelineRow:
    """A fact as one line of the chronology; another account's differing date inline."""
    view = ctx.cards.view(fact_id)
    fact = ctx.briefing.fact_by_id[fact_id]
    others = []
    for dispute in ctx.briefing.disputes_of.get(fact_id, ()):
        other = ctx.briefing.fact_by_id.get(dispute.fact)
        if (
            other is not None
            and other.date is not None
            and fact.date is not None
            and other.date != fact.date
        ):
            others.append(Link(ctx.urls.fact(other.id), other.date.human()))
    return TimelineRow(
        view.url,
        view.claim_html,
        view.actors,
        ctx.cards.marks(fact_id),
        fact_id in key,
        tuple(others),
        ctx.cards.badge_of(fact_id),
    )


def actors_page(ctx: SiteContext, *, url: str) -> Context:
    b = ctx.briefing
    groups = []
    for kind, title in KIND_LABELS.items():
        rows = tuple(
            ActorRow(
                Link(ctx.urls.actor(a.id), a.name), a.role, len(b.facts_by_actor.get(a.id, ()))
            )
            for a in sorted(b.actors, key=lambda a: (a.name.casefold(), a.id))
            if a.kind.value == kind
        )
        if rows:
            groups.append(ActorGroup(title, rows))
    view = ActorsPage("Actors", tuple(groups))
    return {"layout": ctx.layout(url, view.title, BUILTIN_SUMMARIES["actors"]), "page": view}


def actor_page(ctx: SiteContext, *, url: str, actor_id: str, facts: tuple[str, ...]) -> Context:
    b, urls = ctx.briefing, ctx.urls
    actor = b.actor_by_id[actor_id]
    country = b.actor_by_id.get(actor.country or "")
    view = ActorPage(
        title=actor.name,
        kind=actor.kind.value,
        role=actor.role,
        aliases=actor.aliases,
        country=Link(urls.actor(country.id), country.name) if country else None,
        ally_url=urls.ally(actor.id) if actor.positions else "",
        positions=_positions(ctx, actor) if actor.positions else (),
        facts=ctx.cards.cards(facts),
    )
    description = actor.role or f"Facts about {actor.name}."
    return {"layout": ctx.layout(url, actor.name, description, search_kind="Actor"), "page": view}


def sources_page(ctx: SiteContext, *, url: str) -> Context:
    view = SourcesPage(
        "Sources", tuple(map(ctx.source_row, ctx.briefing.sources)), bool(ctx.briefing.site.events)
    )
    return {"layout": ctx.layout(url, view.title, BUILTIN_SUMMARIES["sources"]), "page": view}


def source_page(ctx: SiteContext, *, url: str, source_id: str) -> Context:
    b = ctx.briefing
    source = b.source_by_id[source_id]
    fact_ids = b.facts_by_source.get(source_id, ())
    links = {fid: ctx.fact_link(fid) for fid in fact_ids}
    # A source's page shows some forty passages of a big briefing's sources, each once in
    # the list and once marked in the text: positional arguments and local names, as the
    # fact cards have them.
    passage_url = ctx.cards.source_links(source_id).passage_url
    citation = ctx.urls.citation
    fact_by_id = b.fact_by_id
    badges = ctx.cards.badges
    passages: list[Passage] = []
    spans: list[Span] = []
    for fid in fact_ids:
        link = links[fid]
        for cit in fact_by_id[fid].citations:
            if cit.source == source_id:
                anchor = cit.anchor
                spans.append(Span(cit.start, cit.end, anchor))
                passages.append(
                    Passage(
                        anchor,
                        citation(source_id, anchor),
                        fid,
                        link,
                        cit.number,
                        cit.passage,
                        passage_url(cit.passage),
                        badges.get(fact_by_id[fid].event),
                    )
                )
    in_text_order = sorted(range(len(spans)), key=lambda i: spans[i].start)  # stable
    fact_of = {p.anchor: p.fact for p in passages}
    same_words: dict[tuple[int, int], list[Link]] = {}  # facts quoting the very same words
    for span, passage in zip(spans, passages, strict=True):
        same_words.setdefault((span.start, span.end), []).append(passage.fact)
    supports = {
        span.anchor: tuple(dict.fromkeys(same_words[(span.start, span.end)])) for span in spans
    }
    view = SourcePage(
        title=source.title,
        outlet=source.outlet,
        published=DateView.of(source.published),
        kind=source.kind.value,
        file=source.file,
        url=original_url(source),
        cites=source.cites,
        strand=source.strand,
        notes=source.notes,
        coverage=_percent(b.coverage.get(source_id, 0.0)),
        facts=tuple(links.values()),
        passages=tuple([passages[i] for i in in_text_order]),
        text=tuple(
            [
                TextSegment(
                    seg.text,
                    bool(seg.covering),
                    len(seg.covering) > 1,
                    seg.starting,
                    tuple([fact_of[a] for a in seg.ending]) if seg.ending else (),
                    " ".join(seg.covering),
                    tuple([Landing(a, supports[a]) for a in seg.starting]),
                )
                for seg in segment(source.text, spans)
            ]
        ),
        jsonld=source_jsonld(b, ctx.urls, source_id),
        sha256=source.sha256,
        archived=DateView.of(source.archived),
        self_url=ctx.urls.absolute(f"sources/{source_id}/") if ctx.urls.origin else url,
    )
    description = f"{source.title} ({source.outlet}): the archived text with cited passages."
    layout = ctx.layout(url, source.title, description, search_kind="Source")
    return {"layout": layout, "page": view}


def fact_page(
    ctx: SiteContext, *, url: str, fact_id: str, appearances: tuple[Link, ...]
) -> Context:
    view = ctx.cards.view(fact_id)
    citations = tuple(
        CitationBlock(c.number, c.url, c.source, c.passage, c.original_url) for c in view.cites
    )
    disputes = tuple(
        FactDispute(d.note, ctx.cards.bare_card(d.fact_id), d.kind, d.heading)
        for d in view.disputes
    )
    page = FactPage(
        title=view.claim_text,
        claim_html=view.claim_html,
        marks=ctx.cards.marks(fact_id),
        date=view.date,
        actors=view.actors,
        status=view.status_label,
        corroboration=view.corroboration,
        topic=ctx.cards.topic(fact_id),
        citations=citations,
        disputes=disputes,
        appearances=tuple(dict.fromkeys(appearances)),
        event=view.event,
        jsonld=fact_jsonld(ctx.briefing, ctx.urls, fact_id, view.claim_text),
        **fact_record(ctx.briefing, fact_id),
    )
    return {
        "layout": ctx.layout(url, view.claim_text, view.claim_text, search_kind="Fact"),
        "page": page,
    }


def fact_record(briefing: Briefing, fact_id: str) -> dict[str, Any]:
    """A fact page's record of changes: its corrections and its history."""
    fact = briefing.fact_by_id[fact_id]
    known = briefing.history.get(fact_id)
    history = (
        None
        if known is None
        else HistoryView(
            DateView(known.first_published.iso(), known.first_published.human()),
            DateView(known.last_changed.iso(), known.last_changed.human()),
            known.last_changed != known.first_published,
        )
    )
    return {
        "corrections": tuple(
            CorrectionView(DateView(c.date.iso(), c.date.human()), c.what, c.why)
            for c in fact.corrections
        ),
        "history": history,
    }


DISPUTE_GROUPS = {
    DisputeKind.CONTRADICTS: (
        "Sources contradict each other",
        "The sources assert incompatible things: both facts are marked disputed.",
    ),
    DisputeKind.DIFFERS: (
        "Reported differently",
        "The same thing reported with different words, numbers or dates. Neither account "
        "denies the other; the difference is worth knowing.",
    ),
    DisputeKind.INCONSISTENT: (
        "A source at odds with itself",
        "One document gives two incompatible versions of the same thing.",
    ),
}
"""Each kind of dispute's heading and explanation on the disputes page, in its order."""


def disputes_page(ctx: SiteContext, *, url: str) -> Context:
    """Each pair of facts once, grouped by kind: the notes either side gave (each once),
    then both facts as cards without their dispute notes."""
    b = ctx.briefing
    notes: dict[tuple[str, str], dict[str, None]] = {}
    kinds: dict[tuple[str, str], set[DisputeKind]] = {}
    for fid, disputes in b.disputes_of.items():
        for d in disputes:
            left, right = sorted((fid, d.fact))
            if left in b.fact_by_id and right in b.fact_by_id:
                notes.setdefault((left, right), {})[d.note] = None
                kinds.setdefault((left, right), set()).add(d.kind)
    shown: set[str] = set()

    def side(fact_id: str) -> Markup:
        """The fact's card, or a link to it when an earlier pair shows its card."""
        if fact_id in shown:
            link = ctx.fact_link(fact_id)
            return Markup('<p class="fact-again">Shown above: <a href="{}">{}</a></p>').format(
                link.url, link.text
            )
        shown.add(fact_id)
        return ctx.cards.bare_card(fact_id)

    order = list(DISPUTE_GROUPS)
    groups = []
    for kind, (title, explanation) in DISPUTE_GROUPS.items():
        # A pair whose two sides name different kinds is shown once, under the first of them.
        pairs = tuple(
            DisputePair(tuple(sorted(found)), (side(left), side(right)))
            for (left, right), found in sorted(notes.items())
            if min(kinds[left, right], key=order.index) is kind
        )
        if pairs:
            groups.append(DisputeGroup(kind.value, title, explanation, pairs))
    view = DisputesPage("Disputes", tuple(groups))
    return {"layout": ctx.layout(url, view.title, BUILTIN_SUMMARIES["disputes"]), "page": view}


def search_page(ctx: SiteContext, *, url: str) -> Context:
    b, urls = ctx.briefing, ctx.urls
    view = SearchPage(
        title="Search",
        script_url=urls.static("search.js"),
        fact_groups=tuple(
            FactEntryGroup(
                topic.title,
                tuple(
                    FactEntry(link, ctx.cards.badges.get(b.fact_by_id[fid].event))
                    for link, fid in zip(
                        ctx.topic_links(topic.id), ctx.topic_facts(topic.id), strict=True
                    )
                ),
            )
            for topic in b.site.topics
            if b.facts_by_topic.get(topic.id)
        ),
        actors=tuple(
            Link(urls.actor(a.id), a.name)
            for a in sorted(b.actors, key=lambda a: (a.name.casefold(), a.id))
        ),
        sources=tuple(Link(urls.source(s.id), s.title) for s in b.sources),
    )
    return {"layout": ctx.layout(url, view.title, BUILTIN_SUMMARIES["search"]), "page": view}


def not_found_page(ctx: SiteContext, *, url: str) -> Context:
    links = (Link(ctx.urls.home(), "Home"), *nav_links(ctx.briefing, ctx.urls))
    view = NotFoundPage("Page not found", links)
    return {"layout": ctx.layout(url, view.title, canonical=False), "page": view}


def _percent(share: float) -> str:
    return f"{share * 100:.1f}\u00a0%"

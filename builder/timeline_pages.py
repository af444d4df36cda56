"""The timeline's data: the chronology by day (a page per month when it is long), undated
facts by event, and the strip of dots (or bars) that the home page shows too.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet

from markupsafe import Markup, escape

from builder.briefing import Briefing
from builder.cards import Link
from builder.model import MONTHS
from builder.pictures import MAX_COLUMNS, MAX_DOTS, Column, Dot, timeline_strip
from builder.site_context import BUILTIN_SUMMARIES, Context, Days, SiteContext
from builder.views import MonthLink, TimelineDay, TimelinePage, TimelineRow, UndatedGroup

TIMELINE_MONTHS_FROM = 500
"""A timeline of more dated facts than this is a page per month, beside a first page with
the strip, the months and the undated facts."""


def timeline_page(ctx: SiteContext, *, url: str, month: str = "") -> Context:
    """The timeline: every dated fact, one line each, and the undated ones by event; when it
    is a page per month, the first page (no `month`) or that `month`'s page."""
    b = ctx.briefing
    key_ids = key_facts(b)
    months = timeline_months(ctx.timeline_days())
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


def timeline_months(days: Days) -> list[tuple[str, tuple[str, ...]]]:
    """A timeline too long for one page, by month (`2026-01`, its facts in order); empty
    when it fits on one page. From the facts by day (`timeline_days`), not fact by fact:
    a page of the preview records every fact it reads."""
    if sum(len(fids) for _, fids in days) <= TIMELINE_MONTHS_FROM:
        return []
    months: dict[str, list[str]] = {}
    for day, fids in days:
        if day is not None:
            months.setdefault(day.iso[:7], []).extend(fids)
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
    paged = bool(timeline_months(ctx.timeline_days()))

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

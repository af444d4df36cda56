"""The actors' list and each actor's page (its facts, and its stances when it is an ally);
a page's facts grouped under the actor who said or did them.
"""

from __future__ import annotations

from builder.allies import ally_positions
from builder.cards import Link
from builder.site_context import BUILTIN_SUMMARIES, Context, SiteContext
from builder.views import ActorGroup, ActorPage, ActorRow, ActorsPage, FactGroup

KIND_LABELS = {"country": "Countries", "person": "People", "organisation": "Organisations"}


def actor_groups(ctx: SiteContext, fact_ids: tuple[str, ...]) -> tuple[FactGroup, ...]:
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
        positions=ally_positions(ctx, actor) if actor.positions else (),
        facts=ctx.cards.cards(facts),
    )
    description = actor.role or f"Facts about {actor.name}."
    return {"layout": ctx.layout(url, actor.name, description, search_kind="Actor"), "page": view}

"""The allies' positions: the matrix of stances by issue, and each ally's page, every
stance with the facts behind it.
"""

from __future__ import annotations

from builder.briefing import Briefing
from builder.cards import Link
from builder.model import Actor
from builder.site_context import Context, SiteContext
from builder.views import (
    AllyPage,
    AllyPosition,
    LegendItem,
    Matrix,
    MatrixCell,
    MatrixFact,
    MatrixRow,
)

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


def position_matrix(ctx: SiteContext, allies: tuple[str, ...]) -> Matrix:
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
                    ctx.cards.badge_of(fid),
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


def ally_positions(ctx: SiteContext, actor: Actor) -> tuple[AllyPosition, ...]:
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

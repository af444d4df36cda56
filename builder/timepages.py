"""The pages of a briefing over time: every correction, the page left at a withdrawn id's URL,
the redirect at an old id's URL, and the review page of what a change does.

Goes in: the briefing (its withdrawn ids, old ids and corrections) and, for a review build,
the `ChangeSet` against the base revision. Comes out: page specs the plan adds, and the
template contexts of those pages.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from builder.briefing import Briefing
from builder.cards import DateView, Link
from builder.changes import ChangeSet
from builder.model import PartialDate
from builder.site_context import SiteContext

Context = Mapping[str, Any]
PageSpec = tuple[str, str, str, Callable[..., Context], dict[str, Any]]
"""(path relative to the site, title, template, context builder, its keyword arguments)."""

FOLDERS = {"fact": "facts", "actor": "actors", "source": "sources"}
KIND_NAMES = {"fact": "fact", "actor": "actor", "source": "source"}
TEMPLATES = ("withdrawn.html", "redirect.html", "changes.html")
"""Pages left out of the sitemap: tombstones, redirects and the review page."""


def _date(date: PartialDate) -> DateView:
    return DateView(date.iso(), date.human())


def page_specs(
    briefing: Briefing, review: ChangeSet | None = None, base: str = ""
) -> list[PageSpec]:
    """Every page of this module the site has: `/corrections/` always, a page per withdrawn
    or old id, and `/changes/` when built for review against `base`."""
    specs: list[PageSpec] = [
        ("corrections/", "Corrections", "corrections.html", corrections_page, {})
    ]
    for gone in briefing.withdrawn:
        specs.append(
            (
                f"{FOLDERS[gone.kind]}/{gone.id}/",
                f"Withdrawn {gone.kind}: {gone.id}",
                "withdrawn.html",
                withdrawn_page,
                {"kind": gone.kind, "ident": gone.id},
            )
        )
    for kind, old, new in briefing.redirects():
        specs.append(
            (
                f"{FOLDERS[kind]}/{old}/",
                f"Moved: {old}",
                "redirect.html",
                redirect_page,
                {"kind": kind, "old": old, "new": new},
            )
        )
    if review is not None:
        specs.append(
            (
                "changes/",
                "Changes for review",
                "changes.html",
                changes_page,
                {"review": review, "base": base},
            )
        )
    return specs


@dataclass(frozen=True, slots=True)
class CorrectionRow:
    date: DateView
    fact: Link
    what: str
    why: str


@dataclass(frozen=True, slots=True)
class CorrectionsPage:
    title: str
    rows: tuple[CorrectionRow, ...]
    """Newest first."""


def corrections_page(ctx: SiteContext, *, url: str) -> Context:
    b = ctx.briefing
    found = [(c.date.iso(), fact.id, c) for fact in b.facts for c in fact.corrections]
    rows = tuple(
        CorrectionRow(_date(c.date), ctx.fact_link(fid), c.what, c.why)
        for _, fid, c in sorted(found, key=lambda row: (row[0], row[1]), reverse=True)
    )
    return {
        "layout": ctx.layout(
            url,
            "Corrections",
            "Every correction made to a published fact: when, what changed, and why.",
        ),
        "page": CorrectionsPage("Corrections", rows),
    }


@dataclass(frozen=True, slots=True)
class WithdrawnPage:
    title: str
    kind: str
    ident: str
    date: DateView
    reason: str
    was: str
    """What the page was (a claim, a name, a headline); may be empty."""
    corrections_url: str


def withdrawn_page(ctx: SiteContext, *, url: str, kind: str, ident: str) -> Context:
    gone = next(w for w in ctx.briefing.withdrawn if (w.kind, w.id) == (kind, ident))
    title = f"This {KIND_NAMES[kind]} was withdrawn"
    page = WithdrawnPage(
        title, kind, ident, _date(gone.date), gone.reason, gone.title, ctx.urls.path("corrections/")
    )
    return {
        "layout": ctx.layout(url, title, f"Withdrawn on {gone.date.human()}: {gone.reason}"),
        "page": page,
    }


@dataclass(frozen=True, slots=True)
class RedirectPage:
    title: str
    kind: str
    old: str
    target: Link
    canonical: str
    """The successor's full URL (or site path): the page's `rel=canonical`."""


def redirect_page(ctx: SiteContext, *, url: str, kind: str, old: str, new: str) -> Context:
    urls = ctx.urls
    target_url = urls.path(f"{FOLDERS[kind]}/{new}/")
    b = ctx.briefing
    text = (
        ctx.cards.view(new).claim_text
        if kind == "fact"
        else b.actor_by_id[new].name
        if kind == "actor"
        else b.source_by_id[new].title
    )
    title = f"This {KIND_NAMES[kind]} has moved"
    page = RedirectPage(
        title,
        kind,
        old,
        Link(target_url, text),
        urls.origin + target_url if urls.origin else target_url,
    )
    return {
        "layout": ctx.layout(url, title, f"Moved to {target_url}", canonical=False),
        "page": page,
    }


@dataclass(frozen=True, slots=True)
class ChangedFact:
    fact: Link
    fields: str
    old_claim: Markup
    new_claim: Markup
    citations_added: tuple[str, ...]
    citations_removed: tuple[str, ...]
    corrections: tuple[str, ...]
    """New correction notes, `date: what (why)`; empty when none was added."""
    minor: bool


@dataclass(frozen=True, slots=True)
class ChangesPage:
    title: str
    base: str
    added: tuple[Link, ...]
    changed: tuple[ChangedFact, ...]
    withdrawn: tuple[tuple[str, Link, str], ...]
    """(kind, link to the page left at its URL, `date: reason`)."""
    renamed: tuple[tuple[str, str, Link], ...]
    lost: tuple[str, ...]
    """`kind id` of published ids that would lose their page."""


def changes_page(ctx: SiteContext, *, url: str, review: ChangeSet, base: str) -> Context:
    urls, md = ctx.urls, ctx.markdown
    changed = tuple(
        ChangedFact(
            ctx.fact_link(c.new.id),
            ", ".join(c.fields),
            md.inline(c.old.claim),
            md.inline(c.new.claim),
            tuple(f"{s}: “{q}”" for s, q in c.citations_added),
            tuple(f"{s}: “{q}”" for s, q in c.citations_removed),
            tuple(f"{d}: {what} ({why})" for d, what, why in c.new_corrections),
            c.new.minor,
        )
        for c in review.changed
    )
    view = ChangesPage(
        title="Changes for review",
        base=base,
        added=tuple(ctx.fact_link(f.id) for f in review.added),
        changed=changed,
        withdrawn=tuple(
            (w.kind, Link(urls.path(f"{FOLDERS[w.kind]}/{w.id}/"), w.id), f"{w.date}: {w.reason}")
            for w in review.withdrawn
        ),
        renamed=tuple(
            (kind, old, Link(urls.path(f"{FOLDERS[kind]}/{new}/"), new))
            for kind, old, new in review.renamed
        ),
        lost=tuple(f"{kind} {ident}" for kind, ident in review.lost),
    )
    return {
        "layout": ctx.layout(
            url, view.title, f"What this change does to the briefing published at {base}."
        ),
        "page": view,
    }

"""Raw records -> the typed `Briefing`, or every problem found (never just the first).

Goes in: a `RawProject` from `load`. Comes out: a `Briefing` (when there is no error) and
the list of `Problem`s, warnings included. Every problem names the file, line, column and
field, says what was expected, and how to fix it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from builder.briefing import Briefing
from builder.check_actors import check_actors, check_countries
from builder.check_context import fact_context
from builder.check_pages import check_page
from builder.check_refs import check_refs
from builder.check_site import check_site
from builder.check_sources import check_sources
from builder.check_withdrawn import check_retired, check_withdrawn
from builder.disputes import settle_statuses
from builder.errors import Problem
from builder.events import settle_events
from builder.fact_files import FactFile, Spread, check_fact_files
from builder.fold import broken_files, fold
from builder.load import ParseCache, RawProject
from builder.model import Fact, Site
from builder.pinning import check_pins
from builder.records import State, define


def validate(
    project: RawProject, *, cache: ParseCache | None = None, spread: Spread | None = None
) -> tuple[Briefing | None, list[Problem]]:
    """Check everything; return the Briefing when there is no error, and all problems.

    Each fact file is parsed and checked on its own against the sources (`check_fact_file`),
    by `spread` when given; with a `cache`, a file whose text and sources did not change is
    not checked again. Ids and references across files are checked afterwards, here."""
    state = State(problems=list(project.problems))
    site = check_site(project.site, state)
    sources, actors = project.sources, project.actors
    _stage(
        "sources",
        (sources.path, sources.node, tuple(project.seeds.items())),
        lambda fresh: check_sources(sources, project.seeds, fresh),
        state,
        cache,
    )
    _stage(
        "actors",
        (actors.path, actors.node),
        lambda fresh: check_actors(actors, fresh),
        state,
        cache,
    )
    context = fact_context(state, cache)
    units = check_fact_files(project.facts, context, cache, spread)
    for unit in units:
        state.problems.extend(unit.problems)
        state.refs.extend(unit.refs)
        for fid, line, column, fact in unit.defined:
            # An invalid fact still claims its id, so references to it are not reported twice.
            if define(state, "fact", fid, unit.path, line, column) and fact is not None:
                state.facts[fid] = fact
    pages = [p for p in (check_page(raw, state) for raw in project.pages) if p is not None]
    check_refs(state, site, pages)
    check_countries(project.actors.path, state)
    withdrawn = check_withdrawn(project.withdrawn, state) if project.withdrawn is not None else []
    check_retired(state, withdrawn, project.withdrawn)
    state.problems.extend(check_pins(project))
    facts = _settle(state, site)
    state.problems = _folded(state.problems, project, units)
    errors = any(p.is_error for p in state.problems)
    if errors or site is None:
        return None, state.problems
    # The preview's last briefing lends its indexes to this one where they are the same.
    previous = cache.made("briefing", None) if cache is not None else None
    briefing = Briefing.assemble(
        site,
        state.sources.values(),
        state.actors.values(),
        facts,
        pages,
        previous=previous if isinstance(previous, Briefing) else None,
    )
    if withdrawn:
        briefing = replace(briefing, withdrawn=tuple(withdrawn))
    if cache is not None:
        cache.keep("briefing", None, briefing)
    return briefing, state.problems


def _folded(problems: list[Problem], project: RawProject, units: list[FactFile]) -> list[Problem]:
    """`fold.fold`: references to ids a broken file would define are counted at that file,
    not reported one by one; a seed that exists but cannot be read is not also missing."""
    broken = broken_files(
        problems,
        {
            project.site.path: project.site.node is not None,
            project.actors.path: project.actors.node is not None,
            project.sources.path: project.sources.node is not None,
            **{unit.path: bool(unit.defined) for unit in units},
        },
    )
    by_kind = {
        kind: sorted(broken & {path})
        for kind, path in (
            ("topic", project.site.path),
            ("issue", project.site.path),
            ("event", project.site.path),
            ("actor", project.actors.path),
            ("source", project.sources.path),
        )
    }
    by_kind["fact"] = sorted(broken & {unit.path for unit in units})
    # A list of site.yaml that is not a list (`events: 5`) defines none of its ids: the
    # references to them follow from that one mistake, in every file and in site.yaml too.
    site = project.site.path
    wrong = {p.field for p in problems if p.is_error and p.file == site}
    whole = {kind: site for kind, field in _SITE_LISTS if field in wrong and site not in broken}
    unreadable = {p.file for p in project.problems if p.file.startswith("seeds/")}
    return fold(problems, by_kind, unreadable, whole)


_SITE_LISTS = (("topic", "topics"), ("issue", "issues"), ("event", "events"))
"""The kinds of id site.yaml defines, each by the field that lists them."""


def _settle(state: State, site: Site | None) -> list[Fact]:
    """The facts with what depends on other files settled: each one's event (from the
    sources it cites) and status (from the disputes that name it), with their problems."""
    places = {
        (ref.file, ref.field): (ref.line, ref.column) for ref in state.refs if ref.kind == "event"
    }
    facts, problems = settle_statuses(state.facts.values())
    state.problems.extend(problems)
    if site is not None:
        facts, problems = settle_events(site, state.sources, facts, places)
        state.problems.extend(problems)
    return facts


def _stage(
    name: str, read: object, stage: Callable[[State], None], state: State, cache: ParseCache | None
) -> None:
    """Add to `state` what `stage` finds (sources, actors, their ids, references and
    problems), or what it found last time from equal inputs (`read`): the preview after an
    edit elsewhere. The stage runs on a state of its own, which it alone fills."""
    kept = cache.made(name, read) if cache is not None else None
    if not isinstance(kept, State):
        kept = State()
        stage(kept)
        if cache is not None:
            cache.keep(name, read, kept)
    state.problems.extend(kept.problems)
    state.refs.extend(kept.refs)
    state.sources.update(kept.sources)
    state.actors.update(kept.actors)
    state.places.update(kept.places)

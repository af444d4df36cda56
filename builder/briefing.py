"""The whole validated briefing: its records and the indexes every page reads (by topic,
actor, source and date, disputes both ways, each source's cited share).

Goes in: the records made by `validate`. Comes out: a `Briefing`, read by `render`; the
preview's next briefing reuses the last one's indexes when they would come out the same.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from builder.model import Actor, Dispute, Fact, FactHistory, Page, Site, Source, Topic, Withdrawn


def _index_shape(fact: Fact) -> tuple[object, ...]:
    """What the derived indexes read of a fact: everything but its claim, status, quotes'
    words and place in its file."""
    return (
        fact.id,
        fact.topic,
        fact.date,
        fact.actors,
        fact.disputes,
        fact.event,
        tuple((c.source, c.start, c.end) for c in fact.citations),
    )


def _same_indexes(previous: Briefing, sources: tuple[Source, ...], facts: tuple[Fact, ...]) -> bool:
    """Whether `previous`'s derived indexes are those of these sources and facts."""
    if len(sources) != len(previous.sources) or len(facts) != len(previous.facts):
        return False
    for a, b in zip(previous.sources, sources, strict=True):
        if a is not b and (a.id, a.strand, a.covers, a.text) != (b.id, b.strand, b.covers, b.text):
            return False
    return all(
        a is b or _index_shape(a) == _index_shape(b)
        for a, b in zip(previous.facts, facts, strict=True)
    )


def _freeze(index: Mapping[str, list[str]]) -> Mapping[str, tuple[str, ...]]:
    return MappingProxyType({k: tuple(v) for k, v in sorted(index.items())})


class _Coverage(Mapping[str, float]):
    """Share (0..1) of each source's visible characters inside at least one cited passage,
    worked out for a source when first asked for: only the pages about sources show it,
    and a big build asks for it from several processes at once, after the briefing is made.
    """

    def __init__(
        self,
        sources: Mapping[str, Source],
        facts_by_source: Mapping[str, tuple[str, ...]],
        fact_by_id: Mapping[str, Fact],
    ) -> None:
        # A source's cited spans are gathered when its share is first asked for, in the
        # process that asks, not while the briefing is assembled and the other core idles.
        self._sources = sources
        self._facts_by_source = facts_by_source
        self._fact_by_id = fact_by_id
        self._shares: dict[str, float] = {}

    def __getitem__(self, source_id: str) -> float:
        found = self._shares.get(source_id)
        if found is None:
            found = self._shares[source_id] = self._share(self._sources[source_id])
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._sources)

    def __len__(self) -> int:
        return len(self._sources)

    def _share(self, source: Source) -> float:
        text = source.text
        visible = len(text) - sum(map(text.count, " \n\t\u00a0"))
        chunks: list[str] = []
        end_so_far = 0
        spans = [
            (cit.start, cit.end)
            for fid in self._facts_by_source.get(source.id, ())
            for cit in self._fact_by_id[fid].citations
            if cit.source == source.id
        ]
        for start, end in sorted(spans):
            start = max(start, end_so_far)
            if end > start:
                chunks.append(text[start:end])
                end_so_far = end
        covered = "".join(chunks)  # the characters counted are single: counting once is the same
        hidden = sum(map(covered.count, " \n\t\u00a0"))
        return (len(covered) - hidden) / visible if visible else 0.0


@dataclass(frozen=True)
class Briefing:
    """The whole validated briefing with its derived indexes (ids, not objects, so they
    stay cheap and hashable). Build it with `Briefing.assemble`."""

    site: Site
    sources: tuple[Source, ...]
    actors: tuple[Actor, ...]
    facts: tuple[Fact, ...]
    pages: tuple[Page, ...]
    source_by_id: Mapping[str, Source] = field(repr=False)
    actor_by_id: Mapping[str, Actor] = field(repr=False)
    fact_by_id: Mapping[str, Fact] = field(repr=False)
    topic_by_id: Mapping[str, Topic] = field(repr=False)
    facts_by_topic: Mapping[str, tuple[str, ...]] = field(repr=False)
    facts_by_actor: Mapping[str, tuple[str, ...]] = field(repr=False)
    facts_by_source: Mapping[str, tuple[str, ...]] = field(repr=False)
    disputes_of: Mapping[str, tuple[Dispute, ...]] = field(repr=False)
    """Both directions: if A disputes B, B's entry lists A too (with A's note)."""
    strands_of: Mapping[str, tuple[str, ...]] = field(repr=False)
    """Independent strands (outlets) behind each fact, sorted."""
    timeline: tuple[str, ...] = field(repr=False)
    """Dated fact ids, oldest first (month-only dates sort before days of that month)."""
    undated: tuple[str, ...] = field(repr=False)
    coverage: Mapping[str, float] = field(repr=False)
    """Share (0..1) of each source's visible characters inside at least one cited passage."""
    withdrawn: tuple[Withdrawn, ...] = ()
    """Published ids taken down, by kind and id."""
    history: Mapping[str, FactHistory] = field(default_factory=dict, repr=False)
    """Each committed fact's history (empty outside a git repository, and in `check`)."""

    def redirects(self) -> list[tuple[str, str, str]]:
        """`(kind, old id, new id)` of every renamed fact, actor and source, sorted."""
        found = [("fact", old, f.id) for f in self.facts for old in f.aliases]
        found += [("actor", old, a.id) for a in self.actors for old in a.former_ids]
        found += [("source", old, s.id) for s in self.sources for old in s.aliases]
        return sorted(found)

    @classmethod
    def assemble(
        cls,
        site: Site,
        sources: Iterable[Source],
        actors: Iterable[Actor],
        facts: Iterable[Fact],
        pages: Iterable[Page],
        *,
        previous: Briefing | None = None,
    ) -> Briefing:
        """The briefing with its indexes; those of `previous` (an earlier version of it)
        are reused when they would come out the same: when the facts, in the same order,
        differ at most in what no index reads (claims, status, quotes that did not move)
        and the sources in neither text nor strand (the preview after most edits)."""
        sources_t = tuple(sorted(sources, key=lambda s: s.id))
        actors_t = tuple(sorted(actors, key=lambda a: a.id))
        facts_t = tuple(facts)
        pages_t = tuple(sorted(pages, key=lambda p: (p.order, p.slug)))
        source_by_id = {s.id: s for s in sources_t}
        if previous is not None and _same_indexes(previous, sources_t, facts_t):
            return replace(
                previous,
                site=site,
                sources=sources_t,
                actors=actors_t,
                facts=facts_t,
                pages=pages_t,
                source_by_id=MappingProxyType(source_by_id),
                actor_by_id=MappingProxyType({a.id: a for a in actors_t}),
                fact_by_id=MappingProxyType({f.id: f for f in facts_t}),
                topic_by_id=MappingProxyType({t.id: t for t in site.topics}),
            )
        by_topic: dict[str, list[str]] = defaultdict(list)
        by_actor: dict[str, list[str]] = defaultdict(list)
        by_source: dict[str, list[str]] = defaultdict(list)
        disputes: dict[str, list[Dispute]] = defaultdict(list)
        strands: dict[str, tuple[str, ...]] = {}
        for fact in facts_t:
            by_topic[fact.topic].append(fact.id)
            for actor in fact.actors:
                by_actor[actor].append(fact.id)
            seen: set[str] = set()
            for cit in fact.citations:
                if cit.source not in seen:
                    seen.add(cit.source)
                    by_source[cit.source].append(fact.id)
            strands[fact.id] = tuple(sorted({source_by_id[s].strand for s in seen}))
            for d in fact.disputes:
                disputes[fact.id].append(d)
                disputes[d.fact].append(Dispute(fact=fact.id, kind=d.kind, note=d.note))
        disputes_of: dict[str, tuple[Dispute, ...]] = {}
        for fid, found in disputes.items():
            unique: dict[str, Dispute] = {}
            for d in found:
                unique.setdefault(d.fact, d)
            disputes_of[fid] = tuple(unique[k] for k in sorted(unique))
        # By (year, month, day, id): what comparing (date, id) gives, without calling the
        # dataclass's comparison methods a hundred thousand times.
        dated = sorted(
            (f for f in facts_t if f.date),
            key=lambda f: (f.date.year, f.date.month, f.date.day, f.id),  # type: ignore[union-attr]
        )
        fact_by_id = MappingProxyType({f.id: f for f in facts_t})
        facts_by_source = _freeze(by_source)
        return cls(
            site=site,
            sources=sources_t,
            actors=actors_t,
            facts=facts_t,
            pages=pages_t,
            source_by_id=MappingProxyType(source_by_id),
            actor_by_id=MappingProxyType({a.id: a for a in actors_t}),
            fact_by_id=fact_by_id,
            topic_by_id=MappingProxyType({t.id: t for t in site.topics}),
            facts_by_topic=_freeze(by_topic),
            facts_by_actor=_freeze(by_actor),
            facts_by_source=facts_by_source,
            disputes_of=MappingProxyType(dict(sorted(disputes_of.items()))),
            strands_of=MappingProxyType(strands),
            timeline=tuple(f.id for f in dated),
            undated=tuple(sorted(f.id for f in facts_t if not f.date)),
            coverage=_Coverage(source_by_id, facts_by_source, fact_by_id),
        )

    def page(self, slug: str) -> Page | None:
        for p in self.pages:
            if p.slug == slug:
                return p
        return None

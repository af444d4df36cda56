"""The real briefing under content/: it checks clean, every topic and source carries facts,
disputes are linked both ways, the earlier Paris summit is never dated, and every cell of the
allied-positions matrix rests on a fact about that ally."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from builder.briefing import Briefing
from builder.build import CheckResult, check

ROOT = Path(__file__).resolve().parent.parent

# The two documents about the earlier Paris summit (26 countries, Vladivostok, "a summit
# last month in Alaska"). Neither states a date.
EARLIER_SUMMIT_FILES = (
    "seeds/001_a5364f17ee564ad6.txt",
    "seeds/002_3424222e119d69a9.txt",
)


@pytest.fixture(scope="module")
def result() -> CheckResult:
    return check(ROOT)


@pytest.fixture(scope="module")
def briefing(result: CheckResult) -> Briefing:
    assert result.briefing is not None, "\n".join(p.as_text() for p in result.problems)
    return result.briefing


def test_real_content_has_no_errors_and_no_warnings(result: CheckResult) -> None:
    # Warnings include the meaning checks (builder/lints.py): none is left unexplained.
    assert result.ok
    assert result.problems == [], "\n".join(p.as_text() for p in result.problems)


def test_every_topic_has_a_page_and_facts(briefing: Briefing) -> None:
    topics_with_page = {p.topic for p in briefing.pages if p.topic}
    for topic in briefing.site.topics:
        assert topic.id in topics_with_page, f"topic {topic.id} has no page listing it"
        assert briefing.facts_by_topic.get(topic.id), f"topic {topic.id} has no facts"
    counts = {t.id: len(briefing.facts_by_topic.get(t.id, ())) for t in briefing.site.topics}
    assert sum(counts.values()) == len(briefing.facts)


def test_every_source_is_cited_by_facts(briefing: Briefing) -> None:
    counts = {s.id: len(briefing.facts_by_source.get(s.id, ())) for s in briefing.sources}
    assert len(counts) == len(list((ROOT / "seeds").glob("*.txt")))
    empty = [sid for sid, n in counts.items() if n == 0]
    assert not empty, f"sources without a single fact: {empty}; counts: {counts}"


def test_most_of_every_source_is_cited(briefing: Briefing) -> None:
    # What stays uncited is connective tissue: bracketed source numbers, list markers,
    # "X said that" lead-ins. A drop below this means a passage of substance lost its fact.
    thin = {sid: share for sid, share in briefing.coverage.items() if share < 0.9}
    assert not thin, f"sources less than 90% cited: {thin}"


def test_dispute_links_resolve_and_show_on_both_sides(briefing: Briefing) -> None:
    declared = [(f.id, d.fact) for f in briefing.facts for d in f.disputes]
    assert declared, "the briefing records no disagreement between sources"
    for fact_id, other in declared:
        assert other in briefing.fact_by_id, f"{fact_id} disputes unknown fact {other}"
        assert other != fact_id
        assert other in {d.fact for d in briefing.disputes_of[fact_id]}
        assert fact_id in {d.fact for d in briefing.disputes_of[other]}
        assert all(d.note.strip() for d in briefing.disputes_of[other])


@pytest.mark.parametrize(
    ("one", "other", "kind"),
    [
        # One timeline, two days for the same signing and for the same words of Witkoff.
        ("declaration-signed-6-january", "declaration-signed-7-january", "inconsistent"),
        ("witkoff-us-strongly-stands-behind", "witkoff-kushner-endorse-8-january", "inconsistent"),
        # The same thing told with other words, dates or firmness.
        ("us-commitment-deter-defend", "zelensky-no-clear-pledge", "differs"),
        ("zelensky-90-percent-done", "zelensky-90-percent-ready", "differs"),
        ("russia-warns-6-january", "foreign-ministry-legitimate-targets", "differs"),
        # The roundup's collective "air, land and sea" pledge against the explainer's
        # account of allies split over ground troops.
        ("paris-pledge-equipment-training", "europe-split-ground-troops", "differs"),
        ("paris-pledge-equipment-training", "nato-not-sending-troops", "differs"),
        ("uk-protected-facilities", "pending-parliamentary-approvals", "differs"),
        ("us-direct-involvement-signal", "us-arms-length", "differs"),
        ("russia-rejects-framework", "kasyanov-putin-does-not-know", "differs"),
        ("es-trump-air-support", "es-trump-air-defence", "differs"),
        ("es-macron-not-war-on-russia", "es-macron-protecting-ukraine", "differs"),
    ],
)
def test_known_disagreements_between_sources_are_recorded_with_their_kind(
    briefing: Briefing, one: str, other: str, kind: str
) -> None:
    kinds = {d.fact: d.kind.value for d in briefing.disputes_of.get(one, ())}
    assert kinds.get(other) == kind, f"{one} / {other}: {kinds.get(other)}"
    # Each side of a disagreement cites a different passage.
    passages = {(c.source, c.start) for c in briefing.fact_by_id[one].citations}
    assert passages.isdisjoint((c.source, c.start) for c in briefing.fact_by_id[other].citations)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        # An omission: the roundup names the UK and France and does not deny Ukraine.
        ("signatories-uk-france", "signatories-uk-france-ukraine"),
        ("signatories-uk-france", "signatories-starmer-macron-zelensky"),
        # Compatible figures: 27 European states and more are "dozens of countries".
        ("paris-27-european-states", "paris-dozens-of-countries"),
        # A title in a reading list contradicts nothing.
        ("signatories-uk-france-ukraine", "declaration-uk-ukraine-title"),
        # Keeping distance from ground troops is compatible with a pledge to deter.
        ("us-commitment-deter-defend", "us-arms-length"),
    ],
)
def test_omissions_and_compatible_accounts_are_not_disputes(
    briefing: Briefing, one: str, other: str
) -> None:
    assert other not in {d.fact for d in briefing.disputes_of.get(one, ())}


def test_the_signatories_and_the_date_of_the_headline_fact_are_not_disputed(
    briefing: Briefing,
) -> None:
    for fact_id in (
        "signatories-uk-france-ukraine",
        "signatories-starmer-macron-zelensky",
        "signatories-uk-france",
        "declaration-signed-6-january",
    ):
        assert briefing.fact_by_id[fact_id].status.value != "disputed", fact_id


def test_no_position_rests_on_the_earlier_summit(briefing: Briefing) -> None:
    # A position taken at an earlier event is not a current position.
    earlier = {s.id for s in briefing.sources if s.file in EARLIER_SUMMIT_FILES}
    stale = [
        f"{ally.id}/{position.issue}: {fact_id}"
        for ally in briefing.actors
        for position in ally.positions
        for fact_id in position.facts
        if {c.source for c in briefing.fact_by_id[fact_id].citations} <= earlier
    ]
    assert not stale, stale


def test_every_source_says_what_it_covers_and_earlier_summit_facts_belong_to_it(
    briefing: Briefing,
) -> None:
    assert briefing.site.main_event == "january-2026"
    assert {e.id for e in briefing.site.events} >= {"january-2026", "earlier-summit"}
    for source in briefing.sources:
        assert source.covers, f"{source.id} does not say which events it covers"
        if source.file in EARLIER_SUMMIT_FILES:
            assert source.covers == ("earlier-summit",)
    for fact in briefing.facts:
        sources = {briefing.source_by_id[c.source] for c in fact.citations}
        if all(s.file in EARLIER_SUMMIT_FILES for s in sources):
            assert fact.event == "earlier-summit", fact.id


def test_only_contradictions_make_facts_disputed(briefing: Briefing) -> None:
    contradicting = {
        side
        for f in briefing.facts
        for d in f.disputes
        if d.kind.value == "contradicts"
        for side in (f.id, d.fact)
    }
    assert {f.id for f in briefing.facts if f.status.value == "disputed"} == contradicting


@pytest.mark.parametrize(
    "fact_id",
    [
        "invasion-february-2022",
        "war-toll",
        "coalition-led-by-uk-france",
        "coalition-evolved-since-2025",
        "uk-21-8-billion",
        "france-supplied-weapons",
        "kasyanov-former-premier",
        "russia-controls-20-percent",
    ],
)
def test_context_not_tied_to_either_meeting_is_background(briefing: Briefing, fact_id: str) -> None:
    assert briefing.fact_by_id[fact_id].event == "background"


@pytest.mark.parametrize(
    "fact_id",
    [
        "declaration-signed-6-january",
        "signatories-uk-france-ukraine",
        "russia-rejects-framework",
        "foreign-ministry-legitimate-targets",
        "zelensky-no-clear-pledge",
        "us-led-monitoring",
    ],
)
def test_the_news_belongs_to_the_main_event(briefing: Briefing, fact_id: str) -> None:
    assert briefing.fact_by_id[fact_id].event == briefing.site.main_event


_TIMELINE_ENTRY = re.compile(r"^Jan \d{1,2}, 2026 –")
_ONE_ENTRY = re.compile(r"timeline entry|entry of (?:the roundup’s|its) timeline")
_DATE_WORDS = re.compile(r"\b\d{1,2}(?:‑\d)? January\b|\bJan \d|\b2026\b")


def test_a_date_only_one_timeline_entry_gives_is_attributed(briefing: Briefing) -> None:
    # "One timeline entry is one account": a date resting on a single entry of the roundup's
    # timeline (which contradicts itself elsewhere) says so in the claim.
    bare: list[str] = []
    for fact in briefing.facts:
        if fact.date is None:
            continue
        dated = [c.quote for c in fact.citations if _DATE_WORDS.search(c.quote)]
        entries = [q for q in dated if _TIMELINE_ENTRY.match(q)]
        attributed = _ONE_ENTRY.search(fact.claim)
        if len(dated) == len(entries) == 1 and not attributed:
            bare.append(f"{fact.id}: {fact.claim}")
    assert not bare, "\n".join(bare)


@pytest.mark.parametrize(
    "group",
    [
        ("uk", "france"),  # the two lead nations, co-signatories of the same declaration
        ("sweden", "turkey", "belgium"),  # named together in one sentence of one analysis
        ("canada", "eu", "nato"),  # named together in one collective pledge
    ],
)
def test_allies_on_the_same_footing_get_the_same_stance(
    briefing: Briefing, group: tuple[str, ...]
) -> None:
    stances = {
        ally: {p.issue: p.stance.value for p in briefing.actor_by_id[ally].positions}
        for ally in group
    }
    shared = set.intersection(*(set(s) for s in stances.values()))
    assert shared
    for issue in shared:
        assert len({stances[ally][issue] for ally in group}) == 1, (issue, stances)


def test_earlier_summit_facts_are_never_dated(briefing: Briefing) -> None:
    earlier = {s.id for s in briefing.sources if s.file in EARLIER_SUMMIT_FILES}
    assert len(earlier) == len(EARLIER_SUMMIT_FILES)
    citing = [f for f in briefing.facts if earlier & {c.source for c in f.citations}]
    assert len(citing) >= 20
    for fact in citing:
        assert fact.date is None, f"{fact.id} cites an undated document but has date {fact.date}"
        assert not re.search(r"\bJanuary\b|\b2026\b", fact.claim), fact.id
    for source_id in earlier:
        source = briefing.source_by_id[source_id]
        assert source.published is None


def test_dated_facts_fall_on_or_before_the_as_of_date(briefing: Briefing) -> None:
    late = [f.id for f in briefing.facts if f.date and f.date > briefing.site.as_of]
    assert not late


def _allies_of(briefing: Briefing, ally: str) -> set[str]:
    """The ally itself and the people and organisations that belong to it."""
    return {ally} | {a.id for a in briefing.actors if a.country == ally}


def test_every_position_cell_rests_on_facts_about_that_ally(briefing: Briefing) -> None:
    issues = {i.id for i in briefing.site.issues}
    allies = [a for a in briefing.actors if a.positions]
    assert {"uk", "france", "us", "italy", "germany"} <= {a.id for a in allies}
    for ally in allies:
        own = _allies_of(briefing, ally.id)
        for position in ally.positions:
            assert position.issue in issues
            assert position.facts, f"{ally.id}/{position.issue} has no fact"
            for fact_id in position.facts:
                fact = briefing.fact_by_id[fact_id]
                assert own & set(fact.actors), (
                    f"{ally.id}/{position.issue} cites {fact_id}, which is not about {ally.id}"
                )


_CITE = re.compile(r"\[@[a-z][a-z0-9-]*\]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"])")


def test_every_prose_sentence_of_every_page_cites_a_fact(briefing: Briefing) -> None:
    uncited: list[str] = []
    for page in briefing.pages:
        for block in page.body.split("\n\n"):
            text = " ".join(line.strip() for line in block.splitlines()).strip()
            if not text or text.startswith("#"):
                continue
            text = re.sub(r"^[-*] |^\d+\. ", "", text)
            for sentence in _SENTENCE_END.split(text):
                if len(sentence.split()) >= 4 and not _CITE.search(sentence):
                    uncited.append(f"{page.slug}: {sentence}")
    assert not uncited, "\n".join(uncited)


def test_every_actor_is_named_by_some_fact(briefing: Briefing) -> None:
    idle = [a.id for a in briefing.actors if not briefing.facts_by_actor.get(a.id)]
    assert not idle, f"actors no fact mentions: {idle}"


def test_no_two_facts_make_the_same_claim(briefing: Briefing) -> None:
    seen: dict[str, str] = {}
    for fact in briefing.facts:
        key = " ".join(fact.claim.lower().split())
        assert key not in seen, f"{fact.id} repeats {seen[key]}"
        seen[key] = fact.id


# Words with which a source reports an intention, a leaning or a hint rather than a commitment.
_HEDGE = re.compile(
    r"\b(could|would|may|might|lean|leans|plans?|planned|hint(?:ed|s)?|probably|likely|"
    r"envisions?|intends?)\b",
    re.IGNORECASE,
)


def test_committed_cells_rest_on_a_fact_that_states_no_hedge(briefing: Briefing) -> None:
    # "Committed" in the matrix must not be stronger than the source: at least one of the
    # cell's facts has to state the commitment without "could", "would", "lean toward"...
    overstated: list[str] = []
    for ally in briefing.actors:
        for position in ally.positions:
            if position.stance.value != "committed":
                continue
            claims = [briefing.fact_by_id[fid].claim for fid in position.facts]
            if all(_HEDGE.search(claim) for claim in claims):
                overstated.append(f"{ally.id}/{position.issue}: {claims}")
    assert not overstated, "\n".join(overstated)

"""A small briefing built directly from the model, for render tests.

It has what the pages must cope with: a corroborated fact, a single-source fact whose two
documents share one outlet, a disputed pair, an undated fact, a month-only date, overlapping
and identical cited passages, an ally matrix with an empty cell, a person with a country,
a topic without a page, and a page that cites a fact inline.
"""

from __future__ import annotations

from builder.briefing import Briefing
from builder.model import (
    Actor,
    ActorKind,
    Citation,
    Dispute,
    DisputeKind,
    Fact,
    Page,
    PartialDate,
    Position,
    PositionIssue,
    Site,
    Source,
    SourceKind,
    Stance,
    Status,
    Topic,
)

TEXT_A = (
    "Paris, 6 January 2026. The UK and France signed a declaration of intent.\n"
    "France said it would send thousands of troops after a ceasefire.\n"
    "Britain offered air support on conditions.\n"
)
TEXT_B = (
    "Leaders met in Paris. The UK and France signed a declaration of intent, "
    "while 27 European states took part.\n"
    "Putin said any troops would be legitimate targets.\n"
)
TEXT_C = "Another report from Outlet A: Britain offered air support on conditions.\n"


def site(base_url: str = "/") -> Site:
    return Site(
        title="Test briefing",
        description="A small briefing used by the render tests.",
        language="en",
        base_url=base_url,
        as_of=PartialDate(2026, 1, 8),
        nav=("paris", "allies", "russia", "timeline", "disputes", "sources", "actors"),
        topics=(
            Topic("paris", "The Paris declaration", "Who signed what."),
            Topic("allies", "Allied positions"),
            Topic("russia", "Russian responses"),
            Topic("misc", "Other matters", "Facts with no page of their own."),
        ),
        issues=(
            PositionIssue("ground-troops", "Ground troops"),
            PositionIssue("air-support", "Air support"),
        ),
    )


def sources() -> list[Source]:
    return [
        Source(
            "src-a",
            "Report A: “signed” in Paris",
            "Outlet A",
            PartialDate(2026, 1, 6),
            SourceKind.NEWS,
            "seeds/a.txt",
            TEXT_A,
            url="https://example.org/a",
            cites=("Reuters",),
            strand="outlet-a",
        ),
        Source(
            "src-b",
            "Report B",
            "unknown",
            None,
            SourceKind.AGGREGATOR,
            "seeds/b.txt",
            TEXT_B,
            strand="src-b",
            notes="Relays several outlets.",
        ),
        Source(
            "src-c",
            "Report C",
            "Outlet A",
            PartialDate(2026, 1),
            SourceKind.ANALYSIS,
            "seeds/c.txt",
            TEXT_C,
            strand="outlet-a",
        ),
    ]


def cite(source: Source, fact_id: str, number: int, quote: str) -> Citation:
    start = source.text.index(quote)
    return Citation(
        source=source.id,
        quote=quote,
        number=number,
        start=start,
        end=start + len(quote),
        line=source.text.count("\n", 0, start) + 1,
        anchor=f"cite-{fact_id}-{number}",
        passage=quote,
    )


def facts(srcs: dict[str, Source], claims: dict[str, str] | None = None) -> list[Fact]:
    a, b, c = srcs["src-a"], srcs["src-b"], srcs["src-c"]
    claims = claims or {}

    def claim(fact_id: str, default: str) -> str:
        return claims.get(fact_id, default)

    return [
        Fact(
            "uk-france-signed",
            claim("uk-france-signed", "The UK and France *signed* a declaration of intent."),
            "paris",
            PartialDate(2026, 1, 6),
            ("uk", "france"),
            (
                cite(a, "uk-france-signed", 1, "The UK and France signed a declaration of intent"),
                cite(b, "uk-france-signed", 2, "The UK and France signed a declaration of intent"),
            ),
        ),
        Fact(
            "france-troops",
            claim("france-troops", "France said it would send thousands of troops."),
            "allies",
            PartialDate(2026, 1, 6),
            ("france",),
            (cite(a, "france-troops", 1, "France said it would send thousands of troops"),),
            status=Status.DISPUTED,
            disputes=(
                Dispute("states-27", DisputeKind.CONTRADICTS, "Sources differ on who takes part."),
            ),
        ),
        Fact(
            "states-27",
            claim("states-27", "27 European states took part."),
            "allies",
            None,
            (),
            (
                cite(
                    b,
                    "states-27",
                    1,
                    "France signed a declaration of intent, while 27 European states took part",
                ),
            ),
        ),
        Fact(
            "uk-air",
            claim("uk-air", "Britain offered air support on conditions."),
            "allies",
            PartialDate(2026, 1),
            ("uk",),
            (
                cite(a, "uk-air", 1, "Britain offered air support on conditions"),
                cite(c, "uk-air", 2, "Britain offered air support on conditions"),
            ),
        ),
        Fact(
            "putin-targets",
            claim("putin-targets", "Putin said foreign troops would be *legitimate targets*."),
            "russia",
            PartialDate(2026, 1, 7),
            ("putin", "russia"),
            (cite(b, "putin-targets", 1, "Putin said any troops would be legitimate targets"),),
        ),
        Fact(
            "misc-undated",
            claim("misc-undated", "Leaders met in Paris."),
            "misc",
            None,
            ("france",),
            (cite(b, "misc-undated", 1, "Leaders met in Paris"),),
        ),
    ]


def actors() -> list[Actor]:
    return [
        Actor(
            "france",
            "France",
            ActorKind.COUNTRY,
            role="Co-lead nation",
            positions=(
                Position(
                    "ground-troops", Stance.COMMITTED, ("france-troops",), "After a ceasefire."
                ),
            ),
        ),
        Actor(
            "uk",
            "United Kingdom",
            ActorKind.COUNTRY,
            aliases=("Britain",),
            positions=(Position("air-support", Stance.CONDITIONAL, ("uk-air",)),),
        ),
        Actor("russia", "Russia", ActorKind.COUNTRY),
        Actor(
            "putin",
            "Vladimir Putin",
            ActorKind.PERSON,
            role="President of Russia",
            country="russia",
        ),
    ]


def pages() -> list[Page]:
    return [
        Page(
            "index",
            "Test briefing",
            "What this test briefing covers.",
            0,
            "A briefing about a declaration [@uk-france-signed].",
            facts=("uk-france-signed",),
        ),
        Page(
            "paris",
            "The Paris declaration",
            "Who signed what.",
            1,
            "## Background\n\nThe declaration was signed [@uk-france-signed].",
            topic="paris",
        ),
        Page(
            "allies",
            "Allied positions",
            "Where each ally stands.",
            2,
            "Allies differ.",
            topic="allies",
        ),
        Page("russia", "Russia", "How Moscow answered.", 3, "Moscow answered.", topic="russia"),
    ]


def make_briefing(
    base_url: str = "/", claims: dict[str, str] | None = None, extra_pages: list[Page] | None = None
) -> Briefing:
    srcs = sources()
    return Briefing.assemble(
        site=site(base_url),
        sources=srcs,
        actors=actors(),
        facts=facts({s.id: s for s in srcs}, claims),
        pages=pages() + (extra_pages or []),
    )

"""Meaning checks: each lint fails a claim stronger than its quotes and passes a faithful one,
on made-up fixtures and on real passages of the seed documents; findings are located
warnings (errors under --strict), silenced only per fact, with a reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.build import check
from builder.lints import _ActorNames, hedge_dropped, one_strand_voice, unsupported_detail
from builder.model import Actor, ActorKind, Lint
from tests.helpers import REPO, copy_fixture, edit

SEEDS = REPO / "seeds"
ACTORS = _ActorNames(
    [
        Actor("uk", "United Kingdom", ActorKind.COUNTRY, aliases=("Britain", "UK")),
        Actor("france", "France", ActorKind.COUNTRY),
        Actor("germany", "Germany", ActorKind.COUNTRY),
        Actor("ukraine", "Ukraine", ActorKind.COUNTRY),
        Actor("us", "United States", ActorKind.COUNTRY, aliases=("US", "U.S.", "America")),
        Actor("macron", "Emmanuel Macron", ActorKind.PERSON, aliases=("Macron",), country="france"),
    ]
)


def seed(name: str, words: str) -> str:
    """A real passage of a seed document (the test fails if the document lacks it)."""
    text = " ".join((SEEDS / name).read_text(encoding="utf-8").split())
    assert words in text, f"{words!r} is not in {name}"
    return words


def lints(found: object) -> list[Lint]:
    return [f.lint for f in found]  # type: ignore[attr-defined]


# (a) hedge dropped -------------------------------------------------------------------------

EXPLAINER = "004_38f95fb67b5e589a.txt"
ROUNDUP = "003_cbe522643d12f1fc.txt"

HEDGES = [
    # (passage, a claim that drops the hedge, a claim that keeps it)
    (
        "Under current plans the unit would not carry out combat missions.",
        "The unit will not carry out combat missions.",
        "Under current plans the unit would not carry out combat missions.",
    ),
    (
        "The minister reportedly plans to send two ships.",
        "The minister sent two ships.",
        "The minister reportedly plans to send two ships.",
    ),
    (
        seed(
            EXPLAINER,
            "Western troops, under current plans, would focus on training, equipping, "
            "and backing Ukrainian units rather than carrying out direct combat "
            "missions themselves.",
        ),
        "Western troops will focus on training, equipping and backing Ukrainian units, not on "
        "direct combat missions.",
        "Under current plans, Western troops would focus on training, equipping and backing "
        "Ukrainian units rather than on direct combat missions.",
    ),
    (
        seed(EXPLAINER, "Officials say these locations would be away from active front lines"),
        "These locations are away from active front lines.",
        "Officials say these locations would be away from active front lines.",
    ),
    (
        seed(EXPLAINER, "supports the idea of strong security guarantees for Ukraine"),
        "The United States supports strong security guarantees for Ukraine.",
        "The United States supports the idea of strong security guarantees for Ukraine.",
    ),
    (
        seed(
            ROUNDUP,
            "French President Emmanuel Macron warning that thousands of troops may be deployed",
        ),
        "Macron warned that thousands of troops will be deployed.",
        "Macron warned that thousands of troops may be deployed.",
    ),
]


@pytest.mark.parametrize(("passage", "flat", "kept"), HEDGES)
def test_a_dropped_hedge_is_found_and_a_kept_one_is_not(passage: str, flat: str, kept: str) -> None:
    assert lints(hedge_dropped(flat, [passage])) == [Lint.HEDGE_DROPPED]
    assert lints(hedge_dropped(kept, [passage])) == []


def test_a_quote_that_states_it_flatly_supports_a_flat_claim() -> None:
    hedged = "Officials say the force would deploy after a ceasefire."
    flat = "The force deploys after a ceasefire, the document says."
    assert lints(hedge_dropped("The force deploys after a ceasefire.", [hedged, flat])) == []


def test_a_hedge_on_something_else_in_a_long_quote_is_not_the_claims() -> None:
    passage = seed(
        EXPLAINER,
        "stress that any deployments need parliamentary approval and "
        "would likely be limited to neighboring NATO states, underlining "
        "how politically sensitive this project is",
    )
    # The claim says nothing of what the deployments would be limited to.
    assert (
        lints(
            hedge_dropped(
                "The explainer reads this as underlining how politically sensitive the project is.",
                [passage],
            )
        )
        == []
    )
    assert lints(
        hedge_dropped("Deployments are limited to neighbouring NATO states.", [passage])
    ) == [Lint.HEDGE_DROPPED]
    noun = seed(EXPLAINER, "These plans include a structured foreign military presence")
    assert (
        lints(hedge_dropped("The plans include a structured foreign military presence.", [noun]))
        == []
    )  # "plans" the noun hedges nothing


# (b) unsupported detail --------------------------------------------------------------------


def test_a_date_word_no_quote_carries_is_found() -> None:
    passage = seed(ROUNDUP, "Jan 7, 2026 – The UK and France sign an intent to deploy troops")
    found = list(
        unsupported_detail(
            "On Tuesday 7 January 2026 the UK and France signed an intent to deploy troops.",
            [passage],
            ACTORS,
        )
    )
    assert lints(found) == [Lint.UNSUPPORTED_DETAIL]
    assert "“tuesday”" in found[0].message and "january" not in found[0].message
    assert (
        lints(
            unsupported_detail(
                "On 7 January 2026 the UK and France signed an intent to deploy troops.",
                [passage],
                ACTORS,
            )
        )
        == []
    )


def test_an_actor_no_quote_carries_is_found() -> None:
    passage = seed(EXPLAINER, "Macron has said France could send “thousands” of troops")
    found = list(
        unsupported_detail("Germany said it could send thousands of troops.", [passage], ACTORS)
    )
    assert lints(found) == [Lint.UNSUPPORTED_DETAIL] and "Germany" in found[0].message
    assert (
        lints(
            unsupported_detail(
                "Macron said France could send “thousands” of troops.", [passage], ACTORS
            )
        )
        == []
    )


def test_an_actor_is_carried_by_a_word_made_from_its_name_or_by_its_people() -> None:
    british = seed(EXPLAINER, "place British and French soldiers on Ukrainian soil")
    assert (
        lints(unsupported_detail("Britain could place soldiers in Ukraine.", [british], ACTORS))
        == []
    )
    assert lints(unsupported_detail("France said so.", ["Macron said so."], ACTORS)) == []
    # "us" the pronoun is not the United States.
    assert lints(unsupported_detail("Let us see.", ["Nothing here."], ACTORS)) == []


def test_a_document_named_in_an_attribution_is_not_an_actor() -> None:
    names = _ActorNames(
        [Actor("mnf-u", "Multinational Force Ukraine", ActorKind.ORGANISATION, aliases=("MNF‑U",))]
    )
    passage = "Europe remains split over sending soldiers."
    assert (
        lints(
            unsupported_detail("The MNF‑U explainer says Europe remains split.", [passage], names)
        )
        == []
    )
    assert lints(unsupported_detail("MNF‑U remains split.", [passage], names)) == [
        Lint.UNSUPPORTED_DETAIL
    ]


# (c) one strand speaking as the briefing --------------------------------------------------


def test_a_judgement_from_one_strand_in_our_voice_is_found() -> None:
    seed(ROUNDUP, "signaling direct American involvement in the post‑war architecture")
    claim = "The US endorsement signals direct American involvement in the post-war architecture."
    found = list(one_strand_voice(claim, strands=1))
    assert lints(found) == [Lint.ONE_STRAND_VOICE] and "“signals”" in found[0].message


@pytest.mark.parametrize(
    ("claim", "strands"),
    [
        # Attributed to whoever reads it so.
        ("The roundup reads the US endorsement as signalling direct American involvement.", 1),
        ("Zelensky hailed the decisions as a “first concrete step”.", 1),
        # The judgement is the speaker's own words, quoted.
        ("It was, in Kasyanov's words, “an unprecedented move”.", 1),
        # Two independent strands make it more than one reading.
        ("The US endorsement signals direct American involvement.", 2),
        # No judgement at all.
        ("The United States offered to lead ceasefire monitoring.", 1),
    ],
)
def test_attributed_quoted_or_corroborated_judgements_pass(claim: str, strands: int) -> None:
    assert lints(one_strand_voice(claim, strands)) == []


# In `check`: located, strict, silenced per fact with a reason ------------------------------

PARIS = "content/facts/paris.yaml"


def test_a_finding_is_a_located_warning_and_an_error_under_strict(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path)
    edit(root, "seeds/alpha.txt", "agreed to lead", "planned to lead")
    edit(
        root,
        PARIS,
        'quote: "The United Kingdom and France agreed to lead',
        'quote: "The United Kingdom and France planned to lead',
    )
    edit(root, PARIS, "agreed to *lead* a multinational force", "will lead a multinational force")
    result = check(root)
    assert result.ok
    [warning] = result.warnings
    assert (warning.file, warning.line, warning.field) == (PARIS, 9, "uk-france-lead-force.claim")
    assert warning.message.startswith("[hedge-dropped]") and "“planned to”" in warning.message
    assert "keep the hedge" in warning.hint
    assert not check(root, strict=True).ok


def test_lint_ok_silences_one_check_for_one_fact_and_a_stale_one_is_reported(
    tmp_path: Path,
) -> None:
    root = copy_fixture(tmp_path)
    edit(root, "seeds/alpha.txt", "agreed to lead", "planned to lead")
    edit(
        root,
        PARIS,
        'quote: "The United Kingdom and France agreed to lead',
        'quote: "The United Kingdom and France planned to lead',
    )
    edit(root, PARIS, "agreed to *lead* a multinational force", "led a multinational force")
    edit(
        root,
        PARIS,
        "  date: 2026-01\n",
        "  date: 2026-01\n  lint_ok:\n    - lint: hedge-dropped\n"
        "      reason: The plan was carried out, as the fixture's second report says.\n",
    )
    assert check(root, strict=True).problems == []
    # The same silence on a fact the check has nothing against is itself reported.
    edit(root, PARIS, "led a multinational force", "planned to lead a multinational force")
    [stale] = check(root).warnings
    assert stale.field == "uk-france-lead-force.lint_ok" and "finds nothing" in stale.message


def test_lint_ok_needs_a_known_check_and_a_real_reason(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path)
    edit(
        root,
        PARIS,
        "  date: 2026-01\n",
        "  date: 2026-01\n  lint_ok:\n    - lint: hedge-droped\n      reason: fine\n",
    )
    errors = {p.field: p for p in check(root).errors}
    assert "did you mean `hedge-dropped`?" in errors["uk-france-lead-force.lint_ok[1].lint"].hint
    edit(root, PARIS, "lint: hedge-droped", "lint: hedge-dropped")
    [short] = check(root).errors
    assert short.field == "uk-france-lead-force.lint_ok[1].reason"
    assert "too short" in short.message


def test_the_preview_rechecks_only_what_changed(tmp_path: Path) -> None:
    from dataclasses import replace

    from builder.lints import LintMemo, lint_briefing

    result = check(copy_fixture(tmp_path))
    briefing = result.briefing
    assert briefing is not None
    memo = LintMemo()
    assert lint_briefing(briefing, memo) == []
    kept = dict(memo.found)
    fact = briefing.fact_by_id["uk-france-lead-force"]
    changed = replace(fact, claim="Russia agreed to lead a multinational force.")
    edited = replace(briefing, facts=tuple(changed if f is fact else f for f in briefing.facts))
    [warning] = lint_briefing(edited, memo)
    assert "Russia" in warning.message
    assert all(memo.found[fid] is kept[fid] for fid in kept if fid != fact.id)


def test_a_big_briefing_is_checked_on_several_cores_with_the_same_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past two batches of facts the checks are shared out among the cores; the warnings
    are the same, in the same order, as on one core."""
    from dataclasses import replace
    from functools import partial

    from builder.lints import LINT_BATCH, LintMemo, lint_briefing
    from builder.parallel import fork_map

    result = check(copy_fixture(tmp_path))
    briefing = result.briefing
    assert briefing is not None
    copies = []
    for n in range(2 * LINT_BATCH // len(briefing.facts) + 2):
        for fact in briefing.facts:
            claim = f"Russia agreed: {fact.claim}" if n % 3 == 1 else fact.claim
            copies.append(replace(fact, id=f"{fact.id}-{n}", claim=claim))
    big = replace(briefing, facts=tuple(copies))
    monkeypatch.setenv("BRIEFING_WORKERS", "2")
    here = lint_briefing(big, LintMemo())
    memo = LintMemo()
    shared = lint_briefing(big, memo, partial(fork_map, batch=LINT_BATCH))
    assert len(copies) > 2 * LINT_BATCH
    assert shared == here
    assert sum("Russia" in p.message for p in here) > LINT_BATCH // 10  # not a quiet briefing
    assert len(memo.found) == len(copies)  # kept for the preview's next pass

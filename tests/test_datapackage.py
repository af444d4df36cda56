"""The described dataset: CSV tables and datapackage.json, checked by the Frictionless validator."""

from __future__ import annotations

import csv
import io
import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from frictionless import validate

from builder import datapackage
from builder.briefing import Briefing
from builder.datapackage import Dataset
from builder.feeds import CSV_HEADER, Feeds
from builder.model import Position, Stance
from builder.urls import Urls
from tests.conftest import BuiltSite
from tests.test_feeds import cite, make_briefing

REPO = Path(__file__).parent.parent
TABLES = ("facts.csv", "citations.csv", "actors.csv", "sources.csv", "positions.csv", "events.csv")


def rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def errors_of(folder: Path) -> list[str]:
    report = validate(str(folder / "datapackage.json"))
    return [
        f"{task.name}: {error.type}: {error.message}"
        for task in report.tasks
        for error in task.errors
    ] + [f"{error.type}: {error.message}" for error in report.errors]


def test_the_real_dataset_is_valid_and_says_what_the_json_says(built_site: BuiltSite) -> None:
    out = built_site.out
    assert errors_of(out) == []
    descriptor = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    resources = {r["name"]: r for r in descriptor["resources"]}
    assert [r["path"] for r in descriptor["resources"]] == list(TABLES)
    # The facts table is described as written, column for column.
    assert [f["name"] for f in resources["facts"]["schema"]["fields"]] == list(CSV_HEADER)

    data = json.loads((out / "facts.json").read_text(encoding="utf-8"))
    tables = {name: rows((out / name).read_bytes()) for name in TABLES}
    assert (
        len(tables["citations.csv"])
        == len(tables["facts.csv"])
        == sum(len(f["citations"]) for f in data["facts"])
    )
    assert [a["id"] for a in tables["actors.csv"]] == [a["id"] for a in data["actors"]]
    assert [s["id"] for s in tables["sources.csv"]] == [s["id"] for s in data["sources"]]
    assert [(e["id"], e["main"]) for e in tables["events.csv"]] == [
        (e["id"], str(e["id"] == data["main_event"]).lower()) for e in data["events"]
    ]
    assert {r["event"] for r in tables["facts.csv"]} <= {e["id"] for e in data["events"]}
    by_key = {(r["fact_id"], int(r["citation"])): r for r in tables["citations.csv"]}
    for fact in data["facts"]:
        for citation in fact["citations"]:
            row = by_key[(fact["id"], citation["number"])]
            position = citation["target"]["selector"][1]
            assert (int(row["start"]), int(row["end"])) == (position["start"], position["end"])
            assert row["sha256"] == citation["target"]["sha256"]
            assert row["source_id"] == citation["source"]


def test_a_quote_reanchors_from_the_tables_and_the_seeds(built_site: BuiltSite) -> None:
    """What docs/facts-json.md shows: each passage cut out of its archived file by position."""
    out = built_site.out
    passages = {
        (r["fact_id"], r["citation"]): r["passage"] for r in rows((out / "facts.csv").read_bytes())
    }
    for row in rows((out / "citations.csv").read_bytes()):
        text = (REPO / row["file"]).read_text(encoding="utf-8")
        passage = text[int(row["start"]) : int(row["end"])]
        assert passage == passages[(row["fact_id"], row["citation"])]
        assert text.count(row["prefix"] + passage + row["suffix"]) == 1


def test_the_positions_table_is_the_matrix(built_site: BuiltSite) -> None:
    from builder.build import check

    briefing = check(REPO).briefing
    assert briefing is not None
    table = rows((built_site.out / "positions.csv").read_bytes())
    expected = sorted(
        (a.id, p.issue, p.stance.value, fid)
        for a in briefing.actors
        for p in a.positions
        for fid in set(p.facts)
    )
    assert sorted((r["actor_id"], r["issue"], r["stance"], r["fact_id"]) for r in table) == expected
    assert expected, "the briefing has an allied-positions matrix"


def test_broken_keys_are_caught(tmp_path: Path, built_site: BuiltSite) -> None:
    """The validator does check the links the descriptor declares."""
    folder = tmp_path / "dataset"
    folder.mkdir()
    for name in (*TABLES, "datapackage.json"):
        shutil.copy(built_site.out / name, folder / name)
    table = rows((folder / "positions.csv").read_bytes())
    first = table[0]["fact_id"]
    positions = (folder / "positions.csv").read_text(encoding="utf-8")
    (folder / "positions.csv").write_text(
        positions.replace(f",{first},", ",no-such-fact,", 1), encoding="utf-8", newline=""
    )
    sources = (folder / "sources.csv").read_text(encoding="utf-8")
    (folder / "sources.csv").write_text(
        sources.replace(",news,", ",gossip,", 1), encoding="utf-8", newline=""
    )
    found = errors_of(folder)
    assert any(e.startswith("positions: foreign-key") for e in found), found
    assert any(e.startswith("sources: constraint-error") for e in found), found


def test_a_hostile_briefing_gives_a_valid_dataset(tmp_path: Path) -> None:
    briefing = make_briefing()
    france = replace(
        briefing.actor_by_id["france"],
        role="=cmd|' /C calc'!A0",
        positions=(
            Position(
                "ground-troops",
                Stance.CONDITIONAL,
                ("macron-26", "signed-declaration"),
                note='-2+3 \x07 "quoted", and a comma',
            ),
        ),
    )
    actors = tuple(france if a.id == "france" else a for a in briefing.actors)
    hostile = Briefing.assemble(briefing.site, briefing.sources, actors, briefing.facts, ())
    out = Feeds(hostile, Urls("/")).files()
    for name, data in out.items():
        (tmp_path / name).write_bytes(data)
    assert errors_of(tmp_path) == []
    [row] = [r for r in rows(out["actors.csv"]) if r["id"] == "france"]
    assert row["role"] == "'=cmd|' /C calc'!A0"  # shown as text by a spreadsheet
    notes = {r["fact_id"]: r["note"] for r in rows(out["positions.csv"])}
    assert notes == {
        "macron-26": '\'-2+3  "quoted", and a comma',
        "signed-declaration": '\'-2+3  "quoted", and a comma',
    }


def test_the_preview_remakes_only_the_rows_of_an_edited_fact(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    briefing = make_briefing()
    urls = Urls("/")
    first = Dataset(briefing, urls)
    first.files(CSV_HEADER)
    fact = briefing.fact_by_id["undated"]
    seed = briefing.source_by_id["seed-a"]
    moved = replace(fact, citations=(cite("undated", seed, "a comment"),))
    edited = Briefing.assemble(
        briefing.site,
        briefing.sources,
        briefing.actors,
        tuple(moved if f.id == fact.id else f for f in briefing.facts),
        (),
    )
    made: list[str] = []
    real = datapackage._citation_rows
    monkeypatch.setattr(
        datapackage,
        "_citation_rows",
        lambda f, cited, found: made.append(f.id) or real(f, cited, found),
    )
    second = Dataset(edited, urls)
    second.keep(first)
    kept = second.files(CSV_HEADER)
    assert made == ["undated"]
    assert kept == Dataset(edited, urls).files(CSV_HEADER)  # as a fresh build makes them
    assert b"a comment" in kept["citations.csv"]


def test_each_passage_is_selected_once_for_the_json_and_the_table(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    briefing = make_briefing()
    asked: list[tuple[int, int]] = []
    real = datapackage.select
    monkeypatch.setattr(
        datapackage,
        "select",
        lambda text, start, end: asked.append((start, end)) or real(text, start, end),
    )
    out = Feeds(briefing, Urls("/")).files()
    assert len(asked) == sum(len(f.citations) for f in briefing.facts)
    targets = [
        c["target"]["selector"][1]
        for f in json.loads(out["facts.json"])["facts"]
        for c in f["citations"]
    ]
    table = [(int(r["start"]), int(r["end"])) for r in rows(out["citations.csv"])]
    assert sorted((t["start"], t["end"]) for t in targets) == sorted(table) == sorted(asked)

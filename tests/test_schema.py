"""The committed JSON Schemas: up to date, valid, and as strict as the builder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from builder.model import ActorKind, DisputeKind, Lint, SourceKind, Stance, Status
from builder.schema import COMMON_DEFS, KINDS, content_schema, schema_files, write_schemas

ROOT = Path(__file__).resolve().parent.parent


def plain(node: yaml.Node) -> Any:
    """A YAML node as a language server sees it under YAML 1.2: every scalar is text."""
    if isinstance(node, yaml.MappingNode):
        return {plain(k): plain(v) for k, v in node.value}
    if isinstance(node, yaml.SequenceNode):
        return [plain(item) for item in node.value]
    return node.value


def read_yaml(text: str) -> Any:
    return plain(yaml.compose(text, Loader=yaml.SafeLoader))


def validator(kind: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(content_schema(kind))


def test_committed_schemas_are_up_to_date() -> None:
    for name, data in schema_files().items():
        committed = ROOT / "schemas" / name
        assert committed.is_file(), f"run `briefing schema` to create {committed.name}"
        assert committed.read_bytes() == data, f"run `briefing schema`: {name} is stale"


@pytest.mark.parametrize("kind", KINDS)
def test_each_schema_is_valid_draft_2020_12(kind: str) -> None:
    jsonschema.Draft202012Validator.check_schema(content_schema(kind))


def test_write_schemas_rewrites_only_what_changed(tmp_path: Path) -> None:
    assert len(write_schemas(tmp_path)) == len(KINDS)
    assert write_schemas(tmp_path) == []
    (tmp_path / "facts.schema.json").write_text("{}")
    assert write_schemas(tmp_path) == [tmp_path / "facts.schema.json"]


def test_enums_are_the_models() -> None:
    facts = content_schema("facts")["items"]["properties"]
    assert facts["status"]["enum"] == [s.value for s in Status]
    dispute = facts["disputes"]["items"]["properties"]
    assert dispute["kind"]["enum"] == [k.value for k in DisputeKind]
    assert facts["lint_ok"]["items"]["properties"]["lint"]["enum"] == [x.value for x in Lint]
    actor = content_schema("actors")["items"]["properties"]
    assert actor["kind"]["enum"] == [k.value for k in ActorKind]
    assert actor["positions"]["additionalProperties"]["properties"]["stance"]["enum"] == [
        s.value for s in Stance
    ]
    source = content_schema("sources")["items"]["properties"]
    assert source["kind"]["enum"] == [k.value for k in SourceKind]


GOOD_FACT = """
- id: macron-26-countries
  claim: Macron said 26 countries had committed.
  topic: allied-positions
  date: 2025-09
  actors: [macron, france]
  citations:
    - source: bbc-reassurance-force
      quote: "26 of Ukraine’s allies had formally committed"
  status: disputed
  event: earlier-summit
  disputes:
    - fact: paris-27-european-states
      kind: contradicts
      note: Sources differ on how many countries took part.
  lint_ok:
    - lint: hedge-dropped
      reason: The quote's "had formally committed" is no hedge.
"""


def test_a_documented_fact_passes() -> None:
    assert list(validator("facts").iter_errors(read_yaml(GOOD_FACT))) == []


@pytest.mark.parametrize(
    ("edit", "where"),
    [
        (("id: macron-26-countries", "id: Macron_26"), "id"),
        (("id: macron-26-countries", "id: macron--26"), "id"),
        (("date: 2025-09", "date: 2025-13"), "date"),
        (("date: 2025-09", "date: 6 January 2026"), "date"),
        (("status: disputed", "status: confirmed"), "status"),
        (("kind: contradicts", "kind: contradiction"), "kind"),
        (("      kind: contradicts\n", ""), "disputes"),
        (("event: earlier-summit", "event: Earlier summit"), "event"),
        (("lint: hedge-dropped", "lint: hedges"), "lint"),
        (('      reason: The quote\'s "had formally committed" is no hedge.\n', ""), "lint_ok"),
        (("  topic: allied-positions\n", "  topic: allied-positions\n  colour: red\n"), ""),
        (("    - source: bbc-reassurance-force\n", "    - sauce: bbc-reassurance-force\n"), ""),
    ],
)
def test_mistakes_editors_make_are_flagged(edit: tuple[str, str], where: str) -> None:
    broken = GOOD_FACT.replace(*edit)
    assert broken != GOOD_FACT
    errors = list(validator("facts").iter_errors(read_yaml(broken)))
    assert errors, edit
    if where:
        assert any(where in [str(p) for p in e.absolute_path] for e in errors)


def test_a_fact_without_citations_is_flagged() -> None:
    fact = read_yaml(GOOD_FACT)
    fact[0]["citations"] = []
    assert list(validator("facts").iter_errors(fact))


def test_positions_need_facts_behind_them() -> None:
    actors = read_yaml(
        """
- id: france
  name: France
  kind: country
  positions:
    ground-troops: {stance: committed, facts: []}
"""
    )
    assert list(validator("actors").iter_errors(actors))
    actors[0]["positions"]["ground-troops"]["facts"] = ["macron-thousands-of-troops"]
    assert list(validator("actors").iter_errors(actors)) == []


def test_unknown_published_date_is_allowed_but_not_other_words() -> None:
    source = {
        "id": "s",
        "title": "t",
        "outlet": "unknown",
        "published": "unknown",
        "kind": "news",
        "file": "seeds/a.txt",
    }
    assert list(validator("sources").iter_errors([source])) == []
    source["published"] = "yesterday"
    assert list(validator("sources").iter_errors([source]))


def content_files() -> list[tuple[str, Path]]:
    content = ROOT / "content"
    files = [(kind, content / f"{kind}.yaml") for kind in ("site", "sources", "actors")]
    files += [("facts", path) for path in sorted((content / "facts").glob("*.yaml"))]
    return [(kind, path) for kind, path in files if path.is_file()]


@pytest.mark.parametrize(
    ("kind", "path"), content_files(), ids=[p.name for _, p in content_files()]
)
def test_the_real_content_matches_its_schema(kind: str, path: Path) -> None:
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator(kind).iter_errors(read_yaml(path.read_text(encoding="utf-8")))
    ]
    assert errors == []


def test_the_schema_files_parse_as_json() -> None:
    for name in (f"{kind}.schema.json" for kind in KINDS):
        data = json.loads((ROOT / "schemas" / name).read_text(encoding="utf-8"))
        assert data["$schema"].endswith("2020-12/schema")


def test_field_names_are_the_validators() -> None:
    from builder import check_actors, check_citations, check_facts, check_site, check_sources

    def names(schema: dict[str, Any]) -> set[str]:
        return set(schema["properties"])

    site = content_schema("site")
    assert names(site) == set(check_site.SITE_FIELDS)
    assert names(site["properties"]["topics"]["items"]) == set(check_site.TOPIC_FIELDS)
    assert names(site["properties"]["issues"]["items"]) == set(check_site.ISSUE_FIELDS)
    assert names(content_schema("sources")["items"]) == set(check_sources.SOURCE_FIELDS)
    actor = content_schema("actors")["items"]
    assert names(actor) == set(check_actors.ACTOR_FIELDS)
    assert names(actor["properties"]["positions"]["additionalProperties"]) == set(
        check_actors.POSITION_FIELDS
    )
    fact = content_schema("facts")["items"]
    assert names(fact) == set(check_facts.FACT_FIELDS)
    assert names(fact["properties"]["citations"]["items"]) == set(check_citations.CITATION_FIELDS)
    assert names(fact["properties"]["disputes"]["items"]) == set(check_facts.DISPUTE_FIELDS)
    assert names(fact["properties"]["lint_ok"]["items"]) == set(check_facts.LINT_OK_FIELDS)
    assert names(site["properties"]["events"]["items"]) == set(check_site.EVENT_FIELDS)


def test_patterns_are_the_validators() -> None:
    from builder import values

    for good in ("uk", "macron-26-countries", "a1-b2"):
        assert values.ID_PATTERN.fullmatch(good)
        assert jsonschema.Draft202012Validator(
            {"$ref": "#/$defs/id", "$defs": COMMON_DEFS}
        ).is_valid(good)
    for bad in ("UK", "-a", "a--b", "a-", "1a", "a_b"):
        assert not values.ID_PATTERN.fullmatch(bad)
        assert not jsonschema.Draft202012Validator(
            {"$ref": "#/$defs/id", "$defs": COMMON_DEFS}
        ).is_valid(bad)


def test_content_files_name_their_schema_on_the_first_line() -> None:
    for kind, path in content_files():
        depth = len(path.relative_to(ROOT).parts) - 1
        first = path.read_text(encoding="utf-8").split("\n", 1)[0]
        assert first == f"# yaml-language-server: $schema={'../' * depth}schemas/{kind}.schema.json"
        assert (path.parent / first.split("=", 1)[1]).resolve() == (
            ROOT / "schemas" / f"{kind}.schema.json"
        )

"""SARIF for code scanning and the GitHub job summary, from a real `briefing check`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from builder.errors import Problem, Severity
from builder.reports import RULES, job_summary, rule_of
from tests.helpers import REPO, copy_fixture, edit, run_cli

SARIF_SCHEMA = json.loads(
    (Path(__file__).parent / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8")
)
"""The OASIS SARIF 2.1.0 (errata 01) JSON Schema, as published: kept in the tests so they
need no network."""

STRAYS = 12
"""More than the ten error annotations GitHub shows in a step."""


def broken_project(tmp_path: Path) -> Path:
    """The mini briefing with problems of several kinds: quotes not in their source, an
    unknown actor, an unknown field, a claim stating a number its quote lacks (a warning)."""
    root = copy_fixture(tmp_path)
    facts = "".join(
        f"- id: stray-{i}\n  claim: A claim.\n  topic: russian-responses\n  actors: [russia]\n"
        f"  citations:\n    - source: beta\n      quote: words nobody wrote, number {i}\n"
        for i in range(STRAYS)
    )
    (root / "content/facts/stray.yaml").write_text(facts, encoding="utf-8")
    edit(root, "content/facts/russia.yaml", "actors: [zakharova]", "actors: [zakarova]")
    edit(root, "content/facts/paris.yaml", "claim: 27 European", "claim: 28 European")
    edit(
        root,
        "content/facts/paris.yaml",
        "  topic: paris-declaration\n  date: 2026-01-06",
        "  topic: paris-declaration\n  colour: blue\n  date: 2026-01-06",
    )
    return root


def sarif_of(root: Path, *args: str) -> tuple[int, dict[str, Any]]:
    result = run_cli(root, *args, "--format", "sarif")
    assert "Traceback" not in result.stderr
    return result.returncode, json.loads(result.stdout)


def validate(log: dict[str, Any]) -> None:
    jsonschema.Draft4Validator.check_schema(SARIF_SCHEMA)
    jsonschema.validate(
        log,
        SARIF_SCHEMA,
        cls=jsonschema.Draft4Validator,
        format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER,
    )


def test_check_writes_valid_sarif_with_every_problem_located(tmp_path: Path) -> None:
    root = broken_project(tmp_path)
    code, log = sarif_of(root, "check")
    assert code == 1
    validate(log)
    problems = json.loads(run_cli(root, "check", "--format", "json").stdout)
    [run] = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert len({r["id"] for r in rules}) == len(rules) == len(RULES)
    results = run["results"]
    assert len(results) == len(problems) == STRAYS + 3
    for problem, result in zip(problems, results, strict=True):
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == problem["file"]
        assert location["region"] == {
            "startLine": problem["line"],
            "startColumn": problem["column"],
        }
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] == problem["severity"]
        assert problem["message"] in result["message"]["text"]
    kinds = {r["ruleId"] for r in results}
    assert kinds == {"quote-not-found", "unknown-reference", "unknown-field", "claim-unsupported"}
    warning = next(r for r in results if r["ruleId"] == "claim-unsupported")
    assert warning["level"] == "warning"
    assert len({r["partialFingerprints"]["briefingProblem/v1"] for r in results}) == len(results)


def test_fingerprints_survive_lines_moving(tmp_path: Path) -> None:
    root = broken_project(tmp_path)
    _, before = sarif_of(root, "check")
    stray = root / "content/facts/stray.yaml"
    stray.write_text("# a comment\n\n" + stray.read_text(encoding="utf-8"), encoding="utf-8")
    _, after = sarif_of(root, "check")
    moved = {
        r["partialFingerprints"]["briefingProblem/v1"]: r["locations"][0]["physicalLocation"][
            "region"
        ]["startLine"]
        for r in after["runs"][0]["results"]
    }
    for result in before["runs"][0]["results"]:
        line = result["locations"][0]["physicalLocation"]["region"]["startLine"]
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        expected = line + 2 if uri.endswith("stray.yaml") else line
        assert moved[result["partialFingerprints"]["briefingProblem/v1"]] == expected


def test_strict_reports_warnings_as_errors(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path)
    edit(root, "content/facts/paris.yaml", "claim: 27 European", "claim: 28 European")
    code, log = sarif_of(root, "check")
    assert code == 0 and [r["level"] for r in log["runs"][0]["results"]] == ["warning"]
    code, log = sarif_of(root, "check", "--strict")
    validate(log)
    assert code == 1 and [r["level"] for r in log["runs"][0]["results"]] == ["error"]


def test_a_clean_build_writes_an_empty_valid_log(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path)
    code, log = sarif_of(root, "build", "--no-search")
    assert code == 0
    validate(log)
    assert log["runs"][0]["results"] == []
    assert (root / "site" / "index.html").exists()


def test_a_yaml_syntax_error_is_located_in_sarif(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path)
    edit(
        root,
        "content/facts/paris.yaml",
        "  topic: paris-declaration\n",
        "  topic: [paris-declaration\n",
    )
    code, log = sarif_of(root, "check")
    validate(log)
    assert code == 1
    # The one error; the references into the broken file are folded into one warning.
    [syntax] = [
        r
        for r in log["runs"][0]["results"]
        if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        == "content/facts/paris.yaml"
        and r["level"] == "error"
    ]
    assert syntax["ruleId"] == "syntax", syntax["message"]
    [problem] = [
        p
        for p in json.loads(run_cli(root, "check", "--format", "json").stdout)
        if p["file"] == "content/facts/paris.yaml" and p["severity"] == "error"
    ]
    region = syntax["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == problem["line"] in (3, 4)  # the flow list left open


@pytest.mark.parametrize(
    ("message", "rule"),
    [
        ("the quote is not in source `beta` (seeds/beta.txt)", "quote-not-found"),
        (
            "the quote occurs 3 times in seeds/a.txt (lines 1, 2, 3), so it cannot be anchored",
            "quote-ambiguous",
        ),
        ("the quote is empty", "quote-empty"),
        ("the claim states `28` but none of its quotes does", "claim-unsupported"),
        ("unknown actor `zakarova`", "unknown-reference"),
        ("`[@nope]` does not name a fact id", "unknown-reference"),
        ("duplicate fact id `a` (first defined at content/facts/a.yaml:1)", "duplicate"),
        ("missing required field `claim`", "missing-field"),
        ("a fact needs at least one citation", "missing-field"),
        ("unknown field `colour`", "unknown-field"),
        ("`2026-02-30` is not a valid date", "invalid-value"),
        ("`title` is 9,000 characters long; the limit is 2,000", "too-long"),
        ("file is not valid UTF-8 (byte 0xff)", "unreadable-file"),
        ("`claim` contains the invisible control character U+202E", "invisible-character"),
        ("YAML syntax error: mapping values are not allowed here", "syntax"),
        ("the front matter is not closed", "syntax"),
        ("seeds/a.txt does not match its pin: expected sha256 ab, actual cd", "source-changed"),
        (
            "the fact `a` was published at HEAD~1 and its claim changed since, with no correction",
            "correction-missing",
        ),
        ("the fact `a` was published at main and is gone: its URL would die", "url-lost"),
        (
            "`a` says `status: disputed`, but no `contradicts` dispute links it to another fact",
            "inconsistent-fact",
        ),
        (
            "`a` is dated 2026-01-08, within the main event (6 January 2026 to 8 January 2026), "
            "but "
            "every source it cites covers only `earlier`",
            "inconsistent-fact",
        ),
        (
            "[hedge-dropped] every quote hedges (“would”) but the claim states it flatly",
            "hedge-dropped",
        ),
        (
            "[unsupported-detail] the claim names Germany but none of its quotes does",
            "unsupported-detail",
        ),
        (
            "[one-strand-voice] “signals” is a judgement, and only one strand supports it",
            "one-strand-voice",
        ),
        ("`lint_ok` silences `hedge-dropped`, which finds nothing here", "stale-lint-ok"),
        ("template error: unexpected '}'", "template-error"),
        ("site/ is not a folder a build made; a build would replace it", "build-folder"),
        ("something no rule has a name for yet", "content-problem"),
    ],
)
def test_each_kind_of_problem_has_its_rule(message: str, rule: str) -> None:
    assert rule_of(Problem("content/x.yaml", 1, 1, "", message)).id == rule


def test_github_format_writes_every_problem_to_the_job_summary(tmp_path: Path) -> None:
    root = broken_project(tmp_path)
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    env = {"GITHUB_STEP_SUMMARY": str(summary)}
    result = run_cli(root, "check", "--format", "github", env=env)
    assert result.returncode == 1
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::")]
    written = summary.read_text(encoding="utf-8")
    assert written.startswith("earlier step\n")  # appended, as GitHub expects
    rows = [line for line in written.splitlines() if line.startswith(("| error", "| warning"))]
    assert len(rows) == len(annotations) == STRAYS + 3
    assert "stray.yaml" in written and "unknown actor" in written


def test_no_summary_when_github_shows_every_annotation(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path)
    edit(root, "content/facts/russia.yaml", "actors: [zakharova]", "actors: [zakarova]")
    summary = tmp_path / "summary.md"
    result = run_cli(root, "check", "--format", "github", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.returncode == 1 and result.stdout.startswith("::error ")
    assert not summary.exists()


def test_summary_cells_cannot_break_the_table() -> None:
    hostile = Problem(
        "content/a|b.yaml",
        3,
        1,
        "claim",
        "bad | `x` <script>\nnext",
        hint="*fix*",
        severity=Severity.WARNING,
    )
    table = job_summary([hostile])
    [row] = [line for line in table.splitlines() if line.startswith("| warning")]
    assert row.count("|") - row.count("\\|") == 6
    assert "<script>" not in table and "\\n" in row


def test_the_pages_workflow_uploads_the_sarif_it_writes() -> None:
    import yaml

    workflow = yaml.safe_load(
        (REPO / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8")
    )
    assert workflow["permissions"]["security-events"] == "write"
    steps = workflow["jobs"]["build"]["steps"]
    [check] = [s for s in steps if "--format sarif" in s.get("run", "")]
    [upload] = [
        s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@")
    ]
    written = check["run"].split("--format sarif > ")[1].split()[0]
    assert upload["with"]["sarif_file"] == written
    assert "!cancelled()" in check["if"] and "!cancelled()" in upload["if"]
    assert steps.index(check) < steps.index(upload)

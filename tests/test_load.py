"""Reading files: encodings, YAML that PyYAML would accept too quietly, front matter."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from builder import load
from builder.errors import Problem
from builder.load import (
    MAX_DEPTH,
    Mapping,
    ParseCache,
    Scalar,
    Sequence,
    load_page,
    load_project,
    parse_yaml,
    read_text,
)
from tests.helpers import copy_fixture

REPO = Path(__file__).resolve().parent.parent


def parse(text: str) -> tuple[object, list[Problem]]:
    problems: list[Problem] = []
    return parse_yaml(text, "f.yaml", problems), problems


def test_nodes_keep_lines_and_columns() -> None:
    node, problems = parse("- id: a\n  claim: 'x'\n  actors: [b, c]\n")
    assert not problems and isinstance(node, Sequence)
    fact = node.items[0]
    assert isinstance(fact, Mapping)
    claim = fact.entries["claim"]
    assert (claim.line, claim.column) == (2, 3)
    assert isinstance(claim.value, Scalar) and claim.value.quoted
    actors = fact.entries["actors"].value
    assert isinstance(actors, Sequence)
    assert [(a.line, a.column) for a in actors.items] == [(3, 12), (3, 15)]


@pytest.mark.parametrize(
    "text, value",
    [
        ("a: NO", "NO"),
        ("a: 08", "08"),
        ("a: 2026-01-06", "2026-01-06"),
        ("a: yes", "yes"),
        ("a: 1e3", "1e3"),
        ("a: ~", None),
        ("a:", None),
        ("a: 'null'", "null"),
    ],
)
def test_scalars_stay_text(text: str, value: str | None) -> None:
    node, problems = parse(text)
    assert not problems and isinstance(node, Mapping)
    scalar = node.entries["a"].value
    assert isinstance(scalar, Scalar) and scalar.value == value


@pytest.mark.parametrize(
    "text, message",
    [
        ("a: &x [1]\nb: *x\n", "anchors and aliases"),
        ("a: !!python/object:os.system x\n", "tag `tag:yaml.org,2002:python/object:os.system`"),
        ("a: 1\na: 2\n", "duplicate key `a`"),
        ("a: 1\n---\nb: 2\n", "several YAML documents"),
        ("base: {x: 1}\nc:\n  <<: {x: 1}\n", "merge keys"),
        ("base: &b {x: 1}\nc:\n  <<: *b\n", "anchors and aliases"),  # refused at the anchor
        ("a: &lone x\n", "anchors and aliases"),  # an anchor no alias uses
        ("a: [" * 40 + "]" * 40, "nested too deeply"),
        ("a: 'open\n", "YAML syntax error"),
        ("a: b\n{", "YAML syntax error"),  # libyaml places this one past the last line
    ],
)
def test_unsafe_or_ambiguous_yaml_is_refused(text: str, message: str) -> None:
    _, problems = parse(text)
    assert problems and message in problems[0].message, problems


@pytest.mark.parametrize(
    "text, line",
    [
        ("- " + "[" * 2_000 + "]" * 2_000 + "\n", 1),
        ("a: 1\nb: " + "{" * 1_500 + "}" * 1_500 + "\n", 2),
        ("a:\n" + "".join("  " * i + "- x:\n" for i in range(1, 1_200)), 17),  # counted
    ],
)
def test_nesting_past_libyamls_own_limit_is_too_deep_at_its_line(text: str, line: int) -> None:
    """libyaml stops at a thousand levels of its own while it scans (PyYAML 6.0.4), before
    any deeper event could be counted: still our problem, on the line where it stopped."""
    _, problems = parse(text)
    assert [(p.message, p.line) for p in problems] == [
        (f"YAML is nested too deeply (limit {MAX_DEPTH})", line)
    ]


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [
        f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]"
        for i in range(1, 12)
    ]
    _, problems = parse("\n".join(lines))
    assert "anchors and aliases" in problems[0].message


def write(tmp_path: Path, data: bytes, name: str = "f.yaml") -> tuple[str | None, list[Problem]]:
    (tmp_path / name).write_bytes(data)
    problems: list[Problem] = []
    return read_text(tmp_path, name, problems), problems


def test_bom_and_crlf_are_harmless(tmp_path: Path) -> None:
    text, problems = write(tmp_path, b"\xef\xbb\xbfa: 1\r\nb: 2\r\n")
    assert not problems and text == "a: 1\nb: 2\n"


@pytest.mark.parametrize(
    "data, message, line",
    [
        ("a: 1\n".encode("utf-16"), "UTF-16", 1),
        (b"a: 1\nb: \xe9t\xe9\n", "not valid UTF-8", 2),
        (b"a: 1\n\nb: \x00\n", "NUL byte", 3),
    ],
)
def test_unreadable_encodings_are_named(
    tmp_path: Path, data: bytes, message: str, line: int
) -> None:
    text, problems = write(tmp_path, data)
    assert text is None
    assert message in problems[0].message and problems[0].line == line


def test_symlink_out_of_the_project_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("secret")
    project = tmp_path / "project"
    project.mkdir()
    (project / "link.txt").symlink_to(outside)
    problems: list[Problem] = []
    assert read_text(project, "link.txt", problems) is None
    assert "outside the project" in problems[0].message


def test_files_linked_from_outside_their_folder_are_refused_and_the_others_read(
    tmp_path: Path,
) -> None:
    root = tmp_path / "project"
    shutil.copytree(Path(__file__).parent / "fixtures" / "mini", root)
    outside = tmp_path / "elsewhere"
    shutil.move(root / "content" / "facts", outside)
    (root / "content" / "facts").symlink_to(outside)  # the whole folder, from outside
    (outside / "secret.txt").write_text("secret")
    (root / "seeds" / "one.txt").symlink_to(outside / "secret.txt")
    (root / "seeds" / "inside.txt").symlink_to(root / "seeds" / "alpha.txt")
    project = load_project(root)
    refused = sorted(p.file for p in project.problems if "points outside" in p.message)
    assert refused == ["content/facts/paris.yaml", "content/facts/russia.yaml", "seeds/one.txt"]
    assert [f.text for f in project.facts] == [None, None]
    assert project.seeds["seeds/inside.txt"] == project.seeds["seeds/alpha.txt"]


@pytest.mark.parametrize(
    "text, message, hint",
    [
        ("\n\n---\ntitle: x\n---\nbody\n", "no front matter", "blank lines"),
        ("---\ntitle: x\nbody\n", "not closed", "add a line `---`"),
        ("title: x\n", "no front matter", "start the file"),
    ],
)
def test_front_matter_mistakes(tmp_path: Path, text: str, message: str, hint: str) -> None:
    (tmp_path / "p.md").write_text(text)
    problems: list[Problem] = []
    load_page(tmp_path, "p.md", problems)
    assert message in problems[0].message and hint in problems[0].hint


def test_front_matter_after_a_bom_is_kept(tmp_path: Path) -> None:
    (tmp_path / "p.md").write_bytes("\ufeff---\ntitle: x\n---\nBody [@a].\n".encode())
    problems: list[Problem] = []
    page = load_page(tmp_path, "p.md", problems)
    assert not problems and isinstance(page.front, Mapping)
    assert page.body == "Body [@a].\n" and page.body_line == 4


def test_project_loads_every_kind_of_file() -> None:
    root = Path(__file__).parent / "fixtures" / "mini"
    project = load_project(root)
    assert not project.problems
    assert [f.path for f in project.facts] == [
        "content/facts/paris.yaml",
        "content/facts/russia.yaml",
    ]
    assert project.pages[0].path == "content/pages/allies.md"
    assert set(project.seeds) == {"seeds/alpha.txt", "seeds/beta.txt"}


def test_an_unchanged_file_is_not_read_again_and_a_changed_one_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(load, "STILL_NS", 0)  # every file counts as left alone long enough
    root = copy_fixture(tmp_path)
    cache = ParseCache()
    first = load_project(root, cache)
    assert load_project(root, cache).seeds["seeds/beta.txt"] is first.seeds["seeds/beta.txt"]
    seed = root / "seeds" / "beta.txt"
    before = seed.stat()
    text = seed.read_text(encoding="utf-8")
    changed = text.replace("coalition", "koalition", 1)  # the same size
    assert changed != text and len(changed) == len(text)
    seed.write_text(changed, encoding="utf-8")
    os.utime(seed, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))
    assert load_project(root, cache).seeds["seeds/beta.txt"] == changed
    facts = root / "content" / "facts" / "paris.yaml"
    facts.write_text(facts.read_text(encoding="utf-8") + "# a comment\n", encoding="utf-8")
    [paris] = [f for f in load_project(root, cache).facts if f.path.endswith("paris.yaml")]
    assert paris.text is not None and paris.text.endswith("# a comment\n")


def test_a_file_saved_moments_ago_is_read_again_whatever_its_stat(tmp_path: Path) -> None:
    """Two saves within one tick of the file system's clock leave the same times: a file
    is trusted by its stat only once it has been left alone for a while."""
    root = copy_fixture(tmp_path)
    cache = ParseCache()
    first = load_project(root, cache)
    again = load_project(root, cache)
    assert again.seeds["seeds/beta.txt"] == first.seeds["seeds/beta.txt"]
    assert again.seeds["seeds/beta.txt"] is not first.seeds["seeds/beta.txt"]


def test_a_file_with_a_problem_reports_it_on_every_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(load, "STILL_NS", 0)
    root = copy_fixture(tmp_path)
    (root / "seeds" / "broken.txt").write_bytes(b"text\x00more")
    cache = ParseCache()
    for _ in range(2):
        project = load_project(root, cache)
        assert [p.file for p in project.problems] == ["seeds/broken.txt"]
        assert "seeds/broken.txt" not in project.seeds


def test_seeds_in_subfolders_are_found_in_path_order_without_hidden_files(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    for rel in ("a.txt", "a/b.txt", "a/.hidden", ".drafts/x.txt", "B.txt", "a-b.txt", "z/y/x.txt"):
        (seeds / rel).parent.mkdir(parents=True, exist_ok=True)
        (seeds / rel).write_text("text\n", encoding="utf-8")
    (seeds / "linked").symlink_to(seeds / "z", target_is_directory=True)  # not entered
    problems: list[Problem] = []
    found = load.load_seeds(tmp_path, problems)
    assert list(found) == [
        "seeds/.drafts/x.txt",
        "seeds/B.txt",
        "seeds/a/b.txt",
        "seeds/a-b.txt",
        "seeds/a.txt",
        "seeds/z/y/x.txt",
    ]
    assert problems == []

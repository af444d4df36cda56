"""Properties that hold for any input: arbitrary text never breaks a build or injects markup,
quote verification accepts every unique passage and refuses every one-letter edit, and the
output does not depend on the machine it is built on.

Derandomised in CI (`CI` set): the examples are the same on every run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from builder.build import build
from builder.quotes import Match, SourceIndex
from tests.helpers import copy_fixture
from tests.mutate import html_pages, injected, tree_bytes

settings.register_profile(
    "security-ci",
    derandomize=True,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("security-dev", deadline=None)
PROFILE = settings.get_profile("security-ci" if os.environ.get("CI") else "security-dev")
"""This module's settings, applied per test (loading a profile would change every module's)."""


def examples(default: int) -> settings:
    """The profile with a modest number of examples (`PROPERTY_EXAMPLES` overrides it)."""
    return settings(PROFILE, max_examples=int(os.environ.get("PROPERTY_EXAMPLES", default)))


ROOT = Path(__file__).resolve().parent.parent
SEEDS = {p.name: p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))}
INDEXES = {name: SourceIndex(text) for name, text in SEEDS.items()}


def spans(matches: list[Match]) -> list[tuple[int, int]]:
    return [(m.start, m.end) for m in matches]


@st.composite
def unique_passages(draw: st.DrawFn) -> tuple[str, int, int]:
    """(seed name, start, end) of a passage of 30-240 characters that occurs once in its seed,
    without leading or trailing whitespace."""
    name = draw(st.sampled_from(sorted(SEEDS)))
    text = SEEDS[name]
    start = draw(st.integers(0, len(text) - 30))
    end = draw(st.integers(start + 30, min(len(text), start + 240)))
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    passage = text[start:end]
    assume(len(passage) >= 30 and text.count(passage) == 1)
    return name, start, end


@examples(60)
@given(unique_passages())
def test_every_unique_passage_is_found_where_it_is(found: tuple[str, int, int]) -> None:
    name, start, end = found
    assert spans(INDEXES[name].find(SEEDS[name][start:end])) == [(start, end)]


# What an editor cannot see, and so is forgiven: each maps a passage to a variant.
INVISIBLE_EDITS = {
    "curly-to-straight": lambda s: s.translate(str.maketrans("‘’“”", "''\"\"")),
    "straight-to-curly": lambda s: s.replace("'", "’").replace('"', "“"),
    "dashes-to-hyphen": lambda s: s.translate(str.maketrans("‑–—", "---")),
    "nfd": lambda s: unicodedata.normalize("NFD", s),
    "whitespace-runs": lambda s: " ".join(s.split()).replace(" ", "  \n "),
}


@examples(40)
@given(unique_passages(), st.sampled_from(sorted(INVISIBLE_EDITS)))
def test_invisible_differences_are_forgiven(found: tuple[str, int, int], edit: str) -> None:
    name, start, end = found
    variant = INVISIBLE_EDITS[edit](SEEDS[name][start:end])
    assert spans(INDEXES[name].find(variant)) == [(start, end)]


@examples(60)
@given(unique_passages(), st.data())
def test_a_one_letter_edit_inside_a_word_fails(
    found: tuple[str, int, int], data: st.DataObject
) -> None:
    name, start, end = found
    passage = SEEDS[name][start:end]
    inside = [
        i
        for i in range(1, len(passage) - 1)
        if passage[i - 1].isalpha() and passage[i].isalpha() and passage[i + 1].isalpha()
    ]
    assume(inside)
    i = data.draw(st.sampled_from(inside), label="position")
    letter = data.draw(
        st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ").filter(
            lambda c: c != passage[i]
        ),
        label="letter",
    )
    edited = passage[:i] + letter + passage[i + 1 :]
    assume(edited.casefold() not in SEEDS[name].casefold())
    assert INDEXES[name].find(edited) == []
    closest = INDEXES[name].closest(edited)
    assert closest is not None
    assert closest.start <= start + 2 and closest.end >= end - 2, "the closest is the edited one"
    assert closest.score < 100


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_the_whole_source_quotes_itself(name: str) -> None:
    text = SEEDS[name]
    stripped = text.strip()
    begin = text.index(stripped)
    assert spans(INDEXES[name].find(stripped)) == [(begin, begin + len(stripped))]


# Arbitrary text in every field --------------------------------------------------------------

PARIS = "content/facts/paris.yaml"
FIELDS = {
    # name: (file, text to replace, replacement with {} for the YAML-quoted value)
    "site-title": ("content/site.yaml", "title: Mini briefing", "title: {}"),
    "site-description": (
        "content/site.yaml",
        "description: A tiny briefing used by the tests.",
        "description: {}",
    ),
    "topic-title": ("content/site.yaml", "title: Russian responses", "title: {}"),
    "source-title": ("content/sources.yaml", "title: Alpha report", "title: {}"),
    "source-outlet": ("content/sources.yaml", "outlet: Alpha News", "outlet: {}"),
    "source-cites": ("content/sources.yaml", "cites: [Reuters]", "cites: [Reuters, {}]"),
    "actor-name": ("content/actors.yaml", "name: France", "name: {}"),
    "actor-role": ("content/actors.yaml", "role: Co-lead nation", "role: {}"),
    "actor-alias": ("content/actors.yaml", "aliases: [Britain, UK]", "aliases: [Britain, {}]"),
    "claim": (PARIS, "claim: Dozens of countries joined the coalition.", "claim: {}"),
    "dispute-note": (PARIS, "note: Sources give different counts of participants.", "note: {}"),
    "page-title": ("content/pages/allies.md", "title: Allied positions", "title: {}"),
    "page-summary": ("content/pages/allies.md", "summary: Who offers what.", "summary: {}"),
}
BODY = ("content/pages/allies.md", "Positions of the allies, each backed by facts.")
HOSTILE = [
    "<script>pwn()</script>",
    "</script>",
    '"><pwn-x onpwn=1>',
    "' onpwn='1",
    "<!--",
    "-->",
    "javascript:pwn()",
    "[x](javascript:pwn())",
    "<img src=x onerror=pwn()>",
    "](data:x)",
    "{{ pwn }}",
    "{% pwn %}",
    "&amp;",
    "&lt;pwn&gt;",
    "]]>",
    "\u202e",
    "\x00",
    "\x1b",
    "*",
    "_",
    "`",
    "[@declaration-signed]",
    " #",
    ": ",
    "\n",
    '=HYPERLINK("x")',
    "\\",
    "\ufeff",
]
texts = st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=12)), max_size=6).map("".join)


def yaml_quoted(text: str) -> str:
    """Any text as a YAML double-quoted scalar (escapes for everything but printable ASCII)."""
    out = []
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif 0x20 <= code < 0x7F:
            out.append(char)
        else:
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


@pytest.fixture(scope="module")
def mini(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    """The mini project and how many scripts each of its pages has when built."""
    project = copy_fixture(tmp_path_factory.mktemp("mini"))
    result = build(project, out=project / "site", search=False)
    assert result.ok
    pages = html_pages(project / "site")
    return project, {rel: len(soup.find_all("script")) for rel, soup in pages}


@examples(30)
@given(field=st.sampled_from([*sorted(FIELDS), "page-body"]), text=texts)
def test_any_text_in_any_field_builds_or_is_refused_and_never_injects(
    mini: tuple[Path, dict[str, int]], field: str, text: str
) -> None:
    base, scripts = mini
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "project"
        shutil.copytree(base, project, ignore=shutil.ignore_patterns("site", ".site*"))
        if field == "page-body":
            rel, old = BODY
            new = text
        else:
            rel, old, template = FIELDS[field]
            new = template.format(yaml_quoted(text))
        path = project / rel
        path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
        result = build(project, out=project / "site", search=False)  # never raises
        event("built" if result.ok else "refused")
        if not result.ok:
            assert result.errors and all(p.file and p.message for p in result.errors)
            assert not (project / "site").exists()
            return
        for page, soup in html_pages(project / "site"):
            assert injected(soup, "pwn") == [], page
            assert len(soup.find_all("script")) == scripts.get(page, 0), page


# The output does not depend on the machine --------------------------------------------------

ORDERED_BUILD = """
import os, sys
from builder.cli import main
real_scandir, real_listdir = os.scandir, os.listdir
class Entries:
    def __init__(self, it):
        with it:
            self.entries = sorted(it, key=lambda e: e.name, reverse=True)
    def __enter__(self): return self
    def __exit__(self, *exc): return False
    def __iter__(self): return iter(self.entries)
    def close(self): pass
os.scandir = lambda path=".": Entries(real_scandir(path))
os.listdir = lambda path=".": sorted(real_listdir(path), reverse=True)
sys.exit(main(sys.argv[1:]))
"""
ENVIRONMENTS = {
    "hashseed-tz-locale": {
        "PYTHONHASHSEED": "12345",
        "TZ": "Pacific/Kiritimati",
        "LC_ALL": "C",
        "LANG": "C",
    },
    "other-hashseed-tz-locale": {
        "PYTHONHASHSEED": "random",
        "TZ": "America/St_Johns",
        "LC_ALL": "POSIX",
        "LANG": "tr_TR.UTF-8",
    },
    "reversed-file-order": {"PYTHONHASHSEED": "7", "REVERSED": "1"},
}


def _subprocess_build(project: Path, out: Path, env: dict[str, str]) -> None:
    code = [ORDERED_BUILD] if env.get("REVERSED") else []
    command = [
        sys.executable,
        *(["-c", *code] if code else ["-m", "builder"]),
        "--root",
        str(project),
        "build",
        "--no-search",
        "--out",
        str(out),
    ]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("name", sorted(ENVIRONMENTS))
def test_builds_are_byte_identical_whatever_the_machine(
    name: str, tmp_path: Path, mini: tuple[Path, dict[str, int]]
) -> None:
    base, _ = mini
    project = tmp_path / "elsewhere" / "copy"
    shutil.copytree(base, project, ignore=shutil.ignore_patterns("site", ".site*"))
    _subprocess_build(project, tmp_path / "out", ENVIRONMENTS[name])
    assert tree_bytes(tmp_path / "out") == tree_bytes(base / "site")


# An incremental rebuild ends where a clean build does ---------------------------------------

EDITS = {
    "claim": (PARIS, "claim: Dozens of countries joined", "claim: Many countries joined"),
    "date": (PARIS, "date: 2026-01-06", "date: 2026-01-07"),
    "source-title": ("content/sources.yaml", "title: Beta digest", "title: Beta roundup"),
    "actor-name": ("content/actors.yaml", "name: Maria Zakharova", "name: M. Zakharova"),
    "ally-name": ("content/actors.yaml", "name: United Kingdom", "name: The United Kingdom"),
    "page-body": ("content/pages/allies.md", "each backed by facts.", "each *backed* by facts."),
    "topic": (
        "content/facts/russia.yaml",
        "topic: russian-responses\n  date: 2026-01-08\n  actors: [zakharova]",
        "topic: paris-declaration\n  date: 2026-01-08\n  actors: [zakharova]",
    ),
    "broken": (PARIS, "date: 2026-01-06", "date: 2026-02-30"),
    "new-fact": (
        "content/facts/russia.yaml",
        "- id: axis-of-war",
        "- id: peskov-danger\n  claim: Troops were called a danger.\n  topic: "
        "russian-responses\n  actors: [russia]\n  citations:\n    - source: beta\n"
        "      quote: Moscow warned on 8 January\n- id: axis-of-war",
    ),
    "template": ("templates/base.html", "</footer>", "<p>Edited.</p></footer>"),
    # What pages read through others: a fact in another page's prose and References, a
    # source's outlet in every References list citing it, a dispute's note on the other
    # side's card, the templates of fragments made once and reused, a nav page's title.
    "cited-claim": (
        PARIS,
        "claim: Leaders signed a declaration of intent",
        "claim: Leaders signed a new declaration of intent",
    ),
    "source-outlet": ("content/sources.yaml", "outlet: Alpha News", "outlet: Alpha Newswire"),
    "dispute-note": (PARIS, "note: Sources give different counts", "note: Counts differ"),
    "card-template": ("templates/_fact_card.html", "</", "<!-- card --></"),
    "marks-template": ("templates/_cite_marks.html", "</", "<!-- marks --></"),
    "references-template": ("templates/_references.html", "</", "<!-- refs --></"),
    "nav-title": ("content/pages/allies.md", "title: Allied positions", "title: Allies"),
    "seed": ("seeds/beta.txt", "coalition, officials said.", "coalition, officials said today."),
    "site-title": ("content/site.yaml", "title: Mini briefing", "title: Small briefing"),
}


@examples(20)
@given(st.lists(st.sampled_from(sorted(EDITS)), min_size=1, max_size=4))
def test_incremental_rebuilds_end_where_a_clean_build_does(
    mini: tuple[Path, dict[str, int]], edits: list[str]
) -> None:
    from builder.incremental import full_build, rebuild
    from tests.helpers import output_digests

    base, _ = mini
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "project"
        shutil.copytree(base, project, ignore=shutil.ignore_patterns("site", ".site*"))
        out = project / "site"
        state = full_build(project, out, search=False).state
        assert state is not None
        for name in edits:
            rel, old, new = EDITS[name]
            path = project / rel
            text = path.read_text(encoding="utf-8")
            # The second time an edit comes, it is undone.
            edited = text.replace(new, old, 1) if new in text else text.replace(old, new, 1)
            assert edited != text, f"{name}: {rel} has neither {old!r} nor {new!r}"
            path.write_text(edited, encoding="utf-8")
            state = rebuild(state, project, out, search=False).state or state
        paris = project / PARIS
        if "2026-02-30" in paris.read_text(encoding="utf-8"):  # the editor fixes the mistake
            rel, old, new = EDITS["broken"]
            paris.write_text(paris.read_text(encoding="utf-8").replace(new, old), "utf-8")
            state = rebuild(state, project, out, search=False).state
        clean = build(project, out=Path(tmp) / "clean", search=False)
        assert clean.ok, [p.as_text() for p in clean.problems]
        assert output_digests(out) == output_digests(Path(tmp) / "clean")

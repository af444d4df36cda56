"""The briefing over time, as readers and reviewers see it: corrections on the fact page, on
/corrections/ and in the feed; a withdrawn id's page and record; an old id's redirect; each
fact's history from git; and /changes/ for review. On real git repositories."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup

from builder.build import build
from tests.helpers import AXIS, commit, edit, git, git_repo, run_cli

PARIS = "content/facts/paris.yaml"
RUSSIA = "content/facts/russia.yaml"
WITHDRAWN = (
    "- id: axis-of-war\n  kind: fact\n  date: 2026-01-10\n"
    "  reason: The quote could not be confirmed.\n"
    "  title: A spokeswoman called the coalition an 'axis of war'.\n"
)


def page(root: Path, rel: str) -> BeautifulSoup:
    return BeautifulSoup((root / "site" / rel).read_text(encoding="utf-8"), "html.parser")


def built(root: Path, base: str | None = None) -> None:
    result = build(root, search=False, base=base)
    assert result.ok, [p.as_text() for p in result.problems]


def correct_claim(root: Path) -> None:
    edit(
        root,
        PARIS,
        "claim: Leaders signed a declaration of intent in Paris",
        "claim: UK and French leaders signed a declaration of intent in Paris",
    )
    edit(
        root,
        PARIS,
        "  topic: paris-declaration\n  date: 2026-01-06\n",
        "  topic: paris-declaration\n  date: 2026-01-06\n  corrections:\n"
        "    - date: 2026-01-09\n      what: The claim now says who signed.\n"
        "      why: The first version left the signatories out.\n",
    )


@pytest.fixture
def history(tmp_path: Path) -> Path:
    """Published on 8 January; on 9 January one fact corrected, one withdrawn."""
    root = git_repo(tmp_path)
    git(root, "tag", "published")
    correct_claim(root)
    edit(root, RUSSIA, AXIS, "")
    (root / "content/withdrawn.yaml").write_text(WITHDRAWN, encoding="utf-8")
    commit(root, "correct one fact, withdraw another", date="2026-01-09T09:00:00+00:00")
    return root


def test_a_correction_shows_on_the_fact_page_the_corrections_page_and_the_feed(
    history: Path,
) -> None:
    built(history)
    fact = page(history, "facts/declaration-signed/index.html")
    section = fact.find("section", class_="corrections")
    assert section is not None
    assert " ".join(section.get_text().split()) == (
        "Corrections 9 January 2026: The claim now says who signed. "
        "Why: The first version left the signatories out."
    )
    rows = page(history, "corrections/index.html").select("ol.corrections-list li")
    assert len(rows) == 1
    assert rows[0].a["href"] == "/facts/declaration-signed/"
    assert "UK and French leaders signed" in rows[0].get_text()
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ElementTree.parse(history / "site/feed.xml").getroot()
    [entry] = [
        e
        for e in feed.iter(f"{atom}entry")
        if e.find(f"{atom}link").get("href") == "/facts/declaration-signed/"
    ]
    assert entry.findtext(f"{atom}updated") == "2026-01-09T00:00:00Z"
    assert (
        "<p>Corrected 9 January 2026: The claim now says who signed. (why: The first "
        "version left the signatories out.)</p>" in entry.findtext(f"{atom}content")
    )
    data = json.loads((history / "site/facts.json").read_text(encoding="utf-8"))
    [record] = [f for f in data["facts"] if f["id"] == "declaration-signed"]
    assert record["corrections"] == [
        {
            "date": "2026-01-09",
            "what": "The claim now says who signed.",
            "why": "The first version left the signatories out.",
        }
    ]


def test_a_withdrawn_fact_keeps_a_noindex_page_and_its_record(history: Path) -> None:
    built(history)
    gone = page(history, "facts/axis-of-war/index.html")
    assert gone.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    text = " ".join(gone.get_text().split())
    assert "This fact was withdrawn" in text
    assert "The quote could not be confirmed." in text and "10 January 2026" in text
    assert "A spokeswoman called the coalition an 'axis of war'." in text
    data = json.loads((history / "site/facts.json").read_text(encoding="utf-8"))
    assert data["withdrawn"] == [
        {
            "kind": "fact",
            "id": "axis-of-war",
            "date": "2026-01-10",
            "reason": "The quote could not be confirmed.",
            "title": "A spokeswoman called the coalition an 'axis of war'.",
            "url": "/facts/axis-of-war/",
        }
    ]
    assert "axis-of-war" not in {f["id"] for f in data["facts"]}
    assert "/facts/axis-of-war/" not in (history / "site/sitemap.xml").read_text()
    assert run_cli(history, "check", "--since", "published").returncode == 0


def test_a_renamed_fact_redirects_from_its_old_url(history: Path) -> None:
    edit(
        history,
        PARIS,
        "- id: twenty-seven-states\n",
        "- id: european-states-27\n  aliases: [twenty-seven-states]\n",
    )
    built(history)
    old = page(history, "facts/twenty-seven-states/index.html")
    refresh = old.find("meta", attrs={"http-equiv": "refresh"})
    assert refresh["content"] == "0; url=/facts/european-states-27/"
    canonical = old.find_all("link", rel="canonical")
    assert [c["href"] for c in canonical] == ["/facts/european-states-27/"]
    link = old.find("main").find("a", href="/facts/european-states-27/")
    assert link is not None and link.get_text() == "27 European states took part in the talks."
    new = page(history, "facts/european-states-27/index.html")
    assert new.find("meta", attrs={"name": "robots"}) is None
    assert new.find("h1").get_text() == "27 European states took part in the talks."


def test_each_fact_shows_when_it_was_first_published_and_last_changed(history: Path) -> None:
    def meta(rel: str) -> dict[str, str]:
        dl = page(history, rel).find("dl", class_="meta")
        return {dt.get_text(): dt.find_next_sibling("dd").get_text() for dt in dl("dt")}

    built(history)
    first = (history / "site/facts/declaration-signed/index.html").read_bytes()
    corrected = meta("facts/declaration-signed/index.html")
    assert corrected["First published"] == "8 January 2026"
    assert corrected["Last changed"] == "9 January 2026"
    untouched = meta("facts/uk-france-lead-force/index.html")
    assert untouched["First published"] == "8 January 2026"
    assert "Last changed" not in untouched
    cache = history / ".git" / "briefing-fact-versions.json"
    assert cache.is_file()  # every version of the fact files read once, kept by blob id
    built(history)  # the same commit builds the same bytes, whatever the day
    assert (history / "site/facts/declaration-signed/index.html").read_bytes() == first
    cache.write_text("{not json", encoding="utf-8")  # a broken cache is read again from git
    built(history)
    assert (history / "site/facts/declaration-signed/index.html").read_bytes() == first


def test_changes_lists_exactly_what_changed_between_two_commits(
    history: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edit(
        history,
        PARIS,
        "- id: twenty-seven-states\n",
        "- id: european-states-27\n  aliases: [twenty-seven-states]\n",
    )
    edit(
        history,
        RUSSIA,
        "- id: legitimate-targets\n",
        AXIS.replace("axis-of-war", "axis-of-war-zakharova") + "- id: legitimate-targets\n",
    )
    commit(history, "rename one fact, add one", date="2026-01-10T09:00:00+00:00")
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    done = run_cli(history, "build", "--no-search", "--base", "published")
    assert done.returncode == 0, done.stderr
    assert "changes since published: 1 added, 1 changed, 1 withdrawn, 1 renamed" in done.stderr
    changes = page(history, "changes/index.html")
    assert changes.find("meta", attrs={"name": "robots"})["content"] == "noindex"

    def items(section: str) -> list[str]:
        found = changes.find("section", attrs={"aria-labelledby": section})
        return [" ".join(li.get_text().split()) for li in found.find_all("li")]

    assert items("added") == ["A spokeswoman called the coalition an 'axis of war'."]
    assert items("withdrawn") == ["fact axis-of-war: 2026-01-10: The quote could not be confirmed."]
    assert items("renamed") == ["fact twenty-seven-states is now european-states-27"]
    [change] = changes.find_all("article", class_="change")
    before, after = (" ".join(td.get_text().split()) for td in change.find_all("td"))
    assert before == "Leaders signed a declaration of intent in Paris on 6 January 2026."
    assert (
        after == "UK and French leaders signed a declaration of intent in Paris on 6 January 2026."
    )
    assert change.h3.a["href"] == "/facts/declaration-signed/"
    assert "Correction: 2026-01-09: The claim now says who signed." in change.get_text()
    markdown = summary.read_text(encoding="utf-8")
    assert markdown.startswith("## briefing: changes since `published`")
    assert "| `declaration-signed` | claim | Leaders signed" in markdown
    assert "- fact `twenty-seven-states` → `european-states-27`" in markdown
    # Without --base there is no review page.
    built(history)
    assert not (history / "site/changes").exists()


def test_a_renamed_actor_redirects_and_a_withdrawn_source_keeps_its_page(history: Path) -> None:
    for rel in ("content/actors.yaml", RUSSIA):
        text = (history / rel).read_text(encoding="utf-8")
        (history / rel).write_text(text.replace("zakharova", "maria-zakharova"), encoding="utf-8")
    edit(
        history,
        "content/actors.yaml",
        "- id: maria-zakharova\n",
        "- id: maria-zakharova\n  former_ids: [zakharova]\n",
    )
    with (history / "content/withdrawn.yaml").open("a", encoding="utf-8") as handle:
        handle.write(
            "- id: gamma\n  kind: source\n  date: 2026-01-10\n"
            "  reason: The outlet retracted the report.\n  title: Gamma wire\n"
        )
    built(history)
    old = page(history, "actors/zakharova/index.html")
    assert (
        old.find("meta", attrs={"http-equiv": "refresh"})["content"]
        == "0; url=/actors/maria-zakharova/"
    )
    assert old.find("link", rel="canonical")["href"] == "/actors/maria-zakharova/"
    gone = page(history, "sources/gamma/index.html")
    assert gone.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert "This source was withdrawn" in gone.get_text()
    assert "The outlet retracted the report." in gone.get_text()


@pytest.mark.gates
def test_the_new_kinds_of_page_are_valid_html(
    history: Path, require_tool: Callable[[str], Path]
) -> None:
    """Tombstones, redirects, corrections and the review page pass the Nu Html Checker."""
    java, vnu = require_tool("java"), require_tool("vnu")
    edit(
        history,
        PARIS,
        "- id: twenty-seven-states\n",
        "- id: european-states-27\n  aliases: [twenty-seven-states]\n",
    )
    built(history, base="published")
    pages = [
        history / "site" / rel
        for rel in (
            "changes/index.html",
            "corrections/index.html",
            "facts/axis-of-war/index.html",
            "facts/twenty-seven-states/index.html",
            "facts/declaration-signed/index.html",
        )
    ]
    checked = subprocess.run(
        [str(java), "-jar", str(vnu), "--errors-only", *map(str, pages)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert checked.returncode == 0, checked.stderr

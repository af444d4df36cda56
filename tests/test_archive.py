"""`briefing sources add`: a local file archived under seeds/ as a new, pinned source, its
article text extracted from saved HTML the same way every time, its raw bytes kept beside."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

from builder.capture import capture
from tests.helpers import FIXTURES, git_repo, run_cli

ARTICLE = FIXTURES / "captures" / "article.html"


def add(
    root: Path, path: Path, source_id: str = "rome-ministers", *extra: str
) -> subprocess.CompletedProcess[str]:
    return run_cli(
        root,
        "sources",
        "add",
        str(path),
        "--id",
        source_id,
        "--title",
        "Allies meet in Rome on security guarantees",
        "--outlet",
        "Example Times",
        "--published",
        "2026-01-09",
        "--url",
        "https://example.org/rome",
        "--archived",
        "2026-01-10",
        *extra,
    )


def test_saved_html_gives_the_same_article_text_every_time() -> None:
    data = ARTICLE.read_bytes()
    first, second = capture("article.html", data), capture("article.html", data)
    assert first.text == second.text
    text = first.text.decode("utf-8")
    assert "Defence ministers from eleven European countries met in Rome" in text
    assert "legitimate targets" in text
    for chrome in ("Sign in", "Most read", "Cookie settings", "Weather warning"):
        assert chrome not in text
    assert first.raw == data


def test_add_archives_pins_and_writes_the_entry_then_refuses_the_same_file(tmp_path: Path) -> None:
    root = git_repo(tmp_path)
    done = add(root, ARTICLE)
    assert done.returncode == 0, done.stderr
    texts = sorted((root / "seeds").glob("000_*.txt"))
    raws = sorted((root / "seeds").glob("000_*.html"))
    assert len(texts) == 1 and len(raws) == 1
    assert raws[0].read_bytes() == ARTICLE.read_bytes()
    text_digest = hashlib.sha256(texts[0].read_bytes()).hexdigest()
    assert texts[0].name == f"000_{text_digest[:16]}.txt"
    entry = (root / "content/sources.yaml").read_text(encoding="utf-8")
    assert "# Archived by `briefing sources add` from article.html (saved HTML, " in entry
    assert "the article text extracted by trafilatura " in entry
    assert f"  file: seeds/{texts[0].name}\n  sha256: {text_digest}\n" in entry
    assert (
        f"  capture: seeds/{raws[0].name}\n  capture_sha256: "
        f"{hashlib.sha256(ARTICLE.read_bytes()).hexdigest()}\n" in entry
    )
    assert '  archived: "2026-01-10"\n  url: "https://example.org/rome"\n' in entry

    # The new source is a real one: it checks, verifies, and a fact can cite it.
    verify = run_cli(root, "sources", "verify")
    assert "ok        rome-ministers" in verify.stdout
    assert "unpinned  alpha" in verify.stdout  # the fixture's own sources were never pinned
    cite = run_cli(root, "cite", "rome-ministers", "plan is taking shape")
    assert cite.returncode == 0, cite.stderr
    assert run_cli(root, "check").returncode == 0

    # The same bytes again, under another id or another name, are refused.
    again = add(root, ARTICLE, "rome-again")
    assert again.returncode == 1
    assert "is archived already, as seeds/000_" in again.stderr
    copy = tmp_path / "copy.html"
    shutil.copy(ARTICLE, copy)
    assert add(root, copy, "rome-copy").returncode == 1
    assert sorted((root / "seeds").glob("*.txt")) == sorted(
        [*texts, root / "seeds/alpha.txt", root / "seeds/beta.txt"]
    )


def test_add_refuses_an_id_in_use_and_a_file_it_cannot_archive(tmp_path: Path) -> None:
    root = git_repo(tmp_path)
    before = (root / "content/sources.yaml").read_bytes()
    done = add(root, ARTICLE, "alpha")
    assert done.returncode == 1
    assert "the id `alpha` is in use already" in done.stderr
    (root / "content/withdrawn.yaml").write_text(
        "- id: gamma\n  kind: source\n  date: 2026-01-09\n  reason: Retracted.\n", encoding="utf-8"
    )
    done = add(root, ARTICLE, "gamma")
    assert done.returncode == 1 and "the id `gamma` is in use already" in done.stderr
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.7")
    done = add(root, pdf, "a-report")
    assert done.returncode == 1 and "cannot archive a `.pdf` file" in done.stderr
    assert "save a PDF's text as .txt first" in done.stderr
    done = add(root, ARTICLE, "Not An Id")
    assert done.returncode == 2 and "is not a valid id" in done.stderr
    assert (root / "content/sources.yaml").read_bytes() == before
    assert not list((root / "seeds").glob("000_*"))
    (root / "content/withdrawn.yaml").unlink()


def test_plain_text_is_archived_byte_for_byte(tmp_path: Path) -> None:
    root = git_repo(tmp_path)
    note = tmp_path / "statement.txt"
    note.write_bytes(b"The ministry said the talks would resume in Warsaw.\r\n")
    done = add(root, note, "ministry-statement")
    assert done.returncode == 0, done.stderr
    (kept,) = (root / "seeds").glob("000_*.txt")
    assert kept.read_bytes() == note.read_bytes()
    assert not list((root / "seeds").glob("000_*.html"))
    entry = (root / "content/sources.yaml").read_text(encoding="utf-8")
    assert "(plain text, 53 bytes, kept as it was)" in entry and "capture:" not in entry
    assert run_cli(root, "check").returncode == 0


def test_the_source_page_shows_the_original_and_the_archive_date_as_robust_links(
    tmp_path: Path,
) -> None:
    from bs4 import BeautifulSoup

    root = git_repo(tmp_path)
    assert add(root, ARTICLE).returncode == 0
    built = run_cli(root, "build", "--no-search")
    assert built.returncode == 0, built.stderr
    html = (root / "site/sources/rome-ministers/index.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    original = soup.find("a", attrs={"data-versionurl": True})
    assert original is not None
    assert original["href"] == "https://example.org/rome"
    assert original["data-versiondate"] == "2026-01-10"
    assert original["data-versionurl"] == "/sources/rome-ministers/"
    archived = soup.find("a", attrs={"data-originalurl": True})
    assert archived is not None
    assert archived["data-originalurl"] == "https://example.org/rome"
    assert archived["data-versiondate"] == "2026-01-10"
    assert archived.get_text() == "10 January 2026"
    digest = soup.find("code", class_="digest")
    assert digest is not None
    entry = (root / "content/sources.yaml").read_text(encoding="utf-8")
    assert f"sha256: {digest.get_text()}" in entry

"""The benchmark cannot rot: its synthetic corpus builds cleanly into the expected pages.

No timings here (they live in `benchmarks/run.py`): only that the generator writes valid
content in the real format, deterministically, and that the builder builds all of it.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest
import yaml

from benchmarks import gen_corpus
from builder.build import build

REPO = Path(__file__).resolve().parent.parent
N = 50


def make_corpus(root: Path, n: int = N) -> Path:
    gen_corpus.generate(n, root)
    shutil.copytree(REPO / "templates", root / "templates")
    return root


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_the_generator_is_deterministic(tmp_path: Path) -> None:
    gen_corpus.generate(N, tmp_path / "a")
    gen_corpus.generate(N, tmp_path / "b")
    assert tree(tmp_path / "a") == tree(tmp_path / "b")


def test_the_corpus_has_the_shape_the_benchmark_promises(tmp_path: Path) -> None:
    root = make_corpus(tmp_path / "corpus", 250)
    content = root / "content"
    facts = [
        f
        for p in sorted((content / "facts").glob("*.yaml"))
        for f in yaml.safe_load(p.read_text(encoding="utf-8"))
    ]
    assert len(facts) == 250
    assert len(list((content / "facts").glob("*.yaml"))) == 3  # 100 facts a file
    assert all(1 <= len(f["citations"]) <= 3 for f in facts)
    assert any("date" not in f for f in facts) and any("disputes" in f for f in facts)
    sources = yaml.safe_load((content / "sources.yaml").read_text(encoding="utf-8"))
    actors = yaml.safe_load((content / "actors.yaml").read_text(encoding="utf-8"))
    assert (len(sources), len(actors)) == gen_corpus.sizes(250)
    assert any(a.get("positions") for a in actors)
    for fact in facts:
        for cit in fact["citations"]:
            text = (root / f"seeds/{cit['source']}.txt").read_text(encoding="utf-8")
            assert text.count(cit["quote"]) == 1


def test_the_corpus_builds_with_no_problems_into_every_page(tmp_path: Path) -> None:
    root = make_corpus(tmp_path / "corpus")
    result = build(root, out=tmp_path / "site", search=False)
    assert result.ok
    assert result.problems == []

    content = root / "content"
    facts = [
        f
        for p in (content / "facts").glob("*.yaml")
        for f in yaml.safe_load(p.read_text(encoding="utf-8"))
    ]
    sources = yaml.safe_load((content / "sources.yaml").read_text(encoding="utf-8"))
    actors = yaml.safe_load((content / "actors.yaml").read_text(encoding="utf-8"))
    site = yaml.safe_load((content / "site.yaml").read_text(encoding="utf-8"))
    pages = [p.stem for p in (content / "pages").glob("*.md")]
    topics_with_page = {
        yaml.safe_load((content / "pages" / f"{p}.md").read_text().split("---")[1]).get("topic")
        for p in pages
    } - {None}
    topic_ids = [t["id"] for t in site["topics"]]
    expected = {
        "index.html",
        "404.html",
        "timeline/index.html",
        "disputes/index.html",
        "search/index.html",
        "actors/index.html",
        "sources/index.html",
        "corrections/index.html",
        "how-to-read/index.html",
        *(f"{p}/index.html" for p in pages if p != "index"),
        *(f"topics/{t}/index.html" for t in topic_ids if t not in topics_with_page),
        *(f"facts/{f['id']}/index.html" for f in facts),
        *(f"actors/{a['id']}/index.html" for a in actors),
        *(f"allies/{a['id']}/index.html" for a in actors if a.get("positions")),
        *(f"sources/{s['id']}/index.html" for s in sources),
    }
    built = {p for p in tree(tmp_path / "site") if p.endswith(".html")}
    assert built == expected
    assert result.pages == len(expected)


def test_the_parts_benchmark_runs_and_writes_its_figures(tmp_path: Path) -> None:
    """`benchmarks/parts.py` prints its figures (and checks that both ways of making a fact
    page give the same bytes) on a small corpus."""
    from benchmarks import parts

    results = tmp_path / "parts.md"
    assert parts.main(["--facts", str(N), "--repeat", "1", "--results", str(results)]) == 0
    text = results.read_text(encoding="utf-8")
    for figure in (
        "digests of 100 MB",
        "fact pages: navigation",
        "facts' pages: ",
        "the cycle collector once a build is done: left on",
    ):
        assert figure in text


def test_the_benchmark_times_a_second_interpreter_and_names_each_without_its_path(
    tmp_path: Path,
) -> None:
    """`run.py --also-python` builds the same corpus on a second interpreter in the same
    rounds and reports it in a table of its own; the results name both interpreters by
    version and build, never by a path of this machine."""
    from benchmarks import run

    results = tmp_path / "results.md"
    assert (
        run.main(
            [
                "--sizes",
                str(N),
                "--runs",
                "1",
                "--no-hugo",
                "--no-naive",
                "--no-search",
                "--no-incremental",
                "--work",
                str(tmp_path / "work"),
                "--results",
                str(results),
                "--also-python",
                sys.executable,
            ]
        )
        == 0
    )
    text = results.read_text(encoding="utf-8")
    assert f"Our builds run on CPython {sys.version.split()[0]}, interpreter " in text
    second = text.split("## Full build on a second interpreter", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in second.splitlines() if line.startswith(f"| {N} |")]
    assert len(rows) == 1 and rows[0].split(" | ")[1].endswith(" s")
    assert rows[0].split(" | ")[-1].startswith("1: ")  # one round, its fastest and slowest
    full = text.split("## Full build\n", 1)[1].split("\n## ", 1)[0]
    assert next(line for line in full.splitlines() if line.startswith(f"| {N} |")).endswith(
        " / n/a |"
    )  # our rounds, then Hugo's (skipped here)
    assert sys.executable not in text and str(tmp_path) not in text
    assert (tmp_path / "work" / f"site-{N}-also" / "index.html").is_file()


def test_a_second_interpreter_without_the_dependencies_is_skipped_with_a_reason(
    tmp_path: Path,
) -> None:
    from benchmarks import run

    bare = tmp_path / "python"  # an "interpreter" that cannot import anything
    bare.write_text("#!/bin/sh\nexit 1\n", encoding="utf-8")
    bare.chmod(0o755)
    assert run.runs_builder(str(bare)) is not None
    assert "no program" in (run.runs_builder(str(tmp_path / "missing")) or "")
    assert run.runs_builder(sys.executable) is None


def test_round_by_round_divides_each_of_our_rounds_by_hugos_in_the_same_round() -> None:
    from benchmarks.run import Measure, Run, paired

    def measure(*walls: float) -> Measure:
        return Measure(runs=[Run(wall=w, cpu=w, rss=0) for w in walls])

    # Medians alone would say 4.0 / 8.0 = 0.50; round by round the same minutes say more.
    assert paired(measure(4.0, 5.0, 3.0), measure(8.0, 10.0, 4.0)) == "0.50 (0.50–0.75)"
    assert paired(measure(4.0, 5.0), measure(8.0)) == "n/a"  # a round missing: no pairs
    assert paired(measure(4.0), Measure()) == "n/a"


def test_the_stages_benchmark_prints_each_stage_the_encoders_and_the_sampling_cost(
    tmp_path: Path,
) -> None:
    """`benchmarks/stages.py` times each stage of a build in this process, the two
    `facts.json` encoders and sampled against plain builds, and leaves this process's
    worker setting and cycle collector as it found them."""
    import gc
    import os

    from benchmarks import stages

    results = tmp_path / "stages.md"
    before = os.environ.get("BRIEFING_WORKERS")
    args = ["--size", str(N), "--runs", "1", "--work", str(tmp_path), "--results", str(results)]
    assert stages.main(args) == 0
    assert os.environ.get("BRIEFING_WORKERS") == before and gc.isenabled()
    text = results.read_text(encoding="utf-8")
    for row in (
        "| checking | ",
        "| the fact cards | ",
        "| pages: fact.html | ",
        "| file: facts.json | ",
    ):
        assert row in text
    assert re.search(r"one compact line each .*: \d+\.\d\d s of CPU", text)
    assert re.search(r"sampled every 20 ms: \d+\.\d\d s wall; the sampling took", text)
    assert str(tmp_path) not in text


def test_two_revisions_are_compared_in_turn_with_their_output(tmp_path: Path) -> None:
    """`benchmarks/compare.py` builds the corpus with a commit's builder and with this
    tree's, in turn, and says whether they wrote the same bytes (in a clean checkout, the
    same; with uncommitted changes to the pages, maybe not)."""
    from benchmarks import compare

    results = tmp_path / "compare.md"
    assert (
        compare.main(
            [
                "--base",
                "HEAD",
                "--size",
                str(N),
                "--runs",
                "2",
                "--work",
                str(tmp_path / "work"),
                "--results",
                str(results),
            ]
        )
        == 0
    )
    text = results.read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.startswith(("| base `", "| this tree `"))]
    assert len(rows) == 2 and all(row.split(" | ")[1].endswith(" s") for row in rows)
    assert "2 rounds, the order swapped every round" in text
    assert re.search(r"^Output: (byte-identical \(\d+ files\)|\*\*differs\*\* in )", text, re.M)
    assert str(tmp_path) not in text and (tmp_path / "work" / "compare-base" / "builder").is_dir()


def test_a_revision_that_names_no_commit_is_refused_with_its_name() -> None:
    from benchmarks import compare

    with pytest.raises(SystemExit, match="--base no-such-revision: not a commit here"):
        compare.revision("no-such-revision")


def test_outputs_that_differ_are_named(tmp_path: Path) -> None:
    from benchmarks.compare import same_output

    a, b = tmp_path / "a", tmp_path / "b"
    for root, text in ((a, "one"), (b, "two")):
        root.mkdir()
        (root / "same.html").write_text("same", encoding="utf-8")
        (root / "page.html").write_text(text, encoding="utf-8")
    (a / "only-here.html").write_text("x", encoding="utf-8")
    assert same_output(a, b) == (3, ["only-here.html", "page.html"])


def test_the_preview_memory_benchmark_prints_both_settings_round_by_round(tmp_path: Path) -> None:
    """`benchmarks/preview_memory.py` runs the preview's rebuilds in a fresh process for each
    malloc setting and prints the resident memory after the full build and each round."""
    from benchmarks import preview_memory

    results = tmp_path / "preview_memory.md"
    args = ["--size", str(N), "--rounds", "2", "--work", str(tmp_path), "--results", str(results)]
    assert preview_memory.main(args) == 0
    text = results.read_text(encoding="utf-8")
    assert re.search(r"\| glibc's default \| \d+ MB \| \d+, \d+ MB \| \d+ MB \|", text)
    assert re.search(r"\| held \(`cli.steady_malloc`\) \| \d+ MB \| \d+, \d+ MB \| \d+ MB \|", text)
    assert str(tmp_path) not in text

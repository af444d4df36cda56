"""The citation finder's benchmark: how fast `briefing cite` answers, start-up included, and
how well it ranks what an editor remembers.

Goes in: a number of runs. Comes out: a table printed and written to `benchmarks/cite.md` —
for each query, the median (and fastest, slowest) wall and CPU time of `briefing cite` in a
fresh process on the real briefing (target 0.3 s) and on the benchmark corpus of 10,000
facts, whose 500 sources have 60 sentences each (target 1 s); and, for the queries of
`tests/fixtures/remembered.txt`, how many rank the passage meant first and in the first three.

usage: python benchmarks/cite.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import run as bench  # noqa: E402

REPO = bench.REPO
REAL_TARGET, CORPUS_TARGET = 0.3, 1.0
CORPUS_FACTS = 10_000

REAL_QUERIES = (
    "Zakharova axis of war",
    "Italy Meloni ruled out troops",
    "headquarters Paris coordination center Kyiv",
    "Putin Vladivostok unnecessary",
    "foreign troops legitimate targets",
    "troops on the ground that is an importnt thing",
)
CORPUS_QUERIES = (
    "troops ceasefire guarantees monitoring",
    "envoy pledge sovereignty",
    "reasurance deploymnt",
    "ref-250-30 deterrence",
    "zeppelin",
)
"""Common words of every sentence; rare ones; typos (the vocabulary is searched); a
sentence's own token; and a word no source has (nothing found, after the typo search)."""


def time_queries(
    root: Path, queries: tuple[str, ...], runs: int
) -> list[tuple[str, list[bench.Run]]]:
    """Each query `runs` times in turn, each run a fresh `python -m builder cite` process."""
    env = bench.builder_env()
    found: dict[str, list[bench.Run]] = {q: [] for q in queries}
    for _ in range(runs):
        for query in queries:
            cmd = [sys.executable, "-m", "builder", "--root", str(root), "cite", "--all", query]
            found[query].append(timed(cmd, env))
    return list(found.items())


def timed(cmd: list[str], env: dict[str, str]) -> bench.Run:
    """Like `run.timed`, for a command whose exit status 1 (nothing found) is an answer."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise bench.CommandFailed(f"{' '.join(cmd)} exited {code}:\n{err.decode()[-2000:]}")
    return bench.Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024)


def ranking_quality() -> tuple[int, int, int, list[str]]:
    """(queries, passage meant first, in the first three, the queries that missed first)."""
    sys.path.insert(0, str(REPO))
    from builder.cite import load_library
    from tests.test_finder import remembered

    library = load_library(REPO)
    first = top3 = 0
    missed: list[str] = []
    rows = remembered()
    for row in rows:
        place = row.rank_of(library)
        first += place == 0
        top3 += place is not None
        if place != 0:
            missed.append(
                f"line {row.line}: `{row.words}` ranks it "
                + (f"{place + 1}" if place is not None else "below 3")
            )
    return len(rows), first, top3, missed


def rows(measured: list[tuple[str, list[bench.Run]]]) -> list[str]:
    out = []
    for query, runs in measured:
        walls = [r.wall for r in runs]
        cpus = [r.cpu for r in runs]
        out.append(
            f"| `{query}` | {statistics.median(walls):.3f} s | {min(walls):.3f}–"
            f"{max(walls):.3f} s | {statistics.median(cpus):.3f} s |"
        )
    return out


def verdict(measured: list[tuple[str, list[bench.Run]]], target: float) -> str:
    worst = max(statistics.median(r.wall for r in runs) for _, runs in measured)
    worst_cpu = max(statistics.median(r.cpu for r in runs) for _, runs in measured)
    met = "met" if worst <= target else "NOT met"
    return f"slowest median {worst:.3f} s wall ({worst_cpu:.3f} s CPU) against {target} s: {met}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    work = HERE / "work"
    work.mkdir(exist_ok=True)
    bench.compile_package()
    corpus = bench.prepare_corpus(CORPUS_FACTS, work)
    load_before = os.getloadavg()[0]
    real = time_queries(REPO, REAL_QUERIES, args.runs)
    big = time_queries(corpus, CORPUS_QUERIES, args.runs)
    load_after = os.getloadavg()[0]
    queries, first, top3, missed = ranking_quality()
    header = [
        "| query | wall (median) | wall (fastest–slowest) | CPU (median) |",
        "|---|---|---|---|",
    ]
    lines = [
        "# The citation finder's benchmark",
        "",
        f"Machine: {bench.machine()}; {bench.interpreter()}. Each figure is `briefing cite "
        f"--all QUERY` in a fresh process, start-up included, {args.runs} runs per query "
        "taken in turn (median, fastest, slowest); CPU is user + system time of the process. "
        "Load average (1 min) "
        f"{load_before:.1f} before and {load_after:.1f} after: on a shared machine the wall "
        "time is what other work leaves over, CPU time what the finder itself spends.",
        "",
        "## The real briefing (5 sources, their facts)",
        "",
        *header,
        *rows(real),
        "",
        f"- target {REAL_TARGET} s: {verdict(real, REAL_TARGET)}",
        "",
        f"## The benchmark corpus ({CORPUS_FACTS:,} facts, 500 sources of 60 sentences)",
        "",
        *header,
        *rows(big),
        "",
        f"- target {CORPUS_TARGET} s: {verdict(big, CORPUS_TARGET)}",
        "",
        "## Ranking what an editor remembers",
        "",
        f"The {queries} queries of `tests/fixtures/remembered.txt`, written from memory of "
        "the five documents: the passage meant ranks first for "
        f"{first}, in the first three for {top3}.",
        "",
        *(f"- {m}" for m in missed),
        "",
    ]
    text = "\n".join(lines)
    (HERE / "cite.md").write_text(bench.scrub(text), encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

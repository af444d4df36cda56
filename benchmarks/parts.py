"""Figures for single parts of a build that `run.py` does not measure, each beside what it
replaced: SHA-256 against BLAKE2b digests, fact pages with the navigation rendered once
against the navigation in every layout, a passage escaped with five substring searches
against one regular expression, the build's plan of pages without what each depends on
against the preview's with it, and the cycle collector after a build left on against
switched off, as the command line has it.

Usage: `python benchmarks/parts.py [--facts N] [--repeat R]`. Prints the figures (best of
R runs, in one process) and writes them to `benchmarks/parts.md`.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import re
import shutil
import sys
import tempfile
import timeit
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))

import gen_corpus  # noqa: E402

from builder.build import build, check  # noqa: E402
from builder.fastpaths import escape_text  # noqa: E402
from builder.plan import make_plan, plan_pages  # noqa: E402
from builder.render import Renderer  # noqa: E402
from builder.urls import Urls  # noqa: E402


def best(func: Callable[[], object], repeat: int) -> float:
    return min(timeit.repeat(func, number=1, repeat=repeat))


def digest_figures(repeat: int) -> list[str]:
    """Fingerprints of 100 MB, as the writer makes them and as it made them before."""
    data = bytes(range(256)) * (100 * 1024 * 1024 // 256)
    sha = best(lambda: hashlib.sha256(data).hexdigest(), repeat)
    blake = best(lambda: hashlib.blake2b(data, digest_size=16).hexdigest(), repeat)
    return [
        f"- digests of 100 MB: SHA-256 {100 / sha:,.0f} MB/s, BLAKE2b {100 / blake:,.0f} MB/s "
        f"({blake / sha:.1f}x)"
    ]


def nav_figures(root: Path, repeat: int) -> list[str]:
    """Fact pages rendered with the navigation made once (`_nav.html`), then with its loop
    written back into `base.html`, as it was."""
    inline = Path(tempfile.mkdtemp()) / "templates"
    shutil.copytree(root / "templates", inline)
    loop = (inline / "_nav.html").read_text(encoding="utf-8")
    loop = loop.replace(" in nav %", " in layout.nav %").replace("search.url", "layout.search_url")
    base = inline / "base.html"
    text = base.read_text(encoding="utf-8")
    assert "{{ layout.nav_html }}\n" in text, "base.html no longer writes out layout.nav_html"
    base.write_text(text.replace("{{ layout.nav_html }}\n", loop), encoding="utf-8")

    briefing = check(root).briefing
    assert briefing is not None
    urls = Urls(briefing.site.base_url)
    jobs = [job for job in plan_pages(briefing, urls) if job.template == "fact.html"]
    timings, pages = [], []
    for templates in (root / "templates", inline):
        renderer = Renderer(briefing, urls, templates)
        pages.append([renderer.render(job) for job in jobs])  # cards and views made here

        def render_all(renderer: Renderer = renderer) -> None:
            for job in jobs:
                renderer.render(job)

        timings.append(best(render_all, repeat))
    shutil.rmtree(inline.parent)
    assert pages[0] == pages[1], "the two ways must make the same pages"
    once, each = timings
    change = f"{abs(1 - once / each):.0%} {'less' if once < each else 'more'}"
    return [
        f"- {len(jobs)} fact pages: navigation made once {once:.3f} s, in every layout "
        f"{each:.3f} s ({change})"
    ]


def escape_figures(repeat: int) -> list[str]:
    """A plain 360-character passage written out by a template: `escape_text`'s five
    substring searches, against the regular expression it tested each character with."""
    passage = "The quick brown fox jumps over the lazy dog, as the ministers said. " * 5
    passage = passage[:360]
    special = re.compile("[&<>'\"]").search
    n = 100_000
    searches = best(lambda: [escape_text(passage) for _ in range(n)], repeat) / n
    regex = best(lambda: [special(passage) is None for _ in range(n)], repeat) / n
    return [
        f"- a 360-character plain passage escaped: five searches {searches * 1e6:.2f} µs, "
        f"one regular expression {regex * 1e6:.2f} µs ({regex / searches:.1f}x)"
    ]


def collector_figures(root: Path, repeat: int) -> list[str]:
    """What Python's cycle collector costs once a build is done, `repeat` builds in a row:
    left on, as a library caller has it; and off, as `cli.run` leaves it."""
    spent: list[float] = []
    started: list[float] = []

    def clock(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started.append(timeit.default_timer())
        else:
            spent.append(timeit.default_timer() - started.pop())

    out = Path(tempfile.mkdtemp()) / "site"
    was_on = gc.isenabled()
    seconds: dict[bool, list[float]] = {True: [], False: []}
    gc.callbacks.append(clock)
    try:
        for on in (True, False) * repeat:
            gc.collect()
            (gc.enable if on else gc.disable)()
            spent.clear()
            build(root, out=out, search=False)
            _ = [[i] for i in range(1_000)]  # what a command allocates before it leaves
            seconds[on].append(sum(spent))
    finally:
        gc.callbacks.remove(clock)
        (gc.enable if was_on else gc.disable)()
        shutil.rmtree(out.parent, ignore_errors=True)
    on, off = seconds[True], seconds[False]
    return [
        f"- the cycle collector once a build is done: left on {min(on):.3f} to "
        f"{max(on):.3f} s, switched off (the command line) {max(off):.3f} s"
    ]


def plan_figures(root: Path, repeat: int) -> list[str]:
    """The plan of every page (what each page depends on is recorded while rendering)."""
    briefing = check(root).briefing
    assert briefing is not None
    urls = Urls(briefing.site.base_url)
    seconds = best(lambda: make_plan(briefing, urls), repeat)
    return [f"- planning {len(briefing.facts):,} facts' pages: {seconds:.3f} s"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--facts", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--results", type=Path, default=HERE / "parts.md")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as work:
        root = Path(work) / "corpus"
        gen_corpus.generate(args.facts, root)
        shutil.copytree(REPO / "templates", root / "templates")
        lines = [
            f"# Parts of a build, {args.facts:,} facts (best of {args.repeat}, one process)",
            "",
            *digest_figures(args.repeat),
            *nav_figures(root, args.repeat),
            *escape_figures(args.repeat),
            *plan_figures(root, args.repeat),
            *collector_figures(root, args.repeat),
        ]
    text = "\n".join(lines) + "\n"
    print(text, end="")
    args.results.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

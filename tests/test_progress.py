"""Build progress: silent for quick builds, one updating line on a terminal, plain lines in CI."""

from __future__ import annotations

import io

from builder.progress import CLEAR_LINE, Progress


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_quick_build_prints_nothing() -> None:
    clock, log = Clock(), io.StringIO()
    progress = Progress(log, clock=clock)
    progress.stage("loading content")
    clock.now = 0.5
    progress.stage("rendering")
    progress.pages(10, 10)
    progress.done("built 10 pages")
    assert log.getvalue() == ""


def test_a_slow_build_in_ci_prints_one_plain_line_per_stage() -> None:
    clock, log = Clock(), io.StringIO()
    progress = Progress(log, clock=clock)
    progress.stage("loading content")
    clock.now = 1.5
    progress.stage("writing pages")
    for done in range(1, 501):
        progress.pages(done, 500)
    clock.now = 2.0
    progress.done("built 500 pages")
    lines = log.getvalue().splitlines()
    assert lines == ["[  1.5 s] writing pages", "[  2.0 s] built 500 pages"]
    assert "\r" not in log.getvalue()


def test_a_slow_build_on_a_terminal_updates_a_single_line_and_clears_it() -> None:
    clock, term = Clock(), Terminal()
    progress = Progress(term, clock=clock)
    clock.now = 1.2
    progress.stage("writing pages")
    for done in range(1, 1001):
        clock.now += 0.001
        progress.pages(done, 1000)
    progress.done("built")
    text = term.getvalue()
    assert "\n" not in text
    assert text.endswith(CLEAR_LINE)
    updates = text.split(CLEAR_LINE)
    assert "writing pages: 1,000/1,000 pages" in updates[-2]
    # Throttled: about one update per 0.1 s of a 1 s stage, not one per page.
    assert len(updates) < 20

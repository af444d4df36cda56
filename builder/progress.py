"""Build progress for people watching: stage names and pages written, shown once a build is slow.

Goes in: stage names and page counts from `build`, through the `Watcher` the caller hands
it (the plain one shows nothing: a library call prints nothing). Comes out, from the CLI's
`Progress`: nothing for builds under a second; after that, one self-updating line on a
terminal, or plain lines per stage when the stream is not a terminal (CI logs), never one
line per page.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

CLEAR_LINE = "\r\x1b[K"


class Watcher:
    """What a build reports as it goes; this one shows nothing (library use, tests)."""

    def stage(self, name: str) -> None:
        """A new stage begins, e.g. `checking content`."""

    def pages(self, done: int, total: int) -> None:
        """`done` of `total` pages written so far in the current stage."""

    def done(self, summary: str = "") -> None:
        """The build ended, with `summary`."""


class Progress(Watcher):
    """Reports build stages to `stream` (stderr by default) once `delay` seconds have passed."""

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        delay: float = 1.0,
        interval: float = 0.1,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.tty = _isatty(self.stream)
        self.delay = delay
        self.interval = interval
        self.clock = clock
        self.started = clock()
        self.current = ""
        self.shown = False
        """Whether anything has been written (so `done` knows to clean up)."""
        self.last_update = -interval

    def stage(self, name: str) -> None:
        """A new stage begins, e.g. `loading content`."""
        self.current = name
        if self._slow():
            if self.tty:
                self._line(name)
            else:
                self._print(name)

    def pages(self, done: int, total: int) -> None:
        """`done` of `total` pages written so far in the current stage (terminal only)."""
        if not self.tty or not self._slow():
            return
        now = self.clock()
        if done < total and now - self.last_update < self.interval:
            return
        self.last_update = now
        self._line(f"{self.current}: {done:,}/{total:,} pages")

    def done(self, summary: str = "") -> None:
        """The build ended: clear the terminal line; in logs, close with `summary`."""
        if not self.shown:
            return
        if self.tty:
            self.stream.write(CLEAR_LINE)
            self.stream.flush()
        elif summary:
            self._print(summary)

    def _slow(self) -> bool:
        return self.clock() - self.started >= self.delay

    def _line(self, text: str) -> None:
        self.shown = True
        self.stream.write(f"{CLEAR_LINE}{self._elapsed()} {text}")
        self.stream.flush()

    def _print(self, text: str) -> None:
        self.shown = True
        self.stream.write(f"{self._elapsed()} {text}\n")
        self.stream.flush()

    def _elapsed(self) -> str:
        return f"[{self.clock() - self.started:5.1f} s]"


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False

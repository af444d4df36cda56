"""A real `briefing serve` subprocess on a private copy of a fixture, for the serve tests."""

from __future__ import annotations

import os
import queue
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.helpers import REPO

STARTUP_SECONDS = 90.0


@dataclass
class Preview:
    """The running server: its URL, project root, and the lines it prints."""

    url: str
    root: Path
    process: subprocess.Popen[str]
    lines: queue.Queue[str]
    seen: list[str] = field(default_factory=list)

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1].split("/", 1)[0])

    def wait_for(self, pattern: str, timeout: float = 30.0) -> re.Match[str]:
        """The next printed line matching `pattern` (lines before it are kept in `seen`)."""
        deadline = time.monotonic() + timeout
        regex = re.compile(pattern)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no line matching {pattern!r}; got:\n" + "\n".join(self.seen))
            try:
                line = self.lines.get(timeout=remaining)
            except queue.Empty:
                continue
            self.seen.append(line)
            match = regex.search(line)
            if match:
                return match


@contextmanager
def running_preview(root: Path, *extra: str) -> Iterator[Preview]:
    """Start `python -m builder serve --port 0` on `root`; stop it afterwards."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "builder", "--root", str(root), "serve", "--port", "0", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line.rstrip("\n"))

    threading.Thread(target=pump, daemon=True).start()
    preview = Preview("", root, process, lines)
    try:
        match = preview.wait_for(r"serving (http://\S+)", timeout=STARTUP_SECONDS)
        preview.url = match[1]
        preview.wait_for(r"^watching ", timeout=STARTUP_SECONDS)
        yield preview
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

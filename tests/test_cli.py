"""The command line as an editor and CI use it: exit codes, formats, summaries."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import REPO, copy_fixture, edit, run_cli


def test_check_ok(tmp_path: Path) -> None:
    result = run_cli(copy_fixture(tmp_path), "check", "--coverage")
    assert result.returncode == 0, result.stderr
    assert "checked 6 facts, 2 sources, 4 actors, 3 pages: 0 error(s)" in result.stderr
    assert "alpha" in result.stdout and "%" in result.stdout


def test_content_error_exits_1_with_place_and_no_traceback(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path)
    edit(root, "content/facts/russia.yaml", "actors: [zakharova]", "actors: [zakarova]")
    result = run_cli(root, "check")
    assert result.returncode == 1
    assert "content/facts/russia.yaml:15:12: error [axis-of-war.actors[1]]" in result.stderr
    assert "did you mean `zakharova`?" in result.stderr
    assert "Traceback" not in result.stderr


def test_github_format_prints_annotations(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path)
    edit(root, "content/facts/russia.yaml", "actors: [zakharova]", "actors: [zakarova]")
    result = run_cli(root, "check", "--format", "github")
    assert result.returncode == 1
    assert result.stdout.startswith(
        "::error file=content/facts/russia.yaml,line=15,col=12::axis-of-war.actors[1]: "
        "unknown actor `zakarova`"
    )


def test_json_format_is_machine_readable(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path)
    edit(root, "content/facts/paris.yaml", "date: 2026-01-06", "date: 2026-02-30")
    result = run_cli(root, "check", "--format", "json")
    [problem] = json.loads(result.stdout)
    assert problem["file"] == "content/facts/paris.yaml" and problem["line"] == 4
    assert problem["severity"] == "error"


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run_cli(copy_fixture(tmp_path), "frobnicate").returncode == 2
    assert run_cli(copy_fixture(tmp_path / "b"), "check", "--format", "xml").returncode == 2
    missing = run_cli(tmp_path / "nowhere", "check")
    assert missing.returncode == 2 and "no content/ folder" in missing.stderr


def test_strict_turns_warnings_into_failure(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path)
    edit(root, "content/facts/paris.yaml", "claim: 27 European", "claim: 28 European")
    assert run_cli(root, "check").returncode == 0
    strict = run_cli(root, "check", "--strict")
    assert strict.returncode == 1 and "`28`" in strict.stderr


def test_long_output_through_a_pipe_arrives_whole(tmp_path: Path) -> None:
    """The command ends its process at once when done: what it printed is out first, even
    far more than a pipe holds, line by line, and the exit code is the command's."""
    root = copy_fixture(tmp_path)
    facts = "".join(
        f"- id: stray-{i}\n  claim: A claim.\n  topic: russian-responses\n"
        f"  actors: [nobody-{i}]\n  citations:\n    - source: beta\n"
        "      quote: called the coalition an 'axis of war'\n"
        for i in range(600)
    )
    (root / "content/facts/stray.yaml").write_text(facts, encoding="utf-8")
    # Buffered as for any user (whose environment does not ask for unbuffered output).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    result = subprocess.run(
        [sys.executable, "-m", "builder", "--root", str(root), "check", "--format", "github"],
        capture_output=True,
        text=True,
        env={**env, "PYTHONPATH": str(REPO)},
        timeout=120,
    )
    assert result.returncode == 1
    assert len(result.stdout) > 65536  # more than a pipe holds
    unknown = [line for line in result.stdout.splitlines() if "unknown actor" in line]
    assert len(unknown) == 600 and unknown[-1].endswith("or fix the id")


def test_a_command_runs_without_the_cycle_collector_and_serve_turns_it_back_on(
    tmp_path: Path,
) -> None:
    """A one-shot command ends with `os._exit`: collecting would only cost time (walking
    what every build made). The preview server lives on, so it collects again."""
    import gc
    import socket

    from builder.serve import serve_command

    probe = (
        "import gc\nfrom builder import cli\n"
        "cli.main = lambda: print('collector on:', gc.isenabled()) or 0\ncli.run()\n"
    )
    shown = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert shown.stdout == "collector on: False\n"

    root = copy_fixture(tmp_path)
    with socket.socket() as busy:  # the server's port is taken: it stops before building
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        gc.disable()
        try:
            assert serve_command(root, port=busy.getsockname()[1], out=tmp_path / "site") == 2
            assert gc.isenabled()
        finally:
            gc.enable()


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's malloc only")
def test_a_command_gives_freed_pages_back_to_the_system() -> None:
    """A page's text, once written and freed, gives its memory back even after a larger
    block was freed before it (glibc would otherwise take later pages from the heap and
    keep their holes: `cli.steady_malloc`). Measured in a command's own process, as a
    build's pages are made: 100 texts of 300 KB, each with a small survivor beside it."""
    probe = (
        "from builder import cli\n"
        "def rss():\n"
        "    with open('/proc/self/status') as f:\n"
        "        return next(int(l.split()[1]) for l in f if l.startswith('VmRSS'))\n"
        "def main():\n"
        "    big = b'x' * 8_000_000\n"
        "    del big\n"
        "    pages, kept = [], []\n"
        "    for _ in range(100):\n"
        "        pages.append(b'x' * 300_000)\n"
        "        kept.append(b'k' * 1_000)\n"
        "    before = rss()\n"
        "    del pages\n"
        "    print(before - rss())\n"
        "    return 0\n"
        "cli.main = main\n"
        "cli.run()\n"
    )
    shown = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True
    )
    given_back_kb = int(shown.stdout)
    assert given_back_kb > 0.9 * 100 * 300_000 / 1024


def test_a_build_is_not_freed_before_the_process_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The command ends with `os._exit` so as not to free a big briefing object by object
    (a few hundredths of a second at 10,000 facts): it must still be alive once the
    command's handler has returned, just before that exit."""
    import weakref

    from builder import build as build_module
    from builder import cli

    made: list[weakref.ref[object]] = []
    real_build = build_module.build

    def build(*args: object, **kwargs: object) -> object:
        result = real_build(*args, **kwargs)  # type: ignore[arg-type]
        made.append(weakref.ref(result.briefing))
        return result

    monkeypatch.setattr(build_module, "build", build)
    root = copy_fixture(tmp_path)
    assert (
        cli.main(["--root", str(root), "build", "--no-search", "--out", str(tmp_path / "out")]) == 0
    )
    assert made and made[0]() is not None

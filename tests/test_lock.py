"""Two builds of one output directory never interleave: the second is refused with a clear
message (exit 1) and the first one's site stays whole."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from builder.lock import BuildLocked, build_lock, lock_path
from builder.write import SITE_MARKER
from tests.helpers import copy_fixture, run_cli
from tests.mutate import tree_bytes

ROOT = Path(__file__).resolve().parent.parent

HOLDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from builder.lock import build_lock
    with build_lock(Path(sys.argv[1])):
        print("held", flush=True)
        time.sleep(float(sys.argv[2]))
    """
)


def _hold(out: Path, seconds: float) -> subprocess.Popen[str]:
    """A real second process that holds the lock of `out`, like a slow build would."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(out), str(seconds)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_lock_file_sits_beside_the_output_directory(tmp_path: Path) -> None:
    assert lock_path(tmp_path / "site") == tmp_path / ".site.lock"
    with build_lock(tmp_path / "site") as held:
        assert held.read_text().strip() == str(os.getpid())
    assert not held.exists(), "a clean release leaves no lock file behind"


def test_second_holder_is_refused_with_pid_and_advice(tmp_path: Path) -> None:
    holder = _hold(tmp_path / "site", 30)
    try:
        with pytest.raises(BuildLocked) as caught, build_lock(tmp_path / "site"):
            pytest.fail("the lock was granted twice")
        message = str(caught.value)
        assert f"another build is running (pid {holder.pid})" in message
        assert "wait for it to finish" in message
        assert caught.value.pid == holder.pid
    finally:
        holder.kill()
        holder.wait()


def test_waiting_holder_gets_the_lock_once_the_first_finishes(tmp_path: Path) -> None:
    holder = _hold(tmp_path / "site", 0.5)
    started = time.monotonic()
    with build_lock(tmp_path / "site", wait=20):
        waited = time.monotonic() - started
    holder.wait()
    assert 0.2 < waited < 20


def test_a_killed_build_never_blocks_the_next(tmp_path: Path) -> None:
    holder = _hold(tmp_path / "site", 60)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    assert lock_path(tmp_path / "site").exists(), "SIGKILL leaves the file; flock is gone"
    with build_lock(tmp_path / "site"):
        pass


def test_different_output_directories_do_not_block_each_other(tmp_path: Path) -> None:
    with build_lock(tmp_path / "site"), build_lock(tmp_path / "preview"):
        pass


def test_the_same_process_cannot_take_the_lock_twice(tmp_path: Path) -> None:
    with build_lock(tmp_path / "site"), pytest.raises(BuildLocked):  # noqa: SIM117
        with build_lock(tmp_path / "site"):
            pass


# Real builds ---------------------------------------------------------------------------------


def test_a_build_is_refused_while_another_holds_the_lock(tmp_path: Path) -> None:
    project = copy_fixture(tmp_path)
    (project / "site").mkdir()
    (project / "site" / "index.html").write_text("previous site", encoding="utf-8")
    (project / "site" / SITE_MARKER).write_text("a build made it", encoding="utf-8")
    holder = _hold(project / "site", 60)
    try:
        run = run_cli(project, "build", "--no-search")
    finally:
        holder.kill()
        holder.wait()
    assert run.returncode == 1, run.stderr
    assert f"another build is running (pid {holder.pid})" in run.stderr
    assert "Traceback" not in run.stderr
    assert (project / "site" / "index.html").read_text(encoding="utf-8") == "previous site"
    assert sorted(p.name for p in (project / "site").iterdir()) == [SITE_MARKER, "index.html"]


def test_two_builds_started_at_once_never_interleave(tmp_path: Path) -> None:
    project = copy_fixture(tmp_path)
    clean = run_cli(project, "build", "--no-search", "--out", str(tmp_path / "clean"))
    assert clean.returncode == 0, clean.stderr
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "builder", "--root", str(project), "build", "--no-search"]
    for _ in range(3):
        builds = [
            subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=env) for _ in range(2)
        ]
        outcomes = [(b.wait(timeout=120), b.stderr.read() if b.stderr else "") for b in builds]
        for code, stderr in outcomes:
            assert code == 0 or (code == 1 and "another build is running" in stderr), stderr
            assert "Traceback" not in stderr
        assert any(code == 0 for code, _ in outcomes)
        assert tree_bytes(project / "site") == tree_bytes(tmp_path / "clean")
        assert not lock_path(project / "site").exists()

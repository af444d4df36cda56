"""One build at a time per output directory: goes in an output path, comes out an exclusive lock.

The lock is `.<out-name>.lock` beside the output directory (`site/` -> `.site.lock`), held with
`fcntl.flock` for the whole build. The kernel drops the lock when the holder exits, even when it
is killed, so a stale file never blocks a later build; the file is removed on a clean release.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

POLL_SECONDS = 0.05


class BuildLocked(Exception):
    """Another build holds the lock for the same output directory."""

    def __init__(self, lock_file: Path, pid: int | None) -> None:
        self.lock_file = lock_file
        self.pid = pid
        who = f"pid {pid}" if pid else "pid unknown"
        super().__init__(
            f"another build is running ({who}) on this output directory; wait for it to "
            f"finish or stop it: the lock ({lock_file.name}) is released when it exits"
        )


def lock_path(out: Path) -> Path:
    """`site/` -> `.site.lock` in the same parent directory."""
    out = Path(os.path.abspath(out))
    return out.parent / f".{out.name}.lock"


@contextlib.contextmanager
def build_lock(out: Path, *, wait: float = 0.0) -> Iterator[Path]:
    """Hold the build lock of `out` for the `with` block; raise `BuildLocked` when another
    process (or another open of the lock in this one) holds it for longer than `wait` seconds."""
    path = lock_path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = _acquire(path, wait)
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        yield path
    finally:
        # Unlink while still holding the lock: a waiter that opened the old file notices the
        # inode changed (see `_acquire`) and retries on a fresh one.
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        os.close(fd)


def _acquire(path: Path, wait: float) -> int:
    deadline = time.monotonic() + wait
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno not in (errno.EWOULDBLOCK, errno.EACCES):
                raise
            if time.monotonic() >= deadline:
                raise BuildLocked(path, _holder_pid(path)) from None
            time.sleep(POLL_SECONDS)
            continue
        if _same_file(fd, path):
            return fd
        os.close(fd)  # the holder released and unlinked it between our open and flock


def _same_file(fd: int, path: Path) -> bool:
    try:
        on_disk = path.stat()
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (held.st_dev, held.st_ino) == (on_disk.st_dev, on_disk.st_ino)


def _holder_pid(path: Path) -> int | None:
    try:
        text = path.read_text(encoding="ascii", errors="replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None

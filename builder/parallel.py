"""Work spread over the machine's cores: a function and its inputs -> the results, in order.

Goes in: a function and a list of inputs (or one call to run alongside). Comes out: the
same results as a plain loop, in input order. The work is shared out among forked child
processes, which inherit everything already in memory (the briefing, the Jinja environment,
rendered fact cards), so only the results cross back, pickled through a pipe. When forking
is unavailable, unsafe (other threads are running) or not worth it (one core,
`BRIEFING_WORKERS=1`), the work runs here, in this process, with the same results.
"""

from __future__ import annotations

import gc
import mmap
import os
import pickle
import signal
import struct
import sys
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def workers() -> int:
    """How many processes to use: `BRIEFING_WORKERS` if set, else the cores we may run on."""
    wanted = os.environ.get("BRIEFING_WORKERS", "")
    if wanted.isdigit() and int(wanted) > 0:
        return int(wanted)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    """Forking is safe only from a single-threaded process on a platform that has it."""
    return (
        hasattr(os, "fork")
        and sys.platform != "darwin"
        and threading.current_thread() is threading.main_thread()
        and threading.active_count() == 1
    )


class WorkerFailed(RuntimeError):
    """A forked worker raised or died; carries its traceback text."""


class _Forked:
    """A forked process (`pid`, 0 once waited for) and the descriptor its results come
    through (`fd`, -1 once closed)."""

    pid = 0
    fd = -1

    def kill(self) -> None:
        """Stop the process if it still runs, and close `fd` (no-op once both are done)."""
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except OSError:
                pass
            self.pid = 0
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


class _Child(_Forked):
    """A forked process computing `func()`; its pickled result waits in a pipe."""

    def __init__(self, func: Callable[[], Any]) -> None:
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: compute, send, and leave without running any cleanup
            os.close(read)
            status = 1
            try:
                with os.fdopen(write, "wb") as pipe:
                    try:
                        result = (True, func())
                    except BaseException:
                        result = (False, traceback.format_exc())
                    # Streamed, not pickled to bytes first: no second copy of the result.
                    pickle.dump(result, pipe, pickle.HIGHEST_PROTOCOL)
                    status = 0 if result[0] else 1
            finally:
                os._exit(status)
        os.close(write)
        self.pid = pid
        self.fd = read

    def result(self) -> Any:
        read, self.fd = self.fd, -1
        with os.fdopen(read, "rb") as pipe:
            try:
                ok, value = pickle.load(pipe)  # streamed: no copy of the whole payload
            except (EOFError, pickle.UnpicklingError):
                ok, value = None, None
        _, status = os.waitpid(self.pid, 0)
        self.pid = 0
        if ok is None:
            raise WorkerFailed(f"a build worker died (wait status {status})")
        if not ok:
            raise WorkerFailed(f"a build worker failed:\n{value}")
        return value


def fork_map(
    func: Callable[[T], R],
    inputs: Sequence[T],
    *,
    processes: int = 0,
    meanwhile: Callable[[], object] | None = None,
    batch: int = 0,
    taken: Callable[[int, R], object] | None = None,
) -> list[R]:
    """`[func(x) for x in inputs]`, computed by `processes` processes (this one included).

    Input i goes to process i % processes, so neighbouring inputs of one kind are spread
    evenly; with `batch`, inputs go instead in batches of that many to whichever process
    is free (for work of uneven cost, or a machine whose cores are not equally free).
    `func` may be any callable (a closure, a bound method): children inherit it.
    Results must be picklable; plain `str`, `bytes` and tuples cross cheapest.
    `meanwhile()`, if given, runs in this process while the others start on their shares
    (work that must stay here, e.g. because later forks need its result).
    `taken(i, result)`, if given, is called here for each input's result once this
    process has it, in no set order: with `batch`, those of the other processes as they
    arrive, between this process's own batches (work on the results that would
    otherwise wait until every process is done, while the other cores idle).
    """
    processes = min(processes or workers(), len(inputs))
    if processes < 2 or not can_fork():
        if meanwhile is not None:
            meanwhile()
        return _all_taken([func(x) for x in inputs], taken)
    if batch > 0:
        return _batched(func, inputs, processes, meanwhile, batch, taken)

    def share(k: int) -> Callable[[], list[R]]:
        return lambda: [func(x) for x in inputs[k::processes]]

    shares = _run(share, processes, meanwhile)
    results: list[R] = [None] * len(inputs)  # type: ignore[list-item]
    for k, part in enumerate(shares):
        results[k::processes] = part
    return _all_taken(results, taken)


def _all_taken(results: list[R], taken: Callable[[int, R], object] | None) -> list[R]:
    if taken is not None:
        for i, result in enumerate(results):
            taken(i, result)
    return results


def _batched(
    func: Callable[[T], R],
    inputs: Sequence[T],
    processes: int,
    meanwhile: Callable[[], object] | None,
    batch: int,
    taken: Callable[[int, R], object] | None,
) -> list[R]:
    tickets, batch = Tickets.for_batches(len(inputs), batch)
    results: list[R] = [None] * len(inputs)  # type: ignore[list-item]

    def one(t: int) -> list[R]:
        return [func(x) for x in inputs[t * batch : (t + 1) * batch]]

    def work(send: Callable[[object], None]) -> None:
        for t in tickets:
            send((t, one(t)))

    def take(frames: Iterable[Any]) -> None:
        for t, done in frames:
            results[t * batch : (t + 1) * batch] = done
            if taken is not None:
                for i, result in enumerate(done, t * batch):
                    taken(i, result)

    streams: list[_Stream] = []
    gc.freeze()  # see `_run`
    try:
        streams = [_Stream(work) for _ in range(1, processes)]
        if meanwhile is not None:
            meanwhile()
        for t in tickets:
            take([(t, one(t))])
            for stream in streams:  # what the others sent meanwhile, not to read it all last
                take(stream.ready())
        for stream in streams:
            take(stream.rest())
    finally:
        gc.unfreeze()
        tickets.close()
        for stream in streams:
            stream.kill()
    return results


def _run(
    share: Callable[[int], Callable[[], T]], processes: int, meanwhile: Callable[[], object] | None
) -> list[T]:
    """`share(k)()` for k in 0..processes-1: k = 0 here (after `meanwhile`), the others in
    forked children; their results in order of k."""
    children: list[_Child] = []
    # What exists now is shared with the children: keep the cycle collector off it, so
    # that no process copies memory pages only to scan them (the `gc.freeze` advice).
    gc.freeze()
    try:
        children = [_Child(share(k)) for k in range(1, processes)]
        if meanwhile is not None:
            meanwhile()
        return [share(0)(), *(child.result() for child in children)]
    finally:
        gc.unfreeze()
        for child in children:
            child.kill()


class _Stream(_Forked):
    """A forked process calling `work(send)`, whose `send(value)`s come back here as they are
    made: each is pickled into a memory file that this process reads from while it works
    too, so that results are unpickled along the way rather than all at the end, and the
    sender never waits for the reader (as it would on a full pipe)."""

    _HEAD = struct.Struct("<Q")
    _VALUE, _DONE, _FAILED = 0, 1, 2

    def __init__(self, work: Callable[[Callable[[object], None]], None]) -> None:
        self.fd = _memory_file()
        self.offset = 0
        self.finished = False
        pid = os.fork()
        if pid == 0:  # the child: send, and leave without running any cleanup
            status = 1
            try:
                try:
                    work(lambda value: self._send((self._VALUE, value)))
                    self._send((self._DONE, None))
                    status = 0
                except BaseException:
                    self._send((self._FAILED, traceback.format_exc()))
            finally:
                os._exit(status)
        self.pid = pid

    def _send(self, frame: tuple[int, object]) -> None:
        data = pickle.dumps(frame, pickle.HIGHEST_PROTOCOL)
        for part in (self._HEAD.pack(len(data)), data):  # the length first: see `ready`
            view = memoryview(part)
            while view:
                view = view[os.write(self.fd, view) :]

    def ready(self) -> Iterator[Any]:
        """The values sent so far and not yet taken; never waits."""
        size = os.fstat(self.fd).st_size
        while not self.finished and self.offset + self._HEAD.size <= size:
            (length,) = self._HEAD.unpack(os.pread(self.fd, self._HEAD.size, self.offset))
            end = self.offset + self._HEAD.size + length
            if end > size:  # the rest of this one is still being written
                return
            kind, value = pickle.loads(os.pread(self.fd, length, end - length))
            self.offset = end
            if kind == self._FAILED:
                raise WorkerFailed(f"a build worker failed:\n{value}")
            if kind == self._DONE:
                self.finished = True
                return
            yield value

    def rest(self) -> Iterator[Any]:
        """The values not taken yet, once the process has ended."""
        _, status = os.waitpid(self.pid, 0)
        self.pid = 0
        yield from self.ready()
        if not self.finished:
            raise WorkerFailed(f"a build worker died (wait status {status})")


def _memory_file() -> int:
    """A file in memory with no name (an unlinked temporary file where there is none)."""
    if hasattr(os, "memfd_create"):
        return os.memfd_create("briefing-results", os.MFD_CLOEXEC)
    import tempfile  # pragma: no cover - not Linux

    with tempfile.TemporaryFile() as file:  # pragma: no cover
        return os.dup(file.fileno())


class Counter:
    """Counts kept in memory shared with forked processes: each process adds to its own
    slot (so no lock is needed), and any of them can read the sum."""

    def __init__(self, slots: int) -> None:
        self._slots = struct.Struct(f"{slots}q")
        self._memory = mmap.mmap(-1, self._slots.size)

    def add(self, slot: int, amount: int = 1) -> None:
        (now,) = struct.unpack_from("q", self._memory, 8 * slot)
        struct.pack_into("q", self._memory, 8 * slot, now + amount)

    def total(self) -> int:
        return sum(self._slots.unpack_from(self._memory))


class Tickets:
    """The numbers 0..count-1, each handed out once, to whichever forked process asks first.

    They wait in a pipe that forked processes share: a read of one ticket's four bytes
    from a pipe is atomic, so no lock is needed, and the end of the pipe is the end of
    the work. Make them before forking; `close` once every process is done.
    """

    MAX = 1024
    """All tickets are written before anyone reads, so they must fit in the pipe at once:
    a pipe holds at least one 4 KiB page (Linux shrinks a pipe to that when its user has
    many pipes open), which is 1,024 tickets; a longer write would wait for ever."""

    def __init__(self, count: int) -> None:
        if count > self.MAX:
            raise ValueError(f"at most {self.MAX} tickets, not {count}")
        self._read, write = os.pipe()
        try:
            os.write(write, struct.pack(f"<{count}I", *range(count)))
        finally:
            os.close(write)

    @classmethod
    def for_batches(cls, count: int, batch: int) -> tuple[Tickets, int]:
        """Tickets for `count` items in batches of `batch` (more when that would take more
        tickets than fit), and the batch size used: ticket t is items t*size to (t+1)*size."""
        size = max(batch, -(-count // cls.MAX))
        return cls(-(-count // size)), size

    def __iter__(self) -> Iterator[int]:
        while len(data := os.read(self._read, 4)) == 4:
            yield struct.unpack("<I", data)[0]

    def close(self) -> None:
        if self._read >= 0:
            os.close(self._read)
            self._read = -1

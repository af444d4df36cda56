"""Work spread over the machine's cores: a function and its inputs -> the results, in order.

Goes in: a function and a list of inputs. Comes out: the same results as a plain loop, in
input order. The inputs go in batches to this process and to the workers of a standard
process pool (`ProcessPoolExecutor`), forked once the function and its inputs are in
place, so they inherit everything already in memory (the briefing, the Jinja environment,
the fact cards): only batch numbers go to them and only results come back. When forking is
unavailable, unsafe (other threads are running) or not worth it (one core,
`BRIEFING_WORKERS=1`), the work runs here, in this process, with the same results.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
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
    """A worker process died (killed, out of memory) before it finished its work."""


SWITCH_INTERVAL = 0.0005
"""Seconds this process's work runs before the pool's thread may take its turn (while
workers run; Python's default is 0.005)."""

_work: tuple[Callable[[Any], Any], Sequence[Any], int] | None = None
"""The function, inputs and batch size of the `fork_map` running, set before its workers
fork: they inherit them, so nothing else needs pickling to reach them."""


def _batch(start: int) -> list[Any]:
    """In a worker: the results of the batch of inputs that starts at `start`."""
    assert _work is not None
    func, inputs, size = _work
    return [func(x) for x in inputs[start : start + size]]


def fork_map(
    func: Callable[[T], R],
    inputs: Sequence[T],
    *,
    batch: int = 1,
    meanwhile: Callable[[], object] | None = None,
    taken: Callable[[int, R], object] | None = None,
) -> list[R]:
    """`[func(x) for x in inputs]`, computed by one process per core: this one and forked
    workers, each taking the next batch of `batch` inputs when it is free (for work of
    uneven cost, or cores not equally free). `func` may be any callable (a closure, a bound
    method): workers inherit it. Results must be picklable; plain `str`, `bytes` and tuples
    cross cheapest.

    `meanwhile()`, if given, runs here while the workers go on through the inputs (work
    that must stay in this process). `taken(i, result)`, if given, is called here for each
    input's result, in no set order: the workers' as their batches arrive, between this
    process's own. A worker that raises fails the call with its exception; one that dies,
    with `WorkerFailed`.
    """
    global _work
    starts = range(0, len(inputs), max(batch, 1))
    processes = min(workers(), len(starts))
    results: list[Any] = [None] * len(inputs)

    def take(start: int, made: list[Any]) -> None:
        results[start : start + len(made)] = made
        if taken is not None:
            for i, result in enumerate(made, start):
                taken(i, result)

    if processes < 2 or not can_fork():
        if meanwhile is not None:
            meanwhile()
        take(0, [func(x) for x in inputs])
        return results
    _work = (func, inputs, starts.step)
    todo = iter(starts)
    sent: dict[Future[list[Any]], int] = {}
    lock = threading.Lock()
    """Guards `todo` and `sent`: the pool's thread hands out batches too."""
    open_ = True
    refused: list[BrokenProcessPool] = []
    """The pool's refusal of a batch handed out on its thread, raised here."""

    def send(_done: object = None) -> None:
        """Give the workers the next batch, if any: called for each batch a worker finishes,
        on the pool's thread as its result arrives, so that a worker has more to do while
        this process is busy (with `meanwhile`, or a long batch of its own)."""
        with lock:
            start = next(todo, None) if open_ else None
            if start is None:
                return
            try:
                future = pool.submit(_batch, start)  # the first forks the workers
            except BrokenProcessPool as exc:
                refused.append(exc)
                return
            sent[future] = start
        future.add_done_callback(send)

    def arrived() -> None:
        """Take what the workers finished."""
        with lock:
            done = [(future, sent.pop(future)) for future in list(sent) if future.done()]
        for future, start in done:
            take(start, future.result())  # a worker's exception raises here
        if refused:
            raise refused[0]

    # What exists now is shared with the workers: keep the cycle collector off it, so
    # that no process copies memory pages only to scan them (the `gc.freeze` advice).
    gc.freeze()
    # The pool's thread reads what the workers send back, a few kilobytes at a time, each
    # read waiting for the interpreter's lock, which this process's work holds: at Python's
    # default 5 ms a batch of cards (about 200 KB) took as long to be read as to be made,
    # and the worker waited on its full pipe. Here it gets its turn ten times as often.
    switch = sys.getswitchinterval()
    sys.setswitchinterval(min(switch, SWITCH_INTERVAL))
    pool = ProcessPoolExecutor(processes - 1, mp_context=multiprocessing.get_context("fork"))
    try:
        for _ in range(2 * (processes - 1)):  # two batches waiting for each worker
            send()
        if meanwhile is not None:
            meanwhile()
        while True:
            with lock:
                start = next(todo, None)
            if start is None:
                break
            take(start, _batch(start))
            arrived()
        with lock:
            rest = dict(sent)
        for future in as_completed(rest):
            take(rest[future], future.result())
        if refused:
            raise refused[0]
    except BrokenProcessPool as exc:
        raise WorkerFailed(f"a build worker died ({exc})") from None
    finally:
        with lock:
            open_ = False
        pool.shutdown(cancel_futures=True)
        sys.setswitchinterval(switch)
        gc.unfreeze()
        _work = None
    return results

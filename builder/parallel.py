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
import itertools
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

    `meanwhile()`, if given, runs here while the workers start (work that must stay in
    this process). `taken(i, result)`, if given, is called here for each input's result,
    in no set order: the workers' as their batches arrive, between this process's own. A
    worker that raises fails the call with its exception; one that dies, with
    `WorkerFailed`.
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
    # What exists now is shared with the workers: keep the cycle collector off it, so
    # that no process copies memory pages only to scan them (the `gc.freeze` advice).
    gc.freeze()
    pool = ProcessPoolExecutor(processes - 1, mp_context=multiprocessing.get_context("fork"))
    try:

        def arrived() -> None:
            """Take what the workers finished, and keep two batches waiting for each."""
            for future in [f for f in sent if f.done()]:
                take(sent.pop(future), future.result())  # a worker's exception raises here
            for start in itertools.islice(todo, 2 * (processes - 1) - len(sent)):
                sent[pool.submit(_batch, start)] = start  # the first forks the workers

        arrived()
        if meanwhile is not None:
            meanwhile()
        for start in todo:
            take(start, _batch(start))
            arrived()
        for future in as_completed(sent):
            take(sent[future], future.result())
    except BrokenProcessPool as exc:
        raise WorkerFailed(f"a build worker died ({exc})") from None
    finally:
        pool.shutdown(cancel_futures=True)
        gc.unfreeze()
        _work = None
    return results

"""Work spread over the machine's cores: a function and its inputs -> the results, in order.

Goes in: a function and a list of inputs. Comes out: the same results as a plain loop, in
input order. The inputs go in batches to a standard process pool (`ProcessPoolExecutor`)
whose workers are forked once the function and its inputs are in place, so they inherit
everything already in memory (the briefing, the Jinja environment, the fact cards): only
batch numbers go to them and only results come back. When forking is unavailable, unsafe
(other threads are running) or not worth it (one core, `BRIEFING_WORKERS=1`), the work runs
here, in this process, with the same results.
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
    """`[func(x) for x in inputs]`, computed by forked workers, one per core, each taking
    the next batch of `batch` inputs when it is free (for work of uneven cost, or cores not
    equally free). `func` may be any callable (a closure, a bound method): workers inherit
    it. Results must be picklable; plain `str`, `bytes` and tuples cross cheapest.

    `meanwhile()`, if given, runs here while the workers start (work that must stay in
    this process). `taken(i, result)`, if given, is called here for each input's result as
    its batch arrives, in no set order. A worker that raises fails the call with its
    exception; one that dies, with `WorkerFailed`.
    """
    global _work
    batches = range(0, len(inputs), max(batch, 1))
    processes = min(workers(), len(batches))
    if processes < 2 or not can_fork():
        if meanwhile is not None:
            meanwhile()
        done = [func(x) for x in inputs]
        if taken is not None:
            for i, result in enumerate(done):
                taken(i, result)
        return done
    results: list[Any] = [None] * len(inputs)
    _work = (func, inputs, batches.step)
    # What exists now is shared with the workers: keep the cycle collector off it, so
    # that no process copies memory pages only to scan them (the `gc.freeze` advice).
    gc.freeze()
    pool = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork"))
    try:
        futures: dict[Future[list[Any]], int] = {pool.submit(_batch, s): s for s in batches}
        if meanwhile is not None:
            meanwhile()
        for future in as_completed(futures):
            start = futures[future]
            made = future.result()  # a worker's exception is raised again here
            results[start : start + len(made)] = made
            if taken is not None:
                for i, result in enumerate(made, start):
                    taken(i, result)
    except BrokenProcessPool as exc:
        raise WorkerFailed(f"a build worker died ({exc})") from None
    finally:
        pool.shutdown(cancel_futures=True)
        gc.unfreeze()
        _work = None
    return results

"""One request's batched calls, run at most `workers` at a time on a pool of threads.

A failure is reported only once the calls already running have finished; the calls not yet started
are cancelled, so a request never reports success, nor a failure, while its writes are still landing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait


def fan_out[Task, Result](
    call: Callable[[Task], Result], tasks: Iterable[Task], workers: int
) -> list[Result]:
    """`call(task)` for every task, results in the tasks' order. Tasks are drawn from `tasks` as room
    frees up (at most twice `workers` wait in the queue), so a generator is consumed while calls run.
    Raises the error of the first failed task (in the tasks' order) among those that ran."""
    workers = max(1, workers)
    results: dict[int, Result] = {}
    failures: dict[int, BaseException] = {}
    pending: dict[Future[Result], int] = {}

    def settle(block_until: str) -> None:
        for future in wait(pending, return_when=block_until).done:
            index = pending.pop(future)
            if future.cancelled():
                continue
            error = future.exception()
            if error is None:
                results[index] = future.result()
            else:
                failures[index] = error
        if failures:  # stop what has not started; what runs is waited for
            for future in pending:
                future.cancel()

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="dynamodb-batch") as pool:
        try:
            for index, task in enumerate(tasks):
                while len(pending) >= 2 * workers and not failures:
                    settle(FIRST_COMPLETED)
                if failures:
                    break
                pending[pool.submit(call, task)] = index
            while pending:
                settle(FIRST_COMPLETED)
        finally:
            for future in pending:  # left only when drawing a task or waiting raised
                future.cancel()
    if failures:
        raise failures[min(failures)]
    return [results[index] for index in sorted(results)]


def fan_out_settled[Task, Result](
    call: Callable[[Task], Result], tasks: Iterable[Task], workers: int
) -> list[Result | Exception]:
    """`call(task)` for every task, each task's result or the Exception it raised, in the tasks'
    order. A failure stops nothing: for callers whose tasks stand alone (one batch of a request
    failing its own records only)."""

    def settled(task: Task) -> Result | Exception:
        try:
            return call(task)
        except Exception as error:  # the caller reports it as this task's outcome
            return error

    return fan_out(settled, tasks, workers)

"""CPU-bound work (analysis, the playbook engine, the rule checks) runs here, off the event loop.

The event loop only waits: `/healthz` and every other request keep answering while a 20,000-character
reply is checked. The pool is small and bounded, so a burst of large requests queues instead of
starving the process, and each call has a time budget: past it the request gets a 503 while the
worker finishes in the background (a thread cannot be stopped; the analysis runs in linear time, so
it finishes soon).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


class CpuBudgetExceeded(RuntimeError):
    """A request's CPU-bound work ran past its budget."""


class CpuPool:
    def __init__(self, workers: int, budget_s: float) -> None:
        self.budget_s = budget_s
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="calmreply-cpu")

    async def run(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """`fn(*args, **kwargs)` on a worker thread, within the budget."""
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self._executor, lambda: fn(*args, **kwargs))
        try:
            # Not asyncio.wait_for: on Python 3.11 it returns the result when the work ends just as the caller
            # is cancelled, swallowing the cancellation (a case past its eval timeout then ran on to 'ok').
            async with asyncio.timeout(self.budget_s):
                return await future
        except TimeoutError as exc:
            raise CpuBudgetExceeded(f"{getattr(fn, '__name__', 'work')} took longer than {self.budget_s:g} s") from exc

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)

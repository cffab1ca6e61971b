"""huey carries helpdesk job ids from the webhooks to the workers.

huey because it needs no server by default (SqliteHuey: one file, shared by the processes of one machine)
and scales out by changing one URL (RedisHuey: workers on several machines take jobs from one Redis).
It runs the workers and schedules the retries (RetryTask with a delay); the job table
(api.integrations.jobs) keeps the state, so a task lost with a killed worker is found by the sweep.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import cached_property
from pathlib import Path

from huey import Huey, RedisHuey, SqliteHuey, crontab
from huey.consumer import Consumer
from huey.exceptions import RetryTask
from sqlalchemy.engine import make_url

log = logging.getLogger("calmreply.jobs")
TASK = "calmreply.process_helpdesk_job"
SWEEP = "calmreply.sweep_helpdesk_jobs"


class RetryLater(Exception):
    """Raised by a job handler: run the job again in `delay_s` seconds."""

    def __init__(self, delay_s: float) -> None:
        super().__init__(delay_s)
        self.delay_s = delay_s


def queue_url(configured: str | None, database_url: str) -> str:
    """CALMREPLY_QUEUE_URL, or a SQLite file beside a SQLite database (./calmreply-queue.db beside any other)."""
    if configured:
        return configured
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        path = Path(url.database)  # type: ignore[arg-type]
        return f"sqlite:///{path.with_name(path.stem + '-queue.db')}"
    return "sqlite:///./calmreply-queue.db"


def make_huey(url: str) -> Huey:
    if url.startswith("sqlite:///"):
        return SqliteHuey("calmreply", filename=url.removeprefix("sqlite:///"), results=False)
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey("calmreply", url=url, results=False)
    raise SystemExit(f"calmreply: CALMREPLY_QUEUE_URL must be sqlite:///PATH or redis://HOST:PORT/DB, not {url!r}")


class JobQueue:
    """The huey instance with calmreply's two tasks. Producers only enqueue; a worker process also
    sets the handlers (`serve`) and runs a consumer."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._handle: Callable[[str], None] | None = None
        self._sweep: Callable[[], int] | None = None

    @cached_property
    def huey(self) -> Huey:
        """Made on first use: an app whose connectors are off never opens the queue."""
        huey = make_huey(self.url)
        self._task = huey.task(name=TASK)(self._run)
        huey.periodic_task(crontab(minute="*"), name=SWEEP)(self._run_sweep)
        return huey

    def enqueue(self, job_id: str) -> None:
        _ = self.huey
        self._task(job_id)

    def serve(self, handle: Callable[[str], None], sweep: Callable[[], int]) -> None:
        self._handle, self._sweep = handle, sweep

    def _run(self, job_id: str) -> None:
        if self._handle is None:
            raise RuntimeError("this process enqueues helpdesk jobs but runs none")
        try:
            self._handle(job_id)
        except RetryLater as exc:
            raise RetryTask(delay=exc.delay_s) from None

    def _run_sweep(self) -> None:
        if self._sweep is not None:
            found = self._sweep()
            if found:
                log.info("requeued %d stranded helpdesk jobs", found)

    def consumer(self, workers: int, embedded: bool) -> Consumer:
        """Thread workers polling at most 1 s apart on SQLite (Redis blocks on the queue), retries checked each second."""
        kind = EmbeddedConsumer if embedded else Consumer
        return kind(
            self.huey,
            workers=workers,
            worker_type="thread",
            periodic=True,
            initial_delay=0.05,
            max_delay=1.0,
            scheduler_interval=1,
            shutdown_timeout=30,
        )


class EmbeddedConsumer(Consumer):
    """A consumer inside the API process: the server owns the signals, so none are installed."""

    def _set_signal_handlers(self) -> None:
        return None

"""Runs one helpdesk job: claim it, draft a reply with the usual pipeline, post it back as a note.

Each step leaves a mark in the job table, so an attempt that dies anywhere is resumed, not repeated:
the draft is stored under the job's idempotency key (a retry reuses it), and `posting_since` is set
before the note is posted (a retry first looks in the helpdesk for a note carrying the draft's id).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import sys
import threading
from collections.abc import Callable, Coroutine
from typing import Any

from api.config import Settings
from api.db.repository import DraftStore
from api.integrations.chatwoot import ChatwootClient
from api.integrations.http import HelpdeskError
from api.integrations.jobs import ClaimedJob, JobStore
from api.integrations.message import HelpdeskMessage, draft_request
from api.integrations.note import note_html, note_text, reply_html
from api.integrations.queue import JobQueue, RetryLater
from api.integrations.zammad import ZammadClient, reply_type
from api.pii.at_rest import for_storage
from api.pipeline import Drafter, request_fingerprint
from api.schemas import DraftPublic

log = logging.getLogger("calmreply.jobs")
Submit = Callable[[Coroutine[Any, Any, Any]], Any]
"""Runs a coroutine to its end on the process's event loop, from a worker thread."""


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class JobRunner:
    def __init__(self, settings: Settings, jobs: JobStore, drafts: DraftStore, drafter: Drafter, submit: Submit, queue: JobQueue) -> None:
        self.settings = settings
        self.jobs = jobs
        self.drafts = drafts
        self.drafter = drafter
        self.submit = submit
        self.queue = queue
        self.name = worker_name()
        self.chatwoot = ChatwootClient(settings.chatwoot, settings.helpdesk_timeout_s)
        self.zammad = ZammadClient(settings.zammad, settings.helpdesk_timeout_s)

    def process(self, job_id: str) -> None:
        job = self.jobs.claim(job_id, self.name, self.settings.job_lease_s)
        if job is None:
            return  # done, dead, not due yet, or another worker holds it
        try:
            draft = self._draft(job)
            note_id = self._post(job, draft)
        except HelpdeskError as exc:
            error, transient = str(exc), exc.transient
        except Exception as exc:  # a bug or a broken model config: retried, and visible in last_error
            log.exception("helpdesk job %s failed", job_id)
            error, transient = f"{type(exc).__name__}: {exc}", True
        else:
            self.jobs.done(job_id, note_id, forget_text=not self.settings.store_pii)
            return
        s = self.settings
        failure = self.jobs.fail(job_id, error, transient, job.attempts, s.job_max_attempts, s.job_backoff_s, s.job_backoff_max_s)
        log.warning("helpdesk job %s attempt %d failed (%s): %s", job_id, job.attempts, failure.state, error)
        if failure.retry_in_s is not None:
            raise RetryLater(failure.retry_in_s)

    def sweep(self) -> int:
        """Enqueue every job no worker is on (see JobStore.stranded); a claim keeps a doubly queued job to one run."""
        stranded = self.jobs.stranded(older_than_s=max(5.0, self.settings.job_backoff_s))
        for job_id in stranded:
            self.queue.enqueue(job_id)
        return len(stranded)

    def _connector(self, message: HelpdeskMessage) -> Any:
        return self.chatwoot if message.source == "chatwoot" else self.zammad

    def _draft(self, job: ClaimedJob) -> DraftPublic:
        key = f"helpdesk:{job.message.source}:{job.message.external_id}"
        existing = job.draft_id or self.drafts.id_for_key(key)
        if existing is not None:
            self.jobs.set_draft(job.id, existing)
            return self.drafts.get(existing)
        message = job.message
        connector = self._connector(message)
        history = connector.history(message)
        cfg = connector.settings
        req = draft_request(message, history, cfg.company_name, cfg.policy, cfg.model)
        outcome = self.submit(self.drafter.draft(req))
        stored_req, stored_outcome = for_storage(self.settings, req, outcome)
        draft, _ = self.drafts.save(stored_req, request_fingerprint(req), stored_outcome, key)
        self.jobs.set_draft(job.id, draft.id)
        return draft

    def _post(self, job: ClaimedJob, draft: DraftPublic) -> str:
        message = job.message
        if message.source == "zammad" and self.zammad.uses_shared_draft(message):
            placed = self.zammad.put_shared_draft(message, reply_html(draft), reply_type(message))
            if placed is not None:
                return placed
        connector = self._connector(message)
        if job.posting_since is not None:  # an earlier attempt may have posted before it died
            found = connector.find_note(message, draft.id)
            if found is not None:
                return found
        self.jobs.mark_posting(job.id)
        if message.source == "chatwoot":
            return self.chatwoot.post_note(message, note_text(draft, self.settings.public_url))
        return self.zammad.post_note(message, note_html(draft, self.settings.public_url))


async def start_embedded_worker(app: Any) -> Any:
    """The in-process worker (CALMREPLY_QUEUE_WORKERS threads), when a connector is on; None otherwise.
    Jobs draft on the server's own event loop; a sweep at start picks up what a previous process left."""
    settings: Settings = app.state.settings
    if settings.queue_workers == 0 or not (settings.chatwoot.enabled or settings.zammad.enabled):
        return None
    loop = asyncio.get_running_loop()
    runner = JobRunner(
        settings,
        app.state.jobs,
        app.state.store,
        app.state.drafter,
        lambda coro: asyncio.run_coroutine_threadsafe(coro, loop).result(),
        app.state.queue,
    )
    app.state.queue.serve(runner.process, runner.sweep)
    await asyncio.to_thread(runner.sweep)
    consumer = app.state.queue.consumer(settings.queue_workers, embedded=True)
    consumer.start()
    return consumer


def run_worker(settings: Settings, threads: int) -> int:
    """`calmreply worker`: a huey consumer with `threads` workers, drafting on one event loop of its own.
    SIGINT stops it after the jobs in hand; SIGTERM at once (their lease runs out and the sweep reruns them)."""
    from api.analysis.paraphrase import load as load_parser
    from api.db.engine import make_engine, migrate, session_factory
    from api.integrations.queue import queue_url
    from api.llm import LLMClient

    engine = make_engine(settings.database_url)
    migrate(engine)
    load_parser()
    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, name="calmreply-worker-loop", daemon=True).start()
    sessions = session_factory(engine)
    queue = JobQueue(queue_url(settings.queue_url, settings.database_url))
    runner = JobRunner(
        settings,
        JobStore(sessions),
        DraftStore(sessions),
        Drafter(settings, LLMClient.from_settings(settings)),
        lambda coro: asyncio.run_coroutine_threadsafe(coro, loop).result(),
        queue,
    )
    queue.serve(runner.process, runner.sweep)
    found = runner.sweep()
    consumer = queue.consumer(threads, embedded=False)
    print(
        f"calmreply worker {runner.name}: {threads} thread(s) on {queue.url}; requeued {found} stranded job(s)", file=sys.stderr, flush=True
    )
    consumer.run()
    return 0

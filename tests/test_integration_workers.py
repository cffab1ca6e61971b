"""`calmreply worker` processes: a worker killed with kill -9 while jobs are pending loses none and makes no
second note, and two workers over Redis share the jobs, each done exactly once."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.config import Settings
from tests.helpdesk_fakes import FakeChatwoot, FakeZammad
from tests.test_integrations import chatwoot_event, connector_settings, post_chatwoot, wait_for

ROOT = Path(__file__).resolve().parents[1]


class Worker:
    """One `calmreply worker` process, configured like the test's app."""

    def __init__(self, tmp_path: Path, name: str, settings: Settings, threads: int) -> None:
        env = {
            **os.environ,
            "CALMREPLY_DATABASE_URL": settings.database_url,
            "CALMREPLY_MODEL": "playbook",
            "CALMREPLY_QUEUE_URL": settings.queue_url or "",
            "CALMREPLY_PUBLIC_URL": settings.public_url,
            "CALMREPLY_JOB_LEASE_S": str(settings.job_lease_s),
            "CALMREPLY_JOB_BACKOFF_S": str(settings.job_backoff_s),
            "CALMREPLY_CHATWOOT_BASE_URL": settings.chatwoot.base_url or "",
            "CALMREPLY_CHATWOOT_API_TOKEN": "cw-token",
            "CALMREPLY_CHATWOOT_COMPANY_NAME": "Nairahost",
        }
        if not settings.queue_url:
            env.pop("CALMREPLY_QUEUE_URL")
        self.log = tmp_path / f"{name}.log"
        self._log_file = self.log.open("w")  # closed by stop(): an open handle left to the collector is a ResourceWarning
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "worker", "--threads", str(threads)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=self._log_file,
        )

    def wait_ready(self) -> None:
        wait_for(lambda: "calmreply worker " in self.log.read_text() or self.proc.poll() is not None, timeout_s=120)
        assert self.proc.poll() is None, self.log.read_text()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log_file.close()


def _states(client: TestClient, ids: list[str]) -> list[str]:
    return [client.get(f"/v1/integrations/jobs/{i}").json()["state"] for i in ids]


def test_kill_9_with_jobs_pending_loses_none_and_posts_no_second_note(tmp_path: Path, chatwoot: FakeChatwoot, zammad: FakeZammad) -> None:
    from api.main import create_app

    settings = connector_settings(tmp_path, chatwoot, zammad, queue_workers=0, job_lease_s=2)
    chatwoot.gate = gate = threading.Event()  # the helpdesk keeps the first note, then hangs
    with TestClient(create_app(settings)) as client:
        ids = [post_chatwoot(client, chatwoot_event(1000 + i, conversation_id=30 + i)).json()["job_id"] for i in range(3)]
        first = Worker(tmp_path, "first", settings, threads=1)
        try:
            assert chatwoot.writes_arrived.wait(120), first.log.read_text()
            first.proc.send_signal(signal.SIGKILL)
            first.proc.wait()
        finally:
            first.stop()
        chatwoot.gate = None
        gate.set()
        assert sorted(_states(client, ids)) == ["queued", "queued", "running"]
        assert len(chatwoot.notes()) == 1  # the note the helpdesk saved before the worker died
        time.sleep(2.5)  # the dead worker's lease runs out
        second = Worker(tmp_path, "second", settings, threads=2)
        try:
            wait_for(lambda: _states(client, ids) == ["done"] * 3, timeout_s=120)
        finally:
            second.stop()
        resumed = [client.get(f"/v1/integrations/jobs/{i}").json() for i in ids]
    assert [len(chatwoot.notes(conversation=30 + i)) for i in range(3)] == [1, 1, 1]
    assert len(chatwoot.posts()) == 3  # the resumed job found its note instead of posting it again
    assert sorted(j["attempts"] for j in resumed) == [1, 1, 2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("no redis-server binary (apt-get install redis-server); the Redis queue is not tested")
    redis = pytest.importorskip("redis")
    port = _free_port()
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)

    def up() -> bool:
        try:
            return bool(client.ping())
        except redis.ConnectionError:
            return False

    try:
        wait_for(up, timeout_s=20)
        yield url
    finally:
        client.close()
        proc.terminate()
        proc.wait(10)


def test_two_workers_over_redis_share_the_jobs_and_do_each_exactly_once(
    tmp_path: Path, chatwoot: FakeChatwoot, zammad: FakeZammad, redis_url: str
) -> None:
    from api.main import create_app

    settings = connector_settings(tmp_path, chatwoot, zammad, queue_workers=0, queue_url=redis_url)
    chatwoot.write_delay_s = 0.1  # a job takes a while, so both workers have work in hand
    workers = [Worker(tmp_path, f"w{i}", settings, threads=2) for i in range(2)]
    try:
        for w in workers:
            w.wait_ready()
        with TestClient(create_app(settings)) as client:
            ids = [post_chatwoot(client, chatwoot_event(2000 + i, conversation_id=100 + i)).json()["job_id"] for i in range(24)]
            wait_for(lambda: set(_states(client, ids)) == {"done"}, timeout_s=180)
            done = [client.get(f"/v1/integrations/jobs/{i}").json() for i in ids]
    finally:
        for w in workers:
            w.stop()
    assert [len(chatwoot.notes(conversation=100 + i)) for i in range(24)] == [1] * 24
    assert len(chatwoot.posts()) == 24 and {j["attempts"] for j in done} == {1}
    pids = {str(w.proc.pid) for w in workers}
    assert {j["worker"].rsplit(":", 1)[1] for j in done} == pids  # both did some
